"""Business profiles (tax code format, the organizers' review, invite codes) and cross-selling."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import ApplicationError
from market.business import (
    business_profile_review,
    business_profile_submit,
    cross_selling_q,
    invite_code_create,
    order_is_cross_selling,
    tax_code_clean,
)
from market.models import BusinessProfile, InviteCode
from orders.models import Channel, Order
from orders.services import LineRequest, order_place
from tests.market.buying_helpers import DELIVERY

PROFILE = {
    "kind": "distributor",
    "company": "Công ty TNHH Sen Vàng",
    "tax_code": "0312345678",
    "address": "45 Nguyễn Huệ, Q.1",
}


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("0312345678", "0312345678"),
        ("0312 345 678", "0312345678"),
        ("0312345678-001", "0312345678-001"),
        ("0312345678001", "0312345678-001"),
    ],
)
def test_tax_codes_of_10_or_13_digits_are_accepted(raw, stored):
    assert tax_code_clean(raw) == stored


@pytest.mark.parametrize("raw", ["", "031234567", "03123456789", "0312345678-01", "MST0312345678", "0312345678-0011"])
def test_other_tax_codes_are_refused(raw):
    with pytest.raises(ApplicationError) as refused:
        tax_code_clean(raw)
    assert "10 chữ số" in refused.value.message and "tax_code" in refused.value.fields


def test_a_profile_waits_for_the_organizers_who_verify_or_reject_it(make_user, organizer_user, buyer_user):
    user = make_user("sen@example.vn")
    profile = business_profile_submit(user=user, **PROFILE)
    assert profile.state == "pending"
    with pytest.raises(ApplicationError):
        business_profile_review(profile_id=profile.pk, actor=buyer_user, verify=True)
    with pytest.raises(ApplicationError) as no_reason:
        business_profile_review(profile_id=profile.pk, actor=organizer_user, verify=False)
    assert "note" in no_reason.value.fields
    profile = business_profile_review(profile_id=profile.pk, actor=organizer_user, verify=True)
    assert profile.state == "verified" and profile.reviewed_by == organizer_user
    # A new address keeps it verified; a new tax code sends it back to the organizers.
    assert business_profile_submit(user=user, **{**PROFILE, "address": "1 Lê Lợi"}).state == "verified"
    assert business_profile_submit(user=user, **{**PROFILE, "tax_code": "0312345679"}).state == "pending"


def test_a_tax_code_is_one_accounts(make_user):
    business_profile_submit(user=make_user("a@example.vn"), **PROFILE)
    with pytest.raises(ApplicationError) as taken:
        business_profile_submit(user=make_user("b@example.vn"), **PROFILE)
    assert taken.value.code == "tax_code_taken"


def test_an_invite_code_verifies_at_once_until_it_is_used_up(make_user, organizer_user, buyer_user):
    with pytest.raises(ApplicationError):
        invite_code_create(actor=buyer_user)
    code = invite_code_create(actor=organizer_user, max_uses=1)
    assert code.code.startswith("CDM-") and len(code.code) == 13
    profile = business_profile_submit(user=make_user("a@example.vn"), **PROFILE, invite_code=code.code.lower())
    assert (profile.state, profile.invite_code, profile.reviewed_by) == ("verified", code, organizer_user)
    with pytest.raises(ApplicationError) as used:
        business_profile_submit(
            user=make_user("b@example.vn"), **{**PROFILE, "tax_code": "0300000001"}, invite_code=code.code
        )
    assert used.value.code == "invite_used"
    assert InviteCode.objects.get().uses == 1 and BusinessProfile.objects.count() == 1


def test_an_expired_or_wrong_kind_invite_is_refused(make_user, organizer_user):
    code = invite_code_create(actor=organizer_user, kind="retailer")
    with pytest.raises(ApplicationError) as kind:
        business_profile_submit(user=make_user("a@example.vn"), **PROFILE, invite_code=code.code)
    assert kind.value.code == "invite_kind"
    InviteCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ApplicationError) as expired:
        business_profile_submit(
            user=make_user("b@example.vn"), **{**PROFILE, "kind": "retailer"}, invite_code=code.code
        )
    assert expired.value.code == "invite_expired" and not BusinessProfile.objects.exists()


def test_a_vendor_buying_from_another_vendor_is_cross_selling(promoted_stall, second_stall, buyer_user):
    def buy(buyer, product, key):
        return order_place(
            buyer_id=buyer.pk, vendor_id=product.vendor_id, placed_by_id=buyer.pk, client_key=key,
            channel=Channel.STALL_CART, lines=[LineRequest(product_id=product.pk, quantity=1)], delivery=DELIVERY,
        )  # fmt: skip

    cross = buy(second_stall.user, promoted_stall.products["B01"], "x1")  # Chè Ba Vì's owner buys bưởi
    consumer = buy(buyer_user, promoted_stall.products["B02"], "x2")
    assert list(Order.objects.filter(cross_selling_q())) == [cross]
    assert order_is_cross_selling(cross) and not order_is_cross_selling(consumer)
