"""ASGI entry point: HTTP through Django, WebSockets through Channels.

The Django application is built first so that apps are loaded before any
consumer module (and its models) is imported.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_asgi_app = get_asgi_application()

from core.http import BodyCap, cap_daphne_request_bodies  # noqa: E402

cap_daphne_request_bodies()  # oversized bodies refused as they arrive, accepted ones read from disk

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from live.auth import RoomAuthMiddlewareStack  # noqa: E402
from live.routing import websocket_urlpatterns  # noqa: E402
from live.security import ConnectionGuard, SiteOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodyCap(django_asgi_app),
        "websocket": ConnectionGuard(SiteOriginValidator(RoomAuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
    }
)

from django.urls import get_resolver  # noqa: E402

# The URLconf, and with it every view module and what they import (~1 s; fpdf alone is half),
# loads here, before the server listens and before the collector freezes the import-time
# objects, not inside the first visitor's request: after a start or a worker's restart that
# request took 0.6 s on an idle machine and 2.7 s in the drill's calm phase, and held the
# worker's GIL away from its live rooms meanwhile (docs/benchmarks.md).
get_resolver().url_patterns  # noqa: B018 - the property imports the URLconf

from live.gc_tuning import tune_for_server  # noqa: E402

tune_for_server()
