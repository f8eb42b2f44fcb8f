"""Who is on a room socket, found in the same database hop as the room's admission.

Channels' ``AuthMiddlewareStack`` loads the user in a hop of its own, on the one thread
that ``thread_sensitive`` work shares: every HTTP view of the process runs there too. When
500 buyers join a flash sale at once, their session and user reads queued on that thread
ahead of the home page, and each join then made a second hop to the room's database threads
for its admission (docs/benchmarks.md, "The buyers' join"). Here the middleware only sets
``scope["user"]`` to Channels' lazy object; ``resolve_user`` fills it on the room's
database thread, inside the admission, with Django's own rule (the session's backend and
its password hash). Reading the user before then raises, as Channels' lazy object does.
"""

from __future__ import annotations

from types import SimpleNamespace

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib import auth
from django.utils.functional import empty


class DeferredAuthMiddleware(AuthMiddleware):
    """Channels' ``AuthMiddleware`` that leaves the user unloaded for the consumer's admission."""

    async def resolve_scope(self, scope):
        return None


def RoomAuthMiddlewareStack(inner):
    return CookieMiddleware(SessionMiddleware(DeferredAuthMiddleware(inner)))


def resolve_user(scope):
    """The socket's user (anonymous without a valid session); sync, on a database thread."""
    user = scope["user"]
    if getattr(user, "_wrapped", None) is empty:
        user._wrapped = auth.get_user(SimpleNamespace(session=scope["session"]))
    return user
