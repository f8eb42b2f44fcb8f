"""Products on show, the pinned product card and flash sales (services and reads).

Owned by the offers work; see ``selling.models`` for the rules the tables keep.
"""

from __future__ import annotations

from django.db.models import F

from selling.models import ShowOffer


def stock_take(*, offer_id: int, quantity: int) -> bool:
    """Take ``quantity`` units of the show's stock, atomically; False (nothing taken) if too few are left.

    One conditional UPDATE: concurrent takers never drive ``stock_left`` below zero.
    """
    return bool(
        ShowOffer.objects.filter(pk=offer_id, stock_left__gte=quantity).update(stock_left=F("stock_left") - quantity)
    )


def stock_return(*, offer_id: int, quantity: int) -> None:
    """Give units back (a declined or cancelled order that had taken them)."""
    ShowOffer.objects.filter(pk=offer_id).update(stock_left=F("stock_left") + quantity)


def room_state(*, show_id: int) -> dict | None:
    """What every joining client needs: offers, the pinned card, an open flash sale."""
    return None


def page_context(*, request, show, participant, console: bool) -> dict:
    return {}
