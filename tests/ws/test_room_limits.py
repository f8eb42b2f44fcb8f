"""Holding under attack: origin, floods, caps, oversized and arbitrary input, slow viewers."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from live.models import RoomEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "origin", [b"https://evil.example.com", b"http://localhost.evil.com", b"null", None], ids=["cross-site", "lookalike", "null", "missing"]
)
async def test_foreign_or_missing_origin_is_refused(live_show, connect, origin):
    sock = await connect(live_show.room, origin=origin, expect_welcome=False)
    assert sock.connected is False


async def test_opening_refusing_and_closing_sockets_never_wait_for_the_sync_thread(
    live_show, connect, buyer_user, monkeypatch, settings
):
    """A storm's refused handshakes and a crowd's departures must not queue behind the room's
    database work: Channels' consumers (its ``WebsocketDenier`` included) hop to the sync
    thread to close stale connections before each handler, the room's sockets must not."""
    import channels.consumer
    import channels.generic.websocket

    hops = []

    async def counted():
        hops.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    monkeypatch.setattr(channels.generic.websocket, "aclose_old_connections", counted)
    settings.LIVE = {**settings.LIVE, "HANDSHAKE_BURST": 2, "HANDSHAKE_RATE": 0.001}
    foreign = await connect(live_show.room, origin=b"https://evil.example.com", expect_welcome=False)
    viewer = await connect(live_show.room, buyer_user, client=("10.0.0.7", 5000))
    await viewer.c.send_json_to({"v": 1, "type": "ping", "ref": "p1"})
    await viewer.wait_type("pong")
    await viewer.c.disconnect(timeout=1)
    crowd = [await connect(live_show.room, client=("10.0.0.8", 5000 + i), expect_welcome=False) for i in range(3)]
    assert (foreign.connected, viewer.connected, [s.connected for s in crowd]) == (False, True, [True, True, False])
    assert hops == []


async def test_trusted_origin_from_settings_is_accepted(live_show, connect, settings):
    from live.security import SiteOriginValidator

    settings.CSRF_TRUSTED_ORIGINS = ["https://cho.example.vn"]
    settings.ALLOWED_HOSTS = ["localhost"]
    from channels.auth import AuthMiddlewareStack
    from channels.routing import URLRouter

    from live.routing import websocket_urlpatterns

    app = SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
    c = WebsocketCommunicator(app, f"/ws/rooms/{live_show.room.pk}/", headers=[(b"origin", b"https://cho.example.vn")])
    assert (await c.connect())[0]
    await c.disconnect()


async def test_flooder_is_told_then_closed_within_two_seconds_while_chat_flows(live_show, connect, buyer_user, make_user):
    flooder_user = await database_sync_to_async(make_user)("flood@example.vn")
    viewer = await connect(live_show.room)
    buyer = await connect(live_show.room, buyer_user)
    flooder = await connect(live_show.room, flooder_user)
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def flood():
        for i in range(1000):  # 1,000 frames in about a second
            await flooder.send(type="chat.send", text=f"spam {i}")
            if i % 50 == 0:
                await asyncio.sleep(0.05)

    flooding = asyncio.create_task(flood())
    await buyer.send(type="chat.send", text="Tôi vẫn hỏi được chứ?", ref="q")
    assert (await viewer.wait_type("chat", text="Tôi vẫn hỏi được chứ?"))["seq"]
    code = await flooder.closed_with(timeout=2.5)
    closed_after = loop.time() - started
    flooding.cancel()
    assert code == 4429
    assert closed_after < 2.0
    told = [f for f in flooder.seen if f.get("code") == "rate_limited"]
    assert told, "the flooder is told before it is closed"
    await buyer.send(type="chat.send", text="sau cơn lũ", ref="after")
    assert (await viewer.wait_type("chat", text="sau cơn lũ"))["seq"]
    spam = await database_sync_to_async(RoomEvent.objects.filter(payload__text__startswith="spam").count)()
    assert spam <= 30, spam  # per-user chat windows cap what a flooder can post


