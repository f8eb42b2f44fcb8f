"""Settings for the live benchmark's servers: production-like, limits opened for one load client.

Every viewer of the benchmark comes from 127.0.0.1 and a handful of users send all the
chat and make all the purchases (``--rush`` opens hundreds of buyers' sockets with them),
so the per-address and per-user limits are lifted; everything else is as shipped. The
per-address budgets of 5 Dec (handshakes per second, inbound frames over all of an
address's sockets: ``live.limits``) are among them: viewers join at 500/s and the senders
post 70 frames/s, all from that one address, so as shipped they refused the load client
itself (HTTP 403 at the handshake, 4429 for the senders). The per-room budget stays.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import LIVE

DEBUG = False
SECRET_KEY = "bench-only-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
LIVE = {
    **LIVE,
    "MAX_CONNECTIONS_PER_ADDRESS": 100_000,
    "MAX_CONNECTIONS_PER_USER": 100_000,
    "USER_CHAT_RULES": [(1000, 1)],
    "CONNECTION_BURST": 50,
    "CONNECTION_RATE": 50.0,
    "HANDSHAKE_BURST": 100_000,
    "HANDSHAKE_RATE": 100_000.0,
    "ADDRESS_BURST": 100_000,
    "ADDRESS_RATE": 100_000.0,
}

# As docs/operations.md recommends for daphne: keep database connections between the
# socket's database calls instead of reconnecting for every one.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
