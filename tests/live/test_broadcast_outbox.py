"""Publishes from the database thread reach the room in commit order, batched when they pile up (``broadcast._Outbox``)."""

import asyncio

from channels.db import database_sync_to_async

from live import broadcast
from live.hub import RoomHub


class _SlowLayer:
    """A channel layer whose every send takes a few milliseconds, as Redis round trips do."""

    def __init__(self):
        self.sent: list[dict] = []

    async def group_send(self, group, message):
        self.sent.append(message)
        await asyncio.sleep(0.005)


async def test_a_burst_of_commits_reaches_the_hub_in_order_in_a_few_sends(monkeypatch):
    layer = _SlowLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)

    def fifty_purchases():  # each commit publishes its sale.progress and the intent to the hosts
        for n in range(1, 51):
            broadcast.publish(7, {"type": "sale.progress", "seq": n, "sold": n})
            broadcast.publish(7, {"type": "intent", "id": n}, to=broadcast.TO_HOSTS)

    await database_sync_to_async(fifty_purchases)()
    for _ in range(200):
        await asyncio.sleep(0.01)
        if sum(len(m.get("events", [m])) for m in layer.sent) == 100:
            break
    assert len(layer.sent) < 20  # not one send per publish

    hub = RoomHub(7)
    for message in layer.sent:
        hub._on_message(message)
    assert [frame["seq"] for frame in hub.pending] == list(range(1, 51))  # every event, in order, no gap
    assert not hub.early
    assert [frame["id"] for _to, frame in hub.directed_pending] == list(range(1, 51))


async def test_a_single_publish_goes_as_it_always_did(monkeypatch):
    layer = _SlowLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)
    await database_sync_to_async(broadcast.publish)(7, {"type": "chat", "seq": 1})
    for _ in range(50):
        await asyncio.sleep(0.01)
        if layer.sent:
            break
    assert layer.sent == [{"type": "room.event", "frame": {"type": "chat", "seq": 1}, "staff": False}]
