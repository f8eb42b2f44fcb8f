"""Reads for live rooms: who is who in a room, what a client missed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from live import extensions
from live.models import BannedWord, Report, Room, RoomEvent, RoomRole, Sanction, Show
from live.owners import owner_for

HOST, COHOST, MODERATOR, VIEWER = "host", "cohost", "moderator", "viewer"
MODERATING_ROLES = frozenset({HOST, COHOST, MODERATOR})
HOSTING_ROLES = frozenset({HOST, COHOST})


@dataclass(frozen=True)
class Participant:
    """Who a socket belongs to, decided once at connect (sanctions are re-read per action)."""

    user_id: int | None
    name: str
    role: str

    @property
    def may_moderate(self) -> bool:
        return self.role in MODERATING_ROLES

    @property
    def may_host(self) -> bool:
        return self.role in HOSTING_ROLES


def participant_for(*, user, show: Show) -> Participant:
    if not getattr(user, "is_authenticated", False):
        return Participant(user_id=None, name="", role=VIEWER)
    name = user.get_full_name() or user.email.split("@")[0]
    if user.pk == show.host_id:
        return Participant(user_id=user.pk, name=show.host_name, role=HOST)
    if owner_for(show).may_host(user, show):
        return Participant(user_id=user.pk, name=name, role=COHOST)
    role = RoomRole.objects.filter(room__show=show, user=user).values_list("role", flat=True).first()
    if role == RoomRole.Role.MODERATOR or user.is_staff:
        return Participant(user_id=user.pk, name=name, role=MODERATOR)
    return Participant(user_id=user.pk, name=name, role=VIEWER)


def _active(qs):
    now = timezone.now()
    return qs.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=now))


def sanction_active(*, room_id: int, user_id: int, kind: str) -> Sanction | None:
    return _active(Sanction.objects.filter(room_id=room_id, user_id=user_id, kind=kind)).order_by("-created_at").first()


def sanctions_active(*, room_id: int, user_id: int) -> list[str]:
    """Kinds (``mute``, ``ban``) of the user's sanctions in force in the room."""
    return list(_active(Sanction.objects.filter(room_id=room_id, user_id=user_id)).values_list("kind", flat=True))


def is_banned(*, room_id: int, user_id: int | None) -> bool:
    return user_id is not None and sanction_active(room_id=room_id, user_id=user_id, kind=Sanction.Kind.BAN) is not None


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
