"""Products on show, the pinned product card and flash sales (services and reads).

Rules kept here (the tables guard the worst of them too, see ``selling.models``):

* The host (or a co-host) puts products of the host's own vendors on offer; an offer that
  already has orders is switched off, never deleted, so its history stays readable.
* One offer per show is pinned (``selling_offer_one_pinned``); the pin is a sequenced
  event, so late joiners and resumed sockets see the same card as everybody else.
* One flash sale at a time per show. A sale counts down, opens for its duration, and ends
  sold out, by time, cancelled by the host, or with the show. A purchase takes its units
  under a row lock on the sale (``SELECT … FOR UPDATE``) inside one transaction, so two
  buyers can never take the last unit twice; ``sold <= quantity`` is also a check
  constraint, a net under the lock.
* Ending is idempotent (``UPDATE … WHERE ended_at IS NULL``): the sale's end task on the
  worker (``selling.tasks``), a late buy and a room-state read may all try; one wins, one
  ``sale.ended`` event is broadcast.

Every refusal is an ``ApplicationError`` with a stable ``code`` (``Code``) and a message in
the socket's language.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from core.money import format_vnd
from live.models import Show
from live.owners import owner_for
from live.selectors import Participant
from live.services import event_append
from orders import stock
from selling.idempotency import replayed_outcome
from selling.models import FlashSale, OrderAction, OrderIntent, ShowOffer
from selling.tasks import sale_close_schedule
from vendors.models import Photo, Product

logger = logging.getLogger(__name__)

COUNTDOWN_RANGE = (10, 300)
DURATION_RANGE = (60, 1200)
MAX_BUY_QUANTITY = 100


class Code:
    """Stable error codes of this module (clients branch on them, never on the text)."""

    SOLD_OUT = "sold_out"
    CAP_REACHED = "cap_reached"
    SALE_NOT_OPEN = "sale_not_open"
    SALE_ENDED = "sale_ended"
    PRICE_CHANGED = "price_changed"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    AUTH_REQUIRED = "auth_required"


# ---------------------------------------------------------------------------
# Stock (the only way a show's stock moves)
# ---------------------------------------------------------------------------


def stock_take(*, offer_id: int, quantity: int) -> bool:
    """Take ``quantity`` units of the show's stock, atomically; False (nothing taken) if too few are left.

    One conditional UPDATE: concurrent takers never drive ``stock_left`` below zero.
    """
    return bool(
        ShowOffer.objects.filter(pk=offer_id, stock_left__gte=quantity).update(stock_left=F("stock_left") - quantity)
    )


def stock_return(*, offer_id: int, quantity: int) -> None:
    """Give units back (a declined or cancelled order that had taken them)."""
    ShowOffer.objects.filter(pk=offer_id).update(stock_left=F("stock_left") + quantity)


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


def stock_announce(*, offer_id: int, author_id: int | None = None) -> None:
    """Tell the room an offer's stock changed outside a flash sale (an order confirmed, declined or cancelled).

    A sequenced ``offer.stock`` event (call inside the transaction that moved the stock),
    so every card, and late joiners' snapshots, show what is really left.
    """
    room_id, stock_left = ShowOffer.objects.filter(pk=offer_id).values_list("show__room__pk", "stock_left").get()
    event_append(
        room_id=room_id, kind="offer.stock", payload={"offer_id": offer_id, "stock_left": stock_left}, author_id=author_id
    )


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


def products_offerable(*, show: Show):
    """Products the show's host may put on offer: those of every vendor the host is a member of."""
    return (
        Product.objects.filter(vendor__members__user_id=show.host_id)
        .select_related("vendor")
        .distinct()
        .order_by("vendor__pk", "code")
    )


def _photos_prefetch() -> Prefetch:
    return Prefetch("product__photos", queryset=Photo.objects.order_by("created_at", "pk"), to_attr="photos_sorted")


def _offers_on_show(show_id: int):
    return (
        ShowOffer.objects.filter(show_id=show_id, is_active=True)
        .select_related("product")
        .prefetch_related(_photos_prefetch())
        .order_by("position", "pk")
    )


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


