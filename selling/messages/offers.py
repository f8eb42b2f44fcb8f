"""Room messages for products on show and the pinned card (``offer.*``): schemas and handlers.

The schemas only keep out what no honest client sends (wrong types, absurd sizes); the
service refuses the rest, naming the field in Vietnamese.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from live.protocol import Message
from selling import selectors
from selling.messages import messages_of
from selling.services import offers

PositiveId = Annotated[int, Field(ge=1)]


class OfferSet(Message):
    type: Literal["offer.set"]
    product_ids: Annotated[list[PositiveId], Field(max_length=200)]


class OfferPin(Message):
    type: Literal["offer.pin"]
    offer_id: PositiveId | None


class OfferPrices(Message):
    type: Literal["offer.prices"]


def offer_prices(*, ctx, message: OfferPrices) -> dict:
    return selectors.offer_prices(room_id=ctx.room_id, actor=ctx.actor)


def offer_set(*, ctx, message: OfferSet) -> dict:
    return {"offers": offers.offers_set(room_id=ctx.room_id, actor=ctx.actor, product_ids=list(message.product_ids))}


def offer_pin(*, ctx, message: OfferPin) -> dict:
    return {"card": offers.offer_pin(room_id=ctx.room_id, actor=ctx.actor, offer_id=message.offer_id)}


MESSAGES: dict = messages_of(
    {
        "offer.set": (OfferSet, offer_set),
        "offer.pin": (OfferPin, offer_pin),
        "offer.prices": (OfferPrices, offer_prices),
    }
)
