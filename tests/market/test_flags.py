"""Organizers flag or block a buyer (audited); a blocked buyer's order is refused, nothing placed."""

import pytest

from accounts.roles import Role
from config.errors import ApplicationError
from market.flags import buyer_flag
from market.models import BuyerFlag, BuyerFlagEvent
from market.reliability import buyer_record
from orders import checks
from orders.models import Order, OrderEvent
from tests.market.trust_helpers import place
from vendors.models import Product

pytestmark = pytest.mark.django_db


def test_a_blocked_buyer_places_nothing_and_is_told_why(stall, buyer_user, organizer_user):
    _vendor, products = stall
    b01 = products["B01"]
    buyer_flag(buyer_id=buyer_user.pk, actor=organizer_user, level="blocked", reason="Bom hàng 5 lần")
    with pytest.raises(ApplicationError) as refused:
        place(buyer_user, b01, quantity=2)
    assert refused.value.code == "buyer_blocked"
    assert "tạm chặn mua hàng" in str(refused.value.message)
    assert Order.objects.count() == 0 and OrderEvent.objects.count() == 0
    assert Product.objects.get(pk=b01.pk).stock == 300  # nothing reserved
    # Practice orders are not real sales: still allowed.
    assert place(buyer_user, b01, sandbox=True).sandbox
    # Cleared: the buyer buys again.
    buyer_flag(buyer_id=buyer_user.pk, actor=organizer_user, level="cleared", reason="Đã gọi điện, cam kết nhận hàng")
    assert place(buyer_user, b01).status == "placed"
    levels = list(BuyerFlagEvent.objects.order_by("created_at", "pk").values_list("level", "reason", "actor_id"))
    assert levels == [
        ("blocked", "Bom hàng 5 lần", organizer_user.pk),
        ("cleared", "Đã gọi điện, cam kết nhận hàng", organizer_user.pk),
    ]


def test_a_flag_warns_without_blocking_and_shows_in_the_record(stall, buyer_user, organizer_user):
    _vendor, products = stall
    buyer_flag(buyer_id=buyer_user.pk, actor=organizer_user, level="flagged", reason="Hay đổi địa chỉ")
    assert place(buyer_user, products["B01"]).status == "placed"
    record = buyer_record(buyer_user.pk)
    assert record.flag.level == "flagged" and record.flag.reason == "Hay đổi địa chỉ" and not record.is_blocked


@pytest.mark.parametrize(
    ("who", "level", "reason", "code"),
    [
        ("vendor", "blocked", "Bom hàng", "forbidden"),
        ("buyer", "blocked", "Bom hàng", "forbidden"),
        ("organizer", "blocked", "  ", "invalid"),
        ("organizer", "banned", "Bom hàng", "invalid"),
        ("organizer", "cleared", "Không có gì", "invalid"),
        ("organizer", "blocked", "x" * 301, "invalid"),
    ],
)
def test_bad_flags_are_refused_and_change_nothing(who, level, reason, code, buyer_user, vendor_user, organizer_user):
    actor = {"vendor": vendor_user, "buyer": buyer_user, "organizer": organizer_user}[who]
    target = buyer_user if who != "buyer" else vendor_user
    with pytest.raises(ApplicationError) as refused:
        buyer_flag(buyer_id=target.pk, actor=actor, level=level, reason=reason)
    assert refused.value.code == code
    assert not BuyerFlag.objects.exists() and not BuyerFlagEvent.objects.exists()


def test_placement_checks_run_in_order_place_and_can_be_removed(stall, make_user):
    _vendor, products = stall
    buyer = make_user("kiemtra@example.vn", roles=[Role.CONSUMER])
    seen = []

    def refuse(placement):
        seen.append(placement)
        raise ApplicationError("Không", code="nope")

    checks.register(refuse)
    try:
        with pytest.raises(ApplicationError):
            place(buyer, products["B02"])
    finally:
        checks.unregister(refuse)
    assert seen[0].buyer_id == buyer.pk and seen[0].vendor_id == products["B02"].vendor_id and not seen[0].sandbox
    assert place(buyer, products["B02"]).status == "placed"