def _state(sale: FlashSale, now) -> str:
    if sale.ended_at is not None:
        return "ended"
    if now < sale.opens_at:
        return "counting"
    if now >= sale.closes_at:
        return "ended"
    return "open"


def sale_frame(sale: FlashSale, *, now=None) -> dict:
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
        "state": _state(sale, now),
    }


def room_state(*, show_id: int) -> dict | None:
    """What every joining client needs: offers, the pinned card, an open or counting-down flash sale.

    Closes a sale whose time is up (or whose show ended) on the way, so a sale whose
    timer was lost with its process still ends for everybody.
    """
    sales_close_due(show_id=show_id)
    now = timezone.now()
    offers = list(_offers_on_show(show_id))
    pinned = next((o.pk for o in offers if o.is_pinned), None)
    sale = (
        FlashSale.objects.filter(offer__show_id=show_id, ended_at__isnull=True)
        .select_related("offer__product")
        .order_by("-created_at")
        .first()
    )
    return {
        "now": now.isoformat(),
        "offers": [offer_card(o) for o in offers],
        "pinned_offer_id": pinned,
        "sale": sale_frame(sale, now=now) if sale is not None else None,
    }


def client_strings() -> dict:
    """Every string ``js/selling/offers.js`` shows, translated here (the script has no catalog)."""
    return {
        "stock_left": _("Còn %(n)s %(unit)s"),
        "out_of_stock": _("Hết hàng"),
        "stars": _("%(n)s sao OCOP"),
        "sale_counting": _("Flash sale mở sau %(t)s"),
        "sale_open": _("Flash sale đang mở, còn %(t)s"),
        "sale_sold": _("Đã bán %(sold)s/%(quantity)s · còn %(remaining)s"),
        "sale_cap": _("Tối đa %(n)s mỗi người"),
        "sale_ended": _("Flash sale đã kết thúc."),
        "sale_sold_out": _("Flash sale đã hết hàng."),
        "sale_cancelled": _("Người dẫn đã huỷ flash sale."),
        "buy": _("Mua ngay"),
        "buying": _("Đang mua…"),
        "bought": _("Đã đặt %(n)s sản phẩm. Người bán sẽ xác nhận đơn của bạn."),
        "pin": _("Ghim"),
        "unpin": _("Bỏ ghim"),
        "saved": _("Đã lưu danh sách sản phẩm."),
        "sale_started": _("Đã lên lịch flash sale."),
        "confirm_cancel": _("Huỷ flash sale này?"),
        "no_offers": _("Chưa có sản phẩm nào được chào bán."),
    }


def page_context(*, request, show, participant, console: bool) -> dict:
    """What ``selling/_offers.html`` renders before the socket connects (the script takes over)."""
    state = room_state(show_id=show.pk) or {}
    pinned = next((c for c in state.get("offers", []) if c["id"] == state.get("pinned_offer_id")), None)
    context = {
        "state": state,
        "pinned": pinned,
        "pinned_stars": "★" * pinned["stars"] if pinned else "",
        "strings": client_strings(),
        "may_buy": participant.user_id is not None,
        "countdown_range": COUNTDOWN_RANGE,
        "duration_range": DURATION_RANGE,
        "products": [],
    }
    if console and participant.may_host:
        on_offer = {c["product_id"] for c in state.get("offers", [])}
        context["products"] = [
            {"id": p.pk, "code": p.code, "name": p.name, "price": format_vnd(p.price), "stock": p.stock, "on_offer": p.pk in on_offer}
            for p in products_offerable(show=show)
        ]
    return context


# ---------------------------------------------------------------------------
# Products on show
# ---------------------------------------------------------------------------


def _require_host(actor: Participant, message) -> None:
    if not actor.may_host:
        raise ApplicationError(message, code=Code.FORBIDDEN, status=403)


