"""The hub's direct write to daphne's socket (``live.consumers._write_now``), on a real Twisted transport.

Each tick's frame is handed to ``send()`` at once when nothing is queued for the socket;
what the kernel does not take waits in Twisted's buffer, and later frames queue behind
it. A viewer whose socket is full must still receive every frame whole and in order;
where a direct write would be unsafe (compression, TLS, a closing socket) the normal
path is used instead.
"""

import socket
from types import SimpleNamespace

from twisted.internet import tcp

from live.consumers import _write_now
from live.hub import ws_text_frame


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
        STATE_OPEN=3, state=3, SEND_STATE_GROUND=0, send_state=0, send_queue=[],
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
            assert _write_now(protocol, frame) is True
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
        assert _write_now(protocol, frame) is True
        assert not transport.reactor.writers and not transport._tempDataLen
        assert peer.recv(65536) == frame
    finally:
        transport.socket.close()
        peer.close()


def test_unsafe_sockets_are_left_to_the_normal_path():
    frame = ws_text_frame('{"seq":1}')
    for change in (
        {"_perMessageCompress": object()},  # compressed: the frame bytes would differ
        {"state": 4},  # closing
        {"send_state": 1},  # a fragmented message under way
        {"send_queue": [b"x"]},  # autobahn has queued data of its own
        {"maxMessagePayloadSize": 5},  # autobahn refuses it: keep its error
    ):
        protocol, transport, peer = _daphne_like_socket()
        try:
            for name, value in change.items():
                setattr(protocol, name, value)
            assert _write_now(protocol, frame) is False, change
        finally:
            transport.socket.close()
            peer.close()
    protocol, transport, peer = _daphne_like_socket()
    try:
        transport.TLS = True  # bytes on this socket must go through TLS
        assert _write_now(protocol, frame) is False
        transport.TLS = False
        transport.disconnecting = True
        assert _write_now(protocol, frame) is False
    finally:
        transport.socket.close()
        peer.close()
