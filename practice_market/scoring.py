"""The score of a practice show (0–100), computed from what happened in the room.

Two halves:

* :func:`score_compute` is pure and deterministic: it reads a recorded event log (the
  room's ``RoomEvent`` rows, as :class:`LogEvent`), the scenario run's rendered script
  (``ScenarioRun.script``), the show's order intents (:class:`IntentRecord`) and the
  room's viewer samples, and returns a :class:`ScoreResult`. Same inputs, same score.
* :func:`practice_score_record` reads those from the database for one practice show and
  writes its ``PracticeScore`` (one per show, replaced on every recomputation). It runs
  as a task of the task worker when the show ends (:class:`ScoreOnShowEnd`).

How a beat is found in the log: the persona's chat message with the beat's text (compared
folded: no diacritics, no case), the first such message not already matched, from the
run's first event on. A beat that never reached the room (the player stopped, the persona
was muted before it spoke) is not held against the host. Times are measured from that
message, so the score does not depend on the player's speed or lag.

The components (weights out of 100; a component with nothing to judge in this show is
left out and the others share its weight):

* **reply** (25) — each question the host must answer (``expect="answer"``): the first
  message of the host (or a co-host) after it, within the beat's window, is full credit;
  later, half; never, none. One host message answers one question: the open question
  whose persona it names, else the oldest one still in its window, else the oldest late one.
* **orders** (20) — each chốt đơn the host must accept (``expect="accept"``): the intent the
  comment created confirmed within the window, full; later, half; declined or left open,
  none. Chốt đơn comments of real people (classmates) count too: confirmed, full; left
  open at the end, none (declined or cancelled ones are not counted).
* **totals** (10) — each accepted scripted order: its total is the unit price × the
  quantity the buyer asked for, for the product asked; and when the host announces a total
  in chat within the window ("tổng 240k"), the amount is that total.
* **moderation** (15) — each troll comment (``expect="moderate"``): the comment deleted, or
  its author muted or banned, within the window, full; later, half; never, none.
* **pin** (10) — each product asked about (``expect="pin"``): already pinned when asked, or
  pinned within the window, full; later, half; never, none.
* **flash_sale** (10) — when the script has flash-sale purchases: each simulated buyer
  got their units (a flash-sale intent the host did not decline), full; refused (no sale
  open, sold out, over the cap), none.
* **viewers** (10) — viewers kept: the room's viewer count in the minute of the last beat
  ÷ the most viewers seen from the first beat's minute to it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from core.text import fold
from live import extensions

logger = logging.getLogger(__name__)

HOSTING_ROLES = frozenset({"host", "cohost"})

#: (key, label, weight) in the order the report shows them
COMPONENTS: tuple[tuple[str, object, int], ...] = (
    ("reply", gettext_lazy("Trả lời câu hỏi của khách"), 25),
    ("orders", gettext_lazy("Chốt đơn được nhận"), 20),
    ("totals", gettext_lazy("Tổng tiền đúng"), 10),
    ("moderation", gettext_lazy("Xử lý kẻ phá rối"), 15),
    ("pin", gettext_lazy("Ghim đúng sản phẩm được hỏi"), 10),
    ("flash_sale", gettext_lazy("Flash sale không bị từ chối"), 10),
    ("viewers", gettext_lazy("Giữ chân người xem"), 10),
)
LABELS = {key: label for key, label, _weight in COMPONENTS}
WEIGHTS = {key: weight for key, _label, weight in COMPONENTS}

IN_TIME, LATE, MISSED = "in_time", "late", "missed"
CREDIT = {IN_TIME: 1.0, LATE: 0.5, MISSED: 0.0}
BREAKDOWN_VERSION = 1


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class LogEvent:
    """One ``RoomEvent`` as the score reads it."""

    seq: int
    kind: str
    at: datetime
    payload: dict
    author_id: int | None = None
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class IntentRecord:
    """One ``OrderIntent`` of the show, with the total of the order it became (if any)."""

    id: int
    buyer_id: int
    source: str  # "chat" | "flash_sale"
    product_code: str
    quantity: int
    unit_price: int
    status: str
    created_at: datetime
    chat_seq: int | None = None
    decided_at: datetime | None = None
    order_total: int | None = None


# --------------------------------------------------------------------------- outputs


@dataclass
class Component:
    key: str
    weight: int
    ratio: float | None  # 0..1; None: nothing to judge in this show
    counts: dict
    items: list[dict] = field(default_factory=list)
    points: float = 0.0  # its share of the 100 (weights re-shared among the judged components)
    max_points: float = 0.0

    @property
    def label(self) -> str:
        return str(LABELS[self.key])

    @property
    def applicable(self) -> bool:
        return self.ratio is not None

    @property
    def reason(self) -> str:
        return component_reason(self.key, self.counts, self.items)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "weight": self.weight,
            "applicable": self.applicable,
            "ratio": None if self.ratio is None else round(self.ratio, 4),
            "points": round(self.points, 1),
            "max_points": round(self.max_points, 1),
            "counts": self.counts,
            "reason": self.reason,
            "items": self.items,
        }


@dataclass
class ScoreResult:
    total: int
    components: list[Component]
    beats: int  # beats of the script
    beats_found: int  # beats that reached the room

    def component(self, key: str) -> Component:
        return next(c for c in self.components if c.key == key)

    def breakdown(self) -> dict:
        return {
            "version": BREAKDOWN_VERSION,
            "beats": self.beats,
            "beats_found": self.beats_found,
            "components": [c.as_dict() for c in self.components],
        }


# --------------------------------------------------------------------------- reasons


def _clock(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    minutes, secs = divmod(abs(int(seconds)), 60)
    return f"{sign}{minutes:02d}:{secs:02d}"


def _first_missed(items: list[dict]) -> str:
    missed = [i for i in items if i.get("status") == MISSED]
    if not missed:
        return ""
    first = missed[0]
    return _("lần đầu lúc %(clock)s: “%(text)s”") % {"clock": _clock(first.get("t")), "text": first.get("text", "")}


#: the reason of a component judged item by item (on time, late, missed): what was done on time,
#: then, when any, what was late and what was missed (with the first one missed)
_ITEM_REASONS = {
    "reply": (
        gettext_lazy("Trả lời đúng hạn %(in_time)s/%(of)s câu hỏi"),
        gettext_lazy("; %(late)s câu trả lời muộn"),
        gettext_lazy("; bỏ lỡ %(missed)s câu (%(first)s)"),
    ),
    "orders": (
        gettext_lazy("Nhận %(in_time)s/%(of)s đơn chốt đúng hạn"),
        gettext_lazy("; %(late)s đơn nhận muộn"),
        gettext_lazy("; bỏ lỡ %(missed)s đơn (%(first)s)"),
    ),
    "moderation": (
        gettext_lazy("Xử lý đúng hạn %(in_time)s/%(of)s bình luận phá rối"),
        gettext_lazy("; %(late)s lần xử lý muộn"),
        gettext_lazy("; để lọt %(missed)s bình luận (%(first)s)"),
    ),
    "pin": (
        gettext_lazy("Ghim đúng hạn %(in_time)s/%(of)s sản phẩm được hỏi"),
        gettext_lazy("; %(late)s lần ghim muộn"),
        gettext_lazy("; không ghim %(missed)s lần (%(first)s)"),
    ),
}


def component_reason(key: str, counts: dict, items: list[dict]) -> str:
    """The human-readable reason of one component, in the active language (re-rendered on display)."""
    c = counts
    if key == "viewers":
        if not c.get("peak"):
            return _("Không có số liệu người xem trong lúc chạy kịch bản.")
        return _("Giữ được %(kept)s/%(peak)s người xem: cao nhất %(peak)s, còn %(kept)s ở phút của nhịp cuối.") % c
    if key == "flash_sale":
        if c.get("of", 0) == 0:
            return _("Kịch bản không có lượt mua flash sale.")
        if not c.get("sales"):
            return _("Không mở flash sale nào nên %(of)s lượt mua của khách mô phỏng đều bị từ chối.") % c
        if c["in_time"] == c["of"]:
            return _("Cả %(of)s khách mô phỏng đều mua được trong flash sale.") % c
        return (
            _(
                "%(done)s/%(of)s khách mô phỏng mua được trong flash sale; %(refused)s lượt bị từ chối (chưa mở, hết hàng hoặc vượt giới hạn)."
            )
            % c
        )
    if c.get("of", 0) == 0:
        return {
            "reply": _("Kịch bản không có câu hỏi cần trả lời."),
            "orders": _("Không có bình luận chốt đơn nào cần nhận."),
            "totals": _("Chưa có đơn nào được nhận để kiểm tra tổng tiền."),
            "moderation": _("Không có bình luận phá rối nào cần xử lý."),
            "pin": _("Không có yêu cầu ghim sản phẩm."),
        }.get(key, "")
    if key in _ITEM_REASONS:
        done, late, missed = _ITEM_REASONS[key]
        text = done % c
        if c.get("late"):
            text += late % c
        if c.get("missed"):
            text += missed % {**c, "first": _first_missed(items)}
        if c.get("average_seconds") is not None:  # the reply's
            return text + _(". Thời gian trả lời trung bình %(average_seconds)s giây.") % c
        return text + "."
    if key == "totals":
        if c["in_time"] == c["of"]:
            return _("Cả %(of)s đơn đã nhận đều đúng tổng tiền.") % c
        wrong = next((i for i in items if i.get("status") == MISSED), {})
        return _("%(in_time)s/%(of)s đơn đúng tổng tiền; sai ở đơn lúc %(clock)s: cần %(expected)s ₫, %(note)s.") % {
            **c,
            "clock": _clock(wrong.get("t")),
            "expected": f"{wrong.get('expected', 0):,}".replace(",", "."),
            "note": wrong.get("note", ""),
        }
    return ""


# --------------------------------------------------------------------------- helpers

_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(k|nghin|ngan|tr|trieu|d|vnd|dong)?(?![a-z0-9])")


def amounts_in(text: str) -> list[int]:
    """Money amounts written in a chat message ("240k", "240.000đ", "240 nghìn"), in đồng.

    Numbers below 1.000 đ once scaled (quantities such as "2 hộp") are left out.
    """
    found = []
    for number, unit in _AMOUNT.findall(fold(text)):
        value = int(re.sub(r"[.,]", "", number))
        if unit in ("k", "nghin", "ngan"):
            value *= 1000
        elif unit in ("tr", "trieu"):
            value *= 1_000_000
        if value >= 1000:
            found.append(value)
    return found


def _status(delay: float | None, window: int) -> str:
    if delay is None:
        return MISSED
    return IN_TIME if delay <= window else LATE


def _seconds(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds()


def _tally(items: list[dict]) -> dict:
    counts = {IN_TIME: 0, LATE: 0, MISSED: 0}
    for item in items:
        counts[item["status"]] += 1
    done = sum(CREDIT[i["status"]] for i in items)
    return {"of": len(items), "in_time": counts[IN_TIME], "late": counts[LATE], "missed": counts[MISSED], "done": done}


def _ratio(counts: dict) -> float | None:
    return counts["done"] / counts["of"] if counts["of"] else None


@dataclass
class _Beat:
    index: int
    action: str
    expect: str
    user_id: int | None
    persona: str
    text: str
    code: str
    quantity: int | None
    window: int
    event: LogEvent | None = None


# --------------------------------------------------------------------------- the score


def score_compute(
    *,
    events: list[LogEvent],
    script: list[dict],
    intents: list[IntentRecord],
    host_ids: set[int] | frozenset[int],
    start: datetime,
    viewer_samples: list[tuple[datetime, int]] | None = None,
    offer_codes: dict[int, str] | None = None,
    persona_names: dict[int, str] | None = None,
) -> ScoreResult:
    """Score one practice show from its recorded log (pure; see the module docstring).

    ``events``: the room's events from the run's first one on, any order (sorted by seq
    here); ``script``: the run's rendered beats; ``host_ids``: the host and co-hosts;
    ``start``: the moment offsets are measured from (the show's start, as the replay);
    ``offer_codes``: offer id → product code (to read pins); ``persona_names``: user id →
    display name (a host's answer naming the persona answers that persona's question).
    """
    events = sorted(events, key=lambda e: e.seq)
    offer_codes = offer_codes or {}
    persona_names = persona_names or {}
    beats = [
        _Beat(
            index=int(b.get("index", n)),
            action=str(b.get("action") or "comment"),
            expect=str(b.get("expect") or ""),
            user_id=b.get("user_id"),
            persona=str(b.get("persona_key") or ""),
            text=str(b.get("text") or ""),
            code=str(b.get("product_code") or "").upper(),
            quantity=int(b["quantity"]) if b.get("quantity") else None,
            window=int(b.get("expect_within_seconds") or 60),
        )
        for n, b in enumerate(script)
    ]
    beats.sort(key=lambda b: (b.index,))
    chats = [e for e in events if e.kind == "chat"]
    _locate(beats, chats)

    def offset(at: datetime) -> int:
        return int(_seconds(start, at) // 1)

    host_messages = [
        e
        for e in chats
        if e.deleted_at is None
        and ((e.payload or {}).get("role") in HOSTING_ROLES or (e.author_id is not None and e.author_id in host_ids))
    ]
    components = [
        _reply(beats, host_messages, persona_names, offset),
        _orders(beats, intents, offset),
        _totals(beats, intents, host_messages, persona_names, offset),
        _moderation(beats, events, offset),
        _pins(beats, events, offer_codes, offset),
        _flash_sale(beats, events, intents),
        _viewers(beats, viewer_samples or []),
    ]
    judged = [c for c in components if c.applicable]
    weight_sum = sum(c.weight for c in judged)
    for c in judged:
        c.max_points = 100 * c.weight / weight_sum
        c.points = c.max_points * c.ratio
    raw = sum(c.points for c in judged)
    total = max(0, min(100, int(raw + 0.5)))
    found = sum(1 for b in beats if b.event is not None or b.action == "sale_buy")
    return ScoreResult(total=total, components=components, beats=len(beats), beats_found=found)


def _locate(beats: list[_Beat], chats: list[LogEvent]) -> None:
    """Attach to each speaking beat the persona's first unmatched chat message with its text.

    One pass over the chat (a load run has thousands of watchers' messages): messages are
    indexed by (author, folded text) and only the personas' own are folded.
    """
    speakers = {b.user_id for b in beats if b.user_id is not None}
    by_key: dict[tuple[int, str], list[LogEvent]] = {}
    for event in chats:
        payload = event.payload or {}
        author = event.author_id if event.author_id is not None else payload.get("user_id")
        if author in speakers:
            by_key.setdefault((author, fold(str(payload.get("text", "")))), []).append(event)
    for beat in beats:
        if beat.action == "sale_buy" or beat.user_id is None:
            continue
        waiting = by_key.get((beat.user_id, fold(beat.text)))
        if waiting:
            beat.event = waiting.pop(0)


def _item(beat: _Beat, offset, **extra) -> dict:
    return {
        "index": beat.index,
        "t": offset(beat.event.at) if beat.event is not None else None,
        "persona": beat.persona,
        "text": beat.text,
        **extra,
    }


def _timed_item(beat: _Beat, offset, delay: float | None, **extra) -> dict:
    """The item of a beat the host had ``beat.window`` seconds to handle, handled after ``delay`` (None: never)."""
    return _item(
        beat,
        offset,
        status=_status(delay, beat.window),
        seconds=None if delay is None else int(delay),
        window=beat.window,
        **extra,
    )


def _judged(key: str, items: list[dict], **more_counts) -> Component:
    """A component judged item by item: counted (plus ``more_counts``) and rated from its items' statuses."""
    counts = {**_tally(items), **more_counts}
    return Component(key=key, weight=WEIGHTS[key], ratio=_ratio(counts), counts=counts, items=items)


def _reply(beats, host_messages, persona_names, offset) -> Component:
    questions = [b for b in beats if b.expect == "answer" and b.event is not None]
    answered: dict[int, LogEvent] = {}
    for message in host_messages:
        open_ = [q for q in questions if q.index not in answered and q.event.seq < message.seq]
        if not open_:
            continue
        folded = fold(str((message.payload or {}).get("text", "")))
        in_window = [q for q in open_ if _seconds(q.event.at, message.at) <= q.window]
        named = [q for q in open_ if persona_names.get(q.user_id) and fold(persona_names[q.user_id]) in folded]
        choice = (named or in_window or open_)[0]
        answered[choice.index] = message
    items, delays = [], []
    for q in questions:
        message = answered.get(q.index)
        delay = _seconds(q.event.at, message.at) if message is not None else None
        if delay is not None:
            delays.append(delay)
        items.append(_timed_item(q, offset, delay))
    return _judged("reply", items, average_seconds=int(sum(delays) / len(delays) + 0.5) if delays else None)


def _intent_for(beat: _Beat, intents: list[IntentRecord], used: set[int]) -> IntentRecord | None:
    chat = [i for i in intents if i.source == "chat" and i.id not in used]
    exact = [i for i in chat if beat.event is not None and i.chat_seq == beat.event.seq]
    if exact:
        return exact[0]
    same = [
        i
        for i in chat
        if i.buyer_id == beat.user_id
        and (not beat.code or i.product_code.upper() == beat.code)
        and beat.event is not None
        and i.created_at >= beat.event.at - timedelta(seconds=1)
    ]
    return sorted(same, key=lambda i: (i.created_at, i.id))[0] if same else None


def _order_beats(beats, intents) -> list[tuple[_Beat, IntentRecord | None]]:
    used: set[int] = set()
    pairs = []
    for beat in beats:
        if beat.expect != "accept" or beat.event is None:
            continue
        intent = _intent_for(beat, intents, used)
        if intent is not None:
            used.add(intent.id)
        pairs.append((beat, intent))
    return pairs


def _orders(beats, intents, offset) -> Component:
    items = []
    pairs = _order_beats(beats, intents)
    matched = {intent.id for _beat, intent in pairs if intent is not None}
    for beat, intent in pairs:
        delay = None
        if intent is not None and intent.status == "confirmed" and intent.decided_at is not None:
            delay = max(0.0, _seconds(beat.event.at, intent.decided_at))
        note = "" if intent is not None else "no_intent"
        if intent is not None and intent.status not in ("confirmed",):
            note = intent.status
        items.append(_timed_item(beat, offset, delay, note=note))
    # chốt đơn of real people (classmates): accepted or left open; declined/cancelled are not counted
    for intent in sorted(intents, key=lambda i: (i.created_at, i.id)):
        if intent.source != "chat" or intent.id in matched or intent.status in ("declined", "cancelled"):
            continue
        status = IN_TIME if intent.status == "confirmed" else MISSED
        items.append(
            {
                "index": None,
                "t": offset(intent.created_at),
                "persona": "",
                "text": f"{intent.product_code} × {intent.quantity}",
                "status": status,
                "seconds": None,
                "window": None,
                "note": intent.status,
            }
        )
    return _judged("orders", items)


def _totals(beats, intents, host_messages, persona_names, offset) -> Component:
    items = []
    for beat, intent in _order_beats(beats, intents):
        if intent is None or intent.status != "confirmed":
            continue
        quantity = beat.quantity or intent.quantity
        expected = intent.unit_price * quantity
        note = ""
        if beat.code and intent.product_code.upper() != beat.code:
            note = _("đơn lại là mã %(code)s") % {"code": intent.product_code}
        elif (
            intent.order_total if intent.order_total is not None else intent.unit_price * intent.quantity
        ) != expected:
            got = intent.order_total if intent.order_total is not None else intent.unit_price * intent.quantity
            note = _("đơn ghi %(got)s ₫") % {"got": f"{got:,}".replace(",", ".")}
        else:
            until = beat.event.at + timedelta(seconds=beat.window)
            if intent.decided_at is not None and intent.decided_at > until:
                until = intent.decided_at + timedelta(seconds=beat.window)
            name = fold(persona_names.get(beat.user_id, ""))
            for message in host_messages:
                if not (beat.event.at <= message.at <= until):
                    continue
                folded = fold(str((message.payload or {}).get("text", "")))
                if "tong" not in folded.split() and "tong:" not in folded:
                    continue
                if not ((name and name in folded) or (beat.code and beat.code.lower() in folded)):
                    continue
                said = amounts_in(folded)
                if said and expected not in said:
                    note = _("người dẫn báo tổng %(said)s ₫") % {"said": f"{said[-1]:,}".replace(",", ".")}
                    break
        items.append(
            _item(beat, offset, status=MISSED if note else IN_TIME, expected=expected, quantity=quantity, note=note)
        )
    return _judged("totals", items)


def _moderation(beats, events, offset) -> Component:
    items = []
    for beat in beats:
        if beat.expect != "moderate" or beat.event is None:
            continue
        troll = beat.event
        delay = None
        for event in events:
            if event.seq <= troll.seq:
                continue
            payload = event.payload or {}
            hit = (event.kind == "chat.deleted" and payload.get("message_seq") == troll.seq) or (
                event.kind in ("user.muted", "user.banned") and payload.get("user_id") == beat.user_id
            )
            if hit:
                delay = max(0.0, _seconds(troll.at, event.at))
                break
        if delay is None and troll.deleted_at is not None:
            delay = max(0.0, _seconds(troll.at, troll.deleted_at))
        items.append(_timed_item(beat, offset, delay))
    return _judged("moderation", items)


def _pinned_code(event: LogEvent, offer_codes: dict[int, str]) -> tuple[bool, str | None]:
    """(is a pin change, the code pinned after it or None)."""
    payload = event.payload or {}
    if event.kind == "product.pinned":
        card = payload.get("card") or {}
        code = card.get("code")
        if code is None and payload.get("offer_id") is not None:
            code = offer_codes.get(int(payload["offer_id"]))
        return True, str(code).upper() if code else None
    if event.kind == "offers" and "pinned_offer_id" in payload:
        offer_id = payload.get("pinned_offer_id")
        code = offer_codes.get(int(offer_id)) if offer_id is not None else None
        return True, code.upper() if code else None
    return False, None


def _pins(beats, events, offer_codes, offset) -> Component:
    changes = []
    for event in events:
        is_pin, code = _pinned_code(event, offer_codes)
        if is_pin:
            changes.append((event, code))
    items = []
    for beat in beats:
        if beat.expect != "pin" or beat.event is None:
            continue
        asked = beat.event
        current = None
        for event, code in changes:
            if event.seq < asked.seq:
                current = code
        delay = None
        if beat.code and current == beat.code:
            delay = 0.0
        else:
            for event, code in changes:
                if event.seq > asked.seq and code == beat.code:
                    delay = max(0.0, _seconds(asked.at, event.at))
                    break
        items.append(_timed_item(beat, offset, delay, code=beat.code))
    return _judged("pin", items)


def _flash_sale(beats, events, intents) -> Component:
    buyers = [b for b in beats if b.action == "sale_buy"]
    sales = sum(1 for e in events if e.kind == "sale.scheduled")
    got = {i.buyer_id for i in intents if i.source == "flash_sale" and i.status != "declined"}
    items = []
    for beat in buyers:
        ok = beat.user_id in got
        items.append(
            {
                "index": beat.index,
                "t": None,
                "persona": beat.persona,
                "text": beat.text,
                "status": IN_TIME if ok else MISSED,
            }
        )
    return _judged("flash_sale", items, sales=sales, refused=sum(1 for i in items if i["status"] == MISSED))


def _viewers(beats, samples: list[tuple[datetime, int]]) -> Component:
    moments = [b.event.at for b in beats if b.event is not None]
    counts = {"peak": 0, "kept": 0}
    if not moments or not samples:
        return Component(key="viewers", weight=WEIGHTS["viewers"], ratio=None, counts=counts)
    first = min(moments).replace(second=0, microsecond=0)
    last = max(moments).replace(second=0, microsecond=0)
    window = sorted((minute, n) for minute, n in samples if first <= minute <= last)
    peak = max((n for _m, n in window), default=0)
    if not peak:
        return Component(key="viewers", weight=WEIGHTS["viewers"], ratio=None, counts=counts)
    kept = window[-1][1] if window[-1][0] == last else 0
    counts = {"peak": peak, "kept": kept}
    return Component(key="viewers", weight=WEIGHTS["viewers"], ratio=min(1.0, kept / peak), counts=counts)


# --------------------------------------------------------------------------- the service


def _latest_run(practice_show):
    from practice_market.models import ScenarioRun

    return (
        ScenarioRun.objects.filter(practice_show=practice_show, started_at__isnull=False)
        .exclude(script=[])
        .order_by("-started_at", "-pk")
        .first()
    )


def practice_score_inputs(*, practice_show) -> dict:
    """Everything :func:`score_compute` reads, from the database (a fixed number of queries)."""
    from django.contrib.auth import get_user_model

    from live.models import RoomEvent, RoomRole, ViewerSample
    from selling.analytics import show_start_moment
    from selling.models import OrderIntent, ShowOffer

    show = practice_show.show
    room = show.room
    run = _latest_run(practice_show)
    script = list(run.script) if run is not None else []
    rows = RoomEvent.objects.filter(
        room=room,
        kind__in=("chat", "chat.deleted", "user.muted", "user.banned", "product.pinned", "offers", "sale.scheduled"),
    )
    if run is not None and run.first_seq:
        rows = rows.filter(seq__gte=run.first_seq)
    events = [
        LogEvent(seq=seq, kind=kind, at=at, payload=payload or {}, author_id=author_id, deleted_at=deleted_at)
        for seq, kind, at, payload, author_id, deleted_at in rows.order_by("seq").values_list(
            "seq", "kind", "created_at", "payload", "author_id", "deleted_at"
        )
    ]
    intents = [
        IntentRecord(
            id=row["pk"],
            buyer_id=row["buyer_id"],
            source=row["source"],
            product_code=row["product_code"],
            quantity=row["quantity"],
            unit_price=row["unit_price"],
            status=row["status"],
            created_at=row["created_at"],
            chat_seq=row["chat_seq"],
            decided_at=row["decided_at"],
            order_total=row["order__total"],
        )
        for row in OrderIntent.objects.filter(show=show)
        .order_by("created_at", "pk")
        .values(
            "pk",
            "buyer_id",
            "source",
            "product_code",
            "quantity",
            "unit_price",
            "status",
            "created_at",
            "chat_seq",
            "decided_at",
            "order__total",
        )
    ]
    host_ids = {
        show.host_id,
        *RoomRole.objects.filter(room=room, role=RoomRole.Role.COHOST).values_list("user_id", flat=True),
    }
    persona_ids = {b.get("user_id") for b in script if b.get("user_id")}
    names = {
        user.pk: user.get_full_name() or user.email.split("@")[0]
        for user in get_user_model().objects.filter(pk__in=persona_ids)
    }
    return {
        "events": events,
        "script": script,
        "intents": intents,
        "host_ids": host_ids,
        "start": show_start_moment(show),
        "viewer_samples": list(ViewerSample.objects.filter(room=room).values_list("minute", "viewers")),
        "offer_codes": dict(ShowOffer.objects.filter(show=show).values_list("pk", "product__code")),
        "persona_names": names,
        "run": run,
    }


@transaction.atomic
def practice_score_record(*, practice_show_id: int):
    """Compute the practice show's score from its room's log and store it (replacing the last one).

    Deterministic: the same log gives the same total and breakdown. Reasons are stored in
    Vietnamese (the report re-renders them in the reader's language from the counts).
    """
    from django.utils import translation

    from practice_market.models import PracticeScore, PracticeShow

    practice_show = PracticeShow.objects.select_related("show__room").get(pk=practice_show_id)
    inputs = practice_score_inputs(practice_show=practice_show)
    run = inputs.pop("run")
    with translation.override("vi"):
        result = score_compute(**inputs)
        breakdown = result.breakdown()
    breakdown["scenario_run_id"] = run.pk if run is not None else None
    score, _created = PracticeScore.objects.update_or_create(
        practice_show=practice_show,
        defaults={"total": result.total, "breakdown": breakdown, "scenario_run": run, "computed_at": timezone.now()},
    )
    return score


@task
def practice_score_task(*, practice_show_id: int) -> int:
    """Recompute a practice show's score on the task worker; returns the total."""
    return practice_score_record(practice_show_id=practice_show_id).total


class ScoreOnShowEnd(extensions.RoomExtension):
    """When a practice show ends, queue its score (in the transaction that ends it)."""

    def applies_to(self, show) -> bool:
        return show.owner_kind == "practice"

    def show_ended(self, *, show) -> None:
        from practice_market.models import PracticeShow

        practice_id = PracticeShow.objects.filter(show=show).values_list("pk", flat=True).first()
        if practice_id is not None:
            practice_score_task.enqueue(practice_show_id=practice_id)


extensions.register(ScoreOnShowEnd())
