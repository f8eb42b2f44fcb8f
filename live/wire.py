"""A tick's frame straight onto a socket's transport, under daphne or uvicorn.

The hub sends the same frame to thousands of sockets each tick. Through ASGI ``send`` each
socket would cost the server's framing and several Python calls per frame; server frames
are unmasked, so the hub frames a tick once (``live.hub.ws_text_frame``) and a ``Wire``
hands those bytes to the socket's transport. ``wire_for(send)`` recognises the server
behind an ASGI ``send`` and returns None for anything it does not know (the test
communicator, another server, ``LIVE_DIRECT_WRITE=0``): the consumer then uses ``send``.

Both wires drop a frame for a socket that is already closing (the client resumes by
sequence when it reconnects) and never hold our own frames to the inbound message cap,
which exists against what clients send (a replay of 100 chat messages is ~40 KB).
"""

from __future__ import annotations

import sys
from functools import partial

from websockets.protocol import State

UVICORN_WEBSOCKETS = "uvicorn.protocols.websockets.websockets_sansio_impl"


class DaphneWire:
    """daphne's autobahn protocol on a Twisted TCP transport."""

    def __init__(self, protocol):
        self.protocol = protocol

    def write(self, wire: bytes) -> bool:
        """Send now, as asyncio's own transports do; False where that is not known to be safe.

        Through ``send`` every socket of every tick goes daphne ``handle_reply`` -> autobahn
        ``sendMessage`` (framing) -> Twisted ``write``, which only buffers and registers the
        socket for writability; on the next loop pass the reactor writes and unregisters it:
        two ``epoll_ctl`` and several Python calls per socket per tick. At 2,000 viewers that
        was about half of the server's CPU (py-spy, docs/benchmarks.md) and the p99 tail.
        Here, when nothing is queued for the socket, the frame is handed to ``send()`` at
        once; whatever the kernel does not take goes to Twisted's buffer, which keeps order
        and backpressure (``backlog``). Only for a plain TCP transport and an open,
        uncompressed, unfragmented autobahn protocol.
        """
        protocol = self.protocol
        tcp = sys.modules.get("twisted.internet.tcp")
        try:
            if protocol.state in (protocol.STATE_CLOSING, protocol.STATE_CLOSED):
                return True
            if (
                protocol.state != protocol.STATE_OPEN
                or protocol.send_state != protocol.SEND_STATE_GROUND
                or protocol.send_queue
                or protocol._perMessageCompress is not None
                or 0 < protocol.autoFragmentSize < len(wire)
            ):
                return False
            transport = protocol.transport
            if (
                tcp is None
                or not isinstance(transport, tcp.Connection)
                or transport.TLS
                or not transport.connected
                or transport.disconnecting
                or transport._writeDisconnected
            ):
                return False
            if transport._tempDataLen or len(transport.dataBuffer) > transport.offset:
                transport.write(wire)  # behind what is queued: keep the order
                return True
            sock = transport.socket
        except AttributeError:
            return False
        try:
            sent = sock.send(wire)
        except BlockingIOError:
            sent = 0
        except OSError:
            sent = 0  # a dead socket: Twisted's own write finds out and closes the connection
        if sent < len(wire):
            transport.write(wire[sent:])
        return True

    def close_now(self) -> bool:
        """daphne's close only buffers the close frame and never waits: nothing to do here."""
        return False

    def backlog(self) -> int:
        """Bytes waiting in Twisted's write buffer."""
        transport = getattr(self.protocol, "transport", None)
        try:
            return len(transport.dataBuffer) - transport.offset + transport._tempDataLen
        except AttributeError:
            return 0


class UvicornWire:
    """uvicorn's ``websockets-sansio`` protocol on an asyncio (uvloop) transport.

    An asyncio transport already writes at once and buffers the rest in order, so the
    frame goes to ``transport.write``; what this skips is uvicorn's ``send`` (a wait on
    its writable event, websockets' framing and a join per socket per tick).
    """

    def __init__(self, protocol):
        self.protocol = protocol

    def write(self, wire: bytes) -> bool:
        protocol = self.protocol
        try:
            transport = protocol.transport
            if protocol.close_sent or protocol.disconnected or transport.is_closing():
                return True
            if not protocol.handshake_complete or protocol.initial_response is not None or protocol.conn.extensions:
                return False
            if protocol.conn.state is not State.OPEN:
                return True  # the client's close came in: nothing may follow our answer to it
        except AttributeError:
            return False
        transport.write(wire)
        return True

    def close_now(self) -> bool:
        """Cut a socket whose client stopped reading; False: close it the ordinary way.

        uvicorn's ``send`` (and so Channels' ``close``) first waits until the transport may
        be written again, which for a client that stopped reading is never: the hub, closing
        such a socket inside its tick (too far behind, banned), would wait with it and every
        viewer of the room with it. A paused transport is aborted instead: what it holds is
        dropped, uvicorn tells the consumer the socket went (``websocket.disconnect``), and
        the client resumes by sequence if it comes back.
        """
        protocol = self.protocol
        try:
            if protocol.writable.is_set():
                return False
            protocol.transport.abort()
        except AttributeError:
            return False
        return True

    def backlog(self) -> int:
        """Bytes waiting in the transport's write buffer."""
        try:
            return self.protocol.transport.get_write_buffer_size()
        except AttributeError:
            return 0


def wire_for(send):
    """The ``Wire`` behind an ASGI ``send`` callable, or None when the server is not one we know."""
    if isinstance(send, partial) and send.args:  # daphne: partial(server.handle_reply, protocol)
        return DaphneWire(send.args[0])
    uvicorn_websockets = sys.modules.get(UVICORN_WEBSOCKETS)
    protocol = getattr(send, "__self__", None)
    if uvicorn_websockets is not None and isinstance(protocol, uvicorn_websockets.WebSocketsSansIOProtocol):
        return UvicornWire(protocol)
    return None
