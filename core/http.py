"""Who is the client? One answer for every per-address limit (site search, directories, API).

Behind N trusted reverse proxies (``AXES_PROXY_COUNT``, the setting axes already uses),
the client's address is the one the outermost of them appended to X-Forwarded-For;
anything to its left was written by the client and can be forged. With no proxy the
header is ignored and REMOTE_ADDR is the answer.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    return addresses[-min(proxies, len(addresses))] if addresses else remote_addr
