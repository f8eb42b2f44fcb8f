"""Origin check for the room socket.

A browser always sends ``Origin`` on a WebSocket handshake; a page on another site must
not open sockets with our visitors' cookies (cross-site WebSocket hijacking), and a
client that sends no Origin at all is not a browser on our pages, so it is refused too.
Allowed: the hosts in ``ALLOWED_HOSTS`` (Channels' matching, ``.example.vn`` style) and
the exact origins in ``CSRF_TRUSTED_ORIGINS``.
"""

from urllib.parse import urlparse

from channels.security.websocket import OriginValidator
from django.conf import settings


async def refuse_handshake(scope, receive, send) -> None:
    """Refuse a socket at its handshake (HTTP 403), on the event loop alone.

    Channels' ``WebsocketDenier`` is a consumer, and Channels (4.2+) runs
    ``close_old_connections`` on a sync thread before each of a consumer's handlers: every
    refused socket made two thread hops, queued behind the room's database work. In the
    drill's connection storm (thousands of handshakes refused for their address) those
    hops were 7 % of a worker's samples (py-spy, 7 Dec 2026).
    """
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close"})


class SiteOriginValidator(OriginValidator):
    def __init__(self, application):
        allowed = [h for h in settings.ALLOWED_HOSTS if h != "*"]
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]
        super().__init__(application, allowed)
        self.trusted = {o.rstrip("/").lower() for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        origin = None
        for name, value in scope.get("headers", []):
            if name == b"origin":
                origin = value.decode("latin1")
                break
        if (
            origin
            and origin != "null"
            and (origin.rstrip("/").lower() in self.trusted or self.validate_origin(urlparse(origin)))
        ):
            return await self.application(scope, receive, send)
        return await refuse_handshake(scope, receive, send)


class ConnectionGuard:
    """The first gate of a room socket: who is the client, and may it open a socket now?

    Runs before the origin check, the session lookup and the consumer's database work, so a
    handshake storm costs the process almost nothing. The client's address follows the site's
    one rule (``core.http.scope_client_ip``: ``TRUSTED_PROXY_COUNT`` entries from the right of
    X-Forwarded-For) and is handed on in ``scope["live_client"]`` for the per-address caps and
    budgets. Refused (HTTP 403 at the handshake): an address in back-off after one of its
    sockets was closed for flooding (``live.limits.backoff``), one over its handshakes per
    second (``HANDSHAKE_BURST``/``HANDSHAKE_RATE``), and one that already holds its most
    sockets in this process (``MAX_CONNECTIONS_PER_ADDRESS``: checked again, with the user's
    cap, once the consumer knows who it is; refused here, such a socket costs no session
    read, no admission and no welcome).
    """

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        from core.http import scope_client_ip
        from live.limits import address_handshakes, backoff, caps

        address = scope_client_ip(scope)
        if backoff.remaining(address) > 0 or caps.address_full(address) or not address_handshakes.take(address):
            return await refuse_handshake(scope, receive, send)
        return await self.application(dict(scope, live_client=address), receive, send)
