"""Hand room events to the channel layer. Called only from services, after commit.

The channel layer delivers at most once and drops when a channel is full or Redis is
down: a failed publish is logged and forgotten, because the event is already in the
database and every hub re-reads the gap (``RoomHub`` resync) and every client resumes
by sequence.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def room_group(room_id: int) -> str:
    return f"live.room.{room_id}"


async def apublish(room_id: int, frame: dict, *, staff_only: bool = False) -> None:
    layer = get_channel_layer()
    try:
        await layer.group_send(room_group(room_id), {"type": "room.event", "frame": frame, "staff": staff_only})
    except Exception:
        logger.warning("live: publish to room %s failed", room_id, exc_info=True)


def publish(room_id: int, frame: dict, *, staff_only: bool = False) -> None:
    async_to_sync(apublish)(room_id, frame, staff_only=staff_only)


def publish_on_commit(room_id: int, frame: dict, *, staff_only: bool = False) -> None:
    from django.db import transaction

    transaction.on_commit(lambda: publish(room_id, frame, staff_only=staff_only))
