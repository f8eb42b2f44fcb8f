"""The stall cart: a buyer's products at each stall, checked out through ``orders.order_place``.

* One cart per buyer and stall (vendor), kept in the database: a buyer moving from stall to
  stall in the lobby keeps every cart, and finds them again on another device.
* ``cart_add`` / ``cart_update`` / ``cart_remove``: products on offer at that stall only,
  quantities 1…10,000, never more than the stall can still sell (a clear message says how
  many are left; nothing changes).
* ``cart_checkout``: every chosen cart becomes one order with its vendor (channel
  ``STALL_CART``), all in one transaction (one refusal, e.g. a product sold out meanwhile,
  places none of them). The buyer's delivery details are remembered (``selling``'s
  ``DeliveryProfile``, which chốt đơn cards read too). The client's key makes a double tap
  place the orders once: each order's key is ``cart:<key>:<vendor id>``.
* Prices come from ``market.pricing``: a verified business pays its wholesale tier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from market import pricing
from market.models import ApplicationProduct, Cart, CartLine, Session
from orders import stock
from orders.models import Channel, Order
from orders.services import MAX_LINE_QUANTITY, LineRequest, delivery_clean, order_place
from selling.models import DeliveryProfile, ShowOffer
from selling.services import offers as selling_offers
from vendors.models import PriceTier, Product, Vendor, VendorMember

KEY_MAX = 40


class Code:
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOT_ON_OFFER = "not_on_offer"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    OWN_STALL = "own_stall"
    EMPTY = "cart_empty"
    TOTAL_MISMATCH = "total_mismatch"


# ----------------------------------------------------------------------------- reads


def stall_products(*, vendor: Vendor, session: Session | None = None):
    """What a stall offers: the products its application for ``session`` names (when it has
    one), otherwise the vendor's verified products."""
    products = Product.objects.filter(vendor=vendor)
    if session is not None:
        named = ApplicationProduct.objects.filter(application__session=session, application__vendor=vendor).values_list(
            "product_id", flat=True
        )
        if named.exists():
            return products.filter(pk__in=named).order_by("code")
    return products.verified().order_by("code")


def _on_offer(product: Product, session: Session | None) -> bool:
    return stall_products(vendor=product.vendor, session=session).filter(pk=product.pk).exists()


def room_offers(*, vendor_id: int, session_id: int | None) -> dict[int, ShowOffer]:
    """{product id: offer} of the stall's room in ``session``: the units its show holds, which
    the stall's cart sells from first (the rest comes from the product's free stock)."""
    if session_id is None:
        return {}
    offers = ShowOffer.objects.filter(
        is_active=True, show__market_slot__session_id=session_id, show__market_slot__vendor_id=vendor_id
    ).order_by("pk")
    return {offer.product_id: offer for offer in offers}


def available(product: Product, *, offer: ShowOffer | None = None) -> int:
    """What the stall can still sell of ``product``: its free stock and what its room's offer holds."""
    free = product.stock - product.stock_reserved
    return max(free, 0) + (offer.stock_left if offer is not None else 0)


def live_session_id(vendor_id: int) -> int | None:
    """The session in which this stall is on now (its slot's show is live), if any."""
    return (
        Session.objects.filter(state=Session.State.LIVE, slots__vendor_id=vendor_id)
        .order_by("-starts_at")
        .values_list("pk", flat=True)
        .first()
    )


@dataclass
class PricedLine:
    product: Product
    quantity: int
    price: pricing.Price
    available: int

    @property
    def total(self) -> int:
        return self.price.unit_price * self.quantity


@dataclass
class PricedCart:
    cart: Cart
    lines: list[PricedLine] = field(default_factory=list)

    @property
    def vendor(self) -> Vendor:
        return self.cart.vendor

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def items(self) -> int:
        return sum(line.quantity for line in self.lines)


