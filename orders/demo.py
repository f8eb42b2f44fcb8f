"""Demo orders: the demo buyer has an order in every state of the lifecycle, the demo vendor
("HTX Bưởi đỏ Đông Cao") has them on its order desk, and the organizers have them in their
console, with an organizer's step and a dispute.

Everything goes through the one order path: ``order_place`` and ``order_transition``
(their ``at=`` backdates each step, in order), and the dispute services. Nothing is
written by hand. Prices are the catalogue's (``order_place`` takes them when no price is
given). Runs after the selling demo, whose ended show's orders (last Friday, accepted by
the host from the chat and the flash sale) are moved on here; the other orders come from
two earlier Friday shows (by name only: those shows are not in the demo) and from the
organizers' phone line ("Ban tổ chức đặt hộ").

Idempotent: orders are found by their client key, each step by its key, so a second seed
changes nothing. Timestamps are realistic (the vendor confirms the same evening, ships the
next morning, the buyer receives in the afternoon); a show-linked order's steps fall after
its show's start and before now: when last Friday was only hours ago they are compressed
to fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from config.errors import ApplicationError
from orders import services
from orders.models import ActorRole, Channel, Order, OrderEvent, PaymentMethod
from vendors import services as vendor_services
from vendors.models import Product, Vendor

BUYER = "nguoimua@demo.chodem.vn"
DISTRIBUTOR = "nhaphanphoi@demo.chodem.vn"
RETAILER = "nhabanle@demo.chodem.vn"
HOST = "chuthe@demo.chodem.vn"
ORGANIZER = "bantochuc@demo.chodem.vn"
VENDOR_NAME = "HTX Bưởi đỏ Đông Cao"
#: Selling's ended demo show (selling/demo.py ``PAST_TITLE``), read by title: orders do not import selling.
PAST_TITLE = "Chợ đêm thứ Sáu tuần trước: Bưởi đỏ và gạo thơm Mê Linh"
PHONE_LINE = "Đặt qua tổng đài ban tổ chức"
ADDRESSES = {
    BUYER: "Số 12 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội",
    DISTRIBUTOR: "Kho 3, khu công nghiệp Quang Minh, Mê Linh, Hà Nội",
    RETAILER: "Cửa hàng Lan Nông sản, 45 Quang Trung, Hà Đông, Hà Nội",
}
GHTK, VTP, GHN = "Giao Hàng Tiết Kiệm", "Viettel Post", "Giao Hàng Nhanh"


@dataclass(frozen=True)
class Step:
    action: str
    role: str
    hours: float  # after the order was placed
    reason: str = ""
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    name: str  # the order's client key is "demo:<name>", each step's "demo:<name>:<action>"
    buyer: str
    steps: tuple[Step, ...]
    #: a new order: ((code, quantity), …); empty for an order the selling demo placed
    lines: tuple[tuple[str, int], ...] = ()
    #: where it came from: "earlier:<weeks before last Friday>:<minutes after its first order>",
    #: "show:<minutes after last Friday's last order>", "phone:<minutes ago>"
    origin: str = ""
    #: an order of the selling demo: (channel, product code, quantity)
    existing: tuple[str, str, int] | None = None
    dispute: bool = False


VEN, BUY, ORG = ActorRole.VENDOR, ActorRole.BUYER, ActorRole.ORGANIZER


def _confirm(hours):
    return Step("confirm", VEN, hours)


def _ship(hours, carrier="", tracking=""):
    data = {"carrier": carrier, "tracking_code": tracking} if carrier else {"own_delivery": True}
    return Step("ship", VEN, hours, data=data)


def _receive(hours, match=True):
    return Step("confirm_receipt", BUY, hours, data={"goods_match": match})


def _pay(hours, method=PaymentMethod.CASH):
    return Step("record_payment", VEN, hours, data={"method": method})  # the amount is the order's total


def _ack(hours):
    return Step("acknowledge_payment", BUY, hours)


PLANS = (
    # ---- the demo buyer: one order in every state ------------------------------------------------
    Plan("b-gao-hoan-thanh", BUYER, lines=(("G02", 2),), origin="earlier:3:12", steps=(
        _confirm(1.5), _ship(15, GHTK, "S21.HN.8830412"), _receive(40), _pay(40.2, PaymentMethod.TRANSFER), _ack(42),
    )),
    Plan("b-tinh-dau-huy", BUYER, lines=(("T03", 1),), origin="earlier:3:18", steps=(
        Step("buyer_cancel", BUY, 0.4, reason="Em đặt nhầm mã, để em xem lại rồi đặt sau ạ."),
    )),
    Plan("b-oi-tu-choi", BUYER, lines=(("O04", 5),), origin="earlier:2:9", steps=(
        Step("decline", VEN, 1, reason="Ổi lê vừa hết lứa, tuần sau vườn mới có quả lại. Shop xin lỗi anh ạ."),
    )),
    Plan("b-buoi-dien-khong-nhan", BUYER, lines=(("B05", 3),), origin="earlier:2:15", steps=(
        _confirm(2), _ship(16, VTP, "VTP2611300457"),
        Step("refuse_at_door", VEN, 40, reason="Bưu tá gọi ba lần không được, người mua không nhận hàng."),
    )),
    Plan("b-buoi-do-tra-hang", BUYER, lines=(("B01", 1), ("B05", 1)), origin="earlier:2:21", steps=(
        _confirm(1), _ship(14),
        Step("refuse_at_door", ORG, 20, reason="Người mua gọi tổng đài: đi công tác đột xuất, nhà không có ai nhận."),
        Step("return_received", VEN, 42, reason="Shop đã nhận lại đủ hàng, còn nguyên."),
    )),
    Plan("b-chot-buoi-do", BUYER, existing=(Channel.CHOT_DON, "B01", 2), steps=(
        _confirm(1.4), _ship(13.9, GHTK, "S21.HN.9012375"), _receive(18.9), _pay(19), _ack(20.5),
    )),
    Plan("b-flash-sale-khieu-nai", BUYER, existing=(Channel.FLASH_SALE, "B01", 10), dispute=True, steps=(
        _confirm(1.2), _ship(13.6),
        Step("record_receipt", ORG, 17.6, data={"goods_match": False},
             reason="Người mua gọi tổng đài: đã nhận 10 quả, có 2 quả bị dập."),
    )),
    Plan("b-gao-cho-xac-nhan-tien", BUYER, lines=(("G02", 1),), origin="show:2", steps=(
        _confirm(1.1), _ship(13.5, GHN, "GHN5HN2K7Q"), _receive(20), _pay(20.2, PaymentMethod.TRANSFER),
    )),
    Plan("b-tinh-dau-dang-giao", BUYER, lines=(("T03", 2),), origin="show:3", steps=(
        _confirm(1.1), _ship(14, GHN, "GHN5HN2K9X"),
    )),
    Plan("b-buoi-dien-tu-giao", BUYER, lines=(("B05", 2),), origin="show:4", steps=(_confirm(1.1), _ship(15))),
    Plan("b-goi-dien-cho-lay-hang", BUYER, lines=(("G02", 1), ("B05", 1)), origin="phone:300", steps=(_confirm(1),)),
    Plan("b-goi-dien-cho-xac-nhan", BUYER, lines=(("B01", 1),), origin="phone:40", steps=()),
    # ---- the distributor and the retailer ----------------------------------------------------------
    Plan("npp-gao-si", DISTRIBUTOR, existing=(Channel.CHOT_DON, "G02", 10), steps=(
        _confirm(1), _ship(13, GHTK, "S21.HN.9012402"), _receive(19), _pay(19.5, PaymentMethod.TRANSFER), _ack(21),
    )),
    Plan("npp-buoi-do", DISTRIBUTOR, existing=(Channel.CHOT_DON, "B01", 2), steps=(_confirm(14),)),
    Plan("npp-flash-sale", DISTRIBUTOR, existing=(Channel.FLASH_SALE, "B01", 6), steps=(
        _confirm(1.3), _ship(14, VTP, "VTP2612040981"),
    )),
    Plan("nbl-tinh-dau", RETAILER, existing=(Channel.CHOT_DON, "T03", 3), steps=(
        _confirm(1.2), _ship(13.8, GHN, "GHN5HN2M1A"), _receive(21),
    )),
    Plan("nbl-flash-sale", RETAILER, existing=(Channel.FLASH_SALE, "B01", 4), steps=(
        _confirm(1.3), _ship(13.9), _receive(19), _pay(19.1),
    )),
    Plan("nbl-gao-si", RETAILER, lines=(("G02", 20),), origin="phone:1500", steps=(
        _confirm(2), _ship(18, GHTK, "S21.HN.9013388"),
    )),
)

#: The dispute on the flash-sale order: (hours after placement, what happens).
DISPUTE = {
    "open": (18.5, "damaged", "Hai quả bưởi bị dập một góc, múi bên trong bị úng, không ăn được."),
    "answer": (20, "Shop xin lỗi anh. Đường giao xóc nên hai quả bị dập: shop xin hoàn tiền hai quả."),
    "contact": (21, "Ban tổ chức đã gọi người mua và shop: hai bên thống nhất hai quả dập do vận chuyển."),
    "decide": (22, "partial_refund", 178_000, "Ảnh cho thấy 2 quả dập do vận chuyển; shop đồng ý. Hoàn 2 × 89.000 ₫."),
}


class _Context:
    def __init__(self, *, now: datetime, vendor: Vendor, users: dict[str, User], products: dict[str, Product]):
        self.now, self.vendor, self.users, self.products = now, vendor, users, products
        self.host, self.organizer = users[HOST], users[ORGANIZER]
        self.keys: set[str] = set()  # the demo's step keys already in the history
        self.missing: list[str] = []
        # Last Friday's show, as its orders name it (orders know no rooms): id and its first and last orders' times.
        shown = (
            Order.objects.filter(vendor=vendor, source_kind="show", source_label=PAST_TITLE, sandbox=False)
            .exclude(client_key__startswith="demo:")
            .order_by("placed_at")
            .values_list("source_id", "placed_at")
        )
        rows = list(shown)
        self.show_id = rows[0][0] if rows else None
        self.show_first = rows[0][1] if rows else None
        self.show_last = rows[-1][1] if rows else None


def seed(log):
    users = {u.email: u for u in User.objects.filter(email__in=[BUYER, DISTRIBUTOR, RETAILER, HOST, ORGANIZER])}
    vendor = Vendor.objects.filter(legal_name=VENDOR_NAME, members__user__email=HOST).first()
    if len(users) < 5 or vendor is None:
        log("orders: demo people or vendor missing, skipped")
        return
    products = {p.code: p for p in Product.objects.filter(vendor=vendor)}
    ctx = _Context(now=timezone.now(), vendor=vendor, users=users, products=products)
    ctx.keys = keys = set(OrderEvent.objects.filter(key__startswith="demo:").values_list("key", flat=True))
    _restock_for_new_orders(ctx, keys)
    made = skipped = 0
    for plan in PLANS:
        try:
            done = _run(plan, ctx, keys)
        except ApplicationError as exc:  # a demo order that no longer fits (stock sold in the live show…)
            log(f"orders: {plan.name} skipped: {exc.message}")
            skipped += 1
            continue
        made += done
    buyer = users[BUYER]
    if ctx.missing:
        log("orders: no demo dispute: orders.disputes is not installed")
    log(
        f"orders: {Order.objects.filter(buyer=buyer, sandbox=False).count()} orders of {BUYER} in /don-hang/"
        f" ({made} steps made{f', {skipped} skipped' if skipped else ''}); the vendor's desk /don-hang/ban-hang/,"
        " the organizers' console /don-hang/giam-sat/"
    )


def _restock_for_new_orders(ctx: _Context, keys: set[str]) -> None:
    """The live show holds every unit on offer: before the first seed's new orders, the
    vendor records the harvest they come from (through the vendors' service)."""
    wanted: dict[str, int] = {}
    for plan in PLANS:
        if plan.lines and f"demo:{plan.name}" not in keys:
            for code, quantity in plan.lines:
                wanted[code] = wanted.get(code, 0) + quantity
    for code, quantity in wanted.items():
        product = ctx.products.get(code)
        if product is None:
            continue
        available = Product.objects.filter(pk=product.pk).values_list(F("stock") - F("stock_reserved"), flat=True).get()
        if available < quantity:
            product.refresh_from_db()
            vendor_services.product_update(product=product, actor=ctx.host, stock=product.stock + quantity - available)


def _run(plan: Plan, ctx: _Context, keys: set[str]) -> int:
    """Place (or find) the plan's order and make the steps it has not made yet; returns how many."""
    order = _existing(plan, ctx) if plan.existing else _place(plan, ctx, keys)
    if order is None:
        return 0
    fit = _fit(order.placed_at, plan, ctx.now)
    made = 0
    for step in plan.steps:
        key = f"demo:{plan.name}:{step.action}"
        if key in keys:
            continue
        services.order_transition(
            order_id=order.pk,
            action=step.action,
            actor=_actor(step.role, order, ctx),
            role=step.role,
            key=key,
            reason=step.reason,
            data=step.data,
            at=fit(step.hours),
        )
        made += 1
    if plan.dispute:
        made += _dispute(order, plan, ctx, fit)
    return made


def _actor(role: str, order: Order, ctx: _Context) -> User:
    if role == ActorRole.BUYER:
        return order.buyer
    return ctx.host if role == ActorRole.VENDOR else ctx.organizer


def _fit(placed_at: datetime, plan: Plan, now: datetime):
    """Hours after placement → a time: as planned, or compressed so the last step is in the past."""
    last = max([s.hours for s in plan.steps] + ([DISPUTE["decide"][0]] if plan.dispute else []), default=0)
    room = (now - timedelta(minutes=10) - placed_at).total_seconds() / 3600
    scale = min(1.0, room / last) if last and room > 0 else 1.0
    return lambda hours: placed_at + timedelta(hours=hours * scale)


def _when(plan: Plan, ctx: _Context) -> tuple[datetime, str, str, int | None, str] | None:
    """(placed at, channel, source kind, source id, source label) of a new order."""
    kind, *rest = plan.origin.split(":")
    if kind == "phone":
        return ctx.now - timedelta(minutes=int(rest[0])), Channel.STAFF, "", None, PHONE_LINE
    if ctx.show_id is None:
        return None
    if kind == "show":
        return ctx.show_last + timedelta(minutes=int(rest[0])), Channel.CHOT_DON, "show", ctx.show_id, PAST_TITLE
    weeks, minute = int(rest[0]), int(rest[1])
    earlier = ctx.show_first - timedelta(weeks=weeks)
    label = f"Chợ đêm thứ Sáu {timezone.localtime(earlier):%d/%m}: Bưởi đỏ Đông Cao"
    return earlier + timedelta(minutes=minute), Channel.CHOT_DON, "show", None, label


def _place(plan: Plan, ctx: _Context, keys: set[str]) -> Order | None:
    buyer = ctx.users[plan.buyer]
    key = f"demo:{plan.name}"
    placed_by = ctx.organizer if plan.origin.startswith("phone") else ctx.host
    if key in keys:
        return Order.objects.filter(placed_by=placed_by, client_key=key).first()
    origin = _when(plan, ctx)
    if origin is None:
        return None
    at, channel, source_kind, source_id, label = origin
    return services.order_place(
        buyer_id=buyer.pk,
        vendor_id=ctx.vendor.pk,
        placed_by_id=placed_by.pk,
        client_key=key,
        channel=channel,
        lines=[services.LineRequest(product_id=ctx.products[code].pk, quantity=q) for code, q in plan.lines],
        delivery={"name": buyer.get_full_name(), "phone": str(buyer.phone or ""), "address": ADDRESSES[plan.buyer]},
        source_kind=source_kind,
        source_id=source_id,
        source_label=label,
        at=at,
    )


def _existing(plan: Plan, ctx: _Context) -> Order | None:
    """The selling demo's order of this buyer in last Friday's show (channel, code, quantity)."""
    if ctx.show_id is None:
        return None
    channel, code, quantity = plan.existing
    return (
        Order.objects.filter(
            buyer=ctx.users[plan.buyer], vendor=ctx.vendor, source_kind="show", source_id=ctx.show_id, channel=channel,
            lines__product_code=code, lines__quantity=quantity,
        )
        .exclude(client_key__startswith="demo:")
        .order_by("placed_at", "pk")
        .first()
    )


def _dispute(order: Order, plan: Plan, ctx: _Context, fit) -> int:
    """Open → answered → (the organizers call both sides) → decided, through the dispute
    services; each step is replayed as nothing by its key. Returns the steps made."""
    if f"demo:{plan.name}:dispute_decide" in ctx.keys:
        return 0
    try:
        from orders import disputes
    except ImportError:  # the dispute services are not installed: the demo has no dispute
        ctx.missing.append("orders.disputes")
        return 0
    key = f"demo:{plan.name}"
    hours, reason, text = DISPUTE["open"]
    dispute, replayed = disputes.dispute_open(
        order_id=order.pk, actor=order.buyer, key=f"{key}:dispute_open", reason=reason, text=text, at=fit(hours)
    )
    made = not replayed
    hours, text = DISPUTE["answer"]
    _dispute, replayed = disputes.dispute_answer(
        dispute_id=dispute.pk, actor=ctx.host, key=f"{key}:dispute_answer", text=text, at=fit(hours)
    )
    made += not replayed
    hours, text = DISPUTE["contact"]
    if f"{key}:organizer_contacted" not in ctx.keys:
        services.order_note(
            order_id=order.pk, actor=ctx.organizer, role=ActorRole.ORGANIZER, key=f"{key}:organizer_contacted",
            action="organizer_contacted", reason=text, at=fit(hours),
        )
        made += 1
    hours, decision, amount, text = DISPUTE["decide"]
    _dispute, replayed = disputes.dispute_decide(
        dispute_id=dispute.pk, actor=ctx.organizer, key=f"{key}:dispute_decide", decision=decision, reason=text,
        amount=amount, at=fit(hours),
    )
    return made + (not replayed)
