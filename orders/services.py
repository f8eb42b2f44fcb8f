"""Every write to orders: placing one, moving it through its lifecycle (django-oscar's
``OrderCreator`` and ``EventHandler``; saleor's order actions that each record an event).

* ``order_place`` is the only code that creates orders and reserves their stock.
* ``order_transition`` is the only code that changes an order's status, over the table
  in ``orders.lifecycle``; each change writes one ``OrderEvent``.
* ``order_note`` records an organizer's step that changes no status (a call to both sides).

Every action carries the client's idempotency key: placement is unique on
``(placed_by, client_key)``, a transition on ``(order, key)`` of its event. A replay
returns the first outcome and changes nothing. Refusals are ``ApplicationError`` in the
user's language, raised before anything is written (or rolled back with it).

After commit, each change is announced (``order_changed`` signal) so notifications and
the deadline tasks follow without this module knowing them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phones import normalize_phone
from accounts.roles import Role
from config.errors import ApplicationError
from orders import checks, lifecycle, stock
from orders.models import ActorRole, Channel, Order, OrderEvent, OrderLine, PaymentMethod, Status
from vendors.models import Product, VendorMember

#: ``sender=Order, order_id=…, event_id=…``: sent after commit for every recorded event.
order_changed = Signal()

MAX_LINE_QUANTITY = 10_000
MAX_LINES = 50


class Code:
    """Stable error codes of order actions (clients branch on them, never on the text)."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    TOTAL_MISMATCH = "total_mismatch"
    NOT_ALLOWED = "transition_not_allowed"
    KEY_REUSED = "key_reused"


@dataclass(frozen=True)
class LineRequest:
    """One line to place. ``unit_price`` is set by trusted server code (a flash sale's
    price, a quote's tier); ``None`` takes the catalogue price."""

    product_id: int
    quantity: int
    unit_price: int | None = None


# ----------------------------------------------------------------------------- input


def delivery_clean(*, name: str, phone: str, address: str) -> dict:
    """Validated delivery details (phone in E.164) or ``ApplicationError`` with per-field messages."""
    fields = {}
    name, address = " ".join((name or "").split()), " ".join((address or "").split())
    if not name:
        fields["delivery.name"] = _("Hãy ghi tên người nhận.")
    elif len(name) > 120:
        fields["delivery.name"] = _("Tên người nhận dài quá 120 ký tự.")
    try:
        phone = normalize_phone(phone or "")
    except ValidationError as exc:
        fields["delivery.phone"] = exc.messages[0]
    if not address:
        fields["delivery.address"] = _("Hãy ghi địa chỉ nhận hàng.")
    elif len(address) > 300:
        fields["delivery.address"] = _("Địa chỉ dài quá 300 ký tự.")
    if fields:
        raise ApplicationError(_("Thông tin giao hàng chưa đúng."), code=Code.INVALID, fields=fields)
    return {"name": name, "phone": phone, "address": address}


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 64:
        raise ApplicationError(_("Thiếu khoá chống lặp (tối đa 64 ký tự)."), code=Code.INVALID, fields={"key": ""})
    return key


def _clean_text(text: str, *, limit: int, field: str) -> str:
    text = " ".join((text or "").split())
    if len(text) > limit:
        raise ApplicationError(
            _("Nội dung dài quá %(n)s ký tự.") % {"n": limit}, code=Code.INVALID, fields={field: str(limit)}
        )
    return text


# ----------------------------------------------------------------------------- placing


def _number(order: Order) -> str:
    prefix = "TH" if order.sandbox else "CDM"
    return f"{prefix}-{order.placed_at:%y}-{order.pk:06d}"


def _replayed_order(placed_by_id: int, client_key: str, *, buyer_id: int, vendor_id: int) -> Order | None:
    """The order this key already placed (marked ``replayed``), or None."""
    order = Order.objects.filter(placed_by_id=placed_by_id, client_key=client_key).first()
    if order is not None and (order.buyer_id != buyer_id or order.vendor_id != vendor_id):
        raise ApplicationError(_("Khoá chống lặp này đã dùng cho một đơn khác."), code=Code.KEY_REUSED)
    if order is not None:
        order.replayed = True
    return order


class _Replay(Exception):
    pass


