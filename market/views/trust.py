"""Weekly market pages: trust across the program (thin views over ``market.reviews``,
``market.reliability`` and ``market.flags``).

* ``order_review``: the buyer reviews the products of a completed order (linked from the
  order's page).
* ``vendor_record``: a vendor's record (confirmed and shipped on time, disputes lost) and
  its reviews; its members reply there, organizers hide abusive reviews there.
* ``buyers`` and ``buyer_detail``: the organizers' list of flagged and blocked buyers, a
  buyer's record across all vendors, flagging, blocking and clearing with a reason.

A buyer's record is also shown to vendors on the order desk before they confirm
(``market.templatetags.market_trust``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.phones import normalize_phone
from config.errors import ApplicationError
from market import reviews
from market.flags import buyer_flag
from market.models import BuyerFlag, BuyerFlagEvent, Review
from market.reliability import buyer_record, buyer_records, vendor_record
from orders.models import Order
from orders.services import is_organizer
from vendors.models import Vendor, VendorMember

# ----------------------------------------------------------------------------- the buyer's review


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@login_required
@require_http_methods(["GET", "POST"])
def order_review(request, number: str):
    order = Order.objects.select_related("vendor").filter(number=number, buyer=request.user).first()
    if order is None:
        raise Http404
    error, posted, status = "", {}, 200
    if request.method == "POST":
        posted = request.POST
        try:
            reviews.review_create(
                order_number=order.number,
                buyer=request.user,
                product_id=_int(request.POST.get("product_id")) or 0,
                stars=_int(request.POST.get("stars")) or 0,
                text=request.POST.get("text", ""),
            )
        except ApplicationError as exc:
            error, status = exc.message, exc.status if 400 <= exc.status < 500 else 400
        else:
            messages.success(request, _("Cảm ơn bạn! Đánh giá đã được đăng."))
            return redirect("market:trust_review", number=order.number)
    return render(
        request,
        "market/trust/order_review.html",
        {
            "order": order,
            "may_review": reviews.may_review(order, request.user),
            "rows": reviews.order_review_lines(order),
            "error": error,
            "posted": posted,
            "star_choices": range(5, 0, -1),
        },
        status=status,
    )


# ----------------------------------------------------------------------------- the vendor's record


@login_required
def vendor_record_page(request, slug: str):
    vendor = get_object_or_404(Vendor, slug=slug)
    organizer = is_organizer(request.user)
    member = VendorMember.objects.filter(vendor=vendor, user=request.user).exists()
    shown = Review.objects.filter(vendor=vendor).select_related("buyer", "product").order_by("-created_at", "-pk")
    if not organizer:
        shown = shown.filter(hidden_at__isnull=True)
    page = Paginator(shown, 20).get_page(request.GET.get("page"))
    for review in page.object_list:
        review.reviewer = reviews.reviewer_name(review.buyer)
    return render(
        request,
        "market/trust/vendor_record.html",
        {
            "vendor": vendor,
            "record": vendor_record(vendor.pk),
            "summary": reviews.rating_summary(vendor_id=vendor.pk),
            "page_obj": page,
            "is_member": member,
            "is_organizer": organizer,
        },
    )


def _back_to_vendor(review: Review):
    return redirect(reverse("market:trust_vendor", kwargs={"slug": review.vendor.slug}) + f"#danh-gia-{review.pk}")


@login_required
@require_POST
def review_reply(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("vendor"), pk=pk)
    try:
        reviews.review_reply(review_id=review.pk, actor=request.user, text=request.POST.get("reply", ""))
    except ApplicationError as exc:
        messages.error(request, _("Chưa gửi được câu trả lời: %(why)s") % {"why": exc.message})
    else:
        messages.success(request, _("Đã đăng câu trả lời của shop."))
    return _back_to_vendor(review)


@login_required
@require_POST
def review_hide(request, pk: int):
    if not is_organizer(request.user):
        raise PermissionDenied
    review = get_object_or_404(Review.objects.select_related("vendor"), pk=pk)
    try:
        reviews.review_hide(review_id=review.pk, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, _("Chưa ẩn được đánh giá: %(why)s") % {"why": exc.message})
    else:
        messages.success(request, _("Đã ẩn đánh giá."))
    return _back_to_vendor(review)


# ----------------------------------------------------------------------------- the organizers' buyers


def _organizer(request) -> None:
    if not is_organizer(request.user):
        raise PermissionDenied


def _find_buyer(query: str):
    """A buyer by e-mail or phone (exactly): organizers look one up from a vendor's call."""
    query = (query or "").strip()
    if not query:
        return None
    users = get_user_model().objects.filter(is_active=True)
    if "@" in query:
        return users.filter(email__iexact=query).first()
    try:
        phone = normalize_phone(query)
    except ValidationError:
        return None
    return users.filter(phone=phone).first()


@login_required
def buyers(request):
    _organizer(request)
    query = request.GET.get("q", "")
    found, not_found = None, False
    if query.strip():
        found = _find_buyer(query)
        if found is not None:
            return redirect("market:trust_buyer", pk=found.pk)
        not_found = True
    flags = list(BuyerFlag.objects.select_related("buyer", "flagged_by").order_by("-flagged_at"))
    records = buyer_records(f.buyer_id for f in flags)
    return render(
        request,
        "market/trust/buyers.html",
        {"rows": [{"flag": f, "record": records[f.buyer_id]} for f in flags], "q": query, "not_found": not_found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def buyer_detail(request, pk: int):
    _organizer(request)
    buyer = get_object_or_404(get_user_model(), pk=pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            buyer_flag(
                buyer_id=buyer.pk,
                actor=request.user,
                level=request.POST.get("level", ""),
                reason=request.POST.get("reason", ""),
            )
        except ApplicationError as exc:
            error, status = exc.message, exc.status if 400 <= exc.status < 500 else 400
        else:
            messages.success(request, _("Đã ghi nhận."))
            return redirect("market:trust_buyer", pk=buyer.pk)
    recent = (
        Order.objects.filter(buyer=buyer, sandbox=False).select_related("vendor").order_by("-placed_at", "-pk")[:20]
    )
    return render(
        request,
        "market/trust/buyer_detail.html",
        {
            "buyer": buyer,
            "record": buyer_record(buyer.pk),
            "history": BuyerFlagEvent.objects.filter(buyer=buyer).select_related("actor")[:50],
            "orders": recent,
            "levels": BuyerFlagEvent.Level.choices,
            "error": error,
            "posted": request.POST if error else {},
        },
        status=status,
    )


urlpatterns = [
    path("danh-gia/don/<str:number>/", order_review, name="trust_review"),
    path("danh-gia/<int:pk>/tra-loi/", review_reply, name="trust_reply"),
    path("danh-gia/<int:pk>/an/", review_hide, name="trust_hide"),
    path("uy-tin/chu-the/<slug:slug>/", vendor_record_page, name="trust_vendor"),
    path("uy-tin/nguoi-mua/", buyers, name="trust_buyers"),
    path("uy-tin/nguoi-mua/<int:pk>/", buyer_detail, name="trust_buyer"),
]
