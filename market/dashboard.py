"""The organizers' dashboard of the weekly market: reads only (selectors).

Which orders belong to a session is the market's one rule (``market.cart.session_orders_q``):
its stall carts (``source_kind="session"``), chốt đơn and flash sales in its slots' shows
(``source_kind="show"``) and the wholesale quotes asked during it. Practice (sandbox) orders
never count.

Definitions (the figures the pages, the CSV files and the API show):

* **orders**: every real order of the session, whatever its state;
* **GMV** (đồng): the sum of the orders' totals, less the ones cancelled or declined before
  shipping (a refused or returned parcel was sold and sent; it stays in the GMV);
* **buyers**: distinct buyers; **returning buyers**: those who had bought in an earlier session;
* **confirmation rate**: orders the vendor confirmed (whatever happened next) / orders;
* **completion rate**: orders completed / orders;
* **disputes**: disputes opened on the session's orders (and how many are still open);
* **buyer kinds**: a verified business profile's kind (distributor, retailer), else the
  account's role (distributor, retailer), else consumer;
* **cross-selling**: the buyer is a member of another vendor and not of the order's own (the rule of
  ``market.business.cross_selling_q``).

Each figure is one aggregate query over all the sessions in view (the session of an order is
a ``CASE`` over its source), so a page costs about a dozen queries whatever the number of orders.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from live.models import Show, ViewerSample
from market.models import BusinessProfile, Quote, Session, Slot
from orders.models import Dispute, Order, OrderLine, Status
from orders.supervision import overdue_q, overdue_reason
from vendors.models import District, OcopGroup, Product, VendorMember

#: Orders that never became a sale: out of the GMV.
NOT_SOLD = (Status.CANCELLED, Status.DECLINED)
#: Sessions the program view counts (the ones that have happened or are happening).
HELD_STATES = (Session.State.LIVE, Session.State.ENDED)
TOP = 10
#: A stall whose slot started this long ago without its show going live is late.
LATE_AFTER = datetime.timedelta(minutes=5)

BUYER_KINDS = ("consumer", "distributor", "retailer", "")


def buyer_kind_label(kind: str) -> str:
    return {
        "consumer": _("Người tiêu dùng"),
        "distributor": _("Nhà phân phối"),
        "retailer": _("Nhà bán lẻ"),
    }.get(kind, kind)


# ----------------------------------------------------------------------------- scope


@dataclass
class Scope:
    """The sessions in view and how an order (or a row reached through ``prefix``) maps to one."""

    sessions: list[Session]
    show_session: dict[int, int]  # show id → session id

    @property
    def session_ids(self) -> list[int]:
        return [s.pk for s in self.sessions]

    def q(self, prefix: str = "") -> Q:
        """Rows whose order belongs to one of the sessions (``prefix``: the path to the order)."""
        p = prefix
        quoted = Quote.objects.filter(inquiry__session_id__in=self.session_ids, order__isnull=False).values("order_id")
        return Q(**{f"{p}sandbox": False}) & (
            Q(**{f"{p}source_kind": "session", f"{p}source_id__in": self.session_ids})
            | Q(**{f"{p}source_kind": "show", f"{p}source_id__in": list(self.show_session)})
            | Q(**{f"{p}source_kind": "quote", f"{p}id__in": quoted})
        )

    def session_of(self, prefix: str = "") -> Case:
        """``CASE``: the session id of the row's order."""
        p = prefix
        whens = [When(**{f"{p}source_kind": "session", "then": F(f"{p}source_id")})]
        by_session: dict[int, list[int]] = {}
        for show_id, session_id in self.show_session.items():
            by_session.setdefault(session_id, []).append(show_id)
        for session_id, show_ids in by_session.items():
            whens.append(When(**{f"{p}source_kind": "show", f"{p}source_id__in": show_ids, "then": Value(session_id)}))
        asked_in = Quote.objects.filter(order_id=OuterRef(f"{p}id")).values("inquiry__session_id")[:1]
        whens.append(When(**{f"{p}source_kind": "quote", "then": Subquery(asked_in)}))
        return Case(*whens, default=Value(None), output_field=IntegerField())


def scope_for(sessions: list[Session]) -> Scope:
    ids = [s.pk for s in sessions]
    pairs = Slot.objects.filter(session_id__in=ids, show__isnull=False).values_list("show_id", "session_id")
    return Scope(sessions=sessions, show_session=dict(pairs))


