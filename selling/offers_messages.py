"""Room messages for products on show and flash sales: schemas (``live.protocol.Message``) and handlers."""

from __future__ import annotations

SNAPSHOT_KINDS: frozenset[str] = frozenset()
MESSAGES: dict = {}
