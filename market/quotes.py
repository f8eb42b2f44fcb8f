"""Wholesale inquiries and quotes: a verified business asks, the vendor answers, the buyer accepts.

* ``inquiry_create``: a verified distributor or retailer asks a stall about one product
  (quantity, a message), from the stall or the product page, during a session or not.
* ``quote_send``: a member of the vendor answers with a quote: a unit price, a minimum
  quantity, optional price tiers above it, delivery terms, valid until. A new quote replaces
  the inquiry's earlier open one (withdrawn).
* ``quote_accept``: the asker, and only the asker, accepts a quote still valid, for a
  quantity from its minimum up; it becomes an order through ``orders.order_place``
  (channel ``WHOLESALE_QUOTE``, source ``quote``), priced by the quote's tiers. Expired,
  withdrawn or someone else's quotes are refused and nothing changes; accepting again
  returns the same order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from market import cart, pricing
from market.models import BusinessProfile, Inquiry, Quote, Session
from orders.models import Channel, Order
from orders.services import MAX_LINE_QUANTITY, LineRequest, delivery_clean, order_place
from selling.models import DeliveryProfile
from vendors.models import Product, VendorMember

MAX_VALID_DAYS = 90
MAX_TIERS = 5
MAX_UNIT_PRICE = 1_000_000_000


class Code:
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    NOT_VERIFIED = "business_not_verified"
    EXPIRED = "quote_expired"
    NOT_OPEN = "quote_not_open"
    CLOSED = "inquiry_closed"
    BELOW_MINIMUM = "below_minimum"


def _fail(message, *, code=Code.INVALID, field=None, status=400):
    raise ApplicationError(message, code=code, fields={field: message} if field else None, status=status)


def _int(value, *, field: str, low: int, high: int, message: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        _fail(message, field=field)
    return value


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def is_vendor_member(user, vendor_id: int) -> bool:
    return bool(user and user.is_authenticated) and VendorMember.objects.filter(user=user, vendor_id=vendor_id).exists()


# ----------------------------------------------------------------------------- the buyer asks


def inquiry_create(
    *, buyer, product_id: int, quantity: int, message: str = "", session_id: int | None = None
) -> Inquiry:
    """A verified business asks the product's vendor for wholesale terms."""
    if pricing.wholesale_kind(buyer) is None:
        _fail(
            _(
                "Chỉ nhà phân phối và nhà bán lẻ đã được ban tổ chức xác minh mới hỏi giá sỉ được. Hãy gửi hồ sơ doanh nghiệp."
            ),
            code=Code.NOT_VERIFIED,
            status=403,
        )
    product = (
        Product.objects.select_related("vendor").filter(pk=product_id).first() if isinstance(product_id, int) else None
    )
    if product is None:
        _fail(_("Không tìm thấy sản phẩm."), code=Code.NOT_FOUND, status=404)
    if is_vendor_member(buyer, product.vendor_id):
        _fail(_("Bạn không hỏi giá sỉ được với chính gian hàng mình."), code=Code.FORBIDDEN, status=403)
    quantity = _int(
        quantity,
        field="quantity",
        low=1,
        high=MAX_LINE_QUANTITY,
        message=_("Số lượng dự kiến từ 1 đến %(max)s.") % {"max": f"{MAX_LINE_QUANTITY:,}".replace(",", ".")},
    )
    message = " ".join((message or "").split())
    if len(message) > 1000:
        _fail(_("Lời nhắn dài quá 1000 ký tự."), field="message")
    session = None
    if session_id is not None:
        session = Session.objects.filter(pk=session_id).first() if isinstance(session_id, int) else None
        if session is None:
            _fail(_("Không tìm thấy phiên chợ."), code=Code.NOT_FOUND, status=404)
    return Inquiry.objects.create(
        buyer=buyer, vendor=product.vendor, product=product, quantity=quantity, message=message, session=session
    )


# ----------------------------------------------------------------------------- the vendor answers


def _tiers(raw, *, min_quantity: int, unit_price: int) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_TIERS:
        _fail(_("Tối đa %(n)s bậc giá.") % {"n": MAX_TIERS}, field="tiers")
    tiers = []
    for row in raw:
        if not isinstance(row, dict):
            _fail(_("Mỗi bậc giá cần số lượng từ và đơn giá."), field="tiers")
        qty = _int(
            row.get("min_quantity"),
            field="tiers",
            low=min_quantity + 1,
            high=MAX_LINE_QUANTITY,
            message=_("Mỗi bậc giá bắt đầu từ một số lượng lớn hơn số lượng tối thiểu (%(min)s).")
            % {"min": min_quantity},
        )
        price = _int(
            row.get("unit_price"),
            field="tiers",
            low=1,
            high=unit_price,
            message=_("Đơn giá của bậc sỉ phải từ 1 ₫ đến đơn giá báo (%(price)s).") % {"price": _money(unit_price)},
        )
        tiers.append({"min_quantity": qty, "unit_price": price})
    tiers.sort(key=lambda tier: tier["min_quantity"])
    quantities = [tier["min_quantity"] for tier in tiers]
    if len(set(quantities)) != len(quantities):
        _fail(_("Hai bậc giá không được cùng số lượng."), field="tiers")
    for lower, higher in zip(tiers, tiers[1:], strict=False):
        if higher["unit_price"] > lower["unit_price"]:
            _fail(_("Mua nhiều hơn thì đơn giá không được cao hơn."), field="tiers")
    return tiers


