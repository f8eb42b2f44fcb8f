"""Demo data of the weekly night market at the program's scale (``manage.py seed_demo``, after orders).

* Every demo vendor (``vendors.demo``: 255 vendors) is a promoted ``Seller`` with a member who
  hosts its stall (the vendors seeded in bulk have no people yet: one owner account each, no
  usable password).
* A crowd of buyers: consumers, distributors and retailers (most businesses verified; the accounts
  inactive, no usable password, so announcements skip them), the demo buyer accounts, and the
  vendors' own people buying from other stalls (cross-selling).
* Five past sessions, the Fridays 25/9, 2/10, 9/10, 16/10 and 23/10/2026 (the brief's "from 24
  September, weekly": 24/9/2026 is a Thursday, the market's day is Friday), each ended, with 60
  stalls on 10 stages (20-minute slots), each slot a live ``Show`` of owner ``market`` with its
  viewers minute by minute, and about 1,000 orders across the 255 vendors in every state of the
  lifecycle. Orders only through ``orders.services.order_place(at=…)`` and ``order_transition``
  (backdated with ``at=``); the chốt đơn of a stall's show has ``source_kind="show"``, a stall's
  cart ``source_kind="session"``.
* Next Friday's session, published through ``market.timetable``'s services with 30 stalls
  (5 stages, 20-minute slots), so the lobby and the home page have a coming session.

Idempotent: a session already there (by its day) is left as it is. Recorded history tells nobody:
while the past orders are placed, ``orders``' after-commit receivers (notifications, deadline
tasks) are disconnected and reconnected after the last of those commit callbacks.
"""

from __future__ import annotations

import datetime
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from accounts.roles import Role
from config.errors import ApplicationError
from live.models import Show, ViewerSample
from live.services import show_create
from market import timetable
from market.models import Application, ApplicationProduct, BusinessProfile, Seller, Session, Slot
from market.room import OWNER_KIND
from orders import services as order_services
from orders.models import ActorRole, Channel, Order, PaymentMethod
from vendors.models import MemberRole, PriceTier, Product, Vendor, VendorMember

User = get_user_model()

PAST_DAYS = [datetime.date(2026, 9, 25), datetime.date(2026, 10, 2), datetime.date(2026, 10, 9),
             datetime.date(2026, 10, 16), datetime.date(2026, 10, 23)]  # fmt: skip
THEMES = ["Trái cây mùa thu", "Trung thu sum vầy", "Đặc sản làng nghề", "Trà và mật ong", "Gạo mới, nông sản sạch"]
ORDERS_PER_SESSION = 1000
PAST_STAGES, PAST_SLOT_MINUTES = 10, 20
NEXT_STAGES, NEXT_SLOT_MINUTES, NEXT_STALLS = 5, 20, 30
CONSUMERS, DISTRIBUTORS, RETAILERS = 1500, 60, 90
ORGANIZER = "bantochuc@demo.chodem.vn"
DEMO_BUYERS = ("nguoimua@demo.chodem.vn", "nhaphanphoi@demo.chodem.vn", "nhabanle@demo.chodem.vn")
DOMAIN = "demo.chodem.vn"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Phan"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Quốc", "Ngọc", "Đức", "Thanh", "Hải", "Hồng", "Xuân", "Bảo"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hùng", "Khánh", "Lan", "Linh", "Mai", "Nam", "Phương",
         "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến", "Hiếu", "Long", "Nga"]  # fmt: skip
STREETS = ["Hàng Bạc", "Kim Mã", "Láng Hạ", "Nguyễn Trãi", "Cầu Giấy", "Trần Duy Hưng", "Lạc Long Quân",
           "Giải Phóng", "Minh Khai", "Nguyễn Văn Cừ", "Quang Trung", "Tô Hiệu"]  # fmt: skip
QUARTERS = ["Hoàn Kiếm", "Ba Đình", "Đống Đa", "Cầu Giấy", "Hai Bà Trưng", "Thanh Xuân", "Long Biên", "Hà Đông"]

