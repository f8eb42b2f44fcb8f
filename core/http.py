"""Who is the client? One rule for every per-address limit, over HTTP and WebSocket.

``settings.TRUSTED_PROXY_COUNT`` reverse proxies of ours stand in front of the ASGI
workers, and each one appends the address it was reached from to X-Forwarded-For
(nginx: ``$proxy_add_x_forwarded_for``). The client is therefore the entry that many
places from the right; anything to its left was written by the client and can be
forged. With no proxy (0) the header is ignored and the socket's peer (REMOTE_ADDR,
the ASGI scope's ``client``) is the answer. The same rule feeds django-ratelimit, DRF's
throttles (``NUM_PROXIES``), axes (``AXES_CLIENT_IP_CALLABLE``), allauth (the account
adapter) and the live rooms' per-address caps (``scope_client_ip``).

daphne's ``--proxy-headers`` must not be used: it takes the *leftmost* entry, which
the client writes. This rule does not depend on it either way, since it reads the
header itself.
"""

from django.conf import settings


def trusted_proxy_count() -> int:
    return max(0, int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0))


def address_from(remote_addr: str, forwarded: str) -> str:
    """The client's address given the peer's address and the X-Forwarded-For header's value."""
    proxies = trusted_proxy_count()
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    return addresses[-min(proxies, len(addresses))] if addresses else remote_addr


def client_ip(request) -> str:
    return address_from(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""))


def scope_client_ip(scope) -> str:
    """``client_ip`` for an ASGI scope (the room sockets): the peer, then X-Forwarded-For."""
    remote_addr = (scope.get("client") or [""])[0] or ""
    forwarded = []
    for name, value in scope.get("headers") or ():
        if name == b"x-forwarded-for":
            forwarded.append(value.decode("latin1"))
    # Several X-Forwarded-For headers are one list, in order (RFC 9110, 5.3).
    return address_from(remote_addr, ",".join(forwarded))


# ---------------------------------------------------------------------------
# Request bodies: capped before Django reads them, and streamed from disk
# ---------------------------------------------------------------------------

ADMIN_PREFIX = "/admin/"


def body_cap(path: str) -> int:
    """The largest request body accepted at ``path`` (``REQUEST_BODY_MAX_BYTES``; more under /admin/)."""
    if path.startswith(ADMIN_PREFIX):
        return int(getattr(settings, "REQUEST_BODY_MAX_BYTES_ADMIN", 0) or 0) or int(settings.REQUEST_BODY_MAX_BYTES)
    return int(getattr(settings, "REQUEST_BODY_MAX_BYTES", 0) or 0) or 2**62


TOO_LARGE_TEXT = "Tệp hoặc dữ liệu gửi lên quá lớn. / The request body is too large.\n"