async def test_connection_caps_per_user_and_per_address(live_show, connect, buyer_user, settings):
    settings.LIVE = {**settings.LIVE, "MAX_CONNECTIONS_PER_USER": 2, "MAX_CONNECTIONS_PER_ADDRESS": 3}
    await connect(live_show.room, buyer_user, client=("10.9.0.1", 1))
    await connect(live_show.room, buyer_user, client=("10.9.0.2", 1))
    third = await connect(live_show.room, buyer_user, client=("10.9.0.3", 1), expect_welcome=False)
    assert (await third.recv())["code"] == "rate_limited"
    assert await third.closed_with() == 4409
    for _ in range(3):
        await connect(live_show.room, client=("10.8.0.1", 1))
    fourth = await connect(live_show.room, client=("10.8.0.1", 1), expect_welcome=False)
    assert fourth.connected is False  # a full address is refused at the handshake: no session read, no welcome
    other = await connect(live_show.room, client=("10.8.0.2", 1))
    assert other.welcome["type"] == "welcome"


async def test_oversized_frames_repeatedly_close_with_4413(live_show, connect, settings):
    settings.LIVE = {**settings.LIVE, "VIOLATIONS_BEFORE_CLOSE": 3}
    sock = await connect(live_show.room)
    for _ in range(3):
        await sock.send_text("x" * 20_000)
    assert await sock.closed_with() == 4413


async def test_slow_viewer_is_held_then_disconnected_without_slowing_others(live_show, connect, vendor_user, settings):
    settings.LIVE = {**settings.LIVE, "OUTBOUND_QUEUE_MAX_EVENTS": 3, "OUTBOUND_BACKLOG_BYTES": 1000}
    host = await connect(live_show.room, vendor_user)
    fast = await connect(live_show.room)
    slow = await connect(live_show.room, client=("10.7.0.1", 1))
    from live import hub as hubs

    hub = hubs._HUBS[live_show.room.pk]
    slow_consumer = next(s for s in hub.subscribers if s.address == "10.7.0.1")
    slow_consumer.backlog_bytes = lambda: 10_000  # its socket buffer is full
    for i in range(5):
        await host.send(type="chat.send", text=f"tin {i}", ref=str(i))
        await host.wait_type("ack", ref=str(i))
        assert (await fast.wait_type("chat", text=f"tin {i}"))["seq"] == i + 1
    assert await slow.closed_with() == 4408
    assert not [f for f in slow.seen if f.get("type") == "batch" and any(e.get("type") == "chat" for e in f["events"])]


def _subscriber(live_show, address: str):
    """The hub's side of the socket opened from ``address``."""
    from live import hub as hubs

    return next(s for s in hubs._HUBS[live_show.room.pk].subscribers if s.address == address)


async def _post_while_congested_then_drain(live_show, host, address: str, texts: list[str]) -> None:
    """Post ``texts`` while the viewer at ``address`` has a full socket buffer, then let it drain and post "xong"."""
    backlog = {"bytes": 10_000}
    _subscriber(live_show, address).backlog_bytes = lambda: backlog["bytes"]
    for i, text in enumerate(texts):
        await host.send(type="chat.send", text=text, ref=str(i))
        await host.wait_type("ack", ref=str(i))
    await asyncio.sleep(0.3)
    backlog["bytes"] = 0
    await host.send(type="chat.send", text="xong", ref="last")


async def test_congested_viewer_gets_held_events_in_order_when_it_drains(live_show, connect, vendor_user, settings):
    settings.LIVE = {**settings.LIVE, "OUTBOUND_BACKLOG_BYTES": 1000}
    host = await connect(live_show.room, vendor_user)
    slow = await connect(live_show.room, client=("10.7.0.2", 1))
    await _post_while_congested_then_drain(live_show, host, "10.7.0.2", [f"tin {i}" for i in range(3)])
    seqs = []
    while len(seqs) < 4:
        frame = await slow.recv()
        seqs += [e["seq"] for e in frame.get("events", []) if e["type"] == "chat"]
    assert seqs == [1, 2, 3, 4]


