"""Show analytics: what happened in one show, computed from what the room stored.

Nothing here is kept up to date during the show: every figure is read from the rows the
room already writes (viewer samples, chat events, offers, intents, flash sales), so the
numbers can never drift from the record and a live show gets the same figures "so far".
:func:`show_analytics` reads with a fixed number of queries (six), whatever the size of
the show; counting and summing is done by the database, except the chat comments, which
must be re-parsed in Python (the parser is the only judge of what is an order).

Definitions (what the page and the CSV show):

* **Show minutes**: from the minute ``started_at`` falls in to the minute ``ended_at``
  falls in (or now, while live), both included. A show that never started has none.
* **Peak viewers**: the largest ``ViewerSample.viewers`` within the show minutes.
* **Average viewers**: the sum of the samples within the show minutes divided by the
  number of show minutes. A minute without a sample counts as 0: the room samples every
  15 s while at least one socket is connected, so a missing minute is a minute with
  nobody in the room. Rounded to one decimal.
* **Chat messages**: ``RoomEvent`` rows of kind ``chat`` not deleted; deleted messages are
  counted apart (``chat_deleted``).
* **Order comments**: the not-deleted chat messages written by someone other than the
  host and co-hosts (their messages are answers, not orders) that
  :func:`live.order_parser.parse_comment`, given the codes of every ``ShowOffer`` of the
  show, classifies as kind ``order``. The parser reports problems (unknown code, zero
  quantity…) only for comments of kind ``order``, so "order or with problems" is the same
  set. **Parsed** comments are the order comments that yielded at least one order line;
  the others were understood as orders but could not be turned into one (for example
  only an unknown code).
* **Intents**: every ``OrderIntent`` of the show, whatever its status and source.
  **Confirmations**: intents with status ``confirmed``. **Confirmation rate**: confirmations
  ÷ intents (0 when there are no intents).
* **Buyers**: distinct buyers with at least one intent in the show (a practice room's
  scripted viewers, ``User.is_simulated``, are not people: never counted; nor are they in
  the viewer counts, which the room keeps without them). **Returning buyers**:
  those of them who had an intent (every order of a show starts as one) in an *earlier* show of the
  same host: a show whose start (``started_at``, else ``scheduled_start``) is before this
  show's start.
* **Revenue**: the sum of ``unit_price × quantity`` of the confirmed intents.
  **Average order value**: revenue ÷ confirmations, rounded to whole đồng.
* **Per product**: every offer of the show (also those taken off offer), with its intents
  (any status), confirmed quantity and revenue.
* **Flash sales**: each sale's ``sold`` of ``quantity``, price and end reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core import product_codes
from core.money import format_vnd
from live.models import RoomEvent, Show, ViewerSample
from live.order_parser import OrderParser
from live.selectors import HOSTING_ROLES
from selling.models import FlashSale, OrderAction, OrderIntent, ShowOffer

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class ProductFigures:
    offer_id: int
    code: str
    name: str
    intents: int
    confirmed_quantity: int
    revenue: int


@dataclass(frozen=True)
class FlashSaleFigures:
    sale_id: int
    code: str
    name: str
    sale_price: int
    quantity: int
    sold: int
    end_reason: str  # a FlashSale.EndReason value, "" while running or scheduled
    end_reason_label: str


@dataclass(frozen=True)
class ViewerPoint:
    minute: int  # minutes since the start of the show
    at: datetime
    viewers: int


@dataclass
class ShowAnalytics:
    """Every figure of one show (see the module docstring for the definitions)."""

    show_id: int
    state: str
    started_at: datetime | None
    ended_at: datetime | None
    is_final: bool  # the show has ended: the figures will not change any more
    minutes: int
    peak_viewers: int
    average_viewers: float
    viewers: list[ViewerPoint]
    chat_messages: int
    chat_deleted: int
    order_comments: int
    parsed_comments: int
    intents: int
    confirmations: int
    confirmation_rate: float  # 0..1
    intents_by_status: dict[str, int]
    buyers: int
    returning_buyers: int
    revenue: int
    average_order_value: int
    products: list[ProductFigures] = field(default_factory=list)
    flash_sales: list[FlashSaleFigures] = field(default_factory=list)


def _floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def show_start_moment(show: Show) -> datetime:
    """When the show began for "earlier show" comparisons and replay offsets."""
    return show.started_at or show.scheduled_start


def _viewers(show: Show, now: datetime) -> tuple[int, int, float, list[ViewerPoint]]:
    if show.started_at is None:
        return 0, 0, 0.0, []
    first = _floor_minute(show.started_at)
    last = _floor_minute(show.ended_at or now)
    minutes = int((last - first) / MINUTE) + 1
    samples = dict(
        ViewerSample.objects.filter(room__show=show, minute__gte=first, minute__lte=last).values_list(
            "minute", "viewers"
        )
    )
    series = [
        ViewerPoint(minute=i, at=first + i * MINUTE, viewers=samples.get(first + i * MINUTE, 0)) for i in range(minutes)
    ]
    peak = max((p.viewers for p in series), default=0)
    average = round(sum(p.viewers for p in series) / minutes, 1)
    return minutes, peak, average, series


def _comments(show: Show, codes: list[str]) -> tuple[int, int, int, int]:
    """(chat messages, deleted, order comments, parsed order comments).

    Parsing costs about 50 µs a comment (measured: 50,000 in 2.7 s), so each distinct
    text is parsed once: live chat repeats itself ("chốt B01 2" by many buyers).
    """
    chat = deleted = orders = parsed = 0
    # A product coded before core.product_codes was the rule ("BUOI") cannot be ordered
    # from chat, so it is left out.
    codes = [code for code in codes if product_codes.is_orderable(code)]
    parser = OrderParser(codes) if codes else None
    seen: dict[str, tuple[bool, bool]] = {}
    rows = RoomEvent.objects.filter(room__show=show, kind="chat").values_list("deleted_at", "payload")
    for deleted_at, payload in rows.iterator(chunk_size=2000):
        if deleted_at is not None:
            deleted += 1
            continue
        chat += 1
        payload = payload or {}
        if parser is None or payload.get("role") in HOSTING_ROLES:
            continue
        text = str(payload.get("text", ""))
        if text not in seen:
            result = parser.parse(text)
            seen[text] = (result.kind == "order", bool(result.lines))
        is_order, has_lines = seen[text]
        orders += is_order
        parsed += is_order and has_lines
    return chat, deleted, orders, parsed


def _buyers(show: Show) -> tuple[int, int]:
    start = show_start_moment(show)
    earlier = Coalesce("show__started_at", "show__scheduled_start")
    earlier_intent = (
        OrderIntent.objects.annotate(start=earlier)
        .filter(buyer=OuterRef("pk"), show__host_id=show.host_id, start__lt=start)
        .exclude(show=show)
    )
    figures = (
        get_user_model()
        .objects.filter(Exists(OrderIntent.objects.filter(show=show, buyer=OuterRef("pk"))), is_simulated=False)
        .aggregate(
            buyers=Count("pk"),
            returning=Count("pk", filter=Q(Exists(earlier_intent))),
        )
    )
    return figures["buyers"], figures["returning"]


def show_analytics(show: Show, *, now: datetime | None = None) -> ShowAnalytics:
    """Compute the figures of ``show`` (ended: final; live: so far). Six queries."""
    now = now or timezone.now()
    minutes, peak, average, series = _viewers(show, now)

    offers = list(
        ShowOffer.objects.filter(show=show).order_by("position", "pk").values("pk", "product__code", "product__name")
    )
    chat, deleted, order_comments, parsed = _comments(show, [o["product__code"] for o in offers])

    per_offer: dict[int, dict] = {o["pk"]: {"intents": 0, "quantity": 0, "revenue": 0} for o in offers}
    by_status = {status: 0 for status in OrderIntent.Status.values}
    rows = (
        OrderIntent.objects.filter(show=show)
        .values("offer_id", "status")
        .annotate(n=Count("pk"), units=Sum("quantity"), amount=Sum(F("unit_price") * F("quantity")))
        .order_by()
    )
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        figures = per_offer.setdefault(row["offer_id"], {"intents": 0, "quantity": 0, "revenue": 0})
        figures["intents"] += row["n"]
        if row["status"] == OrderIntent.Status.CONFIRMED:
            figures["quantity"] += row["units"] or 0
            figures["revenue"] += row["amount"] or 0
    intents = sum(by_status.values())
    confirmations = by_status[OrderIntent.Status.CONFIRMED]
    revenue = sum(f["revenue"] for f in per_offer.values())

    buyers, returning = _buyers(show)

    sales = FlashSale.objects.filter(offer__show=show).select_related("offer__product").order_by("opens_at", "pk")
    return ShowAnalytics(
        show_id=show.pk,
        state=show.state,
        started_at=show.started_at,
        ended_at=show.ended_at,
        is_final=show.state == Show.State.ENDED,
        minutes=minutes,
        peak_viewers=peak,
        average_viewers=average,
        viewers=series,
        chat_messages=chat,
        chat_deleted=deleted,
        order_comments=order_comments,
        parsed_comments=parsed,
        intents=intents,
        confirmations=confirmations,
        confirmation_rate=confirmations / intents if intents else 0.0,
        intents_by_status=by_status,
        buyers=buyers,
        returning_buyers=returning,
        revenue=revenue,
        average_order_value=round(revenue / confirmations) if confirmations else 0,
        products=[
            ProductFigures(
                offer_id=o["pk"],
                code=o["product__code"],
                name=o["product__name"],
                intents=per_offer[o["pk"]]["intents"],
                confirmed_quantity=per_offer[o["pk"]]["quantity"],
                revenue=per_offer[o["pk"]]["revenue"],
            )
            for o in offers
        ],
        flash_sales=[
            FlashSaleFigures(
                sale_id=sale.pk,
                code=sale.offer.product.code,
                name=sale.offer.product.name,
                sale_price=sale.sale_price,
                quantity=sale.quantity,
                sold=sale.sold,
                end_reason=sale.end_reason,
                end_reason_label=sale.get_end_reason_display() if sale.end_reason else "",
            )
            for sale in sales
        ],
    )


# --------------------------------------------------------------------------- replay

REPLAY_MAX_ITEMS = 5000


@dataclass(frozen=True)
class TimelineItem:
    """One line of the replay: a chat message or something that happened to the orders."""

    at: datetime
    offset: int  # seconds since the start of the show (negative before it)
    kind: str  # chat, pin, product_pin, show_state, sale_scheduled, sale_open, sale_ended, intent_<status>
    who: str = ""
    text: str = ""
    deleted: bool = False
    order: int = 0  # tie-break: sequence for events, then the intent's id

    @property
    def minute(self) -> int:
        """The minute the replay slider uses (0 for what happened before the start)."""
        return max(self.offset, 0) // 60

    @property
    def clock(self) -> str:
        """``mm:ss`` from the start (minutes go past 59 for long shows)."""
        sign = "-" if self.offset < 0 else ""
        minutes, seconds = divmod(abs(self.offset), 60)
        return f"{sign}{minutes:02d}:{seconds:02d}"


def _offer_code(payload: dict, codes_by_offer: dict[int, str]) -> str | None:
    """The product code a ``product.pinned`` event names, whatever shape the offers area gave it."""
    offer = payload.get("offer", payload.get("pinned"))
    if isinstance(offer, dict):
        code = offer.get("code") or offer.get("product_code")
        if code:
            return str(code)
        offer = offer.get("id") or offer.get("offer_id")
    if offer is None:
        offer = payload.get("offer_id")
    if offer is None:
        return payload.get("code") or None
    try:
        return codes_by_offer.get(int(offer))
    except (TypeError, ValueError):
        return None


def show_timeline(show: Show, *, limit: int = REPLAY_MAX_ITEMS) -> tuple[list[TimelineItem], bool]:
    """The replay of ``show``: chat, pins, state changes, flash sales and intents, in time order.

    Deleted chat keeps its place with no text. Intents appear when created and again when
    confirmed, declined or cancelled (the ``OrderAction`` of that kind, else the intent's
    own ``decided_at``). Flash sales come from their rows (scheduled, open, ended), so the
    replay does not depend on the shape of the offers' room events. Returns the items (at
    most ``limit``, the earliest) and whether some were left out.
    """
    start = show_start_moment(show)

    def item(at: datetime, kind: str, order: int, **kwargs) -> TimelineItem:
        return TimelineItem(at=at, offset=int((at - start).total_seconds() // 1), kind=kind, order=order, **kwargs)

    codes_by_offer = dict(ShowOffer.objects.filter(show=show).values_list("pk", "product__code"))
    items: list[TimelineItem] = []
    events = list(
        RoomEvent.objects.filter(room__show=show, kind__in=("chat", "pin", "product.pinned", "show.state"))
        .order_by("seq")
        .values_list("seq", "kind", "payload", "deleted_at", "created_at")[: limit + 1]
    )
    deleted_seqs = {row[0] for row in events if row[1] == "chat" and row[3] is not None}
    for seq, kind, payload, deleted_at, created_at in events:
        payload = payload or {}
        if kind == "chat":
            deleted = deleted_at is not None
            items.append(
                item(
                    created_at,
                    "chat",
                    seq,
                    who=str(payload.get("name", "")),
                    text="" if deleted else str(payload.get("text", "")),
                    deleted=deleted,
                )
            )
        elif kind == "pin":
            message = payload.get("message")
            if not message:
                items.append(item(created_at, "pin", seq, text=_("Bỏ ghim bình luận")))
            elif message.get("seq") in deleted_seqs:
                items.append(item(created_at, "pin", seq, text=_("Ghim một bình luận (đã bị xoá)")))
            else:
                items.append(
                    item(
                        created_at,
                        "pin",
                        seq,
                        who=str(message.get("name", "")),
                        text=_("Ghim bình luận: %(text)s") % {"text": message.get("text", "")},
                    )
                )
        elif kind == "product.pinned":
            code = _offer_code(payload, codes_by_offer)
            text = _("Ghim sản phẩm %(code)s") % {"code": code} if code else _("Bỏ ghim sản phẩm")
            items.append(item(created_at, "product_pin", seq, text=text))
        elif kind == "show.state":
            state = payload.get("state")
            if state == Show.State.LIVE:
                items.append(item(created_at, "show_state", seq, text=_("Bắt đầu phát")))
            elif state == Show.State.ENDED:
                items.append(item(created_at, "show_state", seq, text=_("Kết thúc buổi phát")))

    for sale in FlashSale.objects.filter(offer__show=show).select_related("offer__product").order_by("pk"):
        code = sale.offer.product.code
        figures = {"code": code, "quantity": sale.quantity, "price": format_vnd(sale.sale_price), "sold": sale.sold}
        items.append(
            item(
                sale.created_at,
                "sale_scheduled",
                0,
                text=_("Flash sale %(code)s: %(quantity)s suất giá %(price)s") % figures,
            )
        )
        items.append(item(sale.opens_at, "sale_open", 0, text=_("Flash sale %(code)s mở bán") % figures))
        if sale.ended_at:
            reason = sale.get_end_reason_display() if sale.end_reason else ""
            figures["reason"] = reason
            items.append(
                item(
                    sale.ended_at,
                    "sale_ended",
                    0,
                    text=_("Flash sale %(code)s kết thúc: bán %(sold)s/%(quantity)s (%(reason)s)") % figures,
                )
            )

    decided_kinds = {
        OrderAction.Kind.CONFIRM: OrderIntent.Status.CONFIRMED,
        OrderAction.Kind.DECLINE: OrderIntent.Status.DECLINED,
        OrderAction.Kind.CANCEL: OrderIntent.Status.CANCELLED,
    }
    decided_at: dict[int, tuple[str, datetime]] = {}
    for intent_id, kind, created_at in OrderAction.objects.filter(
        intent__show=show, kind__in=list(decided_kinds)
    ).values_list("intent_id", "kind", "created_at"):
        decided_at[intent_id] = (decided_kinds[kind], created_at)
    intents = OrderIntent.objects.filter(show=show).select_related("buyer").order_by("created_at", "pk")[: limit + 1]
    for intent in intents:
        who = intent.buyer.get_full_name() or intent.buyer.email.split("@")[0]
        line = {"code": intent.product_code, "quantity": intent.quantity, "total": format_vnd(intent.total)}
        source = _("flash sale") if intent.source == OrderIntent.Source.FLASH_SALE else _("chốt đơn")
        items.append(
            item(
                intent.created_at,
                "intent_created",
                intent.pk,
                who=who,
                text=_("Đặt %(code)s × %(quantity)s (%(source)s)") % {**line, "source": source},
            )
        )
        status, at = decided_at.get(intent.pk, (intent.status, intent.decided_at))
        if at is None or status not in decided_kinds.values():
            continue
        if status == OrderIntent.Status.CONFIRMED:
            text = _("Xác nhận %(code)s × %(quantity)s, %(total)s") % line
        elif status == OrderIntent.Status.DECLINED:
            text = _("Từ chối %(code)s × %(quantity)s") % line
            if intent.decline_reason:
                text += _(": %(reason)s") % {"reason": intent.decline_reason}
        else:
            text = _("Người mua huỷ %(code)s × %(quantity)s") % line
        items.append(item(at, f"intent_{status}", intent.pk, who=who, text=text))

    items.sort(key=lambda i: (i.at, i.order))
    return items[:limit], len(items) > limit
