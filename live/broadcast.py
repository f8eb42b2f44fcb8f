"""Hand room events to the channel layer. Called only from services, after commit.

The channel layer delivers at most once and drops when a channel is full or Redis is
down: a failed publish is logged and forgotten, because the event is already in the
database and every hub re-reads the gap (``RoomHub`` resync) and every client resumes
by sequence.
"""

from __future__ import annotations

import asyncio
import logging
import os

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
    layer = get_channel_layer()
    message = {"type": "room.event", "frame": frame, "staff": staff_only}
    if to is not None:
        message["to"] = to
    try:
        await layer.group_send(room_group(room_id), message)
    except Exception:
        logger.warning("live: publish to room %s failed", room_id, exc_info=True)


def publish(room_id: int, frame: dict, *, staff_only: bool = False, to: dict | None = None) -> None:
    """Publish without holding the caller.

    Inside a socket's ``database_sync_to_async`` call (the usual case) the publish is
    handed to the server's event loop and not awaited: Channels runs every database call
    of a process in one thread, and a slow or dead Redis must not stall that thread.
    Elsewhere (views, commands) it is sent synchronously.
    """
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid() and loop.is_running():
        asyncio.run_coroutine_threadsafe(apublish(room_id, frame, staff_only=staff_only, to=to), loop)
        return
    async_to_sync(apublish)(room_id, frame, staff_only=staff_only, to=to)


def publish_on_commit(room_id: int, frame: dict, *, staff_only: bool = False, to: dict | None = None) -> None:
    from django.db import transaction

    transaction.on_commit(lambda: publish(room_id, frame, staff_only=staff_only, to=to))
