"""Nothing lost: resume by sequence, and the hub fills what the channel layer dropped."""

import asyncio

import pytest
from channels.db import database_sync_to_async

pytestmark = pytest.mark.django_db(transaction=True)


def chats(sock):
    out = []
    for frame in sock.seen:
        if frame["type"] in {"batch", "replay"}:
            out += [e["seq"] for e in frame["events"] if e["type"] == "chat"]
    return out


async def test_reconnect_resumes_the_gap_without_loss_or_duplicates(live_show, connect, vendor_user, settings):
    settings.LIVE = {**settings.LIVE, "USER_CHAT_RULES": [(1000, 1)]}
    host = await connect(live_show.room, vendor_user)
    viewer = await connect(live_show.room)
    for i in range(5):
        await host.send(type="chat.send", text=f"trước {i}", ref=f"a{i}")
        await host.wait_type("ack", ref=f"a{i}")
    while chats(viewer) != [1, 2, 3, 4, 5]:
        await viewer.recv()
    last_seen = 5
    await viewer.close()  # the phone goes through a tunnel
    for i in range(7):
        await host.send(type="chat.send", text=f"trong lúc mất mạng {i}", ref=f"b{i}")
        await host.wait_type("ack", ref=f"b{i}")

    await asyncio.sleep(0.2)  # the hub has sent everything it accepted
    back = await connect(live_show.room, after=last_seen)
    assert [e["seq"] for e in back.replay["events"]] == list(range(6, 13))
    assert back.replay["complete"] is True
    sending = asyncio.create_task(_send_many(host, 5, "sau"))
    await sending
    while len(chats(back)) < 12:
        await back.recv()
    await asyncio.sleep(0.3)
    while True:
        try:
            await back.recv(timeout=0.2)
        except TimeoutError:
            break
    assert chats(back) == list(range(6, 18)), chats(back)


async def _send_many(sock, n, prefix):
    for i in range(n):
        await sock.send(type="chat.send", text=f"{prefix} {i}", ref=f"{prefix}{i}")
        await sock.wait_type("ack", ref=f"{prefix}{i}")


async def test_resume_while_messages_keep_coming_has_no_duplicates(live_show, connect, vendor_user, settings):
    settings.LIVE = {**settings.LIVE, "USER_CHAT_RULES": [(1000, 1)]}
    host = await connect(live_show.room, vendor_user)
    await _send_many(host, 3, "x")
    sending = asyncio.create_task(_send_many(host, 10, "y"))
    joiners = []
    for _ in range(4):
        joiners.append(await connect(live_show.room, after=1))
        await asyncio.sleep(0.05)
    await sending
    for sock in joiners:
        while not chats(sock) or chats(sock)[-1] != 13:
            await sock.recv()
        assert chats(sock) == list(range(2, 14)), chats(sock)


async def test_a_broadcast_the_layer_dropped_still_reaches_everyone(live_show, connect, vendor_user, monkeypatch, settings):
    settings.LIVE = {**settings.LIVE, "RESYNC_SECONDS": 0.5}
    viewer = await connect(live_show.room)
    host = await connect(live_show.room, vendor_user)
    from live import broadcast

    async def lost(*args, **kwargs):
        return None

    monkeypatch.setattr(broadcast, "apublish", lost)  # the channel layer drops everything
    await host.send(type="chat.send", text="không qua kênh", ref="1")
    await host.wait_type("ack", ref="1")
    got = await viewer.wait_type("chat", timeout=3)
    assert got["text"] == "không qua kênh" and got["seq"] == 1


async def test_history_for_a_fresh_viewer_is_the_recent_tail(live_show, connect, vendor_user, settings):
    settings.LIVE = {**settings.LIVE, "HISTORY_EVENTS": 3, "USER_CHAT_RULES": [(1000, 1)]}
    host = await connect(live_show.room, vendor_user)
    await _send_many(host, 5, "z")
    await asyncio.sleep(0.2)
    fresh = await connect(live_show.room)
    assert [e["seq"] for e in fresh.replay["events"]] == [3, 4, 5]
    from live.models import RoomEvent

    assert await database_sync_to_async(RoomEvent.objects.count)() == 5
