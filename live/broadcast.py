"""Hand room events to the channel layer. Called only from services, after commit.

The channel layer delivers at most once and drops when a channel is full or Redis is
down: a failed publish is logged and forgotten, because the event is already in the
database and every hub re-reads the gap (``RoomHub`` resync) and every client resumes
by sequence.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import time
import weakref

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def room_group(room_id: int) -> str:
    return f"live.room.{room_id}"


def to_user(user_id: int) -> dict:
    """Address a directed frame to every socket of one user (in any process)."""
    return {"user": user_id}


def to_conn(conn_id: str) -> dict:
    """Address a directed frame to one socket (``welcome.you.conn``)."""
    return {"conn": conn_id}


TO_HOSTS = {"role": "hosts"}  # the host and co-hosts


async def apublish(room_id: int, frame: dict, *, staff_only: bool = False, to: dict | None = None) -> None:
    """Sequenced frames (with ``seq``) go to everyone; ``to`` sends a frame to some sockets only.

    Directed frames are not sequenced and not replayed: what they carry must also be
    readable on request (a client asks again after it reconnects).
    """
    message = _message(frame, staff_only=staff_only, to=to)
    _hand_to_local_hub(room_id, message)
    await _group_send(room_id, message)


def _hand_to_local_hub(room_id: int, message: dict) -> None:
    """On the event loop: give a sequenced broadcast to this process's hub of the room at once.

    Through the channel layer a chat message made two more turns of a busy loop and a Redis
    round trip before its own process's hub had it: 10 ms at the median and 50 ms at p99 of
    the 4,000-viewer sale (docs/benchmarks.md), often enough to miss a tick. The hub takes
    it now; the copy the channel layer brings later is dropped by its sequence number,
    as any duplicate is, and other processes' hubs get theirs as before. Directed,
    staff and unsequenced frames are not deduplicated, so they keep the one path.
    """
    from live import hub as hubs  # the hub imports this module

    hub = hubs.running_hub(room_id)
    if (
        hub is None
        or message.get("to")
        or message.get("staff")
        or message["frame"].get("seq") is None
        or hub.loop is not asyncio.get_running_loop()
    ):
        return
    try:
        hub.on_message(message)
    except Exception:  # the channel layer's copy still comes
        logger.exception("live: room %s hub could not take a local event", room_id)


def _message(frame: dict, *, staff_only: bool, to: dict | None) -> dict:
    message = {"type": "room.event", "frame": frame, "staff": staff_only}
    if to is not None:
        message["to"] = to
    return message


async def _group_send(room_id: int, message: dict) -> None:
    try:
        await get_channel_layer().group_send(room_group(room_id), message)
    except Exception:  # noqa: BLE001 - logged and forgotten: the event is in the database (module docstring)
        _publish_failures.note(room_id)


class _PublishFailures:
    """One warning per ``every`` seconds, not one per failed publish.

    While Redis is down every publish of every room fails (a busy show's chat alone is
    20 a second), and a traceback each buried the log that operators read to see the
    outage end (docs/operations.md, "When Redis restarts"). The first failure is logged
    with its traceback, later ones as a count in the next warning.
    """

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self.unlogged = 0
        self.logged_at = -every

    def note(self, room_id: int) -> None:
        now = time.monotonic()
        if now - self.logged_at < self.every:
            self.unlogged += 1
            return
        logger.warning(
            "live: publish to room %s failed (%s more failed since the last warning)",
            room_id,
            self.unlogged,
            exc_info=True,
        )
        self.logged_at, self.unlogged = now, 0


_publish_failures = _PublishFailures()


class _Outbox:
    """The database thread's publishes, sent from the event loop in order, together when they pile up.

    A flash sale's opening rush commits a purchase every few milliseconds, and each one
    publishes three frames (its ``sale.progress``, the intent to the hosts and to the
    buyer). Sent one ``group_send`` each (a few Redis round trips and a turn of the loop
    apiece) they queued up, and the chat messages among them reached the hubs 1-1.5 s late
    (measured with 200 buys at once). Here whatever was published while the previous
    send was under way goes as one ``room.events`` message per room: one send when the
    room is quiet, few under a rush, and always in the order of the commits.
    """

    def __init__(self) -> None:
        self.pending: dict[int, list[dict]] = {}
        self.sending: asyncio.Task | None = None

    def add(self, room_id: int, message: dict) -> None:
        self.pending.setdefault(room_id, []).append(message)
        if self.sending is None or self.sending.done():
            self.sending = asyncio.get_running_loop().create_task(self._send())

    async def _send(self) -> None:
        while self.pending:
            batches, self.pending = self.pending, {}
            for room_id, messages in batches.items():
                await _group_send(
                    room_id, messages[0] if len(messages) == 1 else {"type": "room.events", "events": messages}
                )


_OUTBOXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # one per event loop


def _enqueue(room_id: int, message: dict) -> None:
    """On the event loop: hand the message to this process's hub, then to this loop's outbox."""
    _hand_to_local_hub(room_id, message)
    loop = asyncio.get_running_loop()
    outbox = _OUTBOXES.get(loop)
    if outbox is None:
        outbox = _OUTBOXES[loop] = _Outbox()
    outbox.add(room_id, message)


def publish(room_id: int, frame: dict, *, staff_only: bool = False, to: dict | None = None) -> None:
    """Publish without holding the caller.

    Inside a socket's ``database_sync_to_async`` call (the usual case) the publish is
    handed to the server's event loop and not awaited (``_Outbox``): Channels runs every
    database call of a process in one thread, and a slow or dead Redis must not stall
    that thread. Elsewhere (views, commands) it is sent synchronously.
    """
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if (
        loop is not None
        and getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid()
        and loop.is_running()
    ):
        message = _message(frame, staff_only=staff_only, to=to)
        # A fresh context: the database thread's would tell asgiref it is inside sync_to_async.
        loop.call_soon_threadsafe(_enqueue, room_id, message, context=contextvars.Context())
        return
    async_to_sync(apublish)(room_id, frame, staff_only=staff_only, to=to)


def publish_on_commit(room_id: int, frame: dict, *, staff_only: bool = False, to: dict | None = None) -> None:
    from django.db import transaction

    transaction.on_commit(lambda: publish(room_id, frame, staff_only=staff_only, to=to))