def _show_for_update(room_id: int) -> Show:
    """The show's row, locked so that the hosts' changes to offers and sales apply one at a time.

    Only the show's: locking through the join would hold the room's row too, which every
    sequenced event (a purchase's ``sale.progress``, each chat message) needs to number
    itself, while this transaction waits for an offer row that a purchase holds: on
    PostgreSQL that was a deadlock, and one of the two users was told "Có lỗi".
    """
    show = Show.objects.select_for_update(of=("self",)).filter(room__pk=room_id).first()
    if show is None:
        raise ApplicationError(_("Không tìm thấy phòng."), code=Code.NOT_FOUND, status=404)
    return show


def _offers_event(room_id: int, show_id: int, author_id: int | None) -> list[dict]:
    cards = [offer_card(o) for o in _offers_on_show(show_id)]
    pinned = next((c["id"] for c in cards if c["pinned"]), None)
    event_append(room_id=room_id, kind="offers", payload={"offers": cards, "pinned_offer_id": pinned}, author_id=author_id)
    return cards


@transaction.atomic
def offers_set(*, room_id: int, actor: Participant, product_ids: list[int], allocate: bool = True) -> list[dict]:
    """Make exactly ``product_ids`` (in that order) the show's products on offer; returns the cards.

    A new offer sets aside the product's whole stock for the show (with ``allocate=False``
    it holds nothing yet: a show scheduled days ahead takes its stock later through
    ``show_offers_allocate``, so other channels keep selling until then). An offer that leaves
    the list is deleted, unless it already has orders or flash sales: then it is only
    switched off (``is_active=False``) so those keep their product. The show row is
    locked so that two hosts saving at once apply one after the other.
    """
    _require_host(actor, _("Chỉ người dẫn mới chọn được sản phẩm chào bán."))
    show = _show_for_update(room_id)
    if show.state == Show.State.ENDED:
        raise ApplicationError(_("Buổi phát đã kết thúc."), code=Code.INVALID)
    wanted = list(dict.fromkeys(product_ids))
    products = {p.pk: p for p in products_offerable(show=show).filter(pk__in=wanted)}
    unknown = [pk for pk in wanted if pk not in products]
    if unknown:
        raise ApplicationError(
            _("Có sản phẩm không thuộc chủ thể của người dẫn."), code=Code.NOT_FOUND, fields={"product_ids": str(unknown)}
        )
    codes = Counter(products[pid].code.upper() for pid in wanted)
    twice = next((code for code, n in codes.items() if n > 1), None)
    if twice is not None:
        # Buyers order by code ("chốt B01 2"): two products answering to one code would
        # send a buyer's order to whichever of them the lookup found last.
        raise ApplicationError(
            _("Hai sản phẩm cùng mã %(code)s: mỗi mã chỉ được chào bán một lần trong buổi phát, vì người mua chốt đơn bằng mã.")
            % {"code": twice},
            code=Code.INVALID,
            fields={"product_ids": _("Mỗi mã sản phẩm chỉ một lần.")},
        )
    existing = {o.product_id: o for o in ShowOffer.objects.filter(show=show)}
    leaving = [o for pid, o in existing.items() if pid not in products and o.is_active]
    open_sale = FlashSale.objects.filter(offer__in=leaving, ended_at__isnull=True).exists()
    if open_sale:
        raise ApplicationError(
            _("Sản phẩm đang có flash sale: hãy huỷ flash sale trước khi bỏ sản phẩm."), code=Code.INVALID
        )
    sandbox = owner_for(show).sandbox
    for offer in leaving:
        allocation_give_back(offer=offer, sandbox=sandbox)
        if offer.intents.exists() or offer.flash_sales.exists():
            offer.is_active, offer.is_pinned, offer.pinned_at = False, False, None
            offer.save(update_fields=["is_active", "is_pinned", "pinned_at"])
        else:
            offer.delete()
    for position, pid in enumerate(wanted):
        offer = existing.get(pid)
        if offer is None:
            units = allocation_take(product=products[pid], sandbox=sandbox) if allocate else 0
            ShowOffer.objects.create(show=show, product=products[pid], position=position, stock_left=units)
        elif offer.position != position or not offer.is_active:
            if not offer.is_active and allocate:
                offer.stock_left = allocation_take(product=products[pid], sandbox=sandbox)
            offer.position, offer.is_active = position, True
            offer.save(update_fields=["position", "is_active", "stock_left"])
    return _offers_event(room_id, show.pk, actor.user_id)


