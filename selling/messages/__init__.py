"""The selling room's messages: schemas (``live.protocol.Message``) and thin handlers.

One module per service area: ``offers`` (``offer.*``), ``sales`` (``sale.*``),
``intents`` (``order.*``, ``board.*``). Handlers run in Channels' database thread (see
``live.extensions``; coroutine handlers never touch the database), turn a validated
message into one service or selector call and return what the ``ack`` adds. A service's
``ApplicationError`` becomes the socket's ``error`` frame; ``refusals_listed`` keeps its
code inside ``selling.errors.SellingError``, the one list the protocol documents.
"""

from __future__ import annotations

import functools
import inspect
import logging

from django.conf import settings

from config.errors import ApplicationError
from selling.errors import SellingError

logger = logging.getLogger(__name__)


def refusals_listed(handler):
    """Wrap a handler so that every refusal it answers with has a ``SellingError`` code.

    A code outside the list is a bug of this app: raised under test
    (``LIVE["RAISE_EXTENSION_ERRORS"]``), logged and sent as ``invalid`` (same message) in
    production, so clients only ever branch on documented codes.
    """
    if inspect.iscoroutinefunction(handler):
        return handler  # the clock's and the like: they refuse nothing

    @functools.wraps(handler)
    def run(*, ctx, message):
        try:
            return handler(ctx=ctx, message=message)
        except ApplicationError as exc:
            if exc.code in SellingError._value2member_map_:
                raise
            if settings.LIVE.get("RAISE_EXTENSION_ERRORS"):
                raise AssertionError(
                    f"selling: {message.type} refused with {exc.code!r}, not a SellingError code"
                ) from exc
            logger.error("selling: %s refused with %r, not a SellingError code", message.type, exc.code)
            raise SellingError.of(exc) from exc

    return run


def messages_of(table: dict) -> dict:
    """``{type: (schema, handler)}`` with every handler wrapped by ``refusals_listed``."""
    return {type_: (schema, refusals_listed(handler)) for type_, (schema, handler) in table.items()}
