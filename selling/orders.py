"""Chốt đơn: order intents from chat, the buyer's confirmation card, the host's order board."""

from __future__ import annotations

from live.broadcast import TO_HOSTS, publish_on_commit, to_user
from selling.models import OrderIntent


def intent_frame(intent: OrderIntent) -> dict:
    """The wire form of an intent, as the board and the buyer's card show it."""
    return {
        "type": "intent",
        "id": intent.pk,
        "show_id": intent.show_id,
        "offer_id": intent.offer_id,
        "buyer_id": intent.buyer_id,
        "buyer_name": intent.buyer.get_full_name() or intent.buyer.email.split("@")[0],
        "source": intent.source,
        "flash_sale_id": intent.flash_sale_id,
        "chat_seq": intent.chat_seq,
        "comment": intent.comment,
        "code": intent.product_code,
        "name": intent.product_name,
        "unit_price": intent.unit_price,
        "quantity": intent.quantity,
        "total": intent.total,
        "status": intent.status,
        "claimed_by_id": intent.claimed_by_id,
        "decline_reason": intent.decline_reason,
        "delivery": {"name": intent.delivery_name, "phone": intent.delivery_phone, "address": intent.delivery_address},
        "note": intent.note,
        "created_at": intent.created_at.isoformat() if intent.created_at else None,
    }


def intent_publish(intent: OrderIntent) -> None:
    """After commit, send the intent's current state to the hosts' boards and to the buyer's sockets.

    Directed frames are not replayed: boards and cards re-read their state on reconnect
    (``board.sync`` / ``order.mine``).
    """
    room_id = intent.show.room.pk
    frame = intent_frame(intent)
    publish_on_commit(room_id, frame, to=TO_HOSTS)
    publish_on_commit(room_id, frame, to=to_user(intent.buyer_id))


def chat_posted(*, room_id: int, actor, frame: dict) -> None:
    """Turn an order comment into order intents (called after the chat message is saved)."""


def page_context(*, request, show, participant, console: bool) -> dict:
    return {}