def held_sessions() -> list[Session]:
    """Sessions that have happened or are happening, oldest first."""
    return list(Session.objects.filter(state__in=HELD_STATES).order_by("starts_at", "pk"))


# ----------------------------------------------------------------------------- figures


def _rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass
class Totals:
    orders: int = 0
    gmv: int = 0
    buyers: int = 0
    returning_buyers: int = 0
    confirmed: int = 0
    completed: int = 0
    completed_value: int = 0
    disputes: int = 0
    open_disputes: int = 0
    cross_orders: int = 0
    cross_gmv: int = 0

    @property
    def confirmation_rate(self) -> float:
        return _rate(self.confirmed, self.orders)

    @property
    def completion_rate(self) -> float:
        return _rate(self.completed, self.orders)

    def as_json(self) -> dict:
        return {
            "orders": self.orders,
            "gmv": self.gmv,
            "buyers": self.buyers,
            "returning_buyers": self.returning_buyers,
            "confirmed": self.confirmed,
            "confirmation_rate": self.confirmation_rate,
            "completed": self.completed,
            "completion_rate": self.completion_rate,
            "completed_value": self.completed_value,
            "disputes": self.disputes,
            "open_disputes": self.open_disputes,
            "cross_selling_orders": self.cross_orders,
            "cross_selling_gmv": self.cross_gmv,
        }


_SOLD = ~Q(status__in=NOT_SOLD)


def _order_aggregates():
    return {
        "orders": Count("pk"),
        "gmv": Coalesce(Sum("total", filter=_SOLD), 0),
        "confirmed": Count("pk", filter=Q(confirmed_at__isnull=False)),
        "completed": Count("pk", filter=Q(status=Status.COMPLETED)),
        "completed_value": Coalesce(Sum("total", filter=Q(status=Status.COMPLETED)), 0),
    }


def _orders(scope: Scope):
    return Order.objects.filter(scope.q()).order_by()


def _memberships() -> dict[int, set[int]]:
    """user id → the vendors they are a member of (a few hundred rows)."""
    out: dict[int, set[int]] = {}
    for user_id, vendor_id in VendorMember.objects.values_list("user_id", "vendor_id"):
        out.setdefault(user_id, set()).add(vendor_id)
    return out


def _cross_selling(scope: Scope, totals: dict[int, Totals]) -> None:
    """Orders whose buyer is a member of some vendor other than the order's own (the rule of
    ``market.business.cross_selling_q``), read as the few orders of vendors' people: one query
    instead of a subquery per order."""
    members = _memberships()
    rows = (
        _orders(scope)
        .filter(buyer_id__in=list(members))
        .annotate(sid=scope.session_of())
        .values_list("sid", "buyer_id", "vendor_id", "total", "status")
    )
    for sid, buyer_id, vendor_id, total, status in rows:
        if sid in totals and vendor_id not in members[buyer_id]:
            totals[sid].cross_orders += 1
            if status not in NOT_SOLD:
                totals[sid].cross_gmv += total


def _per_session_totals(scope: Scope) -> dict[int, Totals]:
    """One ``Totals`` per session (buyers and disputes included)."""
    totals = {pk: Totals() for pk in scope.session_ids}
    rows = _orders(scope).annotate(sid=scope.session_of()).values("sid").annotate(**_order_aggregates())
    for row in rows:
        if row["sid"] in totals:
            t = totals[row["sid"]]
            for name in ("orders", "gmv", "confirmed", "completed", "completed_value"):
                setattr(t, name, row[name])
    disputes = (
        Dispute.objects.filter(scope.q("order__"))
        .annotate(sid=scope.session_of("order__"))
        .order_by()
        .values("sid")
        .annotate(n=Count("pk"), open=Count("pk", filter=~Q(state=Dispute.State.DECIDED)))
    )
    for row in disputes:
        if row["sid"] in totals:
            totals[row["sid"]].disputes, totals[row["sid"]].open_disputes = row["n"], row["open"]
    _cross_selling(scope, totals)
    return totals


