"""The weekly market's live rooms (``owner_kind="market"``): public, real orders."""

from __future__ import annotations

from django.utils.translation import gettext as _

from live import extensions, owners
from live.models import Show

OWNER_KIND = "market"


class MarketRoomOwner(owners.RoomOwner):
    def source_label(self, show: Show) -> str:
        slot = getattr(show, "market_slot", None)
        if slot is None:
            return show.title
        return _("%(session)s · %(stall)s") % {"session": slot.session.title, "stall": show.title}


owners.register(OWNER_KIND, MarketRoomOwner())


class MarketStallStrip(extensions.RoomExtension):
    """A market room's page links back to the session's lobby and to the other stalls on now
    and next: one tap moves a buyer to another stall (``market/sessions/_room_stalls.html``)."""

    def applies_to(self, show) -> bool:
        return show.owner_kind == OWNER_KIND

    def page_part(self, *, request, show, participant, console):
        from market.selectors import stall_switcher

        switcher = stall_switcher(show=show)
        if switcher is None:
            return None
        return extensions.PagePart(
            template="market/sessions/_room_stalls.html", context=switcher, styles=("css/market-sessions.css",)
        )


extensions.register(MarketStallStrip())
