"""How the app that owns a room plugs into the engine without ``live`` importing it.

The practice market and the weekly market each register a ``RoomOwner`` under an
``owner_kind`` string (``live.owners.register("market", MarketRoomOwner())`` in their
``AppConfig.ready``); a show's ``owner_kind`` picks it, and a kind nobody registered is
an error, never a silent fallback. ``live`` only asks the questions below, so the
dependency arrow stays ``market → live``; what a room sells reads ``sandbox``.
"""

from __future__ import annotations

from live.models import RoomRole, Show

#: ``room_role`` not read yet: the owner reads it. A caller that already holds the user's
#: role in the room (``RoomRole.role`` or ``None``; one row at most) passes it instead.
NOT_READ = object()


class RoomOwner:
    """The default owner, used for standalone shows and as the base class for others."""

    def may_host(self, user, show: Show, *, room_role=NOT_READ) -> bool:
        """May ``user`` act as host (start/end the show, moderate, pin)?"""
        if not getattr(user, "is_authenticated", False):
            return False
        if user.pk == show.host_id:
            return True
        if room_role is NOT_READ:
            return RoomRole.objects.filter(room__show=show, user=user, role=RoomRole.Role.COHOST).exists()
        return room_role == RoomRole.Role.COHOST

    def may_enter(self, user, show: Show) -> bool:
        """May ``user`` (possibly anonymous) watch? Bans are checked by the engine, not here.

        For an anonymous user it is asked on the event loop (``live.admission``): answer
        that case without the database.
        """
        if show.audience == Show.Audience.PUBLIC:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return user.pk == show.host_id or user.is_staff or RoomRole.objects.filter(room__show=show, user=user).exists()

    #: Practice rooms: their orders are sandbox orders (no real stock, lists or reports).
    sandbox: bool = False

    def source_label(self, show: Show) -> str:
        """How an order placed in this show names where it came from."""
        return show.title


_OWNERS: dict[str, RoomOwner] = {"standalone": RoomOwner()}


def register(kind: str, owner: RoomOwner) -> None:
    """Called by an owning app's ``AppConfig.ready``."""
    _OWNERS[kind] = owner


class UnknownOwnerKind(LookupError):
    pass


def owner_for(show: Show) -> RoomOwner:
    try:
        return _OWNERS[show.owner_kind]
    except KeyError:
        raise UnknownOwnerKind(f"no room owner registered for owner_kind {show.owner_kind!r}") from None
