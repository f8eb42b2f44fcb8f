"""Every write of selling in a room, one module per area (keyword-only, typed, taking ids).

* ``offers``: products on show, the pinned card, the show's stock and its allocation;
* ``sales``: flash sales (start, cancel, buy, end);
* ``intents``: chốt đơn from chat, the buyer's card, the host's order board.

Reads are in ``selling.selectors``, wire frames in ``selling.frames``, refusals in
``selling.errors``, the room's messages in ``selling.messages``. Broadcasts leave these
services only: sequenced events inside the transaction (``event_append``), directed
frames after commit (``publish_on_commit``).
"""