def allocation_take(*, product: Product, sandbox: bool) -> int:
    """The units a new offer holds for its show: what is still available of the product,
    reserved from its one stock (``orders.stock``), so two shows (or a show and a stall
    cart) never sell the same units. A practice show's offer takes the shelf figure and
    holds nothing: its orders are sandbox orders."""
    if sandbox:
        return product.stock
    for _attempt in range(5):  # another seller may reserve between the read and the update
        available = stock.stock_available(product_id=product.pk)
        if available <= 0 or stock.stock_allocate(product_id=product.pk, quantity=available):
            return max(available, 0)
    return 0


def allocation_give_back(*, offer: ShowOffer, sandbox: bool) -> None:
    """Release what an offer still holds (it leaves the show, or the show ended)."""
    if offer.stock_left and not sandbox:
        stock.allocation_release(product_id=offer.product_id, quantity=offer.stock_left)
    offer.stock_left = 0
    ShowOffer.objects.filter(pk=offer.pk).update(stock_left=0)


@transaction.atomic
def show_offers_allocate(*, show: Show) -> int:
    """Each active offer of a not-yet-ended show that holds nothing takes the product's
    free stock now (a scheduled show's offers are set without allocation); idempotent.
    Returns how many offers took stock."""
    if show.state == Show.State.ENDED:
        return 0
    sandbox = owner_for(show).sandbox
    taken = 0
    offers = ShowOffer.objects.select_for_update().filter(show=show, is_active=True, stock_left=0).select_related("product")
    for offer in offers:
        units = allocation_take(product=offer.product, sandbox=sandbox)
        if units:
            ShowOffer.objects.filter(pk=offer.pk).update(stock_left=units)
            taken += 1
    if taken:
        _offers_event(show.room.pk, show.pk, None)
    return taken


def show_ended(*, show: Show) -> None:
    """The show ended: every offer's unsold allocation goes back to the product's stock."""
    sandbox = owner_for(show).sandbox
    for offer in ShowOffer.objects.select_for_update().filter(show=show, stock_left__gt=0):
        allocation_give_back(offer=offer, sandbox=sandbox)


@transaction.atomic
def offer_pin(*, room_id: int, actor: Participant, offer_id: int | None) -> dict | None:
    """Pin one offer (``None`` unpins); every viewer's card changes with the ``product.pinned`` event.

    The previous pin is cleared first in the same transaction, under the show's row lock;
    the partial unique constraint keeps "one pinned per show" even if that were bypassed.
    """
    _require_host(actor, _("Chỉ người dẫn mới ghim được sản phẩm."))
    show = _show_for_update(room_id)
    offer = None
    if offer_id is not None:
        offer = ShowOffer.objects.filter(pk=offer_id, show=show, is_active=True).select_related("product").first()
        if offer is None:
            raise ApplicationError(_("Không tìm thấy sản phẩm này trong buổi phát."), code=Code.NOT_FOUND, status=404)
    ShowOffer.objects.filter(show=show, is_pinned=True).exclude(pk=offer_id).update(is_pinned=False, pinned_at=None)
    card = None
    if offer is not None:
        if not offer.is_pinned:
            offer.is_pinned, offer.pinned_at = True, timezone.now()
            offer.save(update_fields=["is_pinned", "pinned_at"])
        offer = _offers_on_show(show.pk).get(pk=offer.pk)
        card = offer_card(offer)
    event_append(
        room_id=room_id, kind="product.pinned", payload={"offer_id": offer_id, "card": card}, author_id=actor.user_id
    )
    return card


