"""The selling demo: a newcomer finds products on offer in the live show, and last week's
ended show has analytics worth opening. Seeding twice changes nothing."""

import pytest
from django.test import Client

from accounts import demo as accounts_demo
from accounts.models import User
from live import demo as live_demo
from live.models import Show
from orders.models import Order
from selling import demo
from selling.models import OrderIntent, ShowOffer
from vendors import demo as vendors_demo

pytestmark = pytest.mark.django_db


def _seed():
    for module in (accounts_demo, vendors_demo, live_demo, demo):
        module.seed(lambda line: None)


def test_demo_has_a_live_show_with_products_on_offer_and_an_ended_show_with_analytics():
    _seed()
    live = Show.objects.get(title=live_demo.LIVE_TITLE)
    offers = ShowOffer.objects.filter(show=live)
    assert sorted(offers.values_list("product__code", flat=True)) == sorted(demo.OFFERED_CODES)
    assert offers.get(is_pinned=True).product.code == "B01"
    assert live.state == Show.State.LIVE  # a flash sale can be started right away

    past = Show.objects.get(title=demo.PAST_TITLE)
    counts = (OrderIntent.objects.count(), Order.objects.count(), ShowOffer.objects.count())
    _seed()
    assert (OrderIntent.objects.count(), Order.objects.count(), ShowOffer.objects.count()) == counts

    host = Client()
    host.force_login(User.objects.get(email="chuthe@demo.chodem.vn"))
    page = host.get(f"/ban-hang/buoi/{past.pk}/thong-ke/")
    assert page.status_code == 200
    assert "3.732.000 ₫" in page.content.decode()  # the confirmed chat orders and the sold-out flash sale
    watch = host.get(f"/phong-live/{live.pk}/")
    assert "Bưởi đỏ Đông Cao" in watch.content.decode()
