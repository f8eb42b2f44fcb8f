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

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from live.routing import websocket_urlpatterns  # noqa: E402
from live.security import ConnectionGuard, SiteOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodyCap(django_asgi_app),
        "websocket": ConnectionGuard(SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
    }
)

from live.gc_tuning import tune_for_server  # noqa: E402

tune_for_server()