# ---------------------------------------------------------------------------
# Flash sales
# ---------------------------------------------------------------------------


def _end_event(room_id: int, sale: FlashSale) -> None:
    event_append(
        room_id=room_id,
        kind="sale.ended",
        payload={"sale_id": sale.pk, "reason": sale.end_reason, "sold": sale.sold, "remaining": sale.quantity - sale.sold},
    )


def _sale_end(*, sale_id: int, reason: str, room_id: int) -> bool:
    """End a sale once: True if this call ended it (and broadcast ``sale.ended``). Call inside a transaction."""
    now = timezone.now()
    if not FlashSale.objects.filter(pk=sale_id, ended_at__isnull=True).update(ended_at=now, end_reason=reason):
        return False
    _end_event(room_id, FlashSale.objects.get(pk=sale_id))
    return True


def sales_close_due(*, show_id: int | None = None, sale_id: int | None = None) -> int:
    """End every sale whose time is up or whose show has ended; how many this call ended.

    Idempotent and safe to call from anywhere (timer, buy, room-state read): the
    conditional UPDATE lets exactly one caller end a sale and announce it.
    """
    qs = FlashSale.objects.filter(ended_at__isnull=True)
    if show_id is not None:
        qs = qs.filter(offer__show_id=show_id)
    if sale_id is not None:
        qs = qs.filter(pk=sale_id)
    now = timezone.now()
    due = list(qs.filter(closes_at__lte=now).values_list("pk", "offer__show__room__pk"))
    ended_show = list(
        qs.filter(offer__show__state=Show.State.ENDED, closes_at__gt=now).values_list("pk", "offer__show__room__pk")
    )
    ended = 0
    for reasons, rows in ((FlashSale.EndReason.TIME, due), (FlashSale.EndReason.SHOW_ENDED, ended_show)):
        for pk, room_id in rows:
            with transaction.atomic():
                ended += _sale_end(sale_id=pk, reason=reasons, room_id=room_id)
    return ended


def _validate_sale(*, offer: ShowOffer, sale_price, quantity, per_buyer_cap, countdown_seconds, duration_seconds) -> None:
    errors: dict[str, str] = {}
    price = int(offer.product.price)
    if not 0 < sale_price < price:
        errors["sale_price"] = _("Giá sale phải lớn hơn 0 và thấp hơn giá bán %(price)s.") % {"price": format_vnd(price)}
    if quantity < 1 or quantity > offer.stock_left:
        errors["quantity"] = _("Số lượng phải từ 1 đến %(n)s (số còn lại của sản phẩm trong buổi này).") % {
            "n": offer.stock_left
        }
    if per_buyer_cap < 1 or per_buyer_cap > max(quantity, 1):
        errors["per_buyer_cap"] = _("Mỗi người được mua từ 1 đến %(n)s sản phẩm (không quá số lượng sale).") % {
            "n": max(quantity, 1)
        }
    if not COUNTDOWN_RANGE[0] <= countdown_seconds <= COUNTDOWN_RANGE[1]:
        errors["countdown_seconds"] = _("Đếm ngược từ %(a)s đến %(b)s giây.") % {"a": COUNTDOWN_RANGE[0], "b": COUNTDOWN_RANGE[1]}
    if not DURATION_RANGE[0] <= duration_seconds <= DURATION_RANGE[1]:
        errors["duration_seconds"] = _("Thời gian mở bán từ %(a)s đến %(b)s giây (1 đến 20 phút).") % {
            "a": DURATION_RANGE[0],
            "b": DURATION_RANGE[1],
        }
    if errors:
        raise ApplicationError(_("Flash sale chưa hợp lệ: hãy sửa các ô được đánh dấu."), code=Code.INVALID, fields=errors)


