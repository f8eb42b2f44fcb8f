"""Every write in a live room. Keyword-only, typed, one transaction each.

Sequenced events are numbered by ``Room.last_seq``: the ``UPDATE … last_seq + 1`` takes
the room row's lock until commit, so numbers are handed out and committed in order even
with several processes, and an event is in the database before the channel layer hears
of it (``publish_on_commit``).
"""

from __future__ import annotations

import contextlib
import re
import time
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import ApplicationError
from core.text import fold
from live import extensions, selectors
from live.broadcast import publish_on_commit
from live.limits import live_setting, user_rate_allow
from live.models import BannedWord, Report, Room, RoomEvent, RoomRole, Sanction, Show, ViewerSample
from live.protocol import CHAT_MAX_BYTES, REACTION_KINDS, ErrorCode
from live.selectors import Participant

# ---------------------------------------------------------------------------
# Shows
# ---------------------------------------------------------------------------


@transaction.atomic
def show_create(
    *,
    title: str,
    host,
    scheduled_start: datetime,
    scheduled_end: datetime,
    host_display_name: str = "",
    description: str = "",
    audience: str = Show.Audience.PUBLIC,
    owner_kind: str = "standalone",
    video_url: str = "",
) -> Show:
    if scheduled_end <= scheduled_start:
        raise ApplicationError(
            _("Giờ kết thúc phải sau giờ bắt đầu."), fields={"scheduled_end": _("Giờ kết thúc phải sau giờ bắt đầu.")}
        )
    show = Show.objects.create(
        title=title,
        host=host,
        host_display_name=host_display_name,
        description=description,
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_end,
        audience=audience,
        owner_kind=owner_kind,
        video_url=video_url,
    )
    Room.objects.create(show=show)
    return show


def room_role_set(*, room: Room, user, role: str) -> RoomRole:
    obj, _created = RoomRole.objects.update_or_create(room=room, user=user, defaults={"role": role})
    return obj


def event_append(*, room_id: int, kind: str, payload: dict, author_id: int | None = None) -> RoomEvent:
    """Number and store one event; publish it once the surrounding transaction commits.

    Call inside ``transaction.atomic``. Extensions (selling, …) use it for their own
    sequenced kinds, so that late joiners and resumes replay them like chat.
    """
    seq = _next_seq(room_id)
    event = RoomEvent.objects.create(room_id=room_id, seq=seq, kind=kind, payload=payload, author_id=author_id)
    publish_on_commit(room_id, selectors.event_frame(event))
    return event


_NEXT_SEQ_SQL = 'UPDATE "live_room" SET "last_seq" = "last_seq" + 1 WHERE "id" = %s RETURNING "last_seq"'


def _next_seq(room_id: int) -> int:
    """The room's next sequence number, in one statement (``UPDATE … RETURNING``).

    The update takes the room's row lock until the transaction commits, so every
    sequenced write of a room (each chat message, each flash-sale purchase) queues
    behind the one before it: the fewer round trips after it, the shorter the queue.
    PostgreSQL and SQLite (3.35 and newer) both return the new value.
    """
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SEQ_SQL, [room_id])
        row = cursor.fetchone()
    if row is None:
        raise Room.DoesNotExist(f"room {room_id}")
    return row[0]


#: what an anonymous viewer is told for each room action that needs a login
LOGIN_NEEDED = {
    "chat.send": gettext_lazy("Hãy đăng nhập để bình luận."),
    "reaction": gettext_lazy("Hãy đăng nhập để thả cảm xúc."),
    "report": gettext_lazy("Hãy đăng nhập để báo cáo."),
}


def login_check(action: str, actor: Participant) -> None:
    """Refuse an action that needs a login to an anonymous actor, from who it is alone.

    No database: the room socket asks it on the event loop before it hands an action to the
    database thread, so a flood of ``chat.send`` from anonymous sockets (the drill's message
    flood) queues nothing ahead of real chat. The services ask it again for other callers.
    """
    if actor.user_id is None and action in LOGIN_NEEDED:
        raise ApplicationError(str(LOGIN_NEEDED[action]), code=ErrorCode.AUTH_REQUIRED, status=401)


def _require(condition: bool, code: str, message: str) -> None:
    if not condition:
        raise ApplicationError(message, code=code, status=403)


@transaction.atomic
def show_start(*, room_id: int, actor: Participant) -> dict:
    _require(actor.may_host, ErrorCode.FORBIDDEN, _("Chỉ người dẫn mới bắt đầu được buổi phát."))
    show = Show.objects.select_for_update().get(room__pk=room_id)
    if show.state != Show.State.SCHEDULED:
        raise ApplicationError(_("Buổi phát đã bắt đầu hoặc đã kết thúc."), code=ErrorCode.INVALID)
    show.state, show.started_at = Show.State.LIVE, timezone.now()
    show.save(update_fields=["state", "started_at"])
    return selectors.event_frame(event_append(room_id=room_id, kind="show.state", payload={"state": show.state}))