# (final state, weight, moves after placing: (action, role, hours after placing))
_CONFIRM, _SHIP = ("confirm", "vendor", 0.4), ("ship", "vendor", 20)
_RECEIVE = ("confirm_receipt", "buyer", 60)
_PAY = ("record_payment", "vendor", 61)
_ACK = ("acknowledge_payment", "buyer", 62)
OUTCOMES = [
    ("completed", 74, [_CONFIRM, _SHIP, _RECEIVE, _PAY, _ACK]),
    (
        "completed_by_organizer",
        2,
        [_CONFIRM, _SHIP, ("record_receipt", "organizer", 70), _PAY, ("confirm_payment_for_buyer", "organizer", 75)],
    ),
    ("payment_recorded", 2, [_CONFIRM, _SHIP, _RECEIVE, _PAY]),
    ("received", 2, [_CONFIRM, _SHIP, _RECEIVE]),
    ("shipped", 2, [_CONFIRM, _SHIP]),
    ("confirmed", 1, [_CONFIRM]),
    ("placed", 1, []),
    ("buyer_cancel", 5, [("buyer_cancel", "buyer", 0.3)]),
    ("declined", 4, [("decline", "vendor", 0.5)]),
    ("vendor_cancel", 2, [_CONFIRM, ("vendor_cancel", "vendor", 6)]),
    ("refused", 1, [_CONFIRM, _SHIP, ("refuse_at_door", "vendor", 60)]),
    ("returned", 3, [_CONFIRM, _SHIP, ("refuse_at_door", "vendor", 60), ("return_received", "vendor", 90)]),
    ("disputed", 1, [_CONFIRM, _SHIP, _RECEIVE, _PAY, _ACK]),
]
REASONS = {
    "decline": "Hết hàng đợt này",
    "vendor_cancel": "Hàng không đạt chất lượng khi đóng gói",
    "refuse_at_door": "Người mua không nghe máy khi giao",
    "record_receipt": "Đã gọi người mua: đã nhận hàng",
    "confirm_payment_for_buyer": "Người mua xác nhận qua điện thoại",
}


def _demo_vendors():
    from vendors.demo import FIRST_REGISTRATION, VENDOR_COUNT

    first, last = str(FIRST_REGISTRATION).zfill(10), str(FIRST_REGISTRATION + VENDOR_COUNT - 1).zfill(10)
    return Vendor.objects.filter(registration_number__gte=first, registration_number__lte=last)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _phone(rng: random.Random) -> str:
    return f"09{rng.randrange(10**7, 10**8)}"


def _bulk_users(rows: list[tuple[str, str]], role: str | None, *, active: bool = True) -> list:
    """Accounts made at once (no usable password: demo extras nobody logs in as)."""
    have = set(User.objects.filter(email__in=[e for e, _n in rows]).values_list("email", flat=True))
    new = []
    for email, name in rows:
        if email in have:
            continue
        user = User(email=email, is_active=active)
        user.set_full_name(name)
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=500)
    users = list(User.objects.filter(email__in=[e for e, _n in rows]).order_by("email"))
    if role and new:
        group, _created = Group.objects.get_or_create(name=role)
        made = {u.email for u in new}
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users if u.email in made], batch_size=500
        )
    return users


class _Quiet:
    """Disconnect ``orders``' after-commit receivers while recorded history is written."""

    RECEIVERS = ("orders.notifications", "orders.tasks.deadlines_follow")

    def __enter__(self):
        from orders.notifications import on_order_changed
        from orders.tasks import deadlines_follow

        self.pairs = [(on_order_changed, self.RECEIVERS[0]), (deadlines_follow, self.RECEIVERS[1])]
        for receiver, uid in self.pairs:
            order_services.order_changed.disconnect(receiver, dispatch_uid=uid)
        return self

    def reconnect(self):
        for receiver, uid in self.pairs:
            order_services.order_changed.connect(receiver, dispatch_uid=uid)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.reconnect()
        else:  # after the last of the history's commit callbacks, which run in order
            transaction.on_commit(self.reconnect)
        return False


