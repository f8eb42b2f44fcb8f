"""Reviews: a verified purchase's stars and words on a product and its vendor.

* ``review_create``: the buyer of a completed real order, once per product of that order,
  1–5 stars and up to 2,000 characters. Anyone else, an order not completed (or refunded
  since), a practice order, a product not in the order: refused with a clear message,
  nothing written.
* ``review_reply``: a member of the review's vendor, once.
* ``review_hide``: an organizer hides an abusive review with a reason (kept, shown to no one
  but organizers; the vendor's and product's averages leave it out).

Reads: ``visible_reviews``, ``rating_summary``, ``order_review_lines``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from market.models import Review
from orders.models import Order, Status
from orders.services import is_organizer
from vendors.models import VendorMember

TEXT_MAX = 2000
REASON_MAX = 300


class Code:
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    NOT_VERIFIED = "not_verified_purchase"
    NOT_COMPLETED = "order_not_completed"
    ALREADY = "already_done"


def _text(value: str, *, limit: int, field: str, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(required, code=Code.INVALID, fields={field: required})
    if len(value) > limit:
        message = _("Nội dung dài quá %(n)s ký tự.") % {"n": limit}
        raise ApplicationError(message, code=Code.INVALID, fields={field: message})
    return value


def _stars(stars) -> int:
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        message = _("Hãy chọn từ 1 đến 5 sao.")
        raise ApplicationError(message, code=Code.INVALID, fields={"stars": message})
    return stars


def _not_verified():
    return ApplicationError(
        _("Chỉ người đã mua và nhận hàng trong một đơn hàng hoàn thành mới đánh giá được sản phẩm này."),
        code=Code.NOT_VERIFIED,
        status=403,
    )


# ----------------------------------------------------------------------------- writes


def review_create(*, order_number: str, buyer, product_id: int, stars: int, text: str = "") -> Review:
    """The buyer reviews one product of their completed order; returns the review.

    Locking: none needed; the unique ``(order, product)`` index makes a second review of
    the same product (two taps, two tabs) fail and be refused as already written.
    """
    order = Order.objects.filter(number=order_number or "").first()
    if order is None or buyer is None or order.buyer_id != buyer.pk or order.sandbox:
        raise _not_verified()
    if order.status != Status.COMPLETED:
        raise ApplicationError(
            _("Đơn hàng %(number)s chưa hoàn thành: bạn đánh giá được sau khi đã nhận hàng và xác nhận thanh toán.")
            % {"number": order.number},
            code=Code.NOT_COMPLETED,
            status=409,
        )
    if not order.lines.filter(product_id=product_id).exists():
        message = _("Sản phẩm này không có trong đơn hàng %(number)s.") % {"number": order.number}
        raise ApplicationError(message, code=Code.INVALID, fields={"product_id": message})
    stars = _stars(stars)
    text = _text(text, limit=TEXT_MAX, field="text")
    already = _("Bạn đã đánh giá sản phẩm này trong đơn hàng %(number)s rồi.") % {"number": order.number}
    if Review.objects.filter(order=order, product_id=product_id).exists():
        raise ApplicationError(already, code=Code.ALREADY, status=409)
    try:
        with transaction.atomic():
            return Review.objects.create(
                order=order, buyer=buyer, vendor_id=order.vendor_id, product_id=product_id, stars=stars, text=text
            )
    except IntegrityError as exc:
        raise ApplicationError(already, code=Code.ALREADY, status=409) from exc


def _locked_review(review_id: int) -> Review:
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise ApplicationError(_("Không tìm thấy đánh giá."), code=Code.NOT_FOUND, status=404)
    return review


def review_reply(*, review_id: int, actor, text: str) -> Review:
    """A member of the review's vendor answers it, once. Locking: the review's row."""
    text = _text(text, limit=TEXT_MAX, field="reply", required=_("Hãy viết câu trả lời."))
    with transaction.atomic():
        review = _locked_review(review_id)
        if actor is None or not VendorMember.objects.filter(vendor_id=review.vendor_id, user_id=actor.pk).exists():
            raise ApplicationError(_("Chỉ shop được đánh giá mới trả lời được."), code=Code.FORBIDDEN, status=403)
        if review.hidden_at is not None:
            raise ApplicationError(_("Đánh giá này đã bị ban tổ chức ẩn."), code=Code.INVALID, status=409)
        if review.replied_at is not None:
            raise ApplicationError(
                _("Shop đã trả lời đánh giá này rồi (mỗi đánh giá chỉ trả lời một lần)."), code=Code.ALREADY, status=409
            )
        review.reply, review.replied_by, review.replied_at = text, actor, timezone.now()
        review.save(update_fields=["reply", "replied_by", "replied_at"])
    return review


def review_hide(*, review_id: int, actor, reason: str) -> Review:
    """An organizer hides an abusive review, with a reason. Locking: the review's row."""
    if not is_organizer(actor):
        raise ApplicationError(_("Chỉ ban tổ chức được ẩn đánh giá."), code=Code.FORBIDDEN, status=403)
    reason = _text(reason, limit=REASON_MAX, field="reason", required=_("Hãy ghi lý do ẩn đánh giá."))
    with transaction.atomic():
        review = _locked_review(review_id)
        if review.hidden_at is not None:
            raise ApplicationError(_("Đánh giá này đã được ẩn rồi."), code=Code.ALREADY, status=409)
        review.hidden_at, review.hidden_by, review.hidden_reason = timezone.now(), actor, reason
        review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return review