@transaction.atomic
def show_end(*, room_id: int, actor: Participant) -> dict:
    _require(actor.may_host, ErrorCode.FORBIDDEN, _("Chỉ người dẫn mới kết thúc được buổi phát."))
    show = Show.objects.select_for_update().get(room__pk=room_id)
    if show.state == Show.State.ENDED:
        raise ApplicationError(_("Buổi phát đã kết thúc."), code=ErrorCode.INVALID)
    show.state, show.ended_at = Show.State.ENDED, timezone.now()
    show.save(update_fields=["state", "ended_at"])
    extensions.show_ended(show=show)
    return selectors.event_frame(event_append(room_id=room_id, kind="show.state", payload={"state": show.state}))


# ---------------------------------------------------------------------------
# Chat
# ---------------------------------------------------------------------------

_BANNED_CACHE: dict = {"stamp": 0.0, "patterns": []}
_BANNED_TTL = 10.0


def banned_words_invalidate() -> None:
    _BANNED_CACHE["stamp"] = 0.0
    with contextlib.suppress(Exception):
        cache.delete("live:banned-words")


def _banned_patterns() -> list[re.Pattern]:
    """Folded phrases as word-bounded patterns; cached briefly in-process and in the cache."""
    if time.monotonic() - _BANNED_CACHE["stamp"] > _BANNED_TTL:
        try:
            phrases = cache.get("live:banned-words")
        except Exception:  # noqa: BLE001 - the cache is an optimisation; the table is the truth
            phrases = None
        if phrases is None:
            phrases = [fold(p) for p in selectors.banned_phrases() if fold(p)]
            with contextlib.suppress(Exception):
                cache.set("live:banned-words", phrases, 300)
        _BANNED_CACHE["patterns"] = [re.compile(r"(?<![a-z0-9])" + re.escape(p) + r"(?![a-z0-9])") for p in phrases]
        _BANNED_CACHE["stamp"] = time.monotonic()
    return _BANNED_CACHE["patterns"]


def text_has_banned_word(text: str) -> bool:
    folded = fold(text)
    return any(p.search(folded) for p in _banned_patterns())


def chat_post(*, room_id: int, actor: Participant, text: str) -> dict:
    """Save a chat message with its room sequence, then broadcast it. Returns its frame."""
    login_check("chat.send", actor)
    text = text.strip()
    if not text:
        raise ApplicationError(_("Bình luận trống."), code=ErrorCode.INVALID, fields={"text": _("Bình luận trống.")})
    if len(text.encode("utf-8")) > CHAT_MAX_BYTES:
        raise ApplicationError(
            _("Bình luận dài quá 4 KB."), code=ErrorCode.TOO_LARGE, fields={"text": _("Bình luận dài quá 4 KB.")}
        )
    gate = selectors.chat_gate(room_id=room_id, user_id=actor.user_id)  # one read: chat is the hot path
    if gate.show_state == Show.State.ENDED:
        raise ApplicationError(_("Buổi phát đã kết thúc."), code=ErrorCode.SHOW_ENDED)
    if not actor.may_moderate:
        if gate.banned:
            raise ApplicationError(_("Bạn đã bị cấm khỏi phòng này."), code=ErrorCode.FORBIDDEN, status=403)
        if gate.muted:
            raise ApplicationError(_("Bạn đang bị tắt tiếng trong phòng này."), code=ErrorCode.MUTED, status=403)
        slow = gate.slow_mode_seconds
        if slow and not _slow_mode_allows(room_id, actor.user_id, slow):
            raise ApplicationError(
                _("Phòng đang ở chế độ chậm: mỗi %(s)s giây một bình luận.") % {"s": slow}, code=ErrorCode.SLOW_MODE
            )
        if not user_rate_allow(f"chat:{actor.user_id}", live_setting("USER_CHAT_RULES")):
            raise ApplicationError(_("Bạn bình luận nhanh quá, hãy chờ một chút."), code=ErrorCode.RATE_LIMITED)
    if text_has_banned_word(text):
        raise ApplicationError(_("Bình luận có từ ngữ không được phép."), code=ErrorCode.BANNED_WORD)
    with transaction.atomic():
        event = event_append(
            room_id=room_id,
            kind="chat",
            payload={"text": text, "user_id": actor.user_id, "name": actor.name, "role": actor.role},
            author_id=actor.user_id,
        )
    frame = selectors.event_frame(event)
    extensions.chat_posted(room_id=room_id, actor=actor, frame=frame)
    return frame


_event_append = event_append  # the name the benchmark and older call sites use


