"""The orders demo: after `seed_demo`, the demo buyer has an order in every state, the vendor's
desk and the organizers see them, a dispute went open → answered → decided, and a second
seed changes nothing."""

import importlib.util
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import User
from live import demo as live_demo
from orders import demo
from orders.models import Dispute, Order, OrderEvent, Status
from selling import demo as selling_demo
from vendors import demo as vendors_demo

pytestmark = pytest.mark.django_db


def _seed_orders() -> float:
    started = time.monotonic()
    demo.seed(lambda line: None)
    return time.monotonic() - started


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_demo_has_every_state_for_the_buyer_seen_by_the_vendor_and_the_organizers_and_seeds_once():
    for module in (accounts_demo, vendors_demo, live_demo, selling_demo):
        module.seed(lambda line: None)
    elapsed = _seed_orders()
    assert elapsed < 3, elapsed

    buyer = User.objects.get(email=demo.BUYER)
    mine = Order.objects.filter(buyer=buyer, sandbox=False)
    assert set(mine.values_list("status", flat=True)) == set(Status.values)
    shipped = mine.filter(status=Status.SHIPPED)
    assert shipped.filter(own_delivery=True).exists()
    assert shipped.exclude(carrier="").exclude(tracking_code="").exists()
    assert mine.get(status=Status.DECLINED).events.get(action="decline").reason
    assert mine.get(status=Status.CANCELLED).events.get(action="buyer_cancel").actor == buyer
    assert OrderEvent.objects.filter(order__buyer=buyer, action="record_receipt", actor_role="organizer").exists()
    assert OrderEvent.objects.filter(order__buyer=buyer, action="refuse_at_door").count() == 2
    for email in (demo.DISTRIBUTOR, demo.RETAILER):
        assert Order.objects.filter(buyer__email=email).exclude(status=Status.PLACED).exists()

    # Every history in order, never in the future, never before its show started; prices as catalogued.
    now = timezone.now()
    past_show = Order.objects.filter(source_label=demo.PAST_TITLE).exclude(client_key__startswith="demo:")
    show_start = min(past_show.values_list("placed_at", flat=True)) - timedelta(minutes=6)
    for order in Order.objects.prefetch_related("events", "lines__product"):
        stamps = [event.created_at for event in order.events.all()]
        assert stamps == sorted(stamps) and stamps[-1] <= now, order.number
        assert stamps[0] == order.placed_at
        if order.source_label == demo.PAST_TITLE:
            assert order.placed_at >= show_start, order.number
        if order.client_key.startswith("demo:"):
            assert all(line.unit_price == line.product.price for line in order.lines.all())

    # What each of them sees.
    numbers = set(mine.values_list("number", flat=True))
    page = _client(demo.BUYER).get(reverse("orders:mine"))
    assert page.status_code == 200
    html = page.content.decode()
    assert all(number in html for number in numbers)
    vendor = _client(demo.HOST)
    desk = vendor.get(reverse("orders:desk")).content.decode()
    assert all(number in desk for number in numbers)
    assert str(Status.REFUSED.label) in desk and str(Status.PAYMENT_RECORDED.label) in desk
    organizer = _client(demo.ORGANIZER)
    detail = organizer.get(mine.get(channel="flash_sale").get_absolute_url())
    assert detail.status_code == 200 and "2 quả bị dập" in detail.content.decode()
    try:
        console = reverse("orders:console")
    except NoReverseMatch:
        console = None  # the console is being built alongside (issue 11); its own tests cover it
    if console is not None:
        page = organizer.get(console)
        assert page.status_code == 200
        html = page.content.decode()
        assert all(number in html for number in mine.filter(status=Status.PLACED).values_list("number", flat=True))

    # A second seed adds nothing and moves nothing.
    before = (
        list(Order.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        OrderEvent.objects.count(),
        Dispute.objects.count(),
    )
    _seed_orders()
    after = (
        list(Order.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        OrderEvent.objects.count(),
        Dispute.objects.count(),
    )
    assert after == before

    # The dispute: the buyer opened it, the vendor answered, an organizer decided.
    if importlib.util.find_spec("orders.disputes") is None:
        pytest.skip("orders.disputes (the dispute services) is not there yet: the demo has no dispute")
    dispute = Dispute.objects.filter(order__buyer=buyer).first()
    assert dispute is not None, "no demo dispute (orders.disputes missing?)"
    assert dispute.state == Dispute.State.DECIDED
    assert dispute.vendor_answer and dispute.decision and dispute.decision_reason
    assert dispute.opened_at < dispute.answered_at < dispute.decided_at <= now
    assert dispute.order.events.filter(action="organizer_contacted", actor__email=demo.ORGANIZER).exists()
    try:
        url = reverse("orders:dispute", kwargs={"number": dispute.order.number, "pk": dispute.pk})
    except NoReverseMatch:
        return  # the dispute pages are being built alongside (issue 11)
    for email in (demo.BUYER, demo.HOST, demo.ORGANIZER):
        page = _client(email).get(url)
        assert page.status_code == 200 and "178.000 ₫" in page.content.decode(), email


def test_a_show_seeded_hours_ago_has_its_steps_compressed_between_its_start_and_now():
    now = timezone.now()
    placed = now - timedelta(hours=5)
    plan = next(p for p in demo.PLANS if p.dispute)
    fit = demo._fit(placed, plan, now)
    times = [fit(step.hours) for step in plan.steps] + [fit(demo.DISPUTE["decide"][0])]
    assert times == sorted(times)
    assert placed < times[0] and times[-1] <= now - timedelta(minutes=10)
    relaxed = demo._fit(now - timedelta(days=6), plan, now)  # a week's room: the planned hours as they are
    assert relaxed(13.6) == now - timedelta(days=6) + timedelta(hours=13.6)
