"""Room messages for order intents: the buyer's card (``order.*``) and the host's board (``board.*``).

Every order-changing message carries ``key``, the client's idempotency key (one per button
press, reused for that press's retries).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from live.protocol import Message
from selling import selectors
from selling.messages import messages_of
from selling.services import intents

Key = Annotated[str, Field(min_length=8, max_length=64)]
IntentId = Annotated[int, Field(ge=1)]


class Delivery(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: Annotated[str, Field(max_length=120)]
    phone: Annotated[str, Field(max_length=30)]
    address: Annotated[str, Field(max_length=300)]


class OrderMine(Message):
    type: Literal["order.mine"]


class OrderUpdate(Message):
    type: Literal["order.update"]
    intent_id: IntentId
    quantity: Annotated[int, Field(ge=1, le=intents.MAX_QUANTITY)]
    delivery: Delivery | None = None
    note: Annotated[str, Field(max_length=300)] | None = None
    key: Key


class OrderCancel(Message):
    type: Literal["order.cancel"]
    intent_id: IntentId
    key: Key


class BoardSync(Message):
    type: Literal["board.sync"]


class BoardClaim(Message):
    type: Literal["board.claim"]
    intent_id: IntentId
    key: Key


class BoardRelease(Message):
    type: Literal["board.release"]
    intent_id: IntentId
    key: Key


class BoardConfirm(Message):
    type: Literal["board.confirm"]
    intent_id: IntentId
    key: Key


class BoardDecline(Message):
    type: Literal["board.decline"]
    intent_id: IntentId
    reason: Annotated[str, Field(min_length=1, max_length=300)]
    key: Key


def order_mine(*, ctx, message: OrderMine) -> dict:
    return selectors.order_mine(room_id=ctx.room_id, actor=ctx.actor)


def order_update(*, ctx, message: OrderUpdate) -> dict:
    delivery = message.delivery.model_dump() if message.delivery is not None else None
    return intents.order_update(
        room_id=ctx.room_id,
        actor=ctx.actor,
        intent_id=message.intent_id,
        key=message.key,
        quantity=message.quantity,
        delivery=delivery,
        note=message.note,
    )


def order_cancel(*, ctx, message: OrderCancel) -> dict:
    return intents.order_cancel(room_id=ctx.room_id, actor=ctx.actor, intent_id=message.intent_id, key=message.key)


def board_sync(*, ctx, message: BoardSync) -> dict:
    return selectors.board_sync(room_id=ctx.room_id, actor=ctx.actor)


def board_claim(*, ctx, message: BoardClaim) -> dict:
    return intents.board_claim(room_id=ctx.room_id, actor=ctx.actor, intent_id=message.intent_id, key=message.key)


def board_release(*, ctx, message: BoardRelease) -> dict:
    return intents.board_release(room_id=ctx.room_id, actor=ctx.actor, intent_id=message.intent_id, key=message.key)


def board_confirm(*, ctx, message: BoardConfirm) -> dict:
    return intents.board_confirm(room_id=ctx.room_id, actor=ctx.actor, intent_id=message.intent_id, key=message.key)


def board_decline(*, ctx, message: BoardDecline) -> dict:
    return intents.board_decline(
        room_id=ctx.room_id, actor=ctx.actor, intent_id=message.intent_id, key=message.key, reason=message.reason
    )


MESSAGES: dict = messages_of(
    {
        "order.mine": (OrderMine, order_mine),
        "order.update": (OrderUpdate, order_update),
        "order.cancel": (OrderCancel, order_cancel),
        "board.sync": (BoardSync, board_sync),
        "board.claim": (BoardClaim, board_claim),
        "board.release": (BoardRelease, board_release),
        "board.confirm": (BoardConfirm, board_confirm),
        "board.decline": (BoardDecline, board_decline),
    }
)