def order_place(
    *,
    buyer_id: int,
    vendor_id: int,
    placed_by_id: int,
    client_key: str,
    channel: str,
    lines: Iterable[LineRequest],
    delivery: dict,
    note: str = "",
    source_kind: str = "",
    source_id: int | None = None,
    source_label: str = "",
    sandbox: bool = False,
    held: bool = False,
    expected_total: int | None = None,
    at: datetime | None = None,
) -> Order:
    """Place one order with one vendor; returns it (the first one again for a replayed key).

    Rules: the delivery details are complete; every product belongs to ``vendor_id``;
    quantities are 1…10,000; ``expected_total`` (what the buyer was shown), when given,
    must equal the total computed here. Stock: each line's units are reserved from the
    product (``held=True``: the caller's allocation already holds them, e.g. a show's
    offer); sandbox orders touch no stock at all. ``at`` backdates the placement for
    seeding and imports of recorded history only (never from a request). Locking: the conditional UPDATEs of
    ``orders.stock`` serialise buyers of one product only for the instant of the update;
    lines are reserved in product order so two multi-line orders cannot deadlock. A
    concurrent replay of the key waits on the unique index, fails, and returns the
    winner's order. Before anything is written, the checks other apps registered in
    ``orders.checks`` may refuse the placement (a blocked buyer).
    """
    client_key = _clean_key(client_key)
    if channel not in Channel.values:
        raise ApplicationError(_("Kênh đặt hàng không hợp lệ."), code=Code.INVALID, fields={"channel": channel})
    replay = _replayed_order(placed_by_id, client_key, buyer_id=buyer_id, vendor_id=vendor_id)
    if replay is not None:
        return replay
    checks.placement_check(
        checks.Placement(buyer_id=buyer_id, vendor_id=vendor_id, placed_by_id=placed_by_id, channel=channel, sandbox=sandbox)
    )
    wanted = _merge_lines(lines)
    cleaned = delivery_clean(**delivery)
    note = _clean_text(note, limit=300, field="note")
    products = Product.objects.in_bulk([line.product_id for line in wanted])
    priced = []
    for line in wanted:
        product = products.get(line.product_id)
        if product is None or product.vendor_id != vendor_id:
            raise ApplicationError(
                _("Sản phẩm không thuộc chủ thể của đơn hàng này."), code=Code.INVALID, fields={"lines": str(line.product_id)}
            )
        unit_price = product.price if line.unit_price is None else line.unit_price
        if unit_price < 0:
            raise ApplicationError(_("Đơn giá không hợp lệ."), code=Code.INVALID, fields={"lines": str(line.product_id)})
        priced.append((product, line.quantity, unit_price))
    total = sum(quantity * price for _p, quantity, price in priced)
    if expected_total is not None and expected_total != total:
        raise ApplicationError(
            _("Tổng tiền không khớp: đơn này là %(total)s đồng. Hãy tải lại trang để xem giá mới.") % {"total": f"{total:,}".replace(",", ".")},
            code=Code.TOTAL_MISMATCH,
        )
    try:
        with transaction.atomic():
            if not (sandbox or held):
                for product, quantity, _price in sorted(priced, key=lambda row: row[0].pk):
                    if not stock.stock_reserve(product_id=product.pk, quantity=quantity):
                        raise ApplicationError(
                            _("Không đủ hàng: %(name)s (mã %(code)s) chỉ còn %(left)s.")
                            % {"name": product.name, "code": product.code, "left": stock.stock_available(product_id=product.pk)},
                            code=Code.NOT_ENOUGH_STOCK,
                            status=409,
                        )
            now = at or timezone.now()
            try:
                with transaction.atomic():
                    order = Order.objects.create(
                        number=f"tmp-{uuid.uuid4().hex[:16]}",
                        buyer_id=buyer_id,
                        vendor_id=vendor_id,
                        placed_by_id=placed_by_id,
                        client_key=client_key,
                        channel=channel,
                        source_kind=source_kind,
                        source_id=source_id,
                        source_label=source_label[:200],
                        sandbox=sandbox,
                        total=total,
                        delivery_name=cleaned["name"],
                        delivery_phone=cleaned["phone"],
                        delivery_address=cleaned["address"],
                        note=note,
                        placed_at=now,
                    )
            except IntegrityError as exc:
                raise _Replay from exc
            order.number = _number(order)
            order.save(update_fields=["number"])
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    product=product,
                    product_code=product.code,
                    product_name=product.name,
                    unit=product.unit,
                    unit_price=price,
                    quantity=quantity,
                )
                for product, quantity, price in priced
            )
            role = ActorRole.BUYER if placed_by_id == buyer_id else ActorRole.ORGANIZER if channel == Channel.STAFF else ActorRole.VENDOR
            event = OrderEvent.objects.create(
                order=order,
                action="place",
                actor_id=placed_by_id,
                actor_role=role,
                to_status=Status.PLACED,
                data={"channel": channel, "total": total, "source": source_label[:200]},
                key=client_key,
                created_at=now,
            )
            _announce(order, event)
    except _Replay:
        replay = _replayed_order(placed_by_id, client_key, buyer_id=buyer_id, vendor_id=vendor_id)
        if replay is None:
            raise
        return replay
    return order