def _slow_mode_allows(room_id: int, user_id: int, seconds: int) -> bool:
    try:
        return bool(cache.add(f"live:slow:{room_id}:{user_id}", 1, timeout=seconds))
    except Exception:  # noqa: BLE001 - cache down: let the message through, rate limits still apply
        return True


@transaction.atomic
def chat_delete(*, room_id: int, actor: Participant, message_seq: int) -> dict:
    _require(actor.may_moderate, ErrorCode.FORBIDDEN, _("Bạn không có quyền xoá bình luận."))
    updated = RoomEvent.objects.filter(room_id=room_id, seq=message_seq, kind="chat", deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    )
    if not updated:
        raise ApplicationError(_("Không tìm thấy bình luận."), code=ErrorCode.NOT_FOUND, status=404)
    was_pinned = Room.objects.filter(pk=room_id, pinned_seq=message_seq).update(pinned_seq=None)
    Report.objects.filter(room_id=room_id, message_seq=message_seq, status=Report.Status.OPEN).update(
        status=Report.Status.RESOLVED, handled_by_id=actor.user_id
    )
    event = event_append(
        room_id=room_id, kind="chat.deleted", payload={"message_seq": message_seq}, author_id=actor.user_id
    )
    if was_pinned:
        event_append(room_id=room_id, kind="pin", payload={"message": None}, author_id=actor.user_id)
    return selectors.event_frame(event)


@transaction.atomic
def chat_pin(*, room_id: int, actor: Participant, message_seq: int | None) -> dict:
    _require(actor.may_moderate, ErrorCode.FORBIDDEN, _("Bạn không có quyền ghim bình luận."))
    pinned = None
    if message_seq is not None:
        event = RoomEvent.objects.filter(room_id=room_id, seq=message_seq, kind="chat", deleted_at__isnull=True).first()
        if event is None:
            raise ApplicationError(_("Không tìm thấy bình luận."), code=ErrorCode.NOT_FOUND, status=404)
        pinned = selectors.event_frame(event)
    Room.objects.filter(pk=room_id).update(pinned_seq=message_seq)
    event = event_append(room_id=room_id, kind="pin", payload={"message": pinned}, author_id=actor.user_id)
    return selectors.event_frame(event)


@transaction.atomic
def room_slow_mode_set(*, room_id: int, actor: Participant, seconds: int) -> dict:
    _require(actor.may_moderate, ErrorCode.FORBIDDEN, _("Bạn không có quyền đổi chế độ chậm."))
    Room.objects.filter(pk=room_id).update(slow_mode_seconds=seconds)
    event = event_append(room_id=room_id, kind="slow_mode", payload={"seconds": seconds}, author_id=actor.user_id)
    return selectors.event_frame(event)


# ---------------------------------------------------------------------------
# Moderation of people
# ---------------------------------------------------------------------------


def _target_name(user_id: int) -> str:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise ApplicationError(_("Không tìm thấy người dùng."), code=ErrorCode.NOT_FOUND, status=404)
    return user.get_full_name() or user.email.split("@")[0]


def _protect_staff(room_id: int, user_id: int) -> None:
    show = Show.objects.select_related("host").get(room__pk=room_id)
    from django.contrib.auth import get_user_model

    target = get_user_model().objects.get(pk=user_id)
    if selectors.participant_for(user=target, show=show).may_moderate:
        raise ApplicationError(
            _("Không thể xử lý người dẫn hoặc người kiểm duyệt."), code=ErrorCode.FORBIDDEN, status=403
        )


@transaction.atomic
def user_mute(*, room_id: int, actor: Participant, user_id: int, minutes: int | None = None) -> dict:
    _require(actor.may_moderate, ErrorCode.FORBIDDEN, _("Bạn không có quyền tắt tiếng người xem."))
    name = _target_name(user_id)
    _protect_staff(room_id, user_id)
    until = timezone.now() + timedelta(minutes=minutes) if minutes else None
    Sanction.objects.create(
        room_id=room_id, user_id=user_id, kind=Sanction.Kind.MUTE, until=until, created_by_id=actor.user_id
    )
    payload = {"user_id": user_id, "name": name, "until": until.isoformat() if until else None}
    return selectors.event_frame(
        event_append(room_id=room_id, kind="user.muted", payload=payload, author_id=actor.user_id)
    )


@transaction.atomic
def user_unmute(*, room_id: int, actor: Participant, user_id: int) -> dict:
    _require(actor.may_moderate, ErrorCode.FORBIDDEN, _("Bạn không có quyền bật tiếng người xem."))
    name = _target_name(user_id)
    Sanction.objects.filter(room_id=room_id, user_id=user_id, kind=Sanction.Kind.MUTE, lifted_at__isnull=True).update(
        lifted_at=timezone.now()
    )
    payload = {"user_id": user_id, "name": name}
    return selectors.event_frame(
        event_append(room_id=room_id, kind="user.unmuted", payload=payload, author_id=actor.user_id)
    )


