"""The weekly market's live rooms (``owner_kind="market"``): public, real orders."""

from __future__ import annotations

from django.utils.translation import gettext as _

from live import owners
from live.models import Show

OWNER_KIND = "market"


class MarketRoomOwner(owners.RoomOwner):
    def source_label(self, show: Show) -> str:
        slot = getattr(show, "market_slot", None)
        if slot is None:
            return show.title
        return _("%(session)s · %(stall)s") % {"session": slot.session.title, "stall": show.title}


owners.register(OWNER_KIND, MarketRoomOwner())