def _buyer_counts(scope: Scope, totals: dict[int, Totals]) -> tuple[int, int]:
    """Buyers and returning buyers of each session in view (returning: bought in any earlier
    session); returns (distinct buyers of all the sessions in view, those of more than one)."""
    if not scope.sessions:
        return 0, 0
    if len(scope.sessions) == 1:  # one session: its buyers, and which of them bought in an earlier one
        (session,) = scope.sessions
        buyers = set(Order.objects.filter(scope.q()).order_by().values_list("buyer_id", flat=True).distinct())
        earlier = list(Session.objects.filter(starts_at__lt=session.starts_at).exclude(pk=session.pk))
        before = scope_for(earlier)
        returning = (
            Order.objects.filter(before.q(), buyer_id__in=Order.objects.filter(scope.q()).values("buyer_id"))
            .order_by()
            .values("buyer_id")
            .distinct()
            .count()
            if earlier
            else 0
        )
        totals[session.pk].buyers, totals[session.pk].returning_buyers = len(buyers), returning
        return len(buyers), returning
    first = min(s.starts_at for s in scope.sessions)
    earlier = list(Session.objects.filter(starts_at__lt=first).exclude(pk__in=scope.session_ids))
    whole = scope_for(earlier + scope.sessions) if earlier else scope
    order_of_session = {s.pk: i for i, s in enumerate(sorted(whole.sessions, key=lambda s: (s.starts_at, s.pk)))}
    pairs = (
        Order.objects.filter(whole.q())
        .annotate(sid=whole.session_of())
        .order_by()
        .values_list("sid", "buyer_id")
        .distinct()
    )
    first_seen: dict[int, int] = {}
    by_session: dict[int, set[int]] = {}
    for sid, buyer_id in pairs:
        rank = order_of_session.get(sid)
        if rank is None:
            continue
        by_session.setdefault(sid, set()).add(buyer_id)
        if buyer_id not in first_seen or rank < first_seen[buyer_id]:
            first_seen[buyer_id] = rank
    sessions_of: dict[int, int] = {}
    for sid, t in totals.items():
        buyers = by_session.get(sid, set())
        rank = order_of_session[sid]
        t.buyers = len(buyers)
        t.returning_buyers = sum(1 for b in buyers if first_seen[b] < rank)
        for b in buyers:
            sessions_of[b] = sessions_of.get(b, 0) + 1
    return len(sessions_of), sum(1 for n in sessions_of.values() if n > 1)


def _sum_totals(parts: list[Totals], buyers: tuple[int, int]) -> Totals:
    """The sessions' totals together: a buyer of two sessions counts once; returning buyers are
    those of more than one of them (one session: its own returning buyers)."""
    total = Totals()
    for name in (
        "orders",
        "gmv",
        "confirmed",
        "completed",
        "completed_value",
        "disputes",
        "open_disputes",
        "cross_orders",
        "cross_gmv",
    ):
        setattr(total, name, sum(getattr(t, name) for t in parts))
    if len(parts) == 1:
        total.buyers, total.returning_buyers = parts[0].buyers, parts[0].returning_buyers
    else:
        total.buyers, total.returning_buyers = buyers
    return total


def _by_vendor(orders) -> tuple[list[dict], list[dict]]:
    """(top vendors, by district) from one query grouped by vendor."""
    rows = list(
        orders.values("vendor_id", "vendor__legal_name", "vendor__district")
        .annotate(orders=Count("pk"), gmv=Coalesce(Sum("total", filter=_SOLD), 0))
        .order_by("-gmv", "-orders", "vendor_id")
    )
    districts: dict[str, dict] = {}
    for r in rows:
        d = districts.setdefault(
            r["vendor__district"], {"vendor__district": r["vendor__district"], "orders": 0, "gmv": 0}
        )
        d["orders"] += r["orders"]
        d["gmv"] += r["gmv"]
    return rows[:TOP], sorted(districts.values(), key=lambda r: (-r["gmv"], -r["orders"], r["vendor__district"]))


def _by_product(scope: Scope) -> tuple[list[dict], list[dict], list[dict]]:
    """(top products, by product group, by OCOP stars) of the lines sold, from one query grouped by product."""
    rows = list(
        OrderLine.objects.filter(scope.q("order__"))
        .exclude(order__status__in=NOT_SOLD)
        .order_by()
        .values("product_id")
        .annotate(units=Coalesce(Sum("quantity"), 0), gmv=Coalesce(Sum(F("quantity") * F("unit_price")), 0))
    )
    about = {
        p["pk"]: p
        for p in Product.objects.filter(pk__in=[r["product_id"] for r in rows]).values(
            "pk", "name", "vendor__legal_name", "group", "stars"
        )
    }
    for r in rows:
        p = about[r["product_id"]]
        r.update(
            product__name=p["name"],
            product__vendor__legal_name=p["vendor__legal_name"],
            product__group=p["group"],
            product__stars=p["stars"],
        )
    rows.sort(key=lambda r: (-r["gmv"], -r["units"], r["product_id"]))
    groups: dict[str, dict] = {}
    stars: dict[int, dict] = {}
    for r in rows:
        for table, key, value in (
            (groups, "product__group", r["product__group"]),
            (stars, "product__stars", r["product__stars"]),
        ):
            row = table.setdefault(value, {key: value, "units": 0, "gmv": 0})
            row["units"] += r["units"]
            row["gmv"] += r["gmv"]
    by_group = sorted(groups.values(), key=lambda r: (-r["gmv"], -r["units"], r["product__group"]))
    return rows[:TOP], by_group, sorted(stars.values(), key=lambda r: r["product__stars"])


