"""The selling extension of a live room: wires this app's messages, state and page parts into ``live``.

Each area keeps its own module: ``offers`` (products on show, pinning, flash sales) and
``orders`` (chốt đơn intents, the confirmation card, the host's order board). This file
only joins them; it is imported by ``SellingConfig.ready``.
"""

from __future__ import annotations

from live import extensions
from selling import offers, offers_messages, orders, orders_messages


class SellingExtension(extensions.RoomExtension):
    key = "selling"
    snapshot_kinds = offers_messages.SNAPSHOT_KINDS

    def messages(self):
        return {**offers_messages.MESSAGES, **orders_messages.MESSAGES}

    def room_state(self, *, room):
        return offers.room_state(show_id=room.show_id)

    def patch_state(self, *, state, frame):
        return offers.room_state_patch(state=state, frame=frame)

    def show_ended(self, *, show):
        offers.show_ended(show=show)

    def chat_posted(self, *, room_id, actor, frame):
        orders.chat_posted(room_id=room_id, actor=actor, frame=frame)

    def page_part(self, *, request, show, participant, console):
        context = {
            "show": show,
            "participant": participant,
            "console": console,
            "offers": offers.page_context(request=request, show=show, participant=participant, console=console),
            "orders": orders.page_context(request=request, show=show, participant=participant, console=console),
        }
        return extensions.PagePart(
            template="selling/_room.html",
            context=context,
            scripts=("js/selling/offers.js", "js/selling/orders.js"),
            styles=("css/selling.css",),
        )


extensions.register(SellingExtension())