class _World:
    """Everyone the past sessions need, loaded once."""

    def __init__(self, rng: random.Random, organizer):
        self.rng = rng
        self.organizer = organizer
        self.vendors = list(_demo_vendors().order_by("registration_number"))
        self.host = {}
        for m in VendorMember.objects.filter(vendor__in=self.vendors).select_related("user").order_by("pk"):
            self.host.setdefault(m.vendor_id, m.user)
        self.products: dict[int, list[Product]] = {}
        for p in Product.objects.filter(vendor__in=self.vendors).order_by("pk"):
            self.products.setdefault(p.vendor_id, []).append(p)
        self.vendors = [v for v in self.vendors if v.pk in self.host and self.products.get(v.pk)]
        self.budget = {p.pk: max(0, (p.stock - p.stock_reserved) // 2) for ps in self.products.values() for p in ps}
        self.tiers: dict[tuple[int, str], list[tuple[int, int]]] = {}
        for t in PriceTier.objects.filter(product__vendor__in=self.vendors).order_by("min_quantity"):
            self.tiers.setdefault((t.product_id, t.buyer_kind), []).append((t.min_quantity, t.unit_price))

    def price(self, product: Product, quantity: int, kind: str) -> int | None:
        found = None
        for min_quantity, unit_price in self.tiers.get((product.pk, kind), []):
            if quantity >= min_quantity:
                found = unit_price
        return found


# ----------------------------------------------------------------------------- people


def _vendor_people(log) -> int:
    """One owner account per demo vendor that has none, and a ``Seller`` for each vendor."""
    vendors = list(_demo_vendors().order_by("registration_number"))
    with_member = set(VendorMember.objects.filter(vendor__in=vendors).values_list("vendor_id", flat=True))
    lonely = [v for v in vendors if v.pk not in with_member]
    if lonely:
        users = {u.email: u for u in _bulk_users(
            [(f"chuthe-{v.registration_number[-3:]}@{DOMAIN}", v.representative) for v in lonely], Role.VENDOR
        )}  # fmt: skip
        VendorMember.objects.bulk_create(
            [VendorMember(vendor=v, user=users[f"chuthe-{v.registration_number[-3:]}@{DOMAIN}"], role=MemberRole.OWNER)
             for v in lonely], batch_size=500,
        )  # fmt: skip
    sellers = set(Seller.objects.filter(vendor__in=vendors).values_list("vendor_id", flat=True))
    admitted = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=timetable.MARKET_TZ)
    Seller.objects.bulk_create([Seller(vendor=v, admitted_at=admitted) for v in vendors if v.pk not in sellers])
    return len(vendors)


def _buyers(rng: random.Random, organizer) -> dict[str, list]:
    # The crowd is inactive: nobody logs in as them and the market's announcements (e-mail to
    # every active buyer) do not write 1,700 e-mails to the console of `make run`'s worker.
    consumers = _bulk_users(
        [(f"khach-{i:04d}@{DOMAIN}", _name(rng)) for i in range(1, CONSUMERS + 1)], Role.CONSUMER, active=False
    )
    distributors = _bulk_users(
        [(f"npp-{i:03d}@{DOMAIN}", _name(rng)) for i in range(1, DISTRIBUTORS + 1)], Role.DISTRIBUTOR, active=False
    )
    retailers = _bulk_users(
        [(f"nbl-{i:03d}@{DOMAIN}", _name(rng)) for i in range(1, RETAILERS + 1)], Role.RETAILER, active=False
    )
    have = set(BusinessProfile.objects.filter(user__in=distributors + retailers).values_list("user_id", flat=True))
    profiles = []
    for kind, users, word in ((BusinessProfile.Kind.DISTRIBUTOR, distributors, "Công ty TNHH Phân phối"),
                              (BusinessProfile.Kind.RETAILER, retailers, "Cửa hàng đặc sản")):  # fmt: skip
        for i, user in enumerate(users):
            if user.pk in have:
                continue
            verified = i % 5 != 4
            profiles.append(BusinessProfile(
                user=user, kind=kind, company=f"{word} {user.get_full_name()}", tax_code=f"01{rng.randrange(10**7, 10**8)}",
                address=f"{rng.randrange(1, 200)} {rng.choice(STREETS)}, {rng.choice(QUARTERS)}, Hà Nội",
                state=BusinessProfile.State.VERIFIED if verified else BusinessProfile.State.PENDING,
                reviewed_by=organizer if verified else None,
                reviewed_at=datetime.datetime(2026, 9, 10, 10, 0, tzinfo=timetable.MARKET_TZ) if verified else None,
            ))  # fmt: skip
    BusinessProfile.objects.bulk_create(profiles)
    verified = dict(
        BusinessProfile.objects.filter(
            user__in=distributors + retailers, state=BusinessProfile.State.VERIFIED
        ).values_list("user_id", "kind")
    )
    demo = {u.email: u for u in User.objects.filter(email__in=DEMO_BUYERS)}
    return {
        "regular": [demo[e] for e in DEMO_BUYERS[:1] if e in demo] + consumers[:350],
        "consumer": consumers[350:],
        "distributor": [demo[e] for e in DEMO_BUYERS[1:2] if e in demo] + distributors,
        "retailer": [demo[e] for e in DEMO_BUYERS[2:] if e in demo] + retailers,
        "verified": verified,
    }


# ----------------------------------------------------------------------------- past sessions


def _past_session(world: _World, day: datetime.date, theme: str, index: int) -> tuple[Session, list[Slot]]:
    rng = world.rng
    starts_at, ends_at = timetable.evening(day)
    session = Session.objects.create(
        title=f"Chợ đêm thứ Sáu {day:%d/%m/%Y}", theme=theme, starts_at=starts_at, ends_at=ends_at,
        state=Session.State.ENDED, stages=PAST_STAGES, slot_minutes=PAST_SLOT_MINUTES, created_by=world.organizer,
        published_at=starts_at - timedelta(days=3),
    )  # fmt: skip
    per_stage = int((ends_at - starts_at) / timedelta(minutes=PAST_SLOT_MINUTES))
    count = PAST_STAGES * per_stage
    offset = index * 51
    vendors = [world.vendors[(offset + i) % len(world.vendors)] for i in range(count)]
    applications = Application.objects.bulk_create([
        Application(session=session, vendor=v, applicant=world.host[v.pk], state=Application.State.ACCEPTED)
        for v in vendors
    ])  # fmt: skip
    ApplicationProduct.objects.bulk_create(
        [ApplicationProduct(application=a, product=p) for a, v in zip(applications, vendors, strict=True)
         for p in world.products[v.pk][:4]]
    )  # fmt: skip
    slots, samples = [], []
    for i, (application, vendor) in enumerate(zip(applications, vendors, strict=True)):
        stage, turn = i % PAST_STAGES + 1, i // PAST_STAGES
        start = starts_at + timedelta(minutes=turn * PAST_SLOT_MINUTES)
        end = start + timedelta(minutes=PAST_SLOT_MINUTES)
        show = show_create(
            title=vendor.legal_name, host=world.host[vendor.pk], host_display_name=vendor.legal_name[:120],
            description=f"{session.title} · {theme}", scheduled_start=start, scheduled_end=end, owner_kind=OWNER_KIND,
        )  # fmt: skip
        late = timedelta(minutes=rng.choice([0, 0, 0, 1, 2]))
        Show.objects.filter(pk=show.pk).update(state=Show.State.ENDED, started_at=start + late, ended_at=end)
        slots.append(Slot(session=session, application=application, vendor=vendor, stage=stage, starts_at=start,
                          ends_at=end, show=show))  # fmt: skip
        peak = rng.randrange(30, 520)
        for minute in range(PAST_SLOT_MINUTES):
            shape = 0.35 + 0.65 * (1 - abs(minute - PAST_SLOT_MINUTES * 0.6) / PAST_SLOT_MINUTES)
            samples.append(ViewerSample(room_id=show.room.pk, minute=start + timedelta(minutes=minute),
                                        viewers=max(1, int(peak * shape * rng.uniform(0.9, 1.05)))))  # fmt: skip
    Slot.objects.bulk_create(slots)
    ViewerSample.objects.bulk_create(samples, batch_size=1000)
    return session, list(Slot.objects.filter(session=session).order_by("starts_at", "stage"))


def _pick_buyer(world: _World, buyers: dict) -> tuple:
    roll = world.rng.random()
    if roll < 0.38:
        return world.rng.choice(buyers["regular"]), "consumer"
    if roll < 0.80:
        return world.rng.choice(buyers["consumer"]), "consumer"
    if roll < 0.88:
        return world.rng.choice(buyers["distributor"]), "distributor"
    if roll < 0.97:
        return world.rng.choice(buyers["retailer"]), "retailer"
    return world.host[world.rng.choice(world.vendors).pk], "consumer"  # a vendor's person buying elsewhere


def _lines(world: _World, vendor: Vendor, kind: str) -> list[order_services.LineRequest]:
    rng = world.rng
    products = world.products[vendor.pk]
    lines = []
    for product in rng.sample(products, k=min(len(products), rng.choice([1, 1, 1, 2, 2, 3]))):
        want = rng.randrange(10, 41) if kind != "consumer" else rng.choice([1, 1, 1, 2, 2, 3, 5])
        quantity = min(want, world.budget[product.pk])
        if quantity < 1:
            continue
        world.budget[product.pk] -= quantity
        lines.append(order_services.LineRequest(product_id=product.pk, quantity=quantity,
                                                unit_price=world.price(product, quantity, kind)))  # fmt: skip
    return lines


def _actor(role: str, order: Order, world: _World, buyer):
    if role == ActorRole.BUYER:
        return buyer
    return world.host[order.vendor_id] if role == ActorRole.VENDOR else world.organizer


def _past_orders(world: _World, session: Session, slots: list[Slot], buyers: dict) -> int:
    rng = world.rng
    outcomes = [o for o in OUTCOMES]
    weights = [w for _n, w, _m in outcomes]
    made = 0
    target = ORDERS_PER_SESSION + rng.randrange(-40, 41)
    for n in range(target):
        buyer, kind = _pick_buyer(world, buyers)
        if kind != "consumer" and buyers["verified"].get(buyer.pk) != kind:
            kind = "consumer"  # an unverified business pays retail
        if rng.random() < 0.45:
            slot = rng.choice(slots)
            vendor = slot.vendor
            at = slot.starts_at + timedelta(seconds=rng.randrange(60, PAST_SLOT_MINUTES * 60 - 30))
            channel = Channel.FLASH_SALE if rng.random() < 0.1 else Channel.CHOT_DON
            source = {
                "source_kind": "show",
                "source_id": slot.show_id,
                "source_label": f"{session.title}: {vendor.legal_name}",
            }
        else:
            vendor = rng.choice(world.vendors)
            at = session.starts_at + timedelta(seconds=rng.randrange(60, 7170))
            channel = Channel.STALL_CART
            source = {"source_kind": "session", "source_id": session.pk, "source_label": session.title}
        if world.host[vendor.pk].pk == buyer.pk:
            continue
        lines = _lines(world, vendor, kind)
        if not lines:
            continue
        order = order_services.order_place(
            buyer_id=buyer.pk, vendor_id=vendor.pk, placed_by_id=buyer.pk, client_key=f"demo-market:{session.pk}:{n}",
            channel=channel, lines=lines, at=at,
            delivery={"name": buyer.get_full_name() or buyer.email, "phone": _phone(rng),
                      "address": f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, {rng.choice(QUARTERS)}, Hà Nội"},
            **source,
        )  # fmt: skip
        name, _w, moves = rng.choices(outcomes, weights=weights)[0]
        for action, role, hours in moves:
            data = {}
            if action == "ship":
                data = {"own_delivery": True} if rng.random() < 0.3 else {
                    "carrier": rng.choice(["GHTK", "Viettel Post", "GHN"]), "tracking_code": f"VN{rng.randrange(10**8, 10**9)}"
                }  # fmt: skip
            elif action == "record_payment":
                data = {"method": rng.choice([PaymentMethod.CASH, PaymentMethod.TRANSFER]), "amount": order.total}
            elif action in ("confirm_receipt", "record_receipt"):
                data = {"goods_match": True}
            order, _replayed = order_services.order_transition(
                order_id=order.pk, action=action, actor=_actor(role, order, world, buyer), role=role,
                key=f"demo-market:{action}", reason=REASONS.get(action, ""), data=data,
                at=at + timedelta(hours=hours * rng.uniform(0.8, 1.2)),
            )  # fmt: skip
        if name == "disputed":
            _dispute(world, order, buyer, at + timedelta(hours=70))
        made += 1
    return made


def _dispute(world: _World, order: Order, buyer, at: datetime.datetime) -> None:
    from orders.disputes import dispute_answer, dispute_open

    try:
        dispute, _r = dispute_open(
            order_id=order.pk, actor=buyer, key="demo-market:dispute", reason="quality",
            text="Hàng giao tới bị dập một phần, xin shop xem lại.", at=at,
        )  # fmt: skip
        dispute_answer(
            dispute_id=dispute.pk, actor=world.host[order.vendor_id], key="demo-market:answer",
            text="Shop xin lỗi, shop gửi bù hàng trong tuần.", at=at + timedelta(hours=5),
        )  # fmt: skip
    except ApplicationError:  # outside the dispute window: the order stays completed
        pass


# ----------------------------------------------------------------------------- next Friday


def _next_session(world: _World, log) -> Session | None:
    now = timezone.now()
    day = timetable.next_friday()
    if timetable.evening(day)[0] <= now:
        day = timetable.next_friday(today=day + timedelta(days=1))
    starts_at, _ends_at = timetable.evening(day)
    found = Session.objects.filter(starts_at=starts_at, is_special=False).first()
    if found is not None:
        return found
    organizer = world.organizer
    session = timetable.session_create(
        actor=organizer, title=f"Chợ đêm thứ Sáu {day:%d/%m/%Y}", theme="Đặc sản đón Tết", day=day,
        stages=NEXT_STAGES, slot_minutes=NEXT_SLOT_MINUTES,
    )  # fmt: skip
    session = timetable.session_open(actor=organizer, session=session)
    on = timezone.localtime(session.ends_at, timetable.MARKET_TZ).date()
    verified: dict[int, list[int]] = {}
    for pk, vendor_id in (
        Product.objects.verified(on=on).filter(vendor__in=world.vendors).values_list("pk", "vendor_id")
    ):
        verified.setdefault(vendor_id, []).append(pk)
    first = [v for v in world.vendors[:1] if v.pk in verified]  # the demo vendor of chuthe@ always has a stall
    chosen = first + [v for v in world.vendors[1:] if len(verified.get(v.pk, [])) >= 2][::7]
    placed = 0
    for vendor in chosen:
        if placed == NEXT_STALLS:
            break
        try:
            application = timetable.application_submit(
                actor=world.host[vendor.pk], session=session, vendor=vendor, product_ids=verified[vendor.pk][:4],
                note="Mang hàng mới về cho phiên cuối năm.",
            )  # fmt: skip
            timetable.slot_assign(
                actor=organizer, application=application, stage=placed % NEXT_STAGES + 1,
                starts_at=session.starts_at + timedelta(minutes=NEXT_SLOT_MINUTES * (placed // NEXT_STAGES)),
            )  # fmt: skip
        except ApplicationError as exc:
            log(f"market: {vendor} not placed: {exc.message}")
            continue
        placed += 1
    return timetable.session_publish(actor=organizer, session=session)


# ----------------------------------------------------------------------------- seed


def seed(log):
    organizer = User.objects.filter(email=ORGANIZER).first()
    if organizer is None or not _demo_vendors().exists():
        log("market: demo organizer or vendors missing, skipped")
        return
    rng = random.Random(1309)
    vendors = _vendor_people(log)
    buyers = _buyers(rng, organizer)
    world = _World(rng, organizer)
    existing = set(Session.objects.filter(starts_at__in=[timetable.evening(d)[0] for d in PAST_DAYS])
                   .values_list("starts_at", flat=True))  # fmt: skip
    total = 0
    with _Quiet(), override_settings(DEBUG=False):  # no query log of a quarter of a million queries
        for index, (day, theme) in enumerate(zip(PAST_DAYS, THEMES, strict=True)):
            if timetable.evening(day)[0] in existing:
                continue
            session, slots = _past_session(world, day, theme, index)
            made = _past_orders(world, session, slots, buyers)
            total += made
            log(f"market: {session.title}: {len(slots)} stalls, {made} orders")
    upcoming = _next_session(world, log)
    _demo_businesses(organizer, log)
    _demo_quote(log)
    _demo_cart(upcoming, log)
    log(
        f"market: {vendors} sellers, {total} new orders in past sessions; next: {upcoming} "
        f"({upcoming.slots.count() if upcoming else 0} stalls); the organizers' dashboard /cho-dem/bang-dieu-khien/"
    )


#: The README's demo distributor and retailer: verified through the same services as a real
#: business, so "chot b01 100" in a room is priced by the wholesale tier at once.
DEMO_BUSINESSES = (
    ("nhaphanphoi@demo.chodem.vn", BusinessProfile.Kind.DISTRIBUTOR, "Công ty TNHH Phân phối Nông sản Hùng Đỗ",
     "0109876543", "Số 18 Nguyễn Văn Cừ, Long Biên, Hà Nội"),
    ("nhabanle@demo.chodem.vn", BusinessProfile.Kind.RETAILER, "Cửa hàng Đặc sản Vũ Lan",
     "0108765432", "Số 5 Phố Huế, Hai Bà Trưng, Hà Nội"),
)  # fmt: skip


def _demo_businesses(organizer, log) -> None:
    from market import business

    for email, kind, company, tax_code, address in DEMO_BUSINESSES:
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        profile = business.business_profile_submit(user=user, kind=kind, company=company, tax_code=tax_code, address=address)
        if profile.state != BusinessProfile.State.VERIFIED:
            business.business_profile_review(
                profile_id=profile.pk, actor=organizer, verify=True, note="Đã đối chiếu giấy phép kinh doanh (dữ liệu mẫu)."
            )
        log(f"market: {email}: verified {kind} business ({company})")


DEMO_DISTRIBUTOR = "nhaphanphoi@demo.chodem.vn"
DEMO_VENDOR_HOST = "chuthe@demo.chodem.vn"
DEMO_CONSUMER = "nguoimua@demo.chodem.vn"


def _demo_quote(log) -> None:
    """The demo distributor's open inquiry to chuthe@'s cooperative, answered with a quote to accept."""
    from market import quotes
    from market.models import Inquiry, Quote
    buyer = User.objects.filter(email=DEMO_DISTRIBUTOR).first()
    host = User.objects.filter(email=DEMO_VENDOR_HOST).first()
    member = VendorMember.objects.filter(user=host).select_related("vendor").first() if host else None
    if buyer is None or member is None:
        return
    if Quote.objects.filter(inquiry__buyer=buyer, state=Quote.State.SENT, valid_until__gt=timezone.now()).exists():
        return
    product = Product.objects.filter(vendor=member.vendor).order_by("pk").first()
    if product is None:
        return
    inquiry = Inquiry.objects.filter(buyer=buyer, product=product, state=Inquiry.State.OPEN).first()
    if inquiry is None:
        inquiry = quotes.inquiry_create(
            buyer=buyer, product_id=product.pk, quantity=300,
            message="Công ty cần 300 đơn vị giao Hà Nội trước Tết, xin báo giá sỉ.",
        )  # fmt: skip
    retail = int(product.price)
    quote = quotes.quote_send(
        inquiry_id=inquiry.pk, actor=host, unit_price=retail * 80 // 100, min_quantity=100,
        tiers=[{"min_quantity": 300, "unit_price": retail * 75 // 100}],
        delivery_terms="Giao tận kho Hà Nội trong 5 ngày, phí vận chuyển do HTX chịu.",
        valid_until=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    log(f"market: {DEMO_DISTRIBUTOR}: quote {quote.pk} from {member.vendor} waiting to be accepted")


def _demo_cart(session: Session | None, log) -> None:
    """The demo consumer's cart in a stall of next Friday's session."""
    from market import cart as carts
    from market.models import Cart

    buyer = User.objects.filter(email=DEMO_CONSUMER).first()
    if buyer is None or session is None or Cart.objects.filter(buyer=buyer, session=session).exists():
        return
    offered = (
        ApplicationProduct.objects.filter(application__session=session, application__vendor__in=session.slots.values("vendor"))
        .exclude(application__vendor__members__user=buyer)
        .filter(product__stock__gte=F("product__stock_reserved") + 2)  # in stock for the cart's 2 units
        .order_by("application__vendor_id", "pk")
        .values_list("product_id", flat=True)[:2]
    )
    for product_id in offered:
        try:
            carts.cart_add(buyer=buyer, product_id=product_id, quantity=2, session_id=session.pk)
        except ApplicationError as exc:
            log(f"market: demo cart: {exc.message}")
    log(f"market: {DEMO_CONSUMER}: a cart in next Friday's session")
