"""Every wire form selling sends to a live room, built in this one place.

Two kinds of frame leave selling: *sequenced events* (``event_append``: every viewer gets
them in order, late joiners replay them over ``welcome.selling``) and *directed frames*
(``publish_on_commit(..., to=…)``: the hosts' board or one buyer's card, never replayed).
The functions named ``*_event`` return ``{"kind", "payload"}`` for ``event_append(**…)``;
the others return a frame or a part of one. ``docs/live-protocol.md`` describes them all.

Pure: they read the rows they are given (with what the caller selected) and write nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.phones import format_phone
from selling.models import DeliveryProfile, FlashSale, OrderIntent, ShowOffer
from vendors.models import Product

#: sequenced kinds that change ``welcome.selling`` (the hubs refresh or patch their snapshot)
SNAPSHOT_KINDS: frozenset[str] = frozenset(
    {"offers", "product.pinned", "sale.scheduled", "sale.progress", "sale.ended", "offer.stock"}
)


# ----------------------------------------------------------------------------- people


def user_display_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email.split("@")[0]


def phone_shown(phone: str) -> str:
    return format_phone(phone) if phone.startswith("+84") else phone


# ----------------------------------------------------------------------------- offers and the pinned card


def _photo_url(product: Product) -> str | None:
    photos = getattr(product, "photos_sorted", None)
    if photos is None:
        photos = list(product.photos.order_by("created_at", "pk")[:1])
    for photo in photos:
        if photo.thumbnail:
            return photo.thumbnail.url
        if photo.image:
            return photo.image.url
    return None


def offer_card(offer: ShowOffer) -> dict:
    """The wire form of an offer: what the pinned card and the product list show."""
    product = offer.product
    return {
        "id": offer.pk,
        "product_id": product.pk,
        "code": product.code,
        "name": product.name,
        "photo": _photo_url(product),
        "price": int(product.price),
        "unit": product.unit,
        "stars": product.stars,
        "verified": product.is_verified,
        "stock_left": offer.stock_left,
        "pinned": offer.is_pinned,
    }


def offers_event(offers: list[ShowOffer]) -> dict:
    """``offers``: the whole list on offer, in order, and which one is pinned."""
    cards = [offer_card(o) for o in offers]
    pinned = next((c["id"] for c in cards if c["pinned"]), None)
    return {"kind": "offers", "payload": {"offers": cards, "pinned_offer_id": pinned}}


def pinned_event(*, offer_id: int | None, card: dict | None) -> dict:
    """``product.pinned``: the new pinned card (``None`` when unpinned)."""
    return {"kind": "product.pinned", "payload": {"offer_id": offer_id, "card": card}}


def stock_event(*, offer_id: int, stock_left: int) -> dict:
    """``offer.stock``: an order moved an offer's stock outside a flash sale."""
    return {"kind": "offer.stock", "payload": {"offer_id": offer_id, "stock_left": stock_left}}


# ----------------------------------------------------------------------------- flash sales


def sale_state(sale: FlashSale, now: datetime) -> str:
    if sale.ended_at is not None:
        return "ended"
    if now < sale.opens_at:
        return "counting"
    if now >= sale.closes_at:
        return "ended"
    return "open"


def sale_frame(sale: FlashSale, *, now: datetime | None = None) -> dict:
    """The wire form of a flash sale (times in ISO 8601 with offset; the client corrects skew with ``now``)."""
    now = now or timezone.now()
    product = sale.offer.product
    return {
        "id": sale.pk,
        "offer_id": sale.offer_id,
        "product_id": product.pk,
        "code": product.code,
        "name": product.name,
        "price": int(product.price),
        "sale_price": int(sale.sale_price),
        "quantity": sale.quantity,
        "sold": sale.sold,
        "remaining": sale.quantity - sale.sold,
        "per_buyer_cap": sale.per_buyer_cap,
        "opens_at": sale.opens_at.isoformat(),
        "closes_at": sale.closes_at.isoformat(),
        "ended_at": sale.ended_at.isoformat() if sale.ended_at else None,
        "end_reason": sale.end_reason or None,
        "state": sale_state(sale, now),
    }


