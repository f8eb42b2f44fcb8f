"""Chốt đơn: order intents from chat, the buyer's confirmation card, the host's order board."""

from __future__ import annotations


def chat_posted(*, room_id: int, actor, frame: dict) -> None:
    """Turn an order comment into order intents (called after the chat message is saved)."""


def page_context(*, request, show, participant, console: bool) -> dict:
    return {}
