"""Room messages for order intents and the order board: schemas and handlers."""

from __future__ import annotations

MESSAGES: dict = {}