def sale_start(
    *,
    room_id: int,
    actor: Participant,
    offer_id: int,
    sale_price: int,
    quantity: int,
    per_buyer_cap: int,
    countdown_seconds: int,
    duration_seconds: int,
) -> FlashSale:
    """Schedule a flash sale on one offer: it opens after the countdown and closes after its duration.

    Takes no stock: units move only when bought. The show row is locked, so two hosts
    starting sales at once cannot both pass the one-sale-at-a-time check. Its end is a task
    (``selling.tasks.sale_close``, run after ``closes_at`` by any worker), so it ends on time
    even if this process dies; lazy closing on reads and buys is the net under it.
    """
    _require_host(actor, _("Chỉ người dẫn mới mở được flash sale."))
    with transaction.atomic():
        show = _show_for_update(room_id)
        if show.state != Show.State.LIVE:
            raise ApplicationError(_("Chỉ mở được flash sale khi buổi phát đang diễn ra."), code=Code.INVALID)
        offer = ShowOffer.objects.filter(pk=offer_id, show=show, is_active=True).select_related("product").first()
        if offer is None:
            raise ApplicationError(_("Không tìm thấy sản phẩm này trong buổi phát."), code=Code.NOT_FOUND, status=404)
        _validate_sale(
            offer=offer,
            sale_price=sale_price,
            quantity=quantity,
            per_buyer_cap=per_buyer_cap,
            countdown_seconds=countdown_seconds,
            duration_seconds=duration_seconds,
        )
        now = timezone.now()
        # A sale whose time is up but whose end nobody announced yet must not block the next one.
        for pk in FlashSale.objects.filter(offer__show=show, ended_at__isnull=True, closes_at__lte=now).values_list("pk", flat=True):
            _sale_end(sale_id=pk, reason=FlashSale.EndReason.TIME, room_id=room_id)
        if FlashSale.objects.filter(offer__show=show, ended_at__isnull=True).exists():
            raise ApplicationError(_("Đang có một flash sale khác: mỗi lúc chỉ một flash sale."), code=Code.INVALID)
        opens_at = now + timedelta(seconds=countdown_seconds)
        sale = FlashSale.objects.create(
            offer=offer,
            sale_price=sale_price,
            quantity=quantity,
            per_buyer_cap=per_buyer_cap,
            countdown_seconds=countdown_seconds,
            duration_seconds=duration_seconds,
            created_by_id=actor.user_id,
            opens_at=opens_at,
            closes_at=opens_at + timedelta(seconds=duration_seconds),
        )
        event_append(room_id=room_id, kind="sale.scheduled", payload={"sale": sale_frame(sale, now=now)}, author_id=actor.user_id)
        # The end is a task on the worker, queued in this transaction: it exists exactly when the sale does.
        sale_close_schedule(sale_id=sale.pk, at=sale.closes_at)
    return sale


@transaction.atomic
def sale_cancel(*, room_id: int, actor: Participant, sale_id: int) -> None:
    """The host stops a sale (counting down or open); what was bought stays bought."""
    _require_host(actor, _("Chỉ người dẫn mới huỷ được flash sale."))
    sale = FlashSale.objects.filter(pk=sale_id, offer__show__room__pk=room_id).first()
    if sale is None:
        raise ApplicationError(_("Không tìm thấy flash sale này."), code=Code.NOT_FOUND, status=404)
    if not _sale_end(sale_id=sale.pk, reason=FlashSale.EndReason.CANCELLED, room_id=room_id):
        raise ApplicationError(_("Flash sale đã kết thúc."), code=Code.SALE_ENDED)


def _bought_by(sale: FlashSale, user_id: int) -> int:
    """Units this buyer took in this sale, cancelled or declined ones included: a sale's ``sold``
    never goes back down, so neither does a buyer's share of it."""
    return OrderIntent.objects.filter(flash_sale=sale, buyer_id=user_id).aggregate(n=Sum("quantity"))["n"] or 0


