"""The hub's direct write to daphne's socket (``live.wire.DaphneWire``), on a real Twisted transport.

Each tick's frame is handed to ``send()`` at once when nothing is queued for the socket;
what the kernel does not take waits in Twisted's buffer, and later frames queue behind
it. A viewer whose socket is full must still receive every frame whole and in order;
where a direct write would be unsafe (compression, TLS, a closing socket) the normal
path is used instead.
"""

import asyncio
import socket
from types import SimpleNamespace

import pytest
from twisted.internet import tcp

from live.hub import ws_text_frame
from live.wire import DaphneWire


class _Reactor:
    """Just what a Twisted transport asks of its reactor when it buffers a write."""

    def __init__(self):
        self.writers = set()

    def addWriter(self, writer):  # Twisted's interface
        self.writers.add(writer)

    def removeWriter(self, writer):
        self.writers.discard(writer)

    def callLater(self, *args, **kwargs):
        return None


def _daphne_like_socket():
    """(protocol, transport, peer socket): an open autobahn-like protocol on a real tcp.Connection."""
    ours, peer = socket.socketpair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    protocol = SimpleNamespace(
        STATE_CLOSED=0, STATE_CLOSING=2, STATE_OPEN=3, state=3, SEND_STATE_GROUND=0, send_state=0, send_queue=[],
        _perMessageCompress=None, autoFragmentSize=0, maxMessagePayloadSize=0,
    )
    transport = tcp.Connection(ours, protocol, reactor=_Reactor())
    transport.connected = 1
    protocol.transport = transport
    return protocol, transport, peer


def _drain(transport, peer) -> bytes:
    peer.setblocking(False)
    received = bytearray()
    for _ in range(10_000):
        try:
            while chunk := peer.recv(65536):
                received += chunk
        except BlockingIOError:
            pass
        if not transport._tempDataLen and len(transport.dataBuffer) <= transport.offset:
            break
        transport.doWrite()
    try:
        while chunk := peer.recv(65536):
            received += chunk
    except BlockingIOError:
        pass
    return bytes(received)


def test_a_full_socket_gets_every_frame_whole_and_in_order():
    protocol, transport, peer = _daphne_like_socket()
    try:
        frames = [ws_text_frame(f'{{"seq":{i},"text":"{"Chè Shan tuyết " * (3000 * (i + 1))}"}}') for i in range(3)]
        frames += [ws_text_frame(f'{{"seq":{i}}}') for i in range(3, 6)]  # small ones after the big
        for frame in frames:
            assert DaphneWire(protocol).write(frame) is True
        # The first frame did not fit in the socket: the rest of it and every later frame
        # wait in Twisted's buffer, which asked the reactor to write when the socket drains.
        assert transport._tempDataLen > 0
        assert transport in transport.reactor.writers
        assert _drain(transport, peer) == b"".join(frames)
        assert transport not in transport.reactor.writers
    finally:
        transport.socket.close()
        peer.close()


def test_a_socket_with_room_is_written_at_once_without_the_reactor():
    protocol, transport, peer = _daphne_like_socket()
    try:
        frame = ws_text_frame('{"v":1,"type":"batch","seq":7,"events":[{"type":"viewers","count":2000}]}')
        assert DaphneWire(protocol).write(frame) is True
        assert not transport.reactor.writers and not transport._tempDataLen
        assert peer.recv(65536) == frame
    finally:
        transport.socket.close()
        peer.close()


def test_a_closing_socket_is_skipped_and_a_large_frame_is_not_held_to_the_inbound_cap():
    protocol, transport, peer = _daphne_like_socket()
    try:
        protocol.maxMessagePayloadSize = 16384  # daphne --websocket-max-message-size: for what clients send
        big = ws_text_frame('{"type":"replay","events":"' + "x" * 40_000 + '"}')
        assert DaphneWire(protocol).write(big) is True
        assert _drain(transport, peer) == big
        protocol.state = 2  # closing: autobahn would raise and stop the tick's fan-out
        assert DaphneWire(protocol).write(ws_text_frame('{"seq":9}')) is True
        assert not transport._tempDataLen
        peer.setblocking(False)
        with pytest.raises(BlockingIOError):
            peer.recv(100)
    finally:
        transport.socket.close()
        peer.close()