@transaction.atomic
def user_ban(*, room_id: int, actor: Participant, user_id: int, reason: str = "") -> dict:
    """Ban from the room for the rest of the show; the hubs close the user's sockets (4403)."""
    _require(actor.may_moderate, ErrorCode.FORBIDDEN, _("Bạn không có quyền cấm người xem."))
    name = _target_name(user_id)
    _protect_staff(room_id, user_id)
    Sanction.objects.create(
        room_id=room_id, user_id=user_id, kind=Sanction.Kind.BAN, reason=reason, created_by_id=actor.user_id
    )
    payload = {"user_id": user_id, "name": name}
    return selectors.event_frame(
        event_append(room_id=room_id, kind="user.banned", payload=payload, author_id=actor.user_id)
    )


@transaction.atomic
def user_unban(*, room_id: int, actor: Participant, user_id: int) -> dict:
    _require(actor.may_moderate, ErrorCode.FORBIDDEN, _("Bạn không có quyền bỏ cấm."))
    name = _target_name(user_id)
    Sanction.objects.filter(room_id=room_id, user_id=user_id, kind=Sanction.Kind.BAN, lifted_at__isnull=True).update(
        lifted_at=timezone.now()
    )
    payload = {"user_id": user_id, "name": name}
    return selectors.event_frame(
        event_append(room_id=room_id, kind="user.unbanned", payload=payload, author_id=actor.user_id)
    )


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------


@transaction.atomic
def report_create(*, room_id: int, actor: Participant, message_seq: int, reason: str = "") -> Report:
    """A viewer flags a message; moderators connected to the room hear of it at once."""
    login_check("report", actor)
    if not user_rate_allow(f"report:{actor.user_id}", live_setting("USER_REPORT_RULES")):
        raise ApplicationError(_("Bạn đã báo cáo quá nhiều, hãy chờ một chút."), code=ErrorCode.RATE_LIMITED)
    message = RoomEvent.objects.filter(room_id=room_id, seq=message_seq, kind="chat", deleted_at__isnull=True).first()
    if message is None:
        raise ApplicationError(_("Không tìm thấy bình luận."), code=ErrorCode.NOT_FOUND, status=404)
    report, created = Report.objects.get_or_create(
        room_id=room_id, message_seq=message_seq, reporter_id=actor.user_id, defaults={"reason": reason.strip()}
    )
    if created:
        publish_on_commit(
            room_id,
            {"type": "report.new", "report": selectors.report_frame(report, message.payload.get("text", ""))},
            staff_only=True,
        )
    return report


@transaction.atomic
def report_resolve(*, room_id: int, actor: Participant, report_id: int, status: str) -> Report:
    _require(actor.may_moderate, ErrorCode.FORBIDDEN, _("Bạn không có quyền xử lý báo cáo."))
    report = Report.objects.select_for_update().filter(room_id=room_id, pk=report_id).first()
    if report is None:
        raise ApplicationError(_("Không tìm thấy báo cáo."), code=ErrorCode.NOT_FOUND, status=404)
    report.status, report.handled_by_id = status, actor.user_id
    report.save(update_fields=["status", "handled_by"])
    publish_on_commit(room_id, {"type": "report.closed", "report_id": report.pk, "status": status}, staff_only=True)
    return report


# ---------------------------------------------------------------------------
# Reactions: counted per tick by the hub, saved here once per tick
# ---------------------------------------------------------------------------


@transaction.atomic
def reactions_record(*, room_id: int, counts: dict[str, int]) -> dict[str, int]:
    """Add a process's unsaved reaction taps to the room's stored totals.

    Reactions are latest-value state, not sequenced events: hubs announce each tick's
    taps to one another directly (``RoomHub._flush_reactions``) and save them here about
    every two seconds, so a tap costs no database write.
    """
    room = Room.objects.select_for_update().get(pk=room_id)
    totals = dict(room.reaction_counts or {})
    for kind, n in counts.items():
        if kind in REACTION_KINDS and n > 0:
            totals[kind] = totals.get(kind, 0) + int(n)
    room.reaction_counts = totals
    room.save(update_fields=["reaction_counts"])
    return totals


def viewers_sample(*, room_id: int, viewers: int) -> None:
    """Record the room's viewer count for this minute, keeping the largest value seen."""
    minute = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        sample, created = ViewerSample.objects.select_for_update().get_or_create(
            room_id=room_id, minute=minute, defaults={"viewers": viewers}
        )
        if not created and viewers > sample.viewers:
            sample.viewers = viewers
            sample.save(update_fields=["viewers"])


def banned_word_save(*, phrase: str, note: str = "") -> BannedWord:
    word, _created = BannedWord.objects.update_or_create(phrase=phrase.strip(), defaults={"note": note})
    banned_words_invalidate()
    return word