def sale_buy(*, room_id: int, actor: Participant, sale_id: int, quantity: int, unit_price: int, key: str) -> dict:
    """Buy ``quantity`` units of an open flash sale at the price the buyer saw; returns the ack.

    Under the sale's row lock: the units are taken from the sale (``sold``) and from the
    show's stock, the order intent and its ``buy`` action are written, and the progress is
    announced, all or nothing. ``(buyer, key)`` is unique: a replayed key returns the
    first outcome and changes nothing. A refusal that ends the sale (time up, show ended,
    last units gone elsewhere) still commits that end before the buyer is told.
    """
    from selling import orders  # imported here: orders may import this module (stock_take) at load

    if actor.user_id is None:
        raise ApplicationError(_("Hãy đăng nhập để mua."), code=Code.AUTH_REQUIRED, status=401)
    if quantity < 1 or quantity > MAX_BUY_QUANTITY:
        raise ApplicationError(_("Số lượng không hợp lệ."), code=Code.INVALID, fields={"quantity": _("Số lượng không hợp lệ.")})
    if not key:
        raise ApplicationError(_("Thiếu khoá chống lặp."), code=Code.INVALID)
    replay = _replayed(actor.user_id, key, sale_id)
    if replay is not None:
        return replay
    # A first look without the lock. Every refusal below stays true once true (a sale
    # never reopens, ``sold`` and a buyer's purchases only grow, prices never change), so
    # in a rush the losers are told at once instead of queueing for the lock.
    with transaction.atomic():
        sale = _sale_for(room_id, sale_id)
        refusal = _refusal(sale, room_id=room_id, quantity=quantity, unit_price=unit_price, user_id=actor.user_id)
    if refusal is not None:
        # (A double tap whose twin has just committed is a replay, not a refusal.)
        replay = _replayed(actor.user_id, key, sale_id)
        if replay is not None:
            return replay
        raise refusal
    delivery = orders.delivery_defaults(user_id=actor.user_id)  # read before the lock, like the intent frames
    with transaction.atomic():
        sale = _sale_for(room_id, sale_id, lock=True)
        replay = _replayed(actor.user_id, key, sale_id)  # the same key may have won the lock just before us
        if replay is not None:
            return replay
        refusal = _refusal(sale, room_id=room_id, quantity=quantity, unit_price=unit_price, user_id=actor.user_id)
        if refusal is None:
            offer = sale.offer
            if not stock_take(offer_id=offer.pk, quantity=quantity):
                # The show's stock ran out under the sale (chat orders took it): the sale is over.
                if ShowOffer.objects.filter(pk=offer.pk, stock_left__lt=1).exists():
                    _sale_end(sale_id=sale.pk, reason=FlashSale.EndReason.SOLD_OUT, room_id=room_id)
                refusal = ApplicationError(_("Rất tiếc, flash sale đã hết hàng."), code=Code.SOLD_OUT, status=409)
        if refusal is None:
            return _take(
                sale, actor=actor, quantity=quantity, key=key, room_id=room_id, publish=orders.intent_publish, delivery=delivery
            )
    raise refusal


def _sale_for(room_id: int, sale_id: int, *, lock: bool = False) -> FlashSale:
    qs = FlashSale.objects.select_related("offer__product", "offer__show")
    if lock:
        qs = qs.select_for_update(of=("self",))
    sale = qs.filter(pk=sale_id, offer__show__room__pk=room_id).first()
    if sale is None:
        raise ApplicationError(_("Không tìm thấy flash sale này."), code=Code.NOT_FOUND, status=404)
    return sale


def _replayed(user_id: int, key: str, sale_id: int) -> dict | None:
    return replayed_outcome(
        actor_id=user_id,
        key=key,
        same_action=lambda action: action.kind == OrderAction.Kind.BUY and action.outcome.get("sale_id") == sale_id,
    )