def quote_send(
    *,
    inquiry_id: int,
    actor,
    unit_price: int,
    min_quantity: int,
    delivery_terms: str,
    valid_until: datetime,
    tiers: list[dict] | None = None,
) -> Quote:
    """A member of the inquiry's vendor answers with a quote; an earlier open quote is withdrawn.

    Locking: the inquiry row, so two members answering at once leave one open quote.
    """
    unit_price = _int(
        unit_price, field="unit_price", low=1, high=MAX_UNIT_PRICE, message=_("Hãy ghi đơn giá (đồng) lớn hơn 0.")
    )
    min_quantity = _int(
        min_quantity,
        field="min_quantity",
        low=1,
        high=MAX_LINE_QUANTITY,
        message=_("Số lượng tối thiểu từ 1 đến %(max)s.") % {"max": f"{MAX_LINE_QUANTITY:,}".replace(",", ".")},
    )
    tiers = _tiers(tiers, min_quantity=min_quantity, unit_price=unit_price)
    delivery_terms = " ".join((delivery_terms or "").split())
    if not delivery_terms:
        _fail(_("Hãy ghi điều kiện giao hàng (thời gian, nơi giao, phí vận chuyển)."), field="delivery_terms")
    if len(delivery_terms) > 500:
        _fail(_("Điều kiện giao hàng dài quá 500 ký tự."), field="delivery_terms")
    now = timezone.now()
    if not isinstance(valid_until, datetime) or valid_until <= now:
        _fail(_("Hạn hiệu lực phải ở sau thời điểm hiện tại."), field="valid_until")
    if valid_until > now + timedelta(days=MAX_VALID_DAYS):
        _fail(_("Báo giá có hiệu lực tối đa %(n)s ngày.") % {"n": MAX_VALID_DAYS}, field="valid_until")
    with transaction.atomic():
        inquiry = (
            Inquiry.objects.select_for_update().filter(pk=inquiry_id).first() if isinstance(inquiry_id, int) else None
        )
        if inquiry is None or not is_vendor_member(actor, inquiry.vendor_id):
            _fail(_("Không tìm thấy yêu cầu hỏi giá."), code=Code.NOT_FOUND, status=404)
        if inquiry.state == Inquiry.State.CLOSED:
            _fail(_("Yêu cầu hỏi giá này đã đóng (người mua đã đặt hàng)."), code=Code.CLOSED, status=409)
        Quote.objects.filter(inquiry=inquiry, state=Quote.State.SENT).update(state=Quote.State.WITHDRAWN)
        quote = Quote.objects.create(
            inquiry=inquiry,
            unit_price=unit_price,
            min_quantity=min_quantity,
            tiers=tiers,
            delivery_terms=delivery_terms,
            valid_until=valid_until,
            sent_by=actor,
        )
        inquiry.state = Inquiry.State.QUOTED
        inquiry.save(update_fields=["state"])
    return quote


def quote_withdraw(*, quote_id: int, actor) -> Quote:
    """The vendor takes back an open quote (one already accepted stays)."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update().select_related("inquiry").filter(pk=quote_id).first()
        if quote is None or not is_vendor_member(actor, quote.inquiry.vendor_id):
            _fail(_("Không tìm thấy báo giá."), code=Code.NOT_FOUND, status=404)
        if quote.state != Quote.State.SENT:
            _fail(_("Báo giá này không còn mở."), code=Code.NOT_OPEN, status=409)
        quote.state = Quote.State.WITHDRAWN
        quote.save(update_fields=["state"])
    return quote


# ----------------------------------------------------------------------------- the buyer accepts


def quote_unit_price(quote: Quote, quantity: int) -> int:
    """The quote's price for ``quantity``: its highest tier reached, else its unit price."""
    price = quote.unit_price
    for tier in sorted(quote.tiers or [], key=lambda row: row["min_quantity"]):
        if quantity >= tier["min_quantity"]:
            price = tier["unit_price"]
    return price


def quote_is_expired(quote: Quote, *, now: datetime | None = None) -> bool:
    return quote.valid_until <= (now or timezone.now())