# ----------------------------------------------------------------------------- reads


def visible_reviews(*, vendor_id: int | None = None, product_id: int | None = None) -> QuerySet[Review]:
    """Reviews anyone may read (not hidden), newest first."""
    reviews = Review.objects.filter(hidden_at__isnull=True).select_related("buyer", "product", "vendor")
    if vendor_id is not None:
        reviews = reviews.filter(vendor_id=vendor_id)
    if product_id is not None:
        reviews = reviews.filter(product_id=product_id)
    return reviews.order_by("-created_at", "-pk")


def rating_summary(*, vendor_id: int | None = None, product_id: int | None = None) -> dict:
    """``{"count", "average" (one decimal or None), "stars": {5: n, …, 1: n}}`` of visible reviews (one query)."""
    reviews = Review.objects.filter(hidden_at__isnull=True)
    if vendor_id is not None:
        reviews = reviews.filter(vendor_id=vendor_id)
    if product_id is not None:
        reviews = reviews.filter(product_id=product_id)
    figures = reviews.aggregate(
        count=Count("pk"), average=Avg("stars"), **{f"s{n}": Count("pk", filter=Q(stars=n)) for n in range(1, 6)}
    )
    average = figures["average"]
    return {
        "count": figures["count"],
        "average": None if average is None else round(float(average), 1),
        "stars": {n: figures[f"s{n}"] for n in range(5, 0, -1)},
    }


def order_review_lines(order: Order) -> list[dict]:
    """One row per product of the order with its review, if written (for the buyer's form)."""
    written = {r.product_id: r for r in Review.objects.filter(order=order)}
    rows, seen = [], set()
    for line in order.lines.all():
        if line.product_id in seen:
            continue
        seen.add(line.product_id)
        rows.append({"line": line, "review": written.get(line.product_id)})
    return rows


def may_review(order: Order, user) -> bool:
    """Is this the buyer of a completed real order (the review form's door)?"""
    return bool(
        user is not None
        and user.is_authenticated
        and order.buyer_id == user.pk
        and not order.sandbox
        and order.status == Status.COMPLETED
    )


def reviewer_name(user) -> str:
    """The reviewer as others see them: the family name and initials ("Phạm Q. B.")."""
    words = (user.get_full_name() or "").split()
    if not words:
        return _("Người mua")
    return " ".join([words[0], *(f"{w[0]}." for w in words[1:])])
