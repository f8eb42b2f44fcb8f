"""Products on show, the pinned product card and flash sales (services and reads).

Owned by the offers work; see ``selling.models`` for the rules the tables keep.
"""

from __future__ import annotations


def room_state(*, show_id: int) -> dict | None:
    """What every joining client needs: offers, the pinned card, an open flash sale."""
    return None


def page_context(*, request, show, participant, console: bool) -> dict:
    return {}