def quote_accept(*, quote_id: int, buyer, quantity: int, delivery: dict | None = None, note: str = "") -> Order:
    """The asker accepts a valid quote for ``quantity`` units; it becomes an order (returned).

    ``delivery`` defaults to the buyer's remembered details. Locking: the quote's row, so a
    double tap (or the vendor withdrawing at the same instant) is applied one after the
    other; the order's key ``quote:<id>`` makes the second tap return the first order.
    """
    with transaction.atomic():
        quote = (
            Quote.objects.select_for_update(of=("self",))
            .select_related("inquiry", "inquiry__product", "inquiry__vendor", "inquiry__session", "order")
            .filter(pk=quote_id)
            .first()
            if isinstance(quote_id, int)
            else None
        )
        if quote is None:
            _fail(_("Không tìm thấy báo giá."), code=Code.NOT_FOUND, status=404)
        inquiry = quote.inquiry
        if inquiry.buyer_id != buyer.pk:
            _fail(
                _("Báo giá này gửi cho người hỏi giá khác: chỉ người hỏi giá mới chấp nhận được."),
                code=Code.FORBIDDEN,
                status=403,
            )
        if quote.state == Quote.State.ACCEPTED and quote.order is not None:
            return quote.order
        if quote.state != Quote.State.SENT:
            _fail(_("Shop đã rút báo giá này hoặc đã gửi báo giá mới."), code=Code.NOT_OPEN, status=409)
        if quote_is_expired(quote):
            _fail(
                _("Báo giá đã hết hạn lúc %(when)s. Hãy hỏi shop báo giá mới.")
                % {"when": date_format(timezone.localtime(quote.valid_until), "d/m/Y H:i")},
                code=Code.EXPIRED,
                status=409,
            )
        if (
            not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or not quote.min_quantity <= quantity <= MAX_LINE_QUANTITY
        ):
            _fail(
                _("Báo giá này áp dụng từ %(min)s %(unit)s trở lên.")
                % {"min": quote.min_quantity, "unit": inquiry.product.unit},
                code=Code.BELOW_MINIMUM,
                field="quantity",
            )
        if delivery is None:
            profile = DeliveryProfile.objects.filter(user=buyer).first()
            delivery = {"name": profile.name, "phone": profile.phone, "address": profile.address} if profile else {}
        cleaned = delivery_clean(
            name=delivery.get("name", ""), phone=delivery.get("phone", ""), address=delivery.get("address", "")
        )
        session_id = inquiry.session_id or cart.live_session_id(inquiry.vendor_id)
        cart.units_hold(
            vendor_id=inquiry.vendor_id, session_id=session_id, lines=[(inquiry.product, quantity)], author_id=buyer.pk
        )
        label = _("Báo giá sỉ #%(id)s") % {"id": quote.pk}
        if inquiry.session_id:
            label = f"{inquiry.session.title} · {label}"
        order = order_place(
            buyer_id=buyer.pk,
            vendor_id=inquiry.vendor_id,
            placed_by_id=buyer.pk,
            client_key=f"quote:{quote.pk}",
            channel=Channel.WHOLESALE_QUOTE,
            lines=[
                LineRequest(
                    product_id=inquiry.product_id, quantity=quantity, unit_price=quote_unit_price(quote, quantity)
                )
            ],
            delivery=cleaned,
            note=(note or "")[:300] or quote.delivery_terms[:300],
            source_kind="quote",
            source_id=quote.pk,
            source_label=label,
            held=True,
        )
        quote.state, quote.order = Quote.State.ACCEPTED, order
        quote.save(update_fields=["state", "order"])
        Quote.objects.filter(inquiry=inquiry, state=Quote.State.SENT).exclude(pk=quote.pk).update(
            state=Quote.State.WITHDRAWN
        )
        inquiry.state = Inquiry.State.CLOSED
        inquiry.save(update_fields=["state"])
        DeliveryProfile.objects.update_or_create(user=buyer, defaults=cleaned)
    return order


# ----------------------------------------------------------------------------- reads


def inquiries_for(user, *, as_vendor: bool = False):
    """The buyer's inquiries, or (``as_vendor``) those sent to the vendors the user is a member of."""
    inquiries = Inquiry.objects.select_related("buyer", "vendor", "product", "session").prefetch_related("quotes")
    if as_vendor:
        return inquiries.filter(vendor__members__user=user).distinct()
    return inquiries.filter(buyer=user)


def inquiry_visible(user, inquiry_id: int) -> tuple[Inquiry, str]:
    """One inquiry and the side the user sees it from ("buyer" or "vendor"); 404 for anyone else."""
    inquiry = (
        Inquiry.objects.select_related("buyer", "vendor", "product", "session")
        .filter(pk=inquiry_id)
        .filter(Q(buyer=user) | Q(vendor__members__user=user))
        .distinct()
        .first()
    )
    if inquiry is None:
        _fail(_("Không tìm thấy yêu cầu hỏi giá."), code=Code.NOT_FOUND, status=404)
    return inquiry, "buyer" if inquiry.buyer_id == user.pk else "vendor"


def business_kind_label(user) -> str:
    kind = pricing.wholesale_kind(user)
    return str(BusinessProfile.Kind(kind).label) if kind else ""
