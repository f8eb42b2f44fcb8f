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
