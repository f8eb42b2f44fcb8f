"""Weekly market pages: buying — the stall's cart, checkout, my orders of a session, business
profiles and their review, invite codes, wholesale inquiries and quotes.

Thin views: a permission check, one read, render; every write goes to ``market.cart``,
``market.quotes`` or ``market.business``, and a refusal (``ApplicationError``) is shown on the
page with nothing changed. Every page needs a logged-in user; the organizers' pages need an
organizer; an inquiry is seen by its asker and the members of its vendor only (others: 404).
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.phones import format_phone
from config.errors import ApplicationError
from market import business, cart, pricing, quotes
from market.models import BusinessProfile, InviteCode, Quote, Session, Slot
from orders.forms import new_key
from vendors.models import Product, Vendor, VendorMember
from vendors.permissions import is_organizer

# ----------------------------------------------------------------------------- forms


class DeliveryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Người nhận"), max_length=120)
    phone = forms.CharField(
        label=gettext_lazy("Điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(label=gettext_lazy("Địa chỉ nhận hàng"), max_length=300)
    note = forms.CharField(label=gettext_lazy("Ghi chú cho shop"), max_length=300, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    expected_total = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class BusinessForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Bạn là"), choices=BusinessProfile.Kind.choices, widget=forms.RadioSelect
    )
    company = forms.CharField(label=gettext_lazy("Tên doanh nghiệp"), max_length=200)
    tax_code = forms.CharField(
        label=gettext_lazy("Mã số thuế"),
        max_length=20,
        help_text=gettext_lazy("10 chữ số, hoặc 13 chữ số với chi nhánh (0101234567-001)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=300)
    invite_code = forms.CharField(
        label=gettext_lazy("Mã mời của ban tổ chức (nếu có)"),
        max_length=24,
        required=False,
        help_text=gettext_lazy("Có mã mời: hồ sơ được xác minh ngay."),
    )


class InquiryForm(forms.Form):
    product = forms.TypedChoiceField(label=gettext_lazy("Sản phẩm"), coerce=int)
    quantity = forms.IntegerField(label=gettext_lazy("Số lượng dự kiến"), min_value=1, max_value=10_000)
    message = forms.CharField(
        label=gettext_lazy("Lời nhắn cho shop"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuoteForm(forms.Form):
    unit_price = forms.IntegerField(label=gettext_lazy("Đơn giá (đồng)"), min_value=1)
    min_quantity = forms.IntegerField(label=gettext_lazy("Số lượng tối thiểu"), min_value=1, max_value=10_000)
    tier1_quantity = forms.IntegerField(label=gettext_lazy("Bậc 2: từ số lượng"), min_value=1, required=False)
    tier1_price = forms.IntegerField(label=gettext_lazy("Bậc 2: đơn giá (đồng)"), min_value=1, required=False)
    tier2_quantity = forms.IntegerField(label=gettext_lazy("Bậc 3: từ số lượng"), min_value=1, required=False)
    tier2_price = forms.IntegerField(label=gettext_lazy("Bậc 3: đơn giá (đồng)"), min_value=1, required=False)
    delivery_terms = forms.CharField(
        label=gettext_lazy("Điều kiện giao hàng"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    valid_days = forms.IntegerField(label=gettext_lazy("Hiệu lực (ngày)"), min_value=1, max_value=90, initial=7)

    def tiers(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for n in (1, 2):
            qty, price = data.get(f"tier{n}_quantity"), data.get(f"tier{n}_price")
            if qty or price:
                rows.append({"min_quantity": qty, "unit_price": price})
        return rows


class AcceptForm(DeliveryForm):
    quantity = forms.IntegerField(label=gettext_lazy("Số lượng đặt"), min_value=1, max_value=10_000)

    field_order = ["quantity", "name", "phone", "address", "note"]


class InviteForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Dành cho"), choices=BusinessProfile.Kind.choices)
    max_uses = forms.IntegerField(label=gettext_lazy("Số lần dùng tối đa"), min_value=1, max_value=500, initial=1)
    days_valid = forms.IntegerField(label=gettext_lazy("Hiệu lực (ngày)"), min_value=1, max_value=365, initial=30)


# ----------------------------------------------------------------------------- helpers


def _refusal(request, exc: ApplicationError, form: forms.Form | None = None) -> None:
    messages.error(request, str(exc.message))
    if form is not None:
        for field, text in (exc.fields or {}).items():
            name = field.split(".")[-1]
            if name in form.fields and text:
                form.add_error(name, str(text))


def _first_error(form: forms.Form) -> str:
    return next((str(e) for errors in form.errors.values() for e in errors), _("Dữ liệu gửi lên không hợp lệ."))


def _session_param(request) -> Session | None:
    raw = request.GET.get("phien") or request.POST.get("phien")
    if not raw or not str(raw).isdigit() or len(str(raw)) > 18:
        return None
    return Session.objects.filter(pk=int(raw)).exclude(state=Session.State.DRAFT).first()


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _stall_url(vendor: Vendor, session: Session | None) -> str:
    url = reverse("market:buy_stall", kwargs={"slug": vendor.slug})
    return f"{url}?{urlencode({'phien': session.pk})}" if session else url


def _delivery_initial(user) -> dict:
    remembered = cart.delivery_remembered(user=user)
    phone = remembered["phone"]
    return {**remembered, "phone": format_phone(phone) if phone.startswith("+84") else phone, "key": new_key()}


def _require_organizer(request) -> None:
    if not is_organizer(request.user):
        raise PermissionDenied


# ----------------------------------------------------------------------------- the stall's cart


@login_required
def stall(request, slug):
    """A stall's products on offer, with my price, my cart here, and my carts at other stalls."""
    vendor = get_object_or_404(Vendor, slug=slug)
    session = _session_param(request) or Session.objects.filter(pk=cart.live_session_id(vendor.pk)).first()
    products = list(cart.stall_products(vendor=vendor, session=session))
    offers = cart.room_offers(vendor_id=vendor.pk, session_id=session.pk if session else None)
    kind = pricing.wholesale_kind(request.user)
    tiers_by_product: dict[int, list] = {}
    if kind:
        from vendors.models import PriceTier

        for tier in PriceTier.objects.filter(product__in=products, buyer_kind=kind).order_by("min_quantity"):
            tiers_by_product.setdefault(tier.product_id, []).append(tier)
    rows = [
        {
            "product": product,
            "available": cart.available(product, offer=offers.get(product.pk)),
            "tiers": tiers_by_product.get(product.pk, []),
        }
        for product in products
    ]
    carts = cart.carts_of(buyer=request.user)
    here = next((c for c in carts if c.vendor.pk == vendor.pk), None)
    slot = (
        Slot.objects.filter(session=session, vendor=vendor).select_related("show").first()
        if session is not None
        else None
    )
    own = VendorMember.objects.filter(user=request.user, vendor=vendor).exists()
    return render(
        request,
        "market/buying/stall.html",
        {
            "vendor": vendor,
            "session": session,
            "slot": slot,
            "rows": rows,
            "cart": here,
            "others": [c for c in carts if c.vendor.pk != vendor.pk],
            "all_total": sum(c.total for c in carts),
            "wholesale_kind": BusinessProfile.Kind(kind).label if kind else "",
            "may_inquire": bool(kind) and not own,
            "own_stall": own,
            "here_url": _stall_url(vendor, session),
        },
    )