def test_unsafe_sockets_are_left_to_the_normal_path():
    frame = ws_text_frame('{"seq":1}')
    for change in (
        {"_perMessageCompress": object()},  # compressed: the frame bytes would differ
        {"state": 1},  # not accepted yet
        {"send_state": 1},  # a fragmented message under way
        {"send_queue": [b"x"]},  # autobahn has queued data of its own
    ):
        protocol, transport, peer = _daphne_like_socket()
        try:
            for name, value in change.items():
                setattr(protocol, name, value)
            assert DaphneWire(protocol).write(frame) is False, change
        finally:
            transport.socket.close()
            peer.close()
    protocol, transport, peer = _daphne_like_socket()
    try:
        transport.TLS = True  # bytes on this socket must go through TLS
        assert DaphneWire(protocol).write(frame) is False
        transport.TLS = False
        transport.disconnecting = True
        assert DaphneWire(protocol).write(frame) is False
    finally:
        transport.socket.close()
        peer.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("server", "direct_write"),
    [("daphne", "1"), ("daphne", "0"), ("uvicorn", "1")],
    ids=["daphne-direct-write", "daphne-asgi-send", "uvicorn-direct-write"],
)
async def test_a_viewer_joins_a_busy_room_and_gets_its_whole_history(vendor_user, server, direct_write):
    """The replay of 100 ordinary messages (44 KB) is over daphne's 16 KB message cap.

    autobahn holds the server's frames to that cap too: on the ordinary send path (TLS in
    daphne, LIVE_DIRECT_WRITE=0) a single replay frame was refused and the viewer reset.
    The replay comes in frames under the cap, on both paths, with nothing missing.
    """
    import json
    from datetime import timedelta

    import websockets
    from channels.db import database_sync_to_async
    from django.utils import timezone

    from live.selectors import participant_for
    from live.services import chat_post, show_create
    from tests.live.servers import free_port, start_asgi, stop

    def busy_room() -> int:
        now = timezone.now()
        show = show_create(title="Chợ phiên", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))
        host = participant_for(user=vendor_user, show=show)
        for i in range(100):
            chat_post(room_id=show.room.pk, actor=host, text=f"{i} " + "Bưởi đỏ Đông Cao ngọt lắm " * 8)
        return show.room.pk

    room_id = await database_sync_to_async(busy_room)()
    port = free_port()
    process = start_asgi(port, server, extra_env={"LIVE_DIRECT_WRITE": direct_write})
    replays = []
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/rooms/{room_id}/", origin=f"http://127.0.0.1:{port}") as ws:
            assert json.loads(await ws.recv())["type"] == "welcome"
            while not replays or replays[-1]["seq"] < 100:
                raw = await ws.recv()
                assert len(raw.encode("utf-8")) <= 16384
                replays.append(json.loads(raw))
    finally:
        stop(process)
    assert {frame["type"] for frame in replays} == {"replay"} and len(replays) >= 3
    assert all(frame["complete"] for frame in replays)
    events = [event for frame in replays for event in frame["events"]]
    assert [e["seq"] for e in events] == list(range(1, 101))
    assert events[-1]["text"].startswith("99 Bưởi đỏ")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("server", "direct_write"),
    [("daphne", "1"), ("daphne", "0"), ("uvicorn", "1")],
    ids=["daphne-direct-write", "daphne-asgi-send", "uvicorn-direct-write"],
)
async def test_a_welcome_over_the_cap_comes_in_parts_and_the_socket_stays(
    selling_show, stall, vendor_user, server, direct_write
):
    """A show offering 60 products with long Vietnamese names: its welcome is about 25 KB.

    On the ordinary send path daphne refused it, and the viewer was reset on every
    reconnect. It comes as ``part`` frames under the cap that join into the whole welcome.
    """
    import json

    import websockets
    from channels.db import database_sync_to_async

    from tests.live.servers import free_port, start_asgi, stop
    from tests.selling.helpers import offer_many

    codes = await database_sync_to_async(offer_many)(selling_show, stall, vendor_user, 60)
    port = free_port()
    process = start_asgi(port, server, extra_env={"LIVE_DIRECT_WRITE": direct_write})
    parts = []
    try:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/rooms/{selling_show.room.pk}/", origin=f"http://127.0.0.1:{port}"
        ) as ws:
            while not parts or not parts[-1]["last"]:
                raw = await asyncio.wait_for(ws.recv(), 10)
                assert len(raw.encode("utf-8")) <= 16384
                parts.append(json.loads(raw))
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "replay"
            await ws.send(json.dumps({"v": 1, "type": "ping", "ref": "still-here"}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "pong"
    finally:
        stop(process)
    assert {part["type"] for part in parts} == {"part"} and len(parts) >= 2
    welcome = json.loads("".join(part["data"] for part in parts))
    assert welcome["type"] == "welcome"
    assert [card["code"] for card in welcome["selling"]["offers"]] == ["B01", "B02", "B03", *codes]
    assert welcome["selling"]["offers"][-1]["name"].startswith("Bưởi đỏ Đông Cao Mê Linh loại đặc biệt")


class _Transport(asyncio.Transport):
    """What uvicorn's protocol asks of an asyncio transport; keeps what is written."""

    def __init__(self):
        super().__init__()
        self.written = bytearray()
        self.closing = False

    def write(self, data):
        self.written += data

    def is_closing(self):
        return self.closing

    def close(self):
        self.closing = True

    def get_extra_info(self, name, default=None):
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def get_write_buffer_size(self):
        return len(self.written)

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass


async def _uvicorn_socket(*, deflate: bool):
    """(wire, transport, protocol): uvicorn's websockets-sansio protocol after an accepted handshake."""
    from uvicorn.config import Config
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from uvicorn.server import ServerState

    from live.wire import wire_for

    accepted = asyncio.get_running_loop().create_future()

    async def app(scope, receive, send):
        await receive()
        await send({"type": "websocket.accept"})
        accepted.set_result(send)
        await asyncio.sleep(30)

    config = Config(app=app, ws="websockets-sansio", ws_per_message_deflate=deflate, lifespan="off", log_level="warning")
    config.load()
    protocol = WebSocketsSansIOProtocol(config, ServerState(), {}, _loop=asyncio.get_running_loop())
    transport = _Transport()
    protocol.connection_made(transport)
    protocol.data_received(
        b"GET /ws/rooms/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        b"Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n"
    )
    send = await asyncio.wait_for(accepted, 5)
    assert b" 101 " in transport.written
    transport.written.clear()
    return wire_for(send), transport, protocol


async def test_uvicorn_sockets_get_the_tick_frame_on_their_transport():
    from live.wire import UvicornWire

    wire, transport, protocol = await _uvicorn_socket(deflate=False)
    try:
        assert isinstance(wire, UvicornWire)
        frames = [ws_text_frame(f'{{"seq":{i},"text":"Chè Shan tuyết"}}') for i in range(3)]
        for frame in frames:
            assert wire.write(frame) is True
        assert bytes(transport.written) == b"".join(frames)
        assert wire.backlog() == len(transport.written)
        # The client's close came in: nothing may follow the server's answer to it.
        protocol.data_received(bytes([0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xE8 ^ 2]))  # masked close 1000
        after_close = len(transport.written)
        assert wire.write(ws_text_frame('{"seq":9}')) is True
        assert len(transport.written) == after_close
    finally:
        protocol.connection_lost(None)


async def test_a_compressed_uvicorn_socket_is_left_to_the_normal_path():
    wire, transport, protocol = await _uvicorn_socket(deflate=True)
    try:
        assert wire.write(ws_text_frame('{"seq":1}')) is False
        assert not transport.written
    finally:
        protocol.connection_lost(None)


async def test_a_uvicorn_socket_whose_client_stopped_reading_is_cut_without_waiting():
    """uvicorn's send waits until a paused transport drains: closing there would stall the hub's tick."""
    wire, transport, protocol = await _uvicorn_socket(deflate=False)
    try:
        assert wire.close_now() is False  # a reading client is closed the ordinary way
        protocol.pause_writing()  # the transport's buffer is over its high-water mark
        transport.aborted = False
        transport.abort = lambda: setattr(transport, "aborted", True)
        assert wire.close_now() is True
        assert transport.aborted
    finally:
        protocol.connection_lost(None)