def carts_of(*, buyer, vendor_ids: list[int] | None = None, session_id: int | None = None) -> list[PricedCart]:
    """The buyer's non-empty carts (all of them, or of these vendors / this session), priced for them."""
    carts = Cart.objects.filter(buyer=buyer, lines__isnull=False).distinct().select_related("vendor", "session")
    if vendor_ids is not None:
        carts = carts.filter(vendor_id__in=vendor_ids)
    if session_id is not None:
        carts = carts.filter(Q(session_id=session_id) | Q(session__isnull=True))
    carts = list(carts.order_by("-updated_at", "pk"))
    lines = list(
        CartLine.objects.filter(cart__in=carts).select_related("product", "product__vendor").order_by("product__code")
    )
    kind = pricing.wholesale_kind(buyer)
    tiers: dict[int, list[PriceTier]] = {}
    if kind is not None:
        for tier in PriceTier.objects.filter(product_id__in=[line.product_id for line in lines], buyer_kind=kind):
            tiers.setdefault(tier.product_id, []).append(tier)
    by_cart = {cart.pk: PricedCart(cart=cart) for cart in carts}
    offers = {cart.pk: room_offers(vendor_id=cart.vendor_id, session_id=cart.session_id) for cart in carts}
    for line in lines:
        product = line.product
        price = pricing.price_for(product=product, quantity=line.quantity, kind=kind, tiers=tiers.get(product.pk, []))
        offer = offers[line.cart_id].get(product.pk)
        by_cart[line.cart_id].lines.append(
            PricedLine(product=product, quantity=line.quantity, price=price, available=available(product, offer=offer))
        )
    return [priced for priced in by_cart.values() if priced.lines]


def cart_of(*, buyer, vendor: Vendor) -> PricedCart | None:
    found = carts_of(buyer=buyer, vendor_ids=[vendor.pk])
    return found[0] if found else None


def delivery_remembered(*, user) -> dict:
    """The buyer's remembered delivery details (empty strings when none yet)."""
    profile = DeliveryProfile.objects.filter(user=user).first()
    if profile is None:
        return {"name": user.get_full_name(), "phone": user.phone or "", "address": ""}
    return {"name": profile.name, "phone": profile.phone, "address": profile.address}


# ----------------------------------------------------------------------------- writes


def _quantity(quantity) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_LINE_QUANTITY:
        message = _("Số lượng phải từ 1 đến %(max)s.") % {"max": f"{MAX_LINE_QUANTITY:,}".replace(",", ".")}
        raise ApplicationError(message, code=Code.INVALID, fields={"quantity": message})
    return quantity


def _product(product_id) -> Product:
    product = (
        Product.objects.select_related("vendor").filter(pk=product_id).first() if isinstance(product_id, int) else None
    )
    if product is None:
        raise ApplicationError(_("Không tìm thấy sản phẩm."), code=Code.NOT_FOUND, status=404)
    return product


def _refuse_own_stall(buyer, vendor_id: int) -> None:
    if VendorMember.objects.filter(user=buyer, vendor_id=vendor_id).exists():
        raise ApplicationError(_("Bạn không mua được hàng của chính gian hàng mình."), code=Code.OWN_STALL, status=403)


def _refuse_over_stock(product: Product, quantity: int, session_id: int | None) -> None:
    product.refresh_from_db(fields=["stock", "stock_reserved"])
    left = available(product, offer=room_offers(vendor_id=product.vendor_id, session_id=session_id).get(product.pk))
    if quantity > left:
        if left <= 0:
            message = _("%(name)s (mã %(code)s) đã hết hàng.") % {"name": product.name, "code": product.code}
        else:
            message = _("Không đủ hàng: %(name)s (mã %(code)s) chỉ còn %(left)s %(unit)s, bạn chọn %(quantity)s.") % {
                "name": product.name,
                "code": product.code,
                "left": left,
                "unit": product.unit,
                "quantity": quantity,
            }
        raise ApplicationError(message, code=Code.NOT_ENOUGH_STOCK, status=409, fields={"quantity": message})


def _session(session_id) -> Session | None:
    if session_id is None:
        return None
    session = Session.objects.filter(pk=session_id).first() if isinstance(session_id, int) else None
    if session is None:
        raise ApplicationError(_("Không tìm thấy phiên chợ."), code=Code.NOT_FOUND, status=404)
    return session


