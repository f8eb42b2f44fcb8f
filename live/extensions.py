"""How other apps add messages and state to a room without ``live`` importing them.

The engine knows chat, reactions, presence and moderation. Selling (pinned products,
flash sales, chốt đơn, the order board) and camera signalling are *extensions*: an app
subclasses ``RoomExtension`` and calls ``register()`` in its ``AppConfig.ready``. The
consumer then validates the extension's message types with its schemas, runs its
handlers, adds its state to the snapshot a joining client receives, and shows it each
chat message after it is saved (so chat can become orders).

Handlers are plain functions, run on the room's database threads (``live.database``),
unless they are coroutine functions: signalling, which never touches the database, or a
handler that batches its work onto those threads itself (``selling.desk``).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from pydantic import BaseModel

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoomContext:
    """Who sent a message, from where: what every handler receives."""

    room_id: int
    actor: Any  # live.selectors.Participant
    conn_id: str
    lang: str


@dataclass(frozen=True)
class PagePart:
    """A piece an extension adds to the viewer page or the host console.

    ``template`` is included with ``part`` in its context (``part.context`` holds the
    extension's data); ``scripts``/``styles`` are static paths loaded after the room's own.
    """

    template: str
    context: dict
    scripts: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()


Handler = Callable[..., Any]  # (*, ctx: RoomContext, message) -> dict | None


class RoomExtension:
    """Base class: say which shows it applies to (``applies_to``), override the hooks you need
    (every other hook has a harmless default)."""

    #: name of the key this extension's state takes in ``welcome`` (``room_state``)
    key: str = ""
    #: sequenced event kinds that change ``room_state`` (the hubs refresh their snapshot)
    snapshot_kinds: frozenset[str] = frozenset()

    def messages(self) -> dict[str, tuple[type[BaseModel], Handler]]:
        """``{type: (schema, handler)}``; schemas subclass ``live.protocol.Message``."""
        return {}

    def room_state(self, *, room) -> dict | None:
        """State every joining client needs (pinned product, open sale…); ``None`` for none."""
        return None

    def chat_posted(self, *, room_id: int, actor, frame: dict) -> None:
        """Called after a chat message is committed; must not raise."""

    def patch_state(self, *, state: dict | None, frame: dict) -> bool:
        """Apply a sequenced event of ``snapshot_kinds`` to this extension's cached state in place.

        Return True when done, so the hubs need not read the state again from the database
        (a flash sale makes one progress event per purchase); False to have it re-read.
        """
        return False

    def page_part(self, *, request, show, participant, console: bool) -> PagePart | None:
        """What to add to the viewer page (``console=False``) or the host console."""
        return None

    def applies_to(self, show) -> bool:
        """Does this extension take part in ``show``? Every extension says (``register`` refuses
        one that does not); the hooks that have a show ask first: ``room_state``, ``show_ended``,
        ``page_part``. Its messages and ``chat_posted`` reach it from every room, so an
        extension that has them and applies to some shows only refuses or ignores the others."""
        raise NotImplementedError

    def show_ended(self, *, show) -> None:
        """Called inside the transaction that ends ``show`` (give back what the show held)."""


_EXTENSIONS: list[RoomExtension] = []
_HANDLERS: dict[str, tuple[type[BaseModel], Handler]] = {}
_SNAPSHOT_KINDS: frozenset[str] = frozenset()


def register(extension: RoomExtension) -> None:
    from live import protocol

    if type(extension).applies_to is RoomExtension.applies_to:
        raise TypeError(f"room extension {type(extension).__name__} must say which shows it applies to (applies_to)")
    for type_, (schema, handler) in extension.messages().items():
        if type_ in protocol.ENGINE_TYPES or (type_ in _HANDLERS and _HANDLERS[type_][1] is not handler):
            raise ValueError(f"room message type {type_!r} is already taken")
        _HANDLERS[type_] = (schema, handler)
    if extension not in _EXTENSIONS:
        _EXTENSIONS.append(extension)
    global _SNAPSHOT_KINDS
    _SNAPSHOT_KINDS = _SNAPSHOT_KINDS | extension.snapshot_kinds


def extensions() -> list[RoomExtension]:
    return list(_EXTENSIONS)


def schema_for(type_: str) -> type[BaseModel] | None:
    entry = _HANDLERS.get(type_)
    return entry[0] if entry else None


def handler_for(type_: str) -> Handler | None:
    entry = _HANDLERS.get(type_)
    return entry[1] if entry else None


def is_async(handler: Handler) -> bool:
    return inspect.iscoroutinefunction(handler)


def snapshot_kinds() -> frozenset[str]:
    return _SNAPSHOT_KINDS


def room_state(*, room) -> dict:
    state = {}
    for ext in _EXTENSIONS:
        if not ext.applies_to(room.show):
            continue
        value = ext.room_state(room=room)
        if ext.key and value is not None:
            state[ext.key] = value
    return state


def patch_snapshot(snapshot: dict | None, frame: dict) -> bool:
    """True when an extension brought ``snapshot`` up to date with ``frame`` in memory."""
    if snapshot is None:
        return False
    for ext in _EXTENSIONS:
        if frame.get("type") in ext.snapshot_kinds and ext.key:
            try:
                return ext.patch_state(state=snapshot.get(ext.key), frame=frame)
            except Exception:
                logger.exception("live: extension %s could not patch its state", type(ext).__name__)
                return False
    return False


def chat_posted(*, room_id: int, actor, frame: dict) -> None:
    """Chat is never lost to an extension's failure: it is logged (and raised under test,
    ``LIVE["RAISE_EXTENSION_ERRORS"]``, so a broken extension fails its tests)."""
    for ext in _EXTENSIONS:
        try:
            ext.chat_posted(room_id=room_id, actor=actor, frame=frame)
        except Exception:
            if settings.LIVE.get("RAISE_EXTENSION_ERRORS"):
                raise
            logger.exception("live: extension %s failed on chat in room %s", type(ext).__name__, room_id)


def show_ended(*, show) -> None:
    for ext in _EXTENSIONS:
        if ext.applies_to(show):
            ext.show_ended(show=show)


def page_parts(*, request, show, participant, console: bool) -> list[PagePart]:
    parts = []
    for ext in _EXTENSIONS:
        if not ext.applies_to(show):
            continue
        part = ext.page_part(request=request, show=show, participant=participant, console=console)
        if part is not None:
            parts.append(part)
    return parts