def _buyer_kinds(buyer_ids: list[int]) -> dict[int, str]:
    """buyer id → "distributor" / "retailer" for businesses (a verified profile's kind first, else
    the account's role); everyone else is a consumer. Two small queries."""
    kinds: dict[int, str] = {}
    roles = (
        get_user_model()
        .groups.through.objects.filter(group__name__in=[Role.DISTRIBUTOR, Role.RETAILER])
        .values_list("user_id", "group__name")
    )
    for user_id, role in roles:
        kinds.setdefault(user_id, "distributor" if role == Role.DISTRIBUTOR else "retailer")
    verified = BusinessProfile.objects.filter(state=BusinessProfile.State.VERIFIED).values_list("user_id", "kind")
    for user_id, kind in verified:
        kinds[user_id] = "distributor" if kind == BusinessProfile.Kind.DISTRIBUTOR else "retailer"
    return {pk: kinds.get(pk, "consumer") for pk in buyer_ids}


def _by_buyer_kind(orders) -> list[dict]:
    per_buyer = list(
        orders.values("buyer_id").annotate(orders=Count("pk"), gmv=Coalesce(Sum("total", filter=_SOLD), 0))
    )
    kinds = _buyer_kinds([r["buyer_id"] for r in per_buyer])
    out = {
        kind: {"kind": kind, "label": buyer_kind_label(kind), "buyers": 0, "orders": 0, "gmv": 0}
        for kind in BUYER_KINDS[:3]
    }
    for r in per_buyer:
        row = out[kinds[r["buyer_id"]]]
        row["buyers"] += 1
        row["orders"] += r["orders"]
        row["gmv"] += r["gmv"]
    return list(out.values())


@dataclass
class StallRow:
    slot_id: int
    vendor_id: int
    vendor: str
    stage: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    show_id: int | None
    show_state: str
    peak_viewers: int = 0
    average_viewers: float = 0.0
    orders: int = 0
    gmv: int = 0
    state: str = ""  # on, late, next, done (the run-sheet)
    state_label: str = ""

    def as_json(self) -> dict:
        return {
            "slot_id": self.slot_id,
            "vendor_id": self.vendor_id,
            "vendor": self.vendor,
            "stage": self.stage,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "show_id": self.show_id,
            "peak_viewers": self.peak_viewers,
            "average_viewers": self.average_viewers,
            "orders": self.orders,
            "gmv": self.gmv,
            "state": self.state,
        }


STALL_STATES = {
    "on": _("Đang lên sóng"),
    "late": _("Trễ giờ"),
    "next": _("Sắp tới"),
    "done": _("Đã xong"),
}


def _stall_state(row: StallRow, now: datetime.datetime) -> str:
    if row.show_state == Show.State.LIVE:
        return "on"
    if row.show_state == Show.State.ENDED or row.ends_at <= now:
        return "done"
    if row.starts_at + LATE_AFTER <= now:
        return "late"
    return "next"