def _merge_lines(lines: Iterable[LineRequest]) -> list[LineRequest]:
    merged: dict[tuple[int, int | None], int] = {}
    for line in lines:
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_LINE_QUANTITY:
            raise ApplicationError(
                _("Số lượng phải từ 1 đến %(max)s.") % {"max": MAX_LINE_QUANTITY}, code=Code.INVALID, fields={"quantity": ""}
            )
        merged[(line.product_id, line.unit_price)] = merged.get((line.product_id, line.unit_price), 0) + line.quantity
    if not merged or len(merged) > MAX_LINES:
        raise ApplicationError(_("Đơn hàng cần từ 1 đến %(n)s sản phẩm.") % {"n": MAX_LINES}, code=Code.INVALID)
    return [LineRequest(product_id=pid, quantity=q, unit_price=price) for (pid, price), q in merged.items()]


# ----------------------------------------------------------------------------- who may act


def is_organizer(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_role(Role.ORGANIZER)))


def actor_may(*, order: Order, user, role: str) -> bool:
    """Does ``user`` hold ``role`` on this order? (buyer: theirs; vendor: a member; organizer.)"""
    if role == ActorRole.SYSTEM:
        return user is None
    if user is None or not user.is_authenticated:
        return False
    if role == ActorRole.BUYER:
        return order.buyer_id == user.pk
    if role == ActorRole.VENDOR:
        return VendorMember.objects.filter(vendor_id=order.vendor_id, user_id=user.pk).exists()
    if role == ActorRole.ORGANIZER:
        return is_organizer(user)
    return False


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


# ----------------------------------------------------------------------------- the lifecycle