def sale_scheduled_event(sale: FlashSale, *, now: datetime | None = None) -> dict:
    return {"kind": "sale.scheduled", "payload": {"sale": sale_frame(sale, now=now)}}


def sale_progress_event(sale: FlashSale, *, stock_left: int) -> dict:
    """``sale.progress``: one purchase's effect on the sale and on its offer's stock."""
    return {
        "kind": "sale.progress",
        "payload": {
            "sale_id": sale.pk,
            "sold": sale.sold,
            "remaining": sale.quantity - sale.sold,
            "offer_id": sale.offer_id,
            "stock_left": stock_left,
        },
    }


def sale_ended_event(sale: FlashSale) -> dict:
    return {
        "kind": "sale.ended",
        "payload": {
            "sale_id": sale.pk,
            "reason": sale.end_reason,
            "sold": sale.sold,
            "remaining": sale.quantity - sale.sold,
        },
    }


# ----------------------------------------------------------------------------- the room's state


def room_state(*, offers: list[ShowOffer], sale: FlashSale | None, now: datetime) -> dict:
    """``welcome.selling``: the offers, the pinned card's id, an open or counting-down sale."""
    return {
        "now": now.isoformat(),
        "offers": [offer_card(o) for o in offers],
        "pinned_offer_id": next((o.pk for o in offers if o.is_pinned), None),
        "sale": sale_frame(sale, now=now) if sale is not None else None,
    }


def room_state_patch(*, state: dict | None, frame: dict) -> bool:
    """Bring a cached ``room_state`` up to date with a purchase or a stock change, in memory.

    A flash sale makes one ``sale.progress`` per purchase; re-reading the offers, the card
    and the sale after each one cost every hub a database read per tick during a rush.
    Other kinds (a new sale, a pin, the offers changing) are re-read.
    """
    if not state or frame.get("type") not in ("sale.progress", "offer.stock"):
        return False
    for card in state.get("offers") or []:
        if card.get("id") == frame.get("offer_id"):
            card["stock_left"] = frame["stock_left"]
    sale = state.get("sale")
    if frame["type"] == "sale.progress" and sale and sale.get("id") == frame.get("sale_id"):
        sale["sold"], sale["remaining"] = frame["sold"], frame["remaining"]
    return True


# ----------------------------------------------------------------------------- intents


def intent_frame(intent: OrderIntent) -> dict:
    """The directed ``intent`` frame: an intent as the board and the buyer's card show it.

    Select ``buyer``, ``claimed_by`` and ``order`` with the intent (``selectors.intents_of_show``).
    """
    return {
        "type": "intent",
        "id": intent.pk,
        "show_id": intent.show_id,
        "offer_id": intent.offer_id,
        "buyer_id": intent.buyer_id,
        "buyer_name": user_display_name(intent.buyer),
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
        "claimed_by_name": user_display_name(intent.claimed_by) if intent.claimed_by_id else "",
        "decline_reason": intent.decline_reason,
        "delivery": {
            "name": intent.delivery_name,
            "phone": phone_shown(intent.delivery_phone),
            "address": intent.delivery_address,
        },
        "note": intent.note,
        "order_number": intent.order.number if intent.order_id else "",
        "order_url": intent.order.get_absolute_url() if intent.order_id else "",
        "created_at": intent.created_at.isoformat() if intent.created_at else None,
    }


def reply_frame(text: str) -> dict:
    """The directed ``order.reply``: a polite note for one buyer about their order comment."""
    return {"type": "order.reply", "text": text}


def profile_frame(profile: DeliveryProfile | None) -> dict | None:
    """A buyer's remembered delivery details, as the card fills them in."""
    if profile is None:
        return None
    return {"name": profile.name, "phone": phone_shown(profile.phone), "address": profile.address}
