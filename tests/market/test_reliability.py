"""Reliability records: exact figures on a known set of orders in several states; practice
orders never counted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from market.reliability import buyer_record, buyer_records, vendor_record, vendor_records
from orders.models import ActorRole
from tests.market.trust_helpers import complete, dispute, place, second_stall, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(stall, vendor_user, buyer_user, organizer_user, make_user):
    """Buyer A (``buyer_user``) and buyer B at vendor V (``stall``), and A at vendor W."""
    vendor, products = stall
    b01 = products["B01"]
    now = timezone.now()
    t = now - timedelta(days=20)
    buyer_b = make_user("nguoimua.b@example.vn", roles=[Role.CONSUMER], full_name="Vũ Thị Lan")
    _owner_w, vendor_w, w01 = second_stall(make_user)
    owner_w = _owner_w
    a = buyer_user

    # 1: completed on time; a dispute the vendor won (rejected).
    o1 = complete(place(a, b01, at=t), vendor_user=vendor_user, at=t, confirm_after=timedelta(hours=2))
    dispute(
        o1, buyer=a, vendor_user=vendor_user, organizer=organizer_user, decision="rejected", at=t + timedelta(days=2)
    )
    # 2: completed, confirmed after 30 h and shipped 50 h later (both late); a dispute lost (partial refund).
    o2 = complete(
        place(a, b01, at=t),
        vendor_user=vendor_user,
        at=t,
        confirm_after=timedelta(hours=30),
        ship_after=timedelta(hours=50),
    )
    dispute(
        o2,
        buyer=a,
        vendor_user=vendor_user,
        organizer=organizer_user,
        decision="partial_refund",
        amount=10_000,
        at=t + timedelta(days=5),
    )
    # 3: refused at the door, parcel back at the shop.
    o3 = place(a, b01, at=t)
    step(o3, "confirm", vendor_user, ActorRole.VENDOR, at=t + timedelta(hours=1))
    step(o3, "ship", vendor_user, ActorRole.VENDOR, at=t + timedelta(hours=2), data={"own_delivery": True})
    step(o3, "refuse_at_door", vendor_user, ActorRole.VENDOR, at=t + timedelta(days=1), reason="Không nghe máy")
    step(o3, "return_received", vendor_user, ActorRole.VENDOR, at=t + timedelta(days=2))
    # 4: cancelled by the buyer; 5: declined by the vendor.
    step(place(a, b01, at=t), "buyer_cancel", a, ActorRole.BUYER, at=t + timedelta(hours=1))
    step(place(a, b01, at=t), "decline", vendor_user, ActorRole.VENDOR, at=t + timedelta(hours=1), reason="Hết mùa")
    # 6: still waiting 30 h after placement (late); 7: placed an hour ago (not due).
    place(a, b01, at=now - timedelta(hours=30))
    place(a, b01, at=now - timedelta(hours=1))
    # 8: confirmed on time 50 h ago, not shipped yet (late to ship).
    o8 = place(a, b01, at=now - timedelta(hours=51))
    step(o8, "confirm", vendor_user, ActorRole.VENDOR, at=now - timedelta(hours=50))
    # Practice orders of A at V: refused at the door, cancelled, completed. Never counted.
    p1 = place(a, b01, sandbox=True, at=t)
    step(p1, "confirm", vendor_user, ActorRole.VENDOR, at=t + timedelta(hours=40))
    step(p1, "ship", vendor_user, ActorRole.VENDOR, at=t + timedelta(hours=99), data={"own_delivery": True})
    step(p1, "refuse_at_door", vendor_user, ActorRole.VENDOR, at=t + timedelta(hours=100), reason="Thực hành")
    step(place(a, b01, sandbox=True, at=t), "buyer_cancel", a, ActorRole.BUYER)
    complete(place(a, b01, sandbox=True, at=t), vendor_user=vendor_user, at=t, confirm_after=timedelta(hours=70))
    # 10: buyer B, completed on time, then refunded by a dispute decision (lost).
    o10 = complete(place(buyer_b, b01, at=t), vendor_user=vendor_user, at=t)
    dispute(
        o10,
        buyer=buyer_b,
        vendor_user=vendor_user,
        organizer=organizer_user,
        decision="refund",
        at=t + timedelta(days=2),
    )
    # A at vendor W: completed; cancelled by the organizers (not the buyer's cancellation).
    complete(place(a, w01, at=t), vendor_user=owner_w, at=t)
    step(
        place(a, w01, at=t),
        "organizer_cancel",
        organizer_user,
        ActorRole.ORGANIZER,
        at=t + timedelta(hours=1),
        reason="Shop tạm nghỉ",
    )
    return {"a": a, "b": buyer_b, "v": vendor, "w": vendor_w, "now": now}


def test_the_buyers_record_counts_every_vendor_and_only_their_own_doing(history, make_user):
    a = buyer_record(history["a"].pk)
    assert (a.orders, a.completed, a.refused, a.cancelled) == (10, 3, 1, 1)
    assert a.completed_percent == 30
    assert a.needs_care and not a.is_blocked
    b = buyer_record(history["b"].pk)
    assert (b.orders, b.completed, b.refused, b.cancelled) == (1, 1, 0, 0)
    newcomer = make_user("moi@example.vn", roles=[Role.CONSUMER])
    records = buyer_records([history["a"].pk, history["b"].pk, newcomer.pk])
    assert records[newcomer.pk].is_new and records[newcomer.pk].orders == 0
    assert records[history["a"].pk].orders == 10


def test_the_vendors_record_on_time_late_and_disputes_lost(history):
    v = vendor_record(history["v"].pk, now=history["now"])
    assert v.orders == 9
    assert (v.confirm_due, v.confirmed_on_time, v.confirmed_on_time_percent) == (6, 4, 67)
    assert (v.ship_due, v.shipped_on_time, v.shipped_on_time_percent) == (5, 3, 60)
    assert v.declined == 1
    assert (v.disputes, v.disputes_lost) == (3, 2)
    w = vendor_records([history["w"].pk], now=history["now"])[history["w"].pk]
    assert (w.orders, w.confirm_due, w.confirmed_on_time, w.ship_due, w.shipped_on_time) == (2, 1, 1, 1, 1)
    assert (w.disputes, w.disputes_lost) == (0, 0)


def test_records_take_a_few_queries_however_many_people(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        buyer_records([history["a"].pk, history["b"].pk])
    with django_assert_max_num_queries(2):
        vendor_records([history["v"].pk, history["w"].pk])
