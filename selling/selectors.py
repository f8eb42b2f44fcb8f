"""Reads of a selling room: what is on offer, the room's state, the buyer's card, the host's board.

Nothing here writes (the one exception is the process cache of ``offered_codes``). The
state a joining client gets is read by ``room_state``; the sale whose time is up is ended
by ``services.sales.sales_close_due`` before it (``selling.room`` does both).
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from core import product_codes
from live.models import Room, Show
from live.selectors import Participant
from selling import frames, pricing
from selling.access import require_host, require_login
from selling.errors import SellingError
from selling.models import DeliveryProfile, FlashSale, OrderIntent, ShowOffer
from vendors.models import Photo, Product

OFFERS_CACHE_SECONDS = 2.0
BOARD_RECENT_DECIDED = 100


# ----------------------------------------------------------------------------- offers


def products_offerable(*, show: Show):
    """Products the show's host may put on offer: those of every vendor the host is a member of."""
    return (
        Product.objects.filter(vendor__members__user_id=show.host_id)
        .select_related("vendor")
        .distinct()
        .order_by("vendor__pk", "code")
    )


def offers_on_show(*, show_id: int):
    """The show's active offers in order, with what ``frames.offer_card`` reads (product, first photo)."""
    photos = Prefetch("product__photos", queryset=Photo.objects.order_by("created_at", "pk"), to_attr="photos_sorted")
    return (
        ShowOffer.objects.filter(show_id=show_id, is_active=True)
        .select_related("product")
        .prefetch_related(photos)
        .order_by("position", "pk")
    )


def room_state(*, show_id: int) -> dict:
    """What every joining client needs (``welcome.selling``): offers, the pinned card, a sale not yet ended."""
    sale = (
        FlashSale.objects.filter(offer__show_id=show_id, ended_at__isnull=True)
        .select_related("offer__product")
        .order_by("-created_at")
        .first()
    )
    return frames.room_state(offers=list(offers_on_show(show_id=show_id)), sale=sale, now=timezone.now())


# room_id -> (expires at, show_id, {code as offered: offer id}); per process, briefly.
_OFFERED: dict[int, tuple[float, int | None, dict[str, int]]] = {}


def offered_codes(*, room_id: int) -> tuple[int | None, dict[str, int]]:
    """(show id, {code: offer id}) of the active offers, cached for ``OFFERS_CACHE_SECONDS``.

    Chat is the hot path: a room with nothing on offer costs one dictionary lookup. A code
    the parser cannot read (one saved before ``core.product_codes`` was the rule) is left
    out rather than breaking chốt đơn for the whole show.
    """
    now = time.monotonic()
    entry = _OFFERED.get(room_id)
    if entry is None or entry[0] <= now:
        rows = ShowOffer.objects.filter(show__room__pk=room_id, is_active=True).values_list(
            "show_id", "product__code", "pk"
        )
        codes = {}
        show_id = None
        for row_show_id, code, offer_id in rows:
            show_id = row_show_id
            if product_codes.is_orderable(code):
                codes[code] = offer_id
        if len(_OFFERED) > 2000:
            _OFFERED.clear()
        entry = (now + OFFERS_CACHE_SECONDS, show_id, codes)
        _OFFERED[room_id] = entry
    return entry[1], entry[2]


def offered_codes_forget(*, room_id: int | None = None) -> None:
    """Drop the cached codes (of one room, or all): for tests and for whoever changes offers."""
    if room_id is None:
        _OFFERED.clear()
    else:
        _OFFERED.pop(room_id, None)


# ----------------------------------------------------------------------------- intents


def show_id_of_room(*, room_id: int) -> int:
    show_id = Room.objects.filter(pk=room_id).values_list("show_id", flat=True).first()
    if show_id is None:
        raise SellingError.NOT_FOUND.error(_("Không tìm thấy phòng."))
    return show_id


def intents_of_show(*, show_id: int):
    """The show's intents with what ``frames.intent_frame`` reads."""
    return OrderIntent.objects.select_related("show__room", "buyer", "claimed_by", "order").filter(show_id=show_id)


def delivery_defaults(*, user_id: int) -> dict:
    """A new intent's delivery fields: the buyer's remembered details, which the card shows as filled in."""
    return delivery_of(buyers_with_delivery(user_ids={user_id})[user_id])


def buyers_with_delivery(*, user_ids) -> dict:
    """Buyers by id with the name the frames show and their remembered delivery, in one query
    (a flash sale's batch names its winners and fills their intents from it)."""
    return (
        get_user_model()
        .objects.select_related("delivery_profile")
        .only(
            "first_name",
            "last_name",
            "email",
            "delivery_profile__name",
            "delivery_profile__phone",
            "delivery_profile__address",
        )
        .in_bulk(user_ids)
    )


def delivery_of(buyer) -> dict:
    """A new intent's delivery fields from a buyer read by ``buyers_with_delivery`` (blank without a profile)."""
    profile = getattr(buyer, "delivery_profile", None)
    if profile is None:
        return {"delivery_name": "", "delivery_phone": "", "delivery_address": ""}
    return {"delivery_name": profile.name, "delivery_phone": profile.phone, "delivery_address": profile.address}


def offer_prices(*, room_id: int, actor: Participant) -> dict:
    """This buyer's own prices beside the card's catalogue price: per offer of the show, the
    wholesale tiers chốt đơn charges them (none for a retail buyer or an anonymous viewer).

    The offers reach every socket in one shared frame, so a distributor saw only the retail
    price on the card and learnt its tier price from the order it had already placed.
    """
    if actor.user_id is None:
        return {"prices": {}}
    offers = list(
        ShowOffer.objects.filter(show_id=show_id_of_room(room_id=room_id), is_active=True).select_related("product")
    )
    tiers = pricing.tiers_for(buyer_id=actor.user_id, products=[offer.product for offer in offers])
    return {"prices": {offer.pk: tiers[offer.product_id] for offer in offers if offer.product_id in tiers}}


def order_mine(*, room_id: int, actor: Participant) -> dict:
    """The buyer's intents in this show and their remembered delivery details (the card's state)."""
    require_login(actor)
    show_id = show_id_of_room(room_id=room_id)
    intents = intents_of_show(show_id=show_id).filter(buyer_id=actor.user_id).order_by("created_at", "pk")
    profile = DeliveryProfile.objects.filter(user_id=actor.user_id).first()
    return {"intents": [frames.intent_frame(i) for i in intents], "delivery": frames.profile_frame(profile)}


def board_sync(*, room_id: int, actor: Participant) -> dict:
    """The board's state: every open intent and the most recent decided ones."""
    require_host(actor, _("Chỉ người dẫn và đồng dẫn mới xử lý được đơn."))
    show_id = show_id_of_room(room_id=room_id)
    intents = intents_of_show(show_id=show_id)
    open_ = list(intents.filter(status__in=OrderIntent.OPEN_STATUSES).order_by("created_at", "pk"))
    decided = list(
        intents.exclude(status__in=OrderIntent.OPEN_STATUSES).order_by("-updated_at", "-pk")[:BOARD_RECENT_DECIDED]
    )
    decided.reverse()
    return {"intents": [frames.intent_frame(i) for i in open_ + decided]}
