"""The selling room's messages: schemas (``live.protocol.Message``) and thin handlers.

One module per service area: ``offers`` (``offer.*``), ``sales`` (``sale.*``),
``intents`` (``order.*``, ``board.*``). Handlers run on the room's database threads (see
``live.extensions``; a coroutine handler touches the database only through them, as
``sale.buy`` does by way of ``selling.desk``), turn a validated
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

        @functools.wraps(handler)
        async def run_async(*, ctx, message):
            try:
                return await handler(ctx=ctx, message=message)
            except ApplicationError as exc:
                if (listed := _listed(exc, message)) is exc:
                    raise
                raise listed from exc

        return run_async

    @functools.wraps(handler)
    def run(*, ctx, message):
        try:
            return handler(ctx=ctx, message=message)
        except ApplicationError as exc:
            if (listed := _listed(exc, message)) is exc:
                raise
            raise listed from exc

    return run


def _listed(exc: ApplicationError, message) -> ApplicationError:
    if exc.code in SellingError._value2member_map_:
        return exc
    if settings.LIVE.get("RAISE_EXTENSION_ERRORS"):
        raise AssertionError(f"selling: {message.type} refused with {exc.code!r}, not a SellingError code") from exc
    logger.error("selling: %s refused with %r, not a SellingError code", message.type, exc.code)
    return SellingError.of(exc)


def messages_of(table: dict) -> dict:
    """``{type: (schema, handler)}`` with every handler wrapped by ``refusals_listed``."""
    return {type_: (schema, refusals_listed(handler)) for type_, (schema, handler) in table.items()}
