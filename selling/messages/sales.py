"""Room messages for flash sales (``sale.*``): schemas and handlers.

Ranges the host can get wrong (countdown, duration, prices, caps) are checked by the
service, so the refusal names the field in Vietnamese; the schemas only keep out what no
honest client sends (wrong types, absurd sizes).
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.utils import timezone
from pydantic import Field

from live.protocol import Message
from selling.desk import desk
from selling.messages import messages_of
from selling.services import sales

PositiveId = Annotated[int, Field(ge=1)]
Amount = Annotated[int, Field(ge=0, le=10**12)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


class SaleStart(Message):
    type: Literal["sale.start"]
    offer_id: PositiveId
    sale_price: Amount
    quantity: Count
    per_buyer_cap: Count
    countdown_seconds: Count
    duration_seconds: Count


class SaleCancel(Message):
    type: Literal["sale.cancel"]
    sale_id: PositiveId


class SaleBuy(Message):
    type: Literal["sale.buy"]
    sale_id: PositiveId
    quantity: Annotated[int, Field(ge=1, le=sales.MAX_BUY_QUANTITY)]
    unit_price: Amount
    key: Annotated[str, Field(min_length=8, max_length=64)]


class SaleClock(Message):
    """The server's clock, for the countdown: the client halves the round trip to correct its skew."""

    type: Literal["sale.clock"]


def sale_start(*, ctx, message: SaleStart) -> dict:
    sale = sales.sale_start(
        room_id=ctx.room_id,
        actor=ctx.actor,
        offer_id=message.offer_id,
        sale_price=message.sale_price,
        quantity=message.quantity,
        per_buyer_cap=message.per_buyer_cap,
        countdown_seconds=message.countdown_seconds,
        duration_seconds=message.duration_seconds,
    )
    return {"sale_id": sale.pk}


def sale_cancel(*, ctx, message: SaleCancel) -> dict:
    sales.sale_cancel(room_id=ctx.room_id, actor=ctx.actor, sale_id=message.sale_id)
    return {}


async def sale_buy(*, ctx, message: SaleBuy) -> dict:
    """Through the sale desk: the buys that arrive together go to the database in one batch."""
    purchase = sales.Purchase(
        actor=ctx.actor, quantity=message.quantity, unit_price=message.unit_price, key=message.key
    )
    return await desk.buy(room_id=ctx.room_id, sale_id=message.sale_id, lang=ctx.lang, purchase=purchase)


async def sale_clock(*, ctx, message: SaleClock) -> dict:
    return {"now": timezone.now().isoformat()}


MESSAGES: dict = messages_of(
    {
        "sale.start": (SaleStart, sale_start),
        "sale.cancel": (SaleCancel, sale_cancel),
        "sale.buy": (SaleBuy, sale_buy),
        "sale.clock": (SaleClock, sale_clock),
    }
)
