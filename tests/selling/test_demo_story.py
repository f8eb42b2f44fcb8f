"""The demo tells one story (issue 15, item 12), in last Friday's ended show: every moment of its
replay falls inside the show, in the order things happen (an order is placed before the shop
confirms it, a flash sale is scheduled before it opens), and its orders were placed then."""

import re

import pytest
from django.test import Client

from accounts import demo as accounts_demo
from accounts.models import User
from live import demo as live_demo
from live.models import RoomEvent, Show, ViewerSample
from orders.models import Order, OrderEvent
from selling import demo
from selling.models import FlashSale, OrderIntent
from vendors import demo as vendors_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_show() -> Show:
    for module in (accounts_demo, vendors_demo, live_demo, demo):
        module.seed(lambda line: None)
    return Show.objects.get(title=demo.PAST_TITLE)


def test_every_moment_of_the_ended_show_is_inside_it_and_in_order(past_show):
    start, end = past_show.started_at, past_show.ended_at
    assert start < end

    def inside(moment) -> bool:
        return start <= moment <= end

    assert all(inside(at) for at in RoomEvent.objects.filter(room=past_show.room).values_list("created_at", flat=True))
    assert all(inside(at) for at in ViewerSample.objects.filter(room=past_show.room).values_list("minute", flat=True))

    intents = list(OrderIntent.objects.filter(show=past_show))
    assert {i.source for i in intents} == {OrderIntent.Source.CHAT, OrderIntent.Source.FLASH_SALE}
    for intent in intents:
        assert inside(intent.created_at) and inside(intent.decided_at), (
            intent.product_code,
            intent.created_at,
            intent.decided_at,
        )
        assert intent.created_at <= intent.decided_at, intent.product_code  # ordered, then answered

    sales = list(FlashSale.objects.filter(offer__show=past_show))
    assert sales
    for sale in sales:
        assert inside(sale.opens_at) and inside(sale.ended_at) and sale.opens_at <= sale.ended_at  # opened, sold out
    for intent in intents:
        if intent.flash_sale_id:
            sale = next(s for s in sales if s.pk == intent.flash_sale_id)
            assert sale.opens_at <= intent.created_at <= sale.ended_at  # bought while the sale was open

    orders = {o.pk: o for o in Order.objects.filter(source_kind="show", source_id=past_show.pk)}
    confirmed = [i for i in intents if i.status == OrderIntent.Status.CONFIRMED]
    assert len(orders) == len(confirmed) > 0
    for intent in confirmed:
        order = orders[intent.order_id]
        assert inside(order.placed_at) and intent.created_at <= order.placed_at, (intent.product_code, order.placed_at)
        first = OrderEvent.objects.filter(order=order).order_by("created_at", "pk").first()
        assert first.created_at == order.placed_at


def test_the_replay_reads_from_the_first_to_the_last_minute_of_the_show(past_show):
    sale = FlashSale.objects.get(offer__show=past_show)
    assert past_show.started_at <= sale.created_at <= sale.opens_at  # scheduled during the show, before it opened
    host = Client()
    host.force_login(User.objects.get(email="chuthe@demo.chodem.vn"))
    html = host.get(f"/ban-hang/buoi/{past_show.pk}/phat-lai/").content.decode()
    offsets = [int(n) for n in re.findall(r'data-offset="(-?\d+)"', html)]
    clocks = re.findall(r'<time class="replay__time"[^>]*>([^<]+)</time>', html)
    length = int((past_show.ended_at - past_show.started_at).total_seconds())
    assert len(offsets) == len(clocks) > 20
    assert offsets == sorted(offsets)
    assert offsets[0] >= 0 and offsets[-1] <= length, (clocks[0], clocks[-1])  # no "1151:36" after a 30-minute show
    assert clocks[-1] == "30:00"  # the show's end is the replay's last line
    assert html.count("Flash sale B01") >= 3  # scheduled, opened, ended: each inside the show