@login_required
@require_POST
def stall_cart(request, slug):
    """Add, change or remove a line of my cart at this stall (then back to where I was)."""
    vendor = get_object_or_404(Vendor, slug=slug)
    session = _session_param(request)
    fallback = _stall_url(vendor, session)
    action = request.POST.get("action")
    raw_product, raw_quantity = request.POST.get("product", ""), request.POST.get("quantity", "")
    if (
        not raw_product.isdigit()
        or len(raw_product) > 18
        or (action != "remove" and (not raw_quantity.isdigit() or len(raw_quantity) > 6))
    ):
        messages.error(request, _("Hãy chọn sản phẩm và số lượng (số nguyên)."))
        return redirect(_back(request, fallback))
    product_id = int(raw_product)
    if not Product.objects.filter(pk=product_id, vendor=vendor).exists():
        raise Http404
    try:
        if action == "add":
            cart.cart_add(
                buyer=request.user,
                product_id=product_id,
                quantity=int(raw_quantity),
                session_id=session.pk if session else None,
            )
            messages.success(request, _("Đã thêm vào giỏ."))
        elif action == "update":
            cart.cart_update(buyer=request.user, product_id=product_id, quantity=int(raw_quantity))
            messages.success(request, _("Đã cập nhật giỏ hàng."))
        elif action == "remove":
            cart.cart_remove(buyer=request.user, product_id=product_id)
            messages.success(request, _("Đã bỏ khỏi giỏ."))
        else:
            messages.error(request, _("Thao tác không hợp lệ."))
    except ApplicationError as exc:
        _refusal(request, exc)
    return redirect(_back(request, fallback))


