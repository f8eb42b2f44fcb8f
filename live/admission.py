"""May this socket join the room, and as whom?

``admit`` runs on the room's database thread, one call per join: for a logged-in viewer
three queries (the session, the user (``live.auth``), and the room with the viewer's role
and bans read beside it); six in two hops before, which a crowd joining a sale paid for
on two busy cores (docs/benchmarks.md, "The buyers' join").

A socket without a session cookie is anonymous without asking anyone, and an anonymous
viewer's admission needs only the room's show. ``admit_anonymous`` answers it on the event
loop from the room as an admission read it at most ``ANONYMOUS_ADMISSION_SECONDS`` ago,
so a storm of anonymous handshakes, or a thousand viewers rejoining after a worker's
restart, costs one query a second instead of one each. A change of the show's audience
reaches anonymous joins that much later.
"""

from __future__ import annotations

import threading
import time

from cachetools import TTLCache
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _

from live import protocol as p
from live import selectors
from live.auth import resolve_user
from live.limits import live_setting
from live.models import Room, RoomRole
from live.owners import owner_for

_NOT_READ = object()
_recent: TTLCache | None = None  # room id -> Room, or None for a room that does not exist
_recent_lock = threading.Lock()  # written on the database threads, read on the event loop


def _recent_rooms() -> TTLCache:
    global _recent
    seconds = live_setting("ANONYMOUS_ADMISSION_SECONDS")
    if _recent is None or _recent.ttl != seconds:
        _recent = TTLCache(maxsize=10_000, ttl=seconds, timer=time.monotonic)
    return _recent


def forget_recent_rooms() -> None:
    """Drop every room read so far (tests; nothing else needs to)."""
    with _recent_lock:
        _recent_rooms().clear()


def admit(room_id: int, scope):
    """(refusal or None, participant) for a socket about to join ``room_id``; on a database thread."""
    user = resolve_user(scope)
    authenticated = getattr(user, "is_authenticated", False)
    rooms = Room.objects.select_related("show", "show__host").filter(pk=room_id)
    if authenticated:
        rooms = rooms.annotate(
            viewer_role=Subquery(RoomRole.objects.filter(room=OuterRef("pk"), user=user).values("role")[:1]),
            viewer_banned=Exists(selectors.active_ban(room_id=OuterRef("pk"), user_id=user.pk)),
        )
    room = rooms.first()
    with _recent_lock:
        _recent_rooms()[room_id] = room
    return _verdict(room, user)


def admit_anonymous(room_id: int, scope):
    """``admit``'s answer for a socket without a session, from a recent read; ``None``: ask ``admit``."""
    session = scope.get("session")
    if session is None or session.session_key is not None:
        return None
    with _recent_lock:
        room = _recent_rooms().get(room_id, _NOT_READ)
    if room is _NOT_READ:
        return None
    return _verdict(room, resolve_user(scope))  # no session key: anonymous, read from no database


def _verdict(room: Room | None, user):
    """Whether ``user`` may join ``room``; for an anonymous user, no database call."""
    if room is None:
        return (p.CloseCode.NOT_FOUND, p.ErrorCode.NOT_FOUND, _("Không tìm thấy phòng.")), None
    show = room.show
    authenticated = getattr(user, "is_authenticated", False)
    if not owner_for(show).may_enter(user, show):
        if not authenticated:
            return (p.CloseCode.AUTH_REQUIRED, p.ErrorCode.AUTH_REQUIRED, _("Hãy đăng nhập để vào phòng này.")), None
        return (p.CloseCode.FORBIDDEN, p.ErrorCode.FORBIDDEN, _("Phòng này chỉ dành cho khách mời.")), None
    if not authenticated:
        return None, selectors.participant_for(user=user, show=show)
    participant = selectors.participant_for(user=user, show=show, room_role=room.viewer_role)
    if not participant.may_moderate and room.viewer_banned:
        return (p.CloseCode.FORBIDDEN, p.ErrorCode.FORBIDDEN, _("Bạn đã bị cấm khỏi phòng này.")), None
    return None, participant
