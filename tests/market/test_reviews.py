"""Reviews: verified purchases only, one per product per order, the vendor's one reply, hiding."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from config.errors import ApplicationError
from market.models import Review
from market.reviews import rating_summary, review_create, review_hide, review_reply, visible_reviews
from orders.models import ActorRole
from orders.services import LineRequest, order_place
from tests.market.trust_helpers import DELIVERY, complete, key, place, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def bought(stall, vendor_user, buyer_user):
    """A completed order of B01 and B02 together."""
    vendor, products = stall
    order = order_place(
        buyer_id=buyer_user.pk,
        vendor_id=vendor.pk,
        placed_by_id=buyer_user.pk,
        client_key=key(),
        channel="stall_cart",
        lines=[LineRequest(products["B01"].pk, 2), LineRequest(products["B02"].pk, 1)],
        delivery=DELIVERY,
    )
    return complete(order, vendor_user=vendor_user, at=timezone.now() - timedelta(days=3)), products


def test_the_buyer_reviews_each_product_of_a_completed_order_once(bought, buyer_user):
    order, products = bought
    review = review_create(
        order_number=order.number,
        buyer=buyer_user,
        product_id=products["B01"].pk,
        stars=5,
        text="  Bưởi ngọt, mọng nước  ",
    )
    assert (review.vendor_id, review.product_id, review.stars, review.text) == (
        order.vendor_id,
        products["B01"].pk,
        5,
        "Bưởi ngọt, mọng nước",
    )
    with pytest.raises(ApplicationError) as again:
        review_create(order_number=order.number, buyer=buyer_user, product_id=products["B01"].pk, stars=1, text="Đổi ý")
    assert again.value.code == "already_done" and "đã đánh giá" in str(again.value.message)
    review_create(order_number=order.number, buyer=buyer_user, product_id=products["B02"].pk, stars=2)
    assert Review.objects.count() == 2
    assert rating_summary(vendor_id=order.vendor_id) == {
        "count": 2,
        "average": 3.5,
        "stars": {5: 1, 4: 0, 3: 0, 2: 1, 1: 0},
    }
    assert rating_summary(product_id=products["B01"].pk)["count"] == 1


def test_no_review_without_a_completed_order_of_that_buyer(bought, stall, buyer_user, vendor_user, make_user):
    order, products = bought
    stranger = make_user("khac@example.vn", roles=[Role.CONSUMER])
    cases = [
        # someone else's completed order
        dict(order_number=order.number, buyer=stranger, product_id=products["B01"].pk),
        # a product the order does not have
        dict(order_number=order.number, buyer=buyer_user, product_id=products["B03"].pk),
        # no such order
        dict(order_number="CDM-26-999999", buyer=buyer_user, product_id=products["B01"].pk),
    ]
    codes = []
    for case in cases:
        with pytest.raises(ApplicationError) as refused:
            review_create(stars=5, text="Tốt", **case)
        codes.append(refused.value.code)
    assert codes == ["not_verified_purchase", "invalid", "not_verified_purchase"]
    # an order still on its way; a practice order completed
    shipped = place(buyer_user, products["B03"])
    step(shipped, "confirm", vendor_user, ActorRole.VENDOR)
    with pytest.raises(ApplicationError) as waiting:
        review_create(order_number=shipped.number, buyer=buyer_user, product_id=products["B03"].pk, stars=4)
    assert waiting.value.code == "order_not_completed" and "chưa hoàn thành" in str(waiting.value.message)
    practice = complete(place(buyer_user, products["B03"], sandbox=True), vendor_user=vendor_user, at=timezone.now())
    with pytest.raises(ApplicationError) as sandbox:
        review_create(order_number=practice.number, buyer=buyer_user, product_id=products["B03"].pk, stars=4)
    assert sandbox.value.code == "not_verified_purchase"
    for stars in (0, 6, "5", None, True):
        with pytest.raises(ApplicationError):
            review_create(order_number=order.number, buyer=buyer_user, product_id=products["B01"].pk, stars=stars)
    with pytest.raises(ApplicationError):
        review_create(
            order_number=order.number, buyer=buyer_user, product_id=products["B01"].pk, stars=5, text="x" * 2001
        )
    assert not Review.objects.exists()


def test_the_vendor_replies_once_and_only_the_vendor(bought, buyer_user, vendor_user, organizer_user):
    order, products = bought
    review = review_create(
        order_number=order.number, buyer=buyer_user, product_id=products["B01"].pk, stars=3, text="Giao chậm"
    )
    for actor in (buyer_user, organizer_user):
        with pytest.raises(ApplicationError) as refused:
            review_reply(review_id=review.pk, actor=actor, text="Không phải shop")
        assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        review_reply(review_id=review.pk, actor=vendor_user, text="   ")
    review_reply(review_id=review.pk, actor=vendor_user, text="Shop xin lỗi, đợt sau giao sớm hơn ạ")
    with pytest.raises(ApplicationError) as twice:
        review_reply(review_id=review.pk, actor=vendor_user, text="Trả lời lần hai")
    assert twice.value.code == "already_done"
    review.refresh_from_db()
    assert review.reply == "Shop xin lỗi, đợt sau giao sớm hơn ạ" and review.replied_by == vendor_user


def test_organizers_hide_an_abusive_review_with_a_reason(bought, buyer_user, vendor_user, organizer_user):
    order, products = bought
    abusive = review_create(
        order_number=order.number, buyer=buyer_user, product_id=products["B01"].pk, stars=1, text="Lời lẽ xúc phạm"
    )
    kept = review_create(
        order_number=order.number, buyer=buyer_user, product_id=products["B02"].pk, stars=5, text="Mật ong thơm"
    )
    with pytest.raises(ApplicationError) as not_theirs:
        review_hide(review_id=abusive.pk, actor=vendor_user, reason="Không thích")
    assert not_theirs.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        review_hide(review_id=abusive.pk, actor=organizer_user, reason="")
    review_hide(review_id=abusive.pk, actor=organizer_user, reason="Ngôn từ xúc phạm người bán")
    assert list(visible_reviews(vendor_id=order.vendor_id)) == [kept]
    assert rating_summary(vendor_id=order.vendor_id)["average"] == 5.0
    with pytest.raises(ApplicationError) as again:
        review_hide(review_id=abusive.pk, actor=organizer_user, reason="Lần nữa")
    assert again.value.code == "already_done"
    with pytest.raises(ApplicationError):
        review_reply(review_id=abusive.pk, actor=vendor_user, text="Trả lời")
    abusive.refresh_from_db()
    assert abusive.hidden_reason == "Ngôn từ xúc phạm người bán" and abusive.hidden_by == organizer_user