@login_required
def checkout(request):
    """All my carts (or one stall's: ``?gian=slug``), my delivery details, one tap: one order per vendor."""
    session = _session_param(request)
    only = request.GET.get("gian") or request.POST.get("gian") or ""
    vendor = get_object_or_404(Vendor, slug=only) if only else None
    vendor_ids = [vendor.pk] if vendor else None
    form = DeliveryForm(request.POST or None, initial=_delivery_initial(request.user))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                placed = cart.cart_checkout(
                    buyer=request.user,
                    delivery={"name": data["name"], "phone": data["phone"], "address": data["address"]},
                    client_key=data["key"],
                    vendor_ids=vendor_ids,
                    note=data["note"],
                    expected_total=data.get("expected_total"),
                )
            except ApplicationError as exc:
                _refusal(request, exc, form)
            else:
                numbers = ", ".join(order.number for order in placed)
                messages.success(
                    request,
                    _("Đã đặt %(n)s đơn hàng (%(numbers)s). Shop sẽ xác nhận sớm.")
                    % {"n": len(placed), "numbers": numbers},
                )
                sessions = {o.source_id for o in placed if o.source_kind == "session"}
                if len(sessions) == 1:
                    return redirect("market:buy_session_orders", session_id=sessions.pop())
                return redirect("orders:mine")
        else:
            messages.error(request, _first_error(form))
    carts = cart.carts_of(buyer=request.user, vendor_ids=vendor_ids)
    total = sum(c.total for c in carts)
    if request.method != "POST" or not form.is_valid():
        form.initial["expected_total"] = total
    if request.method == "POST":  # a refusal: a fresh key and the total now shown
        form.data = form.data.copy()
        form.data["key"], form.data["expected_total"] = new_key(), str(total)
    return render(
        request,
        "market/buying/checkout.html",
        {"form": form, "carts": carts, "total": total, "session": session, "only": vendor},
    )


@login_required
def session_orders(request, session_id):
    """My orders of one session, every channel together (cart, chốt đơn, flash sale, quotes)."""
    session = get_object_or_404(Session.objects.exclude(state=Session.State.DRAFT), pk=session_id)
    orders = list(cart.buyer_session_orders(buyer=request.user, session=session))
    carts = cart.carts_of(buyer=request.user, session_id=session.pk)
    return render(
        request,
        "market/buying/session_orders.html",
        {
            "session": session,
            "orders": orders,
            "total": sum(order.total for order in orders),
            "carts": carts,
            "carts_total": sum(c.total for c in carts),
        },
    )


# ----------------------------------------------------------------------------- business profiles