def order_transition(
    *,
    order_id: int,
    action: str,
    actor,
    role: str,
    key: str,
    reason: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> tuple[Order, bool]:
    """Make one allowed move; returns ``(order, replayed)``.

    ``actor`` is a user (``None`` for ``role="system"``: the deadline tasks). Locking: the
    order's row (``SELECT … FOR UPDATE``) for the whole move, so two taps, a vendor and an
    organizer, or a task and a person, are applied one after the other and the second
    sees the first's outcome; the event's unique ``(order, key)`` makes a replay a no-op.
    ``data`` carries the move's details: ``ship`` {carrier, tracking_code} or
    {own_delivery: true}; ``confirm_receipt`` {goods_match}; ``record_payment``
    {method, amount}.
    """
    key = _clean_key(key)
    data = dict(data or {})
    move = lifecycle.MOVES.get(action)
    if move is None:
        raise ApplicationError(_("Thao tác không hợp lệ."), code=Code.INVALID, fields={"action": action})
    reason = _clean_text(reason, limit=500, field="reason")
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or not actor_may(order=order, user=actor, role=role):
            raise ApplicationError(_("Không tìm thấy đơn hàng."), code=Code.NOT_FOUND, status=404)
        earlier = OrderEvent.objects.filter(order=order, key=key).first()
        if earlier is not None:
            if earlier.action != action:
                raise ApplicationError(_("Khoá chống lặp này đã dùng cho một thao tác khác."), code=Code.KEY_REUSED)
            return order, True
        if role not in move.roles:
            raise ApplicationError(_("Bạn không được làm thao tác này với đơn hàng."), code=Code.FORBIDDEN, status=403)
        if order.status not in move.sources:
            raise ApplicationError(
                _("Không thể “%(action)s” khi đơn đang “%(status)s”.")
                % {"action": move.label, "status": _status_label(order.status)},
                code=Code.NOT_ALLOWED,
                status=409,
            )
        if move.needs_reason and not reason:
            raise ApplicationError(_("Hãy ghi lý do."), code=Code.INVALID, fields={"reason": _("Hãy ghi lý do.")})
        details = _apply_details(order, action, data)
        from_status = order.status
        _move_stock(order, action=action, from_status=from_status, target=move.target)
        now = at or timezone.now()  # ``at``: seeding recorded history only
        order.status = move.target
        if move.stamp:
            setattr(order, move.stamp, now)
        order.save()
        event = OrderEvent.objects.create(
            order=order,
            action=action,
            actor=actor,
            actor_role=role,
            from_status=from_status,
            to_status=move.target,
            reason=reason,
            data=details,
            key=key,
            created_at=now,
        )
        _announce(order, event)
    return order, False


def _apply_details(order: Order, action: str, data: dict) -> dict:
    """Validate and set the move's own fields; returns what the history keeps of them."""
    if action == "ship":
        own = bool(data.get("own_delivery"))
        carrier = _clean_text(str(data.get("carrier") or ""), limit=80, field="carrier")
        tracking = _clean_text(str(data.get("tracking_code") or ""), limit=80, field="tracking_code")
        if not own and not (carrier and tracking):
            raise ApplicationError(
                _("Hãy ghi đơn vị vận chuyển và mã vận đơn, hoặc chọn “Shop tự giao”."),
                code=Code.INVALID,
                fields={"carrier": _("Bắt buộc"), "tracking_code": _("Bắt buộc")},
            )
        order.own_delivery, order.carrier, order.tracking_code = own, ("" if own else carrier), ("" if own else tracking)
        return {"own_delivery": own, "carrier": order.carrier, "tracking_code": order.tracking_code}
    if action in ("confirm_receipt", "record_receipt"):
        match = data.get("goods_match", True)
        if not isinstance(match, bool):
            raise ApplicationError(_("Hãy cho biết hàng có đúng mô tả không."), code=Code.INVALID, fields={"goods_match": ""})
        order.goods_match = match
        return {"goods_match": match}
    if action == "record_payment":
        method = data.get("method")
        if method not in PaymentMethod.values:
            raise ApplicationError(_("Hãy chọn hình thức thanh toán."), code=Code.INVALID, fields={"method": ""})
        amount = data.get("amount", order.total)
        if not isinstance(amount, int) or isinstance(amount, bool) or amount != order.total:
            raise ApplicationError(
                _("Số tiền thu phải bằng tổng đơn (%(total)s đồng): người mua trả đủ khi nhận hàng.")
                % {"total": f"{order.total:,}".replace(",", ".")},
                code=Code.INVALID,
                fields={"amount": ""},
            )
        order.payment_method, order.paid_amount = method, amount
        return {"method": method, "amount": amount}
    return {}


def _move_stock(order: Order, *, action: str, from_status: str, target: str) -> None:
    """Reserved units are released by a cancellation before shipping, consumed by shipping,
    restocked when a refused parcel comes back. Practice orders never touch stock."""
    if order.sandbox:
        return
    lines = list(order.lines.values_list("product_id", "quantity"))
    if from_status in lifecycle.RESERVING and target in (Status.CANCELLED, Status.DECLINED):
        for product_id, quantity in lines:
            stock.stock_release(product_id=product_id, quantity=quantity)
    elif action in lifecycle.CONSUMES:
        for product_id, quantity in lines:
            stock.stock_consume(product_id=product_id, quantity=quantity)
    elif action == "return_received":
        for product_id, quantity in lines:
            stock.stock_restock(product_id=product_id, quantity=quantity)


def order_note(
    *, order_id: int, actor, role: str, key: str, action: str, reason: str, data: dict | None = None, at: datetime | None = None
) -> OrderEvent:
    """An audited step that changes no status (an organizer called both sides; a dispute step).
    ``at`` backdates it for seeding recorded history only (never from a request)."""
    key = _clean_key(key)
    reason = _clean_text(reason, limit=500, field="reason")
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or not actor_may(order=order, user=actor, role=role):
            raise ApplicationError(_("Không tìm thấy đơn hàng."), code=Code.NOT_FOUND, status=404)
        earlier = OrderEvent.objects.filter(order=order, key=key).first()
        if earlier is not None:
            return earlier
        event = OrderEvent.objects.create(
            order=order,
            action=action,
            actor=actor,
            actor_role=role,
            from_status=order.status,
            to_status=order.status,
            reason=reason,
            data=data or {},
            key=key,
            created_at=at or timezone.now(),
        )
        _announce(order, event)
    return event


def _announce(order: Order, event: OrderEvent) -> None:
    transaction.on_commit(lambda: order_changed.send(sender=Order, order_id=order.pk, event_id=event.pk))