def stall_rows(*, session: Session, scope: Scope | None = None, now: datetime.datetime | None = None) -> list[StallRow]:
    """Each slot of the session: its viewers (peak, average of the minute samples), the orders of its
    show, and its run-sheet state."""
    now = now or timezone.now()
    scope = scope or scope_for([session])
    slots = list(
        Slot.objects.filter(session=session).select_related("vendor", "show").order_by("starts_at", "stage", "pk")
    )
    show_ids = [s.show_id for s in slots if s.show_id]
    viewers = {
        row["room__show_id"]: row
        for row in ViewerSample.objects.filter(room__show_id__in=show_ids)
        .order_by()
        .values("room__show_id")
        .annotate(peak=Max("viewers"), avg=Avg("viewers"))
    }
    sold = {
        row["source_id"]: row
        for row in Order.objects.filter(sandbox=False, source_kind="show", source_id__in=show_ids)
        .order_by()
        .values("source_id")
        .annotate(orders=Count("pk"), gmv=Coalesce(Sum("total", filter=_SOLD), 0))
    }
    rows = []
    for slot in slots:
        seen = viewers.get(slot.show_id, {})
        bought = sold.get(slot.show_id, {})
        row = StallRow(
            slot_id=slot.pk,
            vendor_id=slot.vendor_id,
            vendor=slot.vendor.legal_name,
            stage=slot.stage,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            show_id=slot.show_id,
            show_state=slot.show.state if slot.show_id else "",
            peak_viewers=seen.get("peak") or 0,
            average_viewers=round(float(seen.get("avg") or 0), 1),
            orders=bought.get("orders", 0),
            gmv=bought.get("gmv", 0),
        )
        row.state = _stall_state(row, now)
        row.state_label = str(STALL_STATES[row.state])
        rows.append(row)
    return rows


def overdue_orders(*, scope: Scope, now: datetime.datetime | None = None, limit: int = 50) -> list[dict]:
    """The session's real orders past their state's deadline right now (the supervision's rule)."""
    now = now or timezone.now()
    late = (
        Order.objects.filter(scope.q())
        .filter(overdue_q(now))
        .select_related("vendor", "buyer")
        .order_by("placed_at", "pk")[:limit]
    )
    return [
        {
            "number": o.number,
            "vendor": o.vendor.legal_name,
            "status": o.get_status_display(),
            "total": o.total,
            "placed_at": o.placed_at,
            "reason": overdue_reason(o, now),
            "url": o.get_absolute_url(),
        }
        for o in late
    ]


