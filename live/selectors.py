"""Reads for live rooms: who is who in a room, what a client missed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone

from accounts.roles import Role
from live import extensions
from live.models import BannedWord, Report, Room, RoomEvent, RoomRole, Sanction, Show, ViewerSample
from live.owners import NOT_READ, owner_for

HOST, COHOST, MODERATOR, VIEWER = "host", "cohost", "moderator", "viewer"
MODERATING_ROLES = frozenset({HOST, COHOST, MODERATOR})
HOSTING_ROLES = frozenset({HOST, COHOST})


@dataclass(frozen=True)
class Participant:
    """Who a socket belongs to, decided once at connect (sanctions are re-read per action)."""

    user_id: int | None
    name: str
    role: str
    # A practice market's scripted viewer (``User.is_simulated``): the room's rules apply to
    # it as to anyone, but it never counts as a viewer.
    simulated: bool = False

    @property
    def may_moderate(self) -> bool:
        return self.role in MODERATING_ROLES

    @property
    def may_host(self) -> bool:
        return self.role in HOSTING_ROLES


def participant_for(*, user, show: Show, room_role=NOT_READ) -> Participant:
    """Who ``user`` is in the show's room; ``room_role`` as ``live.owners.NOT_READ`` says."""
    if not getattr(user, "is_authenticated", False):
        return Participant(user_id=None, name="", role=VIEWER)
    name = user.get_full_name() or user.email.split("@")[0]
    if user.pk == show.host_id:
        return Participant(user_id=user.pk, name=show.host_name, role=HOST)
    if room_role is NOT_READ:
        room_role = RoomRole.objects.filter(room__show=show, user=user).values_list("role", flat=True).first()
    if owner_for(show).may_host(user, show, room_role=room_role):
        return Participant(user_id=user.pk, name=name, role=COHOST)
    if room_role == RoomRole.Role.MODERATOR or user.is_staff:
        return Participant(user_id=user.pk, name=name, role=MODERATOR)
    return Participant(user_id=user.pk, name=name, role=VIEWER, simulated=bool(getattr(user, "is_simulated", False)))


def _active(qs):
    now = timezone.now()
    return qs.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=now))


class ChatGate(NamedTuple):
    """What decides whether a chat message may be posted, as one read returns it."""

    show_state: str
    slow_mode_seconds: int
    banned: bool
    muted: bool


_CHAT_GATE_SQL = """
SELECT s."state", r."slow_mode_seconds",
    EXISTS (SELECT 1 FROM "live_sanction" x WHERE x."room_id" = r."id" AND x."user_id" = %(user)s
            AND x."kind" = %(ban)s AND x."lifted_at" IS NULL AND (x."until" IS NULL OR x."until" > %(now)s)),
    EXISTS (SELECT 1 FROM "live_sanction" x WHERE x."room_id" = r."id" AND x."user_id" = %(user)s
            AND x."kind" = %(mute)s AND x."lifted_at" IS NULL AND (x."until" IS NULL OR x."until" > %(now)s))
FROM "live_room" r INNER JOIN "live_show" s ON s."id" = r."show_id"
WHERE r."id" = %(room)s
"""


def chat_gate(*, room_id: int, user_id: int) -> ChatGate:
    """The show's state, the room's slow mode and the author's ban and mute in force, in one statement.

    Chat is the room's hot path, and its database thread shares the worker's GIL with the
    fan-out: one hand-written read instead of two ORM queries (the room, then the sanctions)
    costs a round trip and the ORM's query building less (``bench/room_ops_bench.py``).
    "In force" is ``_active``'s rule written in SQL: not lifted, and no end or an end to come.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = {"user": user_id, "ban": Sanction.Kind.BAN, "mute": Sanction.Kind.MUTE, "now": now, "room": room_id}
    with connection.cursor() as cursor:
        cursor.execute(_CHAT_GATE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise Room.DoesNotExist(f"room {room_id}")
    state, slow, banned, muted = row
    return ChatGate(state, slow, bool(banned), bool(muted))


def active_ban(*, room_id, user_id: int):
    """The user's bans in force in the room; ``room_id`` may be an ``OuterRef`` (``Exists``)."""
    return _active(Sanction.objects.filter(room_id=room_id, user_id=user_id, kind=Sanction.Kind.BAN))


def event_frame(event: RoomEvent) -> dict:
    """The wire form of a stored event (deleted chat keeps its place, loses its text)."""
    frame = {"type": event.kind, "seq": event.seq, "at": event.created_at.isoformat(), **event.payload}
    if event.kind == "chat" and event.deleted_at is not None:
        frame["text"] = ""
        frame["deleted"] = True
    return frame


def events_after(*, room_id: int, after: int, limit: int) -> list[dict]:
    """Events with ``seq > after``, oldest first, at most ``limit``."""
    events = RoomEvent.objects.filter(room_id=room_id, seq__gt=after).order_by("seq")[:limit]
    return [event_frame(e) for e in events]


def events_between(*, room_id: int, after: int, upto: int) -> list[dict]:
    events = RoomEvent.objects.filter(room_id=room_id, seq__gt=after, seq__lte=upto).order_by("seq")
    return [event_frame(e) for e in events]