@login_required
def business_profile(request):
    profile = BusinessProfile.objects.filter(user=request.user).select_related("invite_code").first()
    initial = (
        {"kind": profile.kind, "company": profile.company, "tax_code": profile.tax_code, "address": profile.address}
        if profile
        else {"kind": BusinessProfile.Kind.DISTRIBUTOR}
    )
    form = BusinessForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                profile = business.business_profile_submit(user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                _refusal(request, exc, form)
            else:
                if profile.is_verified:
                    messages.success(request, _("Hồ sơ doanh nghiệp đã được xác minh: bạn xem và được tính giá sỉ."))
                else:
                    messages.success(request, _("Đã gửi hồ sơ. Ban tổ chức sẽ xác minh trong 1–2 ngày làm việc."))
                return redirect("market:buy_business")
        else:
            messages.error(request, _first_error(form))
    return render(request, "market/buying/business_profile.html", {"form": form, "profile": profile})


@login_required
def business_review_list(request):
    """Organizers: profiles waiting (or ``?trang-thai=verified|rejected|all``), oldest first."""
    _require_organizer(request)
    state = request.GET.get("trang-thai", BusinessProfile.State.PENDING)
    if state not in (*BusinessProfile.State.values, "all"):
        state = BusinessProfile.State.PENDING
    profiles = business.business_profiles_for_review(state=None if state == "all" else state)[:200]
    return render(
        request,
        "market/buying/business_review.html",
        {"profiles": profiles, "state": state, "states": BusinessProfile.State.choices},
    )


@login_required
@require_POST
def business_review(request, pk):
    _require_organizer(request)
    verify = request.POST.get("decision") == "verify"
    try:
        profile = business.business_profile_review(
            profile_id=pk, actor=request.user, verify=verify, note=request.POST.get("note", "")[:1000]
        )
    except ApplicationError as exc:
        _refusal(request, exc)
    else:
        text = _("Đã xác minh %(company)s.") if verify else _("Đã từ chối hồ sơ %(company)s.")
        messages.success(request, text % {"company": profile.company})
    return redirect(
        reverse("market:buy_business_review_list")
        + "?"
        + urlencode({"trang-thai": request.POST.get("state", "pending")})
    )


@login_required
def invite_codes(request):
    _require_organizer(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                code = business.invite_code_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                _refusal(request, exc, form)
            else:
                messages.success(request, _("Mã mời mới: %(code)s") % {"code": code.code})
                return redirect("market:buy_invites")
        else:
            messages.error(request, _first_error(form))
    codes = InviteCode.objects.select_related("created_by").order_by("-expires_at")[:100]
    return render(request, "market/buying/invite_codes.html", {"form": form, "codes": codes, "now": timezone.now()})


# ----------------------------------------------------------------------------- inquiries and quotes


@login_required
def inquiries(request):
    """My wholesale inquiries as a buyer, and those sent to my stalls as a vendor."""
    mine = list(quotes.inquiries_for(request.user)[:100])
    inbox = list(quotes.inquiries_for(request.user, as_vendor=True)[:100])
    return render(
        request,
        "market/buying/inquiries.html",
        {"mine": mine, "inbox": inbox, "verified": bool(pricing.wholesale_kind(request.user))},
    )


@login_required
def inquiry_new(request, slug):
    """Ask a stall for wholesale terms (``?san-pham=<id>`` picks the product; ``?phien=`` the session)."""
    vendor = get_object_or_404(Vendor, slug=slug)
    session = _session_param(request)
    products = list(Product.objects.filter(vendor=vendor).verified().order_by("code"))
    choices = [(p.pk, f"{p.code} · {p.name}") for p in products]
    picked = request.GET.get("san-pham", "")
    initial = {"product": int(picked)} if picked.isdigit() and len(picked) < 18 else {}
    form = InquiryForm(request.POST or None, initial=initial)
    form.fields["product"].choices = choices
    verified = bool(pricing.wholesale_kind(request.user))
    if request.method == "POST":
        if form.is_valid():
            try:
                inquiry = quotes.inquiry_create(
                    buyer=request.user,
                    product_id=form.cleaned_data["product"],
                    quantity=form.cleaned_data["quantity"],
                    message=form.cleaned_data["message"],
                    session_id=session.pk if session else None,
                )
            except ApplicationError as exc:
                _refusal(request, exc, form)
            else:
                messages.success(request, _("Đã gửi yêu cầu hỏi giá sỉ. Shop sẽ trả lời bằng báo giá."))
                return redirect("market:buy_inquiry", pk=inquiry.pk)
        else:
            messages.error(request, _first_error(form))
    return render(
        request,
        "market/buying/inquiry_new.html",
        {"form": form, "vendor": vendor, "session": session, "verified": verified},
    )


def _inquiry_or_404(request, pk):
    try:
        return quotes.inquiry_visible(request.user, pk)
    except ApplicationError:
        raise Http404 from None


@login_required
def inquiry_detail(request, pk):
    inquiry, side = _inquiry_or_404(request, pk)
    now = timezone.now()
    rows = [
        {
            "quote": quote,
            "expired": quotes.quote_is_expired(quote, now=now),
            "open": quote.state == Quote.State.SENT and not quotes.quote_is_expired(quote, now=now),
        }
        for quote in inquiry.quotes.select_related("order").order_by("-sent_at")
    ]
    accept_form = quote_form = None
    if side == "buyer" and any(row["open"] for row in rows):
        open_quote = next(row["quote"] for row in rows if row["open"])
        accept_form = AcceptForm(
            initial={**_delivery_initial(request.user), "quantity": max(inquiry.quantity, open_quote.min_quantity)}
        )
    if side == "vendor" and inquiry.state != inquiry.State.CLOSED:
        quote_form = QuoteForm(initial={"min_quantity": inquiry.quantity, "unit_price": inquiry.product.price})
    return render(
        request,
        "market/buying/inquiry_detail.html",
        {"inquiry": inquiry, "side": side, "rows": rows, "accept_form": accept_form, "quote_form": quote_form},
    )


@login_required
@require_POST
def quote_send(request, pk):
    inquiry, side = _inquiry_or_404(request, pk)
    if side != "vendor":
        raise Http404
    form = QuoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("market:buy_inquiry", pk=inquiry.pk)
    data = form.cleaned_data
    valid_until = timezone.localtime() + datetime.timedelta(days=data["valid_days"])
    try:
        quotes.quote_send(
            inquiry_id=inquiry.pk,
            actor=request.user,
            unit_price=data["unit_price"],
            min_quantity=data["min_quantity"],
            tiers=form.tiers(),
            delivery_terms=data["delivery_terms"],
            valid_until=valid_until.replace(hour=23, minute=59, second=0, microsecond=0),
        )
    except ApplicationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Đã gửi báo giá cho người mua."))
    return redirect("market:buy_inquiry", pk=inquiry.pk)


@login_required
@require_POST
def quote_accept(request, pk):
    quote = Quote.objects.select_related("inquiry").filter(pk=pk).first()
    if quote is None:
        raise Http404
    inquiry, side = _inquiry_or_404(request, quote.inquiry_id)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("market:buy_inquiry", pk=inquiry.pk)
    data = form.cleaned_data
    try:
        order = quotes.quote_accept(
            quote_id=quote.pk,
            buyer=request.user,
            quantity=data["quantity"],
            delivery={"name": data["name"], "phone": data["phone"], "address": data["address"]},
            note=data["note"],
        )
    except ApplicationError as exc:
        _refusal(request, exc)
        return redirect("market:buy_inquiry", pk=inquiry.pk)
    messages.success(request, _("Đã chấp nhận báo giá: đơn %(number)s đã được đặt.") % {"number": order.number})
    return redirect(order.get_absolute_url())


@login_required
@require_POST
def quote_withdraw(request, pk):
    quote = Quote.objects.select_related("inquiry").filter(pk=pk).first()
    if quote is None:
        raise Http404
    inquiry, side = _inquiry_or_404(request, quote.inquiry_id)
    if side != "vendor":
        raise Http404
    try:
        quotes.quote_withdraw(quote_id=quote.pk, actor=request.user)
    except ApplicationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Đã rút báo giá."))
    return redirect("market:buy_inquiry", pk=inquiry.pk)


urlpatterns = [
    path("mua/gian-hang/<slug:slug>/", stall, name="buy_stall"),
    path("mua/gian-hang/<slug:slug>/gio/", stall_cart, name="buy_stall_cart"),
    path("mua/gian-hang/<slug:slug>/hoi-gia/", inquiry_new, name="buy_inquiry_new"),
    path("mua/thanh-toan/", checkout, name="buy_checkout"),
    path("mua/phien/<int:session_id>/don-cua-toi/", session_orders, name="buy_session_orders"),
    path("mua/doanh-nghiep/", business_profile, name="buy_business"),
    path("mua/doanh-nghiep/xac-minh/", business_review_list, name="buy_business_review_list"),
    path("mua/doanh-nghiep/<int:pk>/xac-minh/", business_review, name="buy_business_review"),
    path("mua/ma-moi/", invite_codes, name="buy_invites"),
    path("mua/hoi-gia/", inquiries, name="buy_inquiries"),
    path("mua/hoi-gia/<int:pk>/", inquiry_detail, name="buy_inquiry"),
    path("mua/hoi-gia/<int:pk>/bao-gia/", quote_send, name="buy_quote_send"),
    path("mua/bao-gia/<int:pk>/chap-nhan/", quote_accept, name="buy_quote_accept"),
    path("mua/bao-gia/<int:pk>/rut/", quote_withdraw, name="buy_quote_withdraw"),
]
