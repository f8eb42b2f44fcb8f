"""Publishes from the database thread reach the room in commit order, batched when they pile up (``broadcast._Outbox``)."""

import asyncio

# Channels' database thread is asgiref's one thread-sensitive thread; plain sync_to_async runs
# there without database_sync_to_async's close_old_connections, which would touch a
# connection an earlier test on this worker left open there (these tests use no database).
from asgiref.sync import sync_to_async

from live import broadcast
from live import hub as hubs
from live.hub import RoomHub
from tests.waiting import wait_until


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

    await sync_to_async(fifty_purchases)()
    await wait_until(lambda: sum(len(m.get("events", [m])) for m in layer.sent) == 100)
    assert len(layer.sent) < 20  # not one send per publish

    hub = RoomHub(7)
    for message in layer.sent:
        hub.on_message(message)
    assert [frame["seq"] for frame in hub.pending] == list(range(1, 51))  # every event, in order, no gap
    assert not hub.early
    assert [frame["id"] for _to, frame in hub.directed_pending] == list(range(1, 51))


async def test_a_single_publish_goes_as_it_always_did(monkeypatch):
    layer = _SlowLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)
    await sync_to_async(broadcast.publish)(7, {"type": "chat", "seq": 1})
    await wait_until(lambda: layer.sent)
    assert layer.sent == [{"type": "room.event", "frame": {"type": "chat", "seq": 1}, "staff": False}]


class _StuckLayer:
    """A channel layer that takes sends and delivers nothing (a busy or distant Redis)."""

    def __init__(self):
        self.sent: list[dict] = []

    async def group_send(self, group, message):
        self.sent.append(message)


def _local_hub(monkeypatch, room_id: int) -> RoomHub:
    hub = RoomHub(room_id)
    hub.loop = asyncio.get_running_loop()
    monkeypatch.setitem(hubs._HUBS, room_id, hub)
    return hub


async def test_this_process_hub_has_its_own_events_before_the_channel_layer_brings_them(monkeypatch):
    layer = _StuckLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)
    hub = _local_hub(monkeypatch, 7)

    def chat_and_purchase():
        broadcast.publish(7, {"type": "chat", "seq": 1, "text": "Còn hàng không?"})
        broadcast.publish(7, {"type": "sale.progress", "seq": 2, "sold": 1})

    await sync_to_async(chat_and_purchase)()
    await asyncio.sleep(0)  # the loop runs the database thread's hand-over
    assert [frame["seq"] for frame in hub.pending] == [1, 2]  # in the next tick, with no layer round trip

    await wait_until(lambda: sum(len(m.get("events", [m])) for m in layer.sent) == 2)
    for message in layer.sent:  # the channel layer's copies (for the other processes) arrive here too
        hub.on_message(message)
    assert [frame["seq"] for frame in hub.pending] == [1, 2]  # each event once


async def test_directed_and_staff_frames_reach_the_hub_once_through_the_channel_layer(monkeypatch):
    layer = _StuckLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)
    hub = _local_hub(monkeypatch, 7)

    def intent_and_report():
        broadcast.publish(7, {"type": "intent", "id": 5}, to=broadcast.TO_HOSTS)
        broadcast.publish(7, {"type": "report", "id": 9}, staff_only=True)

    await sync_to_async(intent_and_report)()
    await asyncio.sleep(0.05)
    assert not hub.directed_pending and not hub.staff_pending  # not handed over locally: no dedup for them
    for message in layer.sent:
        hub.on_message(message)
    assert [frame["id"] for _to, frame in hub.directed_pending] == [5]
    assert [frame["id"] for frame in hub.staff_pending] == [9]


async def test_an_async_publish_reaches_the_local_hub_at_once(monkeypatch):
    layer = _StuckLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)
    hub = _local_hub(monkeypatch, 7)
    other_room = _local_hub(monkeypatch, 8)
    await broadcast.apublish(7, {"type": "chat", "seq": 1, "text": "Chào cả nhà"})
    assert [frame["seq"] for frame in hub.pending] == [1]
    assert not other_room.pending
    assert len(layer.sent) == 1  # and still to the other processes


class _DownLayer:
    """A channel layer whose Redis refuses every connection."""

    async def group_send(self, group, message):
        raise ConnectionError("Connection refused")


async def test_a_redis_outage_logs_one_warning_not_one_per_publish(monkeypatch, caplog):
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: _DownLayer())
    monkeypatch.setattr(broadcast, "_publish_failures", broadcast._PublishFailures(every=10.0))
    for n in range(1, 41):
        await broadcast.apublish(7, {"type": "chat", "seq": n})
    warnings = [r for r in caplog.records if r.name == "live.broadcast"]
    assert len(warnings) == 1 and warnings[0].exc_info is not None  # the first, with its traceback

    broadcast._publish_failures.logged_at -= 10.0  # ten seconds on, Redis still down
    await broadcast.apublish(7, {"type": "chat", "seq": 41})
    warnings = [r for r in caplog.records if r.name == "live.broadcast"]
    assert len(warnings) == 2 and "39 more failed" in warnings[1].getMessage()
