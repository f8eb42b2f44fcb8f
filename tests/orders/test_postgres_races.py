"""Races on the one order path, each thread with its own database connection.

They run on whatever database the suite runs: on SQLite (``make test``) the write
transactions are serialised (``BEGIN IMMEDIATE``), on PostgreSQL (``.ci/run``'s second
pass) they truly overlap and only the row locks, conditional UPDATEs and unique indexes
keep the outcomes right. Never skipped.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Sum
from django.utils import timezone

from config.errors import ApplicationError
from live.services import show_create
from orders import services as order_services
from orders.models import Channel, Order, OrderEvent, OrderLine
from selling.models import ShowOffer
from selling.services.offers import allocation_take
from vendors.models import Product

DELIVERY = {"name": "Phạm Thu Trang", "phone": "0912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}


def _threads(count: int, work):
    """Run ``work(n)`` for n in 0..count-1, all released together; each thread closes its connection."""
    start = threading.Barrier(count)

    def run(n):
        try:
            start.wait(timeout=60)
            return work(n)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.django_db(transaction=True)
def test_1000_concurrent_placements_with_one_key_make_one_order(stall, buyer_user):
    """50 threads × 20 taps of the same "Đặt hàng" (one client key): one order, one reservation."""
    vendor, products = stall
    b02 = products["B02"]

    def taps(_n):
        numbers = []
        for _tap in range(20):
            order = order_services.order_place(
                buyer_id=buyer_user.pk, vendor_id=vendor.pk, placed_by_id=buyer_user.pk, client_key="one-tap",
                channel=Channel.STALL_CART, delivery=DELIVERY, expected_total=3 * 180_000,
                lines=[order_services.LineRequest(product_id=b02.pk, quantity=3)],
            )
            numbers.append(order.number)
        return numbers

    numbers = [n for batch in _threads(50, taps) for n in batch]
    assert len(numbers) == 1000 and len(set(numbers)) == 1
    assert Order.objects.count() == 1
    assert OrderEvent.objects.count() == 1 and OrderLine.objects.get().quantity == 3
    b02.refresh_from_db()
    assert (b02.stock, b02.stock_reserved) == (40, 3)


@pytest.mark.django_db(transaction=True)
def test_two_shows_and_a_stall_cart_racing_for_the_last_units_never_oversell(stall, vendor_user):
    """Two shows put the same product on offer (each holds what it can) while 40 buyers order it
    from the stall cart, all at once: what the shows hold plus what was ordered never exceeds
    the stock, and the reservation is exactly their sum."""
    vendor, products = stall
    b03 = products["B03"]  # 15 units
    now = timezone.now()
    shows = [
        show_create(title=f"Phiên {n}", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))
        for n in (1, 2)
    ]
    User = get_user_model()
    User.objects.bulk_create([User(email=f"dua{n}@example.vn", first_name=f"Người mua {n}") for n in range(40)])
    buyers = list(User.objects.filter(email__startswith="dua").order_by("pk").values_list("pk", flat=True))

    def work(n):
        if n < 2:  # a show's host chooses the product: its offer holds what is still available
            product = Product.objects.get(pk=b03.pk)
            units = allocation_take(product_id=product.pk, sandbox=False)
            ShowOffer.objects.create(show=shows[n], product=product, position=0, stock_left=units)
            return ("show", units)
        buyer = buyers[n - 2]
        try:
            order_services.order_place(
                buyer_id=buyer, vendor_id=vendor.pk, placed_by_id=buyer, client_key=f"cart-{buyer}",
                channel=Channel.STALL_CART, delivery=DELIVERY,
                lines=[order_services.LineRequest(product_id=b03.pk, quantity=1)],
            )
            return ("cart", 1)
        except ApplicationError as exc:
            return (exc.code, 0)

    outcomes = _threads(42, work)
    codes = Counter(code for code, _units in outcomes)
    assert set(codes) <= {"show", "cart", "not_enough_stock"}, codes
    held_by_shows = sum(units for code, units in outcomes if code == "show")
    ordered = OrderLine.objects.filter(product=b03).aggregate(n=Sum("quantity"))["n"] or 0
    assert ordered == codes["cart"]
    b03.refresh_from_db()
    assert held_by_shows + ordered <= b03.stock == 15
    assert b03.stock_reserved == held_by_shows + ordered
    assert ShowOffer.objects.filter(product=b03).aggregate(n=Sum("stock_left"))["n"] == held_by_shows
    # Nothing left unsold by a lost race: one of the sellers took every unit.
    assert held_by_shows + ordered == 15