@dataclass
class Dashboard:
    sessions: list[Session]
    totals: Totals
    per_session: list[tuple[Session, Totals]]
    top_vendors: list[dict]
    top_products: list[dict]
    by_district: list[dict]
    by_group: list[dict]
    by_stars: list[dict]
    by_buyer_kind: list[dict]
    stalls: list[StallRow] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)
    live: bool = False

    def tables(self) -> dict[str, tuple[list[str], list[list]]]:
        """Each table of the page as (header, rows): the CSV files and the charts read these."""
        district_label = dict(District.choices)
        group_label = dict(OcopGroup.choices)
        out = {
            "trend": (
                [
                    _("Phiên"),
                    _("Ngày"),
                    _("Đơn hàng"),
                    _("GMV (đồng)"),
                    _("Người mua"),
                    _("Người mua quay lại"),
                    _("Tỉ lệ xác nhận (%)"),
                    _("Tỉ lệ hoàn thành (%)"),
                    _("Khiếu nại"),
                    _("Đơn mua chéo"),
                ],
                [
                    [
                        s.title,
                        timezone.localtime(s.starts_at).strftime("%d/%m/%Y"),
                        t.orders,
                        t.gmv,
                        t.buyers,
                        t.returning_buyers,
                        t.confirmation_rate,
                        t.completion_rate,
                        t.disputes,
                        t.cross_orders,
                    ]
                    for s, t in self.per_session
                ],
            ),
            "vendors": (
                [_("Chủ thể"), _("Quận / huyện"), _("Đơn hàng"), _("GMV (đồng)")],
                [
                    [
                        r["vendor__legal_name"],
                        str(district_label.get(r["vendor__district"], r["vendor__district"])),
                        r["orders"],
                        r["gmv"],
                    ]
                    for r in self.top_vendors
                ],
            ),
            "products": (
                [_("Sản phẩm"), _("Chủ thể"), _("Số lượng"), _("GMV (đồng)")],
                [
                    [r["product__name"], r["product__vendor__legal_name"], r["units"], r["gmv"]]
                    for r in self.top_products
                ],
            ),
            "districts": (
                [_("Quận / huyện"), _("Đơn hàng"), _("GMV (đồng)")],
                [
                    [str(district_label.get(r["vendor__district"], r["vendor__district"])), r["orders"], r["gmv"]]
                    for r in self.by_district
                ],
            ),
            "groups": (
                [_("Nhóm sản phẩm"), _("Số lượng"), _("GMV (đồng)")],
                [
                    [str(group_label.get(r["product__group"], r["product__group"])), r["units"], r["gmv"]]
                    for r in self.by_group
                ],
            ),
            "stars": (
                [_("Hạng OCOP"), _("Số lượng"), _("GMV (đồng)")],
                [[_("%(n)s sao") % {"n": r["product__stars"]}, r["units"], r["gmv"]] for r in self.by_stars],
            ),
            "buyers": (
                [_("Loại người mua"), _("Người mua"), _("Đơn hàng"), _("GMV (đồng)")],
                [[r["label"], r["buyers"], r["orders"], r["gmv"]] for r in self.by_buyer_kind],
            ),
        }
        if self.stalls:
            out["stalls"] = (
                [
                    _("Giờ"),
                    _("Sân khấu"),
                    _("Chủ thể"),
                    _("Người xem cao nhất"),
                    _("Người xem trung bình"),
                    _("Đơn trong phòng live"),
                    _("GMV (đồng)"),
                    _("Tình trạng"),
                ],
                [
                    [
                        f"{timezone.localtime(r.starts_at):%H:%M}–{timezone.localtime(r.ends_at):%H:%M}",
                        r.stage,
                        r.vendor,
                        r.peak_viewers,
                        r.average_viewers,
                        r.orders,
                        r.gmv,
                        r.state_label,
                    ]
                    for r in self.stalls
                ],
            )
        return out

    def as_json(self) -> dict:
        return {
            "sessions": [
                {"id": s.pk, "title": s.title, "starts_at": s.starts_at.isoformat(), "state": s.state}
                for s in self.sessions
            ],
            "totals": self.totals.as_json(),
            "trend": [
                {"session_id": s.pk, "title": s.title, "starts_at": s.starts_at.isoformat(), **t.as_json()}
                for s, t in self.per_session
            ],
            "top_vendors": [
                {
                    "vendor_id": r["vendor_id"],
                    "vendor": r["vendor__legal_name"],
                    "district": r["vendor__district"],
                    "orders": r["orders"],
                    "gmv": r["gmv"],
                }
                for r in self.top_vendors
            ],
            "top_products": [
                {
                    "product_id": r["product_id"],
                    "product": r["product__name"],
                    "vendor": r["product__vendor__legal_name"],
                    "units": r["units"],
                    "gmv": r["gmv"],
                }
                for r in self.top_products
            ],
            "by_district": [
                {"district": r["vendor__district"], "orders": r["orders"], "gmv": r["gmv"]} for r in self.by_district
            ],
            "by_product_group": [
                {"group": r["product__group"], "units": r["units"], "gmv": r["gmv"]} for r in self.by_group
            ],
            "by_ocop_stars": [
                {"stars": r["product__stars"], "units": r["units"], "gmv": r["gmv"]} for r in self.by_stars
            ],
            "by_buyer_kind": [{k: r[k] for k in ("kind", "buyers", "orders", "gmv")} for r in self.by_buyer_kind],
            "stalls": [r.as_json() for r in self.stalls],
            "overdue_orders": [{**o, "placed_at": o["placed_at"].isoformat()} for o in self.overdue],
        }


def dashboard(
    *, sessions: list[Session], stalls_of: Session | None = None, now: datetime.datetime | None = None
) -> Dashboard:
    """The figures of ``sessions`` (one for a session's page, all held ones for the program's);
    with ``stalls_of``, that session's stalls and, while it is live, its overdue orders."""
    now = now or timezone.now()
    scope = scope_for(sessions)
    per = _per_session_totals(scope)
    buyers = _buyer_counts(scope, per)
    per_session = [(s, per[s.pk]) for s in sessions]
    orders = _orders(scope)
    top_vendors, by_district = _by_vendor(orders)
    top_products, by_group, by_stars = _by_product(scope)
    board = Dashboard(
        sessions=sessions,
        totals=_sum_totals([t for _s, t in per_session], buyers),
        per_session=per_session,
        top_vendors=top_vendors,
        top_products=top_products,
        by_district=by_district,
        by_group=by_group,
        by_stars=by_stars,
        by_buyer_kind=_by_buyer_kind(orders),
    )
    if stalls_of is not None:
        board.stalls = stall_rows(session=stalls_of, scope=scope, now=now)
        board.live = stalls_of.state == Session.State.LIVE
        if board.live:
            board.overdue = overdue_orders(scope=scope, now=now)
    return board


def session_dashboard(*, session: Session, now: datetime.datetime | None = None) -> Dashboard:
    return dashboard(sessions=[session], stalls_of=session, now=now)


def program_dashboard(*, now: datetime.datetime | None = None) -> Dashboard:
    return dashboard(sessions=held_sessions(), now=now)