class BodyCap:
    """ASGI: refuse an HTTP request whose body is over ``body_cap`` with 413, for any server.

    A Content-Length over the cap is answered at once, unread. A body that says nothing of
    its size (chunked) or lies about it is counted as it arrives: at the cap the client is
    answered 413 and Django is told the client left (``http.disconnect``), so it stops
    reading and answers nothing more. Under daphne ``cap_daphne_request_bodies`` has
    already done both while the bytes arrived; under uvicorn this is the rule (Django
    spools what it reads to disk above FILE_UPLOAD_MAX_MEMORY_SIZE, so memory holds one
    chunk at a time either way).
    """

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        cap = body_cap(scope.get("path", ""))
        for name, value in scope.get("headers") or ():
            if name == b"content-length":
                try:
                    too_large = int(value) > cap
                except ValueError:
                    too_large = False
                if too_large:
                    await _too_large(send)
                    return None
                break
        received, refused = 0, False

        async def counted_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    refused = True
                    await _too_large(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            if not refused:  # after the 413, Django's own answer (if any) goes nowhere
                await send(message)

        return await self.application(scope, counted_receive, guarded_send)


async def _too_large(send) -> None:
    body = TOO_LARGE_TEXT.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def cap_daphne_request_bodies() -> bool:
    """Make daphne refuse oversized bodies while they arrive and hand accepted ones over lazily.

    daphne (4.2) lets Twisted collect the whole body (in a temporary file above 100 KB),
    then reads it all into its application queue at once: a 50 MB upload cost +51 MB of
    memory before any Django limit could refuse it. Here:

    * a body whose Content-Length, or whose received bytes (chunked, or a lying client),
      go over ``body_cap`` is answered 413 at once and the connection closed: nothing more
      is kept;
    * an accepted body stays in Twisted's file: the queue holds only (offset, size) of
      each chunk and reads it from the file when the application asks for it, so memory
      holds one chunk at a time (and Django spools what it reads to disk above
      ``FILE_UPLOAD_MAX_MEMORY_SIZE``).

    Called from config/asgi.py; a no-op (False) where daphne is not the server or its
    internals moved (then only ``BodyCap`` and the proxy's ``client_max_body_size`` apply).
    """
    try:
        from daphne import server as daphne_server
        from daphne.http_protocol import WebRequest
    except ImportError:
        return False
    if getattr(WebRequest, "_chodem_body_cap", False):
        return True
    needed = (hasattr(WebRequest, "gotLength"), hasattr(WebRequest, "handleContentChunk"), hasattr(daphne_server.Server, "create_application"))
    if not all(needed):
        return False
    got_length, content_chunk, create_application = WebRequest.gotLength, WebRequest.handleContentChunk, daphne_server.Server.create_application

    def _refuse(request) -> None:
        request._chodem_refused = True
        body = TOO_LARGE_TEXT.encode()
        transport = request.channel.transport if request.channel is not None else None
        if transport is not None:
            transport.write(
                b"HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            transport.loseConnection()

    def capped_got_length(self, length):
        path = getattr(self.channel, "_path", b"") or b""
        self._chodem_cap = body_cap(path.split(b"?", 1)[0].decode("latin1"))
        self._chodem_seen = 0
        self._chodem_refused = False
        if length is not None and length > self._chodem_cap:
            got_length(self, 0)  # a tiny in-memory file: whatever still arrives is dropped
            _refuse(self)
            return
        got_length(self, length)

    def capped_content_chunk(self, data):
        if getattr(self, "_chodem_refused", False):
            return
        self._chodem_seen = getattr(self, "_chodem_seen", 0) + len(data)
        if self._chodem_seen > getattr(self, "_chodem_cap", 2**62):
            _refuse(self)
            return
        content_chunk(self, data)

    def lazy_create_application(self, protocol, scope):
        queue = create_application(self, protocol, scope)
        if queue is not None and scope.get("type") == "http" and getattr(protocol, "content", None) is not None:
            _lazy_body(queue, protocol)
        return queue

    WebRequest.gotLength = capped_got_length
    WebRequest.handleContentChunk = capped_content_chunk
    daphne_server.Server.create_application = lazy_create_application
    WebRequest._chodem_body_cap = True
    return True


def _lazy_body(queue, protocol) -> None:
    """daphne puts every body chunk in ``queue`` at once: keep where each is, read it on ``get``."""
    put_nowait, get_nowait = queue.put_nowait, queue.get_nowait
    offset = [0]

    def lazy_put(message):
        if message.get("type") == "http.request" and message.get("body"):
            size = len(message["body"])
            message = ("chunk", offset[0], size, message.get("more_body", False))
            offset[0] += size
        put_nowait(message)

    def lazy_get():
        message = get_nowait()
        if isinstance(message, tuple) and message and message[0] == "chunk":
            _, start, size, more = message
            content = protocol.content
            try:
                position = content.tell()
                content.seek(start)
                body = content.read(size)
                content.seek(position)
            except (AttributeError, ValueError, OSError):  # the request was abandoned and its file closed
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": body, "more_body": more}
        return message

    queue.put_nowait, queue.get_nowait = lazy_put, lazy_get