def room_snapshot(*, room: Room) -> dict:
    """State a joining client needs besides the event log."""
    pinned = None
    if room.pinned_seq:
        event = RoomEvent.objects.filter(room=room, seq=room.pinned_seq, kind="chat", deleted_at__isnull=True).first()
        if event is not None:
            pinned = event_frame(event)
    show = room.show
    return {
        "room_id": room.pk,
        "show": {
            "id": show.pk,
            "title": show.title,
            "host_name": show.host_name,
            "state": show.state,
            "audience": show.audience,
            "scheduled_start": show.scheduled_start.isoformat(),
            "scheduled_end": show.scheduled_end.isoformat(),
        },
        "seq": room.last_seq,
        "slow_mode": room.slow_mode_seconds,
        "pinned": pinned,
        "reactions": room.reaction_counts or {},
        **extensions.room_state(room=room),
    }


def open_reports(*, room_id: int, limit: int = 50) -> list[dict]:
    reports = Report.objects.filter(room_id=room_id, status=Report.Status.OPEN).select_related("reporter")[:limit]
    texts = dict(
        RoomEvent.objects.filter(room_id=room_id, seq__in=[r.message_seq for r in reports]).values_list(
            "seq", "payload__text"
        )
    )
    return [report_frame(r, texts.get(r.message_seq, "")) for r in reports]


def report_frame(report: Report, text: str) -> dict:
    return {
        "id": report.pk,
        "message_seq": report.message_seq,
        "text": text,
        "reason": report.reason,
        "reporter": report.reporter.get_full_name() or report.reporter.email,
        "at": report.created_at.isoformat(),
    }


def banned_phrases() -> list[str]:
    return list(BannedWord.objects.values_list("phrase", flat=True))


def shows_visible(*, user) -> list[Show]:
    qs = Show.objects.select_related("host", "room").exclude(state=Show.State.ENDED).order_by("scheduled_start")
    return [s for s in qs if owner_for(s).may_enter(user, s)]


#: How many shows the home page lists as live or upcoming, and how many ended ones the room list keeps.
ON_AIR_LIMIT = 6
PAST_LIMIT = 12
PAST_LIMIT_REVIEWERS = 50


@dataclass(frozen=True)
class OnAir:
    live: list[Show]
    upcoming: list[Show]


def shows_on_air(*, user, limit: int = ON_AIR_LIMIT) -> OnAir:
    """Shows on air now and those still to come (not those whose planned end has passed), that ``user`` may watch."""
    now = timezone.now()
    qs = (
        Show.objects.select_related("host")
        .filter(Q(state=Show.State.LIVE) | Q(state=Show.State.SCHEDULED, scheduled_end__gt=now))
        .order_by("scheduled_start")
    )
    visible = [s for s in qs[: limit * 4] if owner_for(s).may_enter(user, s)]
    live = [s for s in visible if s.state == Show.State.LIVE][:limit]
    upcoming = [s for s in visible if s.state == Show.State.SCHEDULED][: max(0, limit - len(live))]
    return OnAir(live=live, upcoming=upcoming)


def shows_live_count() -> int:
    """Public shows on air (the header's badge: one cheap count on every page)."""
    return Show.objects.filter(state=Show.State.LIVE, audience=Show.Audience.PUBLIC).count()


@dataclass(frozen=True)
class PastShow:
    show: Show
    #: May this user open the show's analytics, replay and orders (its hosts, organizers, staff)?
    may_review: bool


def _reviews_every_show(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.has_role(Role.ORGANIZER)))


def may_review(*, user, show: Show) -> bool:
    """May ``user`` open the show's analytics, replay and orders: its hosts, organizers and staff."""
    return _reviews_every_show(user) or owner_for(show).may_host(user, show)


def shows_past(*, user) -> list[PastShow]:
    """Ended shows, newest first: every one for organizers and staff; for others the shows they
    hosted or co-hosted and the latest public ones (a buyer finds the room where they ordered)."""
    ended = Show.objects.select_related("host").filter(state=Show.State.ENDED).order_by("-scheduled_start")
    if _reviews_every_show(user):
        return [PastShow(show=s, may_review=True) for s in ended[:PAST_LIMIT_REVIEWERS]]
    hosted: list[Show] = []
    if getattr(user, "is_authenticated", False):
        cohosted = RoomRole.objects.filter(user=user, role=RoomRole.Role.COHOST).values("room__show_id")
        hosted = [
            s
            for s in ended.filter(Q(host=user) | Q(pk__in=cohosted))[:PAST_LIMIT_REVIEWERS]
            if owner_for(s).may_host(user, s)
        ]
    hosted_ids = {s.pk for s in hosted}
    public = [s for s in ended.exclude(pk__in=hosted_ids)[: PAST_LIMIT * 2] if owner_for(s).may_enter(user, s)][
        :PAST_LIMIT
    ]
    shows = sorted([*hosted, *public], key=lambda s: s.scheduled_start, reverse=True)
    return [PastShow(show=s, may_review=s.pk in hosted_ids) for s in shows]


@dataclass(frozen=True)
class ShowSummary:
    """An ended show at a glance: when it ran, how long, how many watched and wrote."""

    started_at: object
    ended_at: object
    minutes: int
    chat_messages: int
    peak_viewers: int


def show_summary(*, show: Show) -> ShowSummary:
    started = show.started_at or show.scheduled_start
    ended = show.ended_at or show.scheduled_end
    minutes = max(0, int((ended - started).total_seconds() // 60))
    chat = RoomEvent.objects.filter(room__show=show, kind="chat", deleted_at__isnull=True).count()
    peak = ViewerSample.objects.filter(room__show=show).aggregate(peak=Max("viewers"))["peak"] or 0
    return ShowSummary(started_at=started, ended_at=ended, minutes=minutes, chat_messages=chat, peak_viewers=peak)