def cart_add(*, buyer, product_id: int, quantity: int, session_id: int | None = None) -> Cart:
    """Put ``quantity`` more units of a product on offer into the buyer's cart at its stall.

    Locking: the buyer's cart row, so two quick taps add up instead of overwriting each other.
    """
    quantity = _quantity(quantity)
    product = _product(product_id)
    session = _session(session_id if session_id is not None else live_session_id(product.vendor_id))
    _refuse_own_stall(buyer, product.vendor_id)
    if not _on_offer(product, session):
        raise ApplicationError(
            _("%(name)s không được bán ở gian hàng này.") % {"name": product.name}, code=Code.NOT_ON_OFFER
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                Cart.objects.get_or_create(buyer=buyer, vendor_id=product.vendor_id)
        except IntegrityError:  # a second tap created it a moment ago
            pass
        cart = Cart.objects.select_for_update().get(buyer=buyer, vendor_id=product.vendor_id)
        line = CartLine.objects.filter(cart=cart, product=product).first()
        wanted = _quantity((line.quantity if line else 0) + quantity)
        _refuse_over_stock(product, wanted, session.pk if session else cart.session_id)
        if line is None:
            CartLine.objects.create(cart=cart, product=product, quantity=wanted)
        else:
            CartLine.objects.filter(pk=line.pk).update(quantity=wanted)
        if session is not None:
            cart.session = session
        cart.save()
    return cart


def cart_update(*, buyer, product_id: int, quantity: int) -> Cart | None:
    """Set a line's quantity (0 removes it); returns the cart (``None`` once it is empty)."""
    if quantity == 0:
        return cart_remove(buyer=buyer, product_id=product_id)
    quantity = _quantity(quantity)
    with transaction.atomic():
        line = (
            CartLine.objects.select_for_update(of=("self",))
            .select_related("cart", "product", "product__vendor")
            .filter(cart__buyer=buyer, product_id=product_id)
            .first()
            if isinstance(product_id, int)
            else None
        )
        if line is None:
            raise ApplicationError(_("Sản phẩm này không có trong giỏ của bạn."), code=Code.NOT_FOUND, status=404)
        _refuse_over_stock(line.product, quantity, line.cart.session_id)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        line.cart.save(update_fields=["updated_at"])
    return line.cart


def cart_remove(*, buyer, product_id: int) -> Cart | None:
    """Take a product out of the buyer's cart (nothing to take out is not an error)."""
    line = CartLine.objects.select_related("cart").filter(cart__buyer=buyer, product_id=product_id).first()
    if line is None:
        return None
    cart = line.cart
    line.delete()
    if not cart.lines.exists():
        cart.delete()
        return None
    cart.save(update_fields=["updated_at"])
    return cart


def _clean_key(client_key: str) -> str:
    key = (client_key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise ApplicationError(
            _("Thiếu khoá chống lặp (tối đa %(n)s ký tự).") % {"n": KEY_MAX},
            code=Code.INVALID,
            fields={"client_key": ""},
        )
    return key


def _key_prefix(key: str) -> str:
    return f"cart:{key}:"


def cart_checkout(
    *,
    buyer,
    delivery: dict,
    client_key: str,
    vendor_ids: list[int] | None = None,
    session_id: int | None = None,
    note: str = "",
    expected_total: int | None = None,
) -> list[Order]:
    """Place one order per vendor for the buyer's carts (all, or ``vendor_ids``); returns the orders.

    All or nothing: the orders are placed in one transaction, so a refusal (stock gone,
    delivery incomplete, a total that changed since the buyer saw it) places none and keeps
    every cart. The same ``client_key`` again returns the orders it placed and changes nothing.
    """
    key = _clean_key(client_key)
    cleaned = delivery_clean(**delivery)
    with transaction.atomic():
        # The buyer's row: one checkout of theirs at a time, so a double tap sees the first's orders.
        list(get_user_model().objects.select_for_update(no_key=True).filter(pk=buyer.pk).values_list("pk", flat=True))
        replay = list(Order.objects.filter(placed_by=buyer, client_key__startswith=_key_prefix(key)).order_by("pk"))
        if replay:
            return replay
        return _checkout(
            buyer=buyer, cleaned=cleaned, key=key, vendor_ids=vendor_ids, session_id=session_id, note=note,
            expected_total=expected_total,
        )  # fmt: skip


def _checkout(*, buyer, cleaned, key, vendor_ids, session_id, note, expected_total) -> list[Order]:
    carts = carts_of(buyer=buyer, vendor_ids=vendor_ids, session_id=session_id)
    if not carts:
        raise ApplicationError(_("Giỏ hàng đang trống."), code=Code.EMPTY)
    total = sum(priced.total for priced in carts)
    if expected_total is not None and expected_total != total:
        raise ApplicationError(
            _("Tổng tiền đã thay đổi: giỏ của bạn bây giờ là %(total)s. Hãy xem lại trước khi đặt.")
            % {"total": f"{total:,}".replace(",", ".") + " ₫"},
            code=Code.TOTAL_MISMATCH,
        )
    placed = []
    with transaction.atomic():
        for priced in carts:
            vendor = priced.vendor
            session = priced.cart.session
            if session is not None:
                source = {
                    "source_kind": "session",
                    "source_id": session.pk,
                    "source_label": f"{session.title} · {vendor.legal_name}",
                }
            else:
                source = {"source_kind": "stall", "source_id": vendor.pk, "source_label": vendor.legal_name}
            order_key = f"{_key_prefix(key)}{vendor.pk}"
            units_hold(
                vendor_id=vendor.pk,
                session_id=priced.cart.session_id,
                lines=[(line.product, line.quantity) for line in priced.lines],
                author_id=buyer.pk,
            )
            order = order_place(
                buyer_id=buyer.pk,
                vendor_id=vendor.pk,
                placed_by_id=buyer.pk,
                client_key=order_key,
                channel=Channel.STALL_CART,
                lines=[
                    LineRequest(
                        product_id=line.product.pk,
                        quantity=line.quantity,
                        unit_price=line.price.unit_price if line.price.is_wholesale else None,
                    )
                    for line in priced.lines
                ],
                delivery=cleaned,
                note=note,
                expected_total=priced.total,
                held=True,
                **source,
            )
            placed.append(order)
        CartLine.objects.filter(cart__in=[priced.cart for priced in carts]).delete()
        Cart.objects.filter(pk__in=[priced.cart.pk for priced in carts]).delete()
        DeliveryProfile.objects.update_or_create(user=buyer, defaults=cleaned)
    return placed


def units_hold(*, vendor_id: int, session_id: int | None, lines: list[tuple[Product, int]], author_id: int) -> None:
    """Hold each line's units before an order takes them over (``order_place(held=True)``):
    first from what the stall's room offer holds in ``session_id`` (the room's cards are told),
    the rest from the product's free stock. One conditional UPDATE each: never more than
    exists; a refusal says how many are left (the caller's transaction rolls back)."""
    offers = room_offers(vendor_id=vendor_id, session_id=session_id)
    for product, quantity in sorted(lines, key=lambda row: row[0].pk):
        offer = offers.get(product.pk)
        if offer is not None:
            offer.refresh_from_db(fields=["stock_left"])
        _refuse_over_stock(product, quantity, session_id)
        wanted = quantity
        from_offer = min(wanted, offer.stock_left) if offer is not None else 0
        if from_offer > 0 and selling_offers.stock_take(offer_id=offer.pk, quantity=from_offer) is not None:
            selling_offers.stock_announce(offer_id=offer.pk, author_id=author_id)
            wanted -= from_offer
        if wanted > 0 and not stock.stock_reserve(product_id=product.pk, quantity=wanted):
            raise ApplicationError(  # sold in between the read and the update
                _("Không đủ hàng: %(name)s (mã %(code)s) vừa được người khác mua. Hãy xem lại số lượng.")
                % {"name": product.name, "code": product.code},
                code=Code.NOT_ENOUGH_STOCK,
                status=409,
            )


# ----------------------------------------------------------------------------- a session's orders


def session_orders_q(session: Session) -> Q:
    """``Order`` filter: every order of one session — its stall carts, chốt đơn and flash sales
    in its slots' shows, and the wholesale quotes asked during it."""
    show_ids = [pk for pk in session.slots.values_list("show_id", flat=True) if pk is not None]
    return (
        Q(source_kind="session", source_id=session.pk)
        | Q(source_kind="show", source_id__in=show_ids)
        | Q(quote__inquiry__session_id=session.pk)
    )


def buyer_session_orders(*, buyer, session: Session):
    """The buyer's orders of one session, newest first (the "my orders of this session" page)."""
    from orders import selectors

    return selectors.orders_with_lines().filter(session_orders_q(session), buyer=buyer, sandbox=False).distinct()