def _refusal(sale: FlashSale, *, room_id: int, quantity: int, unit_price: int, user_id: int) -> ApplicationError | None:
    """Why this buy cannot happen (ending the sale first where that is the reason), or None."""
    now = timezone.now()
    if sale.ended_at is None and sale.offer.show.state == Show.State.ENDED:
        _sale_end(sale_id=sale.pk, reason=FlashSale.EndReason.SHOW_ENDED, room_id=room_id)
        sale.ended_at, sale.end_reason = now, FlashSale.EndReason.SHOW_ENDED
    if sale.ended_at is None and now >= sale.closes_at:
        _sale_end(sale_id=sale.pk, reason=FlashSale.EndReason.TIME, room_id=room_id)
        sale.ended_at, sale.end_reason = now, FlashSale.EndReason.TIME
    if sale.ended_at is not None:
        if sale.end_reason == FlashSale.EndReason.SOLD_OUT:
            return ApplicationError(_("Rất tiếc, flash sale đã hết hàng."), code=Code.SOLD_OUT, status=409)
        return ApplicationError(_("Flash sale đã kết thúc."), code=Code.SALE_ENDED, status=409)
    if now < sale.opens_at:
        return ApplicationError(_("Flash sale chưa mở, hãy chờ hết đếm ngược."), code=Code.SALE_NOT_OPEN, status=409)
    if unit_price != sale.sale_price:
        return ApplicationError(
            _("Giá đã thay đổi: giá flash sale là %(price)s.") % {"price": format_vnd(sale.sale_price)},
            code=Code.PRICE_CHANGED,
            status=409,
        )
    bought = _bought_by(sale, user_id)
    if bought + quantity > sale.per_buyer_cap:
        left = sale.per_buyer_cap - bought
        if left <= 0:
            message = _("Bạn đã mua đủ %(cap)s sản phẩm, mức tối đa mỗi người.") % {"cap": sale.per_buyer_cap}
        else:
            message = _("Mỗi người tối đa %(cap)s sản phẩm: bạn chỉ mua thêm được %(left)s.") % {
                "cap": sale.per_buyer_cap,
                "left": left,
            }
        return ApplicationError(message, code=Code.CAP_REACHED, status=409)
    remaining = sale.quantity - sale.sold
    if remaining < 1:
        return ApplicationError(_("Rất tiếc, flash sale đã hết hàng."), code=Code.SOLD_OUT, status=409)
    if quantity > remaining:
        return ApplicationError(
            _("Rất tiếc, flash sale chỉ còn %(n)s sản phẩm.") % {"n": remaining}, code=Code.SOLD_OUT, status=409
        )
    return None


def _take(sale: FlashSale, *, actor: Participant, quantity: int, key: str, room_id: int, publish, delivery: dict) -> dict:
    """The winning path of ``sale_buy`` (inside its transaction, holding the sale's lock)."""
    now = timezone.now()
    sale.sold += quantity
    fields = ["sold"]
    if sale.sold >= sale.quantity:
        sale.ended_at, sale.end_reason = now, FlashSale.EndReason.SOLD_OUT
        fields += ["ended_at", "end_reason"]
    sale.save(update_fields=fields)
    offer, product = sale.offer, sale.offer.product
    intent = OrderIntent.objects.create(
        show_id=offer.show_id,
        offer=offer,
        buyer_id=actor.user_id,
        source=OrderIntent.Source.FLASH_SALE,
        flash_sale=sale,
        product_code=product.code,
        product_name=product.name,
        unit_price=sale.sale_price,
        quantity=quantity,
        status=OrderIntent.Status.PENDING,
        **delivery,
    )
    remaining = sale.quantity - sale.sold
    outcome = {"intent_id": intent.pk, "quantity": quantity, "remaining": remaining}
    OrderAction.objects.create(
        intent=intent, actor_id=actor.user_id, kind=OrderAction.Kind.BUY, key=key, outcome={**outcome, "sale_id": sale.pk}
    )
    stock_left = ShowOffer.objects.filter(pk=offer.pk).values_list("stock_left", flat=True).get()
    publish(intent)  # its reads come before the room's sequence lock, which chat is waiting for
    event_append(
        room_id=room_id,
        kind="sale.progress",
        payload={"sale_id": sale.pk, "sold": sale.sold, "remaining": remaining, "offer_id": offer.pk, "stock_left": stock_left},
    )
    if sale.ended_at is not None:
        _end_event(room_id, sale)
    return outcome