async def test_held_events_over_the_message_cap_reach_a_drained_viewer_in_frames_under_it(live_show, connect, vendor_user, settings):
    """autobahn holds the server's frames to the message cap too; a big catch-up is cut, not refused."""
    settings.LIVE = {**settings.LIVE, "OUTBOUND_BACKLOG_BYTES": 1000, "MAX_FRAME_BYTES": 2048}
    host = await connect(live_show.room, vendor_user)
    slow = await connect(live_show.room, client=("10.7.0.3", 1))
    texts = [f"tin {i}" + " Bưởi đỏ Đông Cao" * 20 for i in range(8)]
    await _post_while_congested_then_drain(live_show, host, "10.7.0.3", texts)
    chats, sizes = [], []
    while len(chats) < 9:
        raw = await slow.c.receive_from(timeout=2.0)
        sizes.append(len(raw.encode("utf-8")))
        chats += [e["text"] for e in json.loads(raw).get("events", []) if e["type"] == "chat"]
    assert chats == [*texts, "xong"]
    assert max(sizes) <= 2048


async def test_a_socket_whose_send_fails_is_closed_for_resume_and_the_others_keep_receiving(live_show, connect, vendor_user):
    host = await connect(live_show.room, vendor_user)
    broken = await connect(live_show.room, client=("10.7.0.4", 1))
    fine = await connect(live_show.room, client=("10.7.0.5", 1))
    from live import hub as hubs

    hub = hubs._HUBS[live_show.room.pk]
    sub = _subscriber(live_show, "10.7.0.4")

    async def refused(text):
        raise RuntimeError("the transport refused the frame")

    sub.send_raw = refused
    await host.send(type="chat.send", text="Bưởi đỏ về rồi", ref="1")
    assert (await fine.wait_type("chat", text="Bưởi đỏ về rồi"))["seq"] == 1
    assert await broken.closed_with() == 4408
    assert sub not in hub.subscribers


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
TYPES = st.sampled_from(
    ["chat.send", "reaction", "report", "ping", "mod.delete", "mod.mute", "mod.ban", "mod.pin", "mod.slow_mode",
     "mod.report_resolve", "show.start", "show.end", "mod.unmute", "mod.unban", "nope"]
)
FRAMES = st.one_of(
    JSONISH.map(lambda v: ("text", json.dumps(v))),
    st.builds(lambda t, extra: ("text", json.dumps({"v": 1, "type": t, **extra})), TYPES, st.dictionaries(
        st.sampled_from(["text", "kind", "count", "message_seq", "user_id", "minutes", "seconds", "reason", "ref", "status", "report_id", "v"]),
        JSONISH, max_size=4)),
    st.text(max_size=200).map(lambda t: ("text", t)),
    st.binary(max_size=200).map(lambda b: ("bytes", b)),
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(frames=st.lists(FRAMES, min_size=1, max_size=8))
def test_arbitrary_input_never_crashes_the_socket(live_show, buyer_user, frames):
    """Whatever arrives, the socket answers (or stays silent) and keeps serving."""
    from asgiref.sync import async_to_sync
    from django.test import Client

    from config.asgi import application

    client = Client()
    client.force_login(buyer_user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def run():
        from channels.layers import channel_layers

        from live import hub as hubs
        from live.limits import caps

        c = WebsocketCommunicator(
            application, f"/ws/rooms/{live_show.room.pk}/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
        )
        assert (await c.connect())[0]
        await c.receive_from()
        await c.receive_from()
        for kind, payload in frames:
            await c.send_input({"type": "websocket.receive", kind: payload})
        await c.send_to(text_data='{"v":1,"type":"ping","ref":"end"}')
        while True:
            frame = json.loads(await c.receive_from(timeout=3))
            assert frame["type"] in {"error", "ack", "pong", "batch", "staff"}, frame
            if frame["type"] == "error":
                assert frame["code"] and frame["message"]
                assert frame["code"] != "internal", frame
            if frame["type"] == "pong" and frame.get("ref") == "end":
                break
        await c.disconnect()
        await hubs.hubs_stop_all()
        channel_layers.backends.clear()
        caps.by_user.clear()
        caps.by_address.clear()

    from django.core.cache import cache

    cache.clear()
    async_to_sync(run)()
