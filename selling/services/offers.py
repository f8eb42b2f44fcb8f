"""Products on show, the pinned product card, and the show's stock (services).

Rules kept here (the tables guard the worst of them too, see ``selling.models``):

* The host (or a co-host) puts products of the host's own vendors on offer; an offer that
  already has orders is switched off, never deleted, so its history stays readable.
* One offer per show is pinned (``selling_offer_one_pinned``); the pin is a sequenced
  event, so late joiners and resumed sockets see the same card as everybody else.
* A new offer holds an allocation of the product's one stock (``orders.stock``); the
  offer's ``stock_left`` moves only through ``stock_take`` / ``stock_return``, and what
  is left goes back to the product when the offer leaves or the show ends.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from live.models import Show
from live.owners import owner_for
from live.selectors import Participant
from live.services import event_append
from orders import stock
from selling import frames, selectors
from selling.access import require_host
from selling.errors import SellingError
from selling.models import FlashSale, ShowOffer
from vendors.models import Product

# ---------------------------------------------------------------------------
# Stock (the only way a show's stock moves)
# ---------------------------------------------------------------------------


def stock_take(*, offer_id: int, quantity: int) -> int | None:
    """Take ``quantity`` units of the show's stock, atomically: the units left after, or None
    (nothing taken) when too few are left. Test it with ``is None``: 0 left is a success.

    One conditional ``UPDATE … RETURNING`` (PostgreSQL, and SQLite 3.35 and newer):
    concurrent takers never drive ``stock_left`` below zero, and a flash sale's purchase
    learns what is left for its ``sale.progress`` without a second statement.
    """
    with connection.cursor() as cursor:
        cursor.execute(_STOCK_TAKE_SQL, [quantity, offer_id, quantity])
        row = cursor.fetchone()
    return None if row is None else row[0]


_STOCK_TAKE_SQL = (
    'UPDATE "selling_showoffer" SET "stock_left" = "stock_left" - %s'
    ' WHERE "id" = %s AND "stock_left" >= %s RETURNING "stock_left"'
)


def stock_return(*, offer_id: int, quantity: int) -> None:
    """Give units back (a declined or cancelled order that had taken them)."""
    ShowOffer.objects.filter(pk=offer_id).update(stock_left=F("stock_left") + quantity)


def stock_announce(*, offer_id: int, author_id: int | None = None) -> None:
    """Tell the room an offer's stock changed outside a flash sale (an order confirmed, declined or cancelled).

    A sequenced ``offer.stock`` event (call inside the transaction that moved the stock),
    so every card, and late joiners' snapshots, show what is really left.
    """
    room_id, stock_left = ShowOffer.objects.filter(pk=offer_id).values_list("show__room__pk", "stock_left").get()
    event_append(room_id=room_id, author_id=author_id, **frames.stock_event(offer_id=offer_id, stock_left=stock_left))


def allocation_take(*, product_id: int, sandbox: bool) -> int:
    """The units a new offer holds for its show: what is still available of the product,
    reserved from its one stock (``orders.stock``), so two shows (or a show and a stall
    cart) never sell the same units. A practice show's offer takes the shelf figure and
    holds nothing: its orders are sandbox orders."""
    if sandbox:
        return Product.objects.values_list("stock", flat=True).get(pk=product_id)
    for _attempt in range(5):  # another seller may reserve between the read and the update
        available = stock.stock_available(product_id=product_id)
        if available <= 0 or stock.stock_allocate(product_id=product_id, quantity=available):
            return max(available, 0)
    return 0


def _allocation_give_back(offer: ShowOffer, *, sandbox: bool) -> None:
    """Release what an offer still holds (it leaves the show, or the show ended)."""
    if offer.stock_left and not sandbox:
        stock.allocation_release(product_id=offer.product_id, quantity=offer.stock_left)
    offer.stock_left = 0
    ShowOffer.objects.filter(pk=offer.pk).update(stock_left=0)


# ---------------------------------------------------------------------------
# Products on show
# ---------------------------------------------------------------------------


def show_lock(*, room_id: int) -> Show:
    """The show's row, locked so that the hosts' changes to offers and sales apply one at a time.

    Only the show's: locking through the join would hold the room's row too, which every
    sequenced event (a purchase's ``sale.progress``, each chat message) needs to number
    itself, while this transaction waits for an offer row that a purchase holds: on
    PostgreSQL that was a deadlock, and one of the two users was told "Có lỗi".
    """
    show = Show.objects.select_for_update(of=("self",)).filter(room__pk=room_id).first()
    if show is None:
        raise SellingError.NOT_FOUND.error(_("Không tìm thấy phòng."))
    return show


def _offers_announce(*, room_id: int, show_id: int, author_id: int | None) -> list[dict]:
    """The ``offers`` event with the show's list as it now is; returns its cards."""
    event = frames.offers_event(list(selectors.offers_on_show(show_id=show_id)))
    event_append(room_id=room_id, author_id=author_id, **event)
    return event["payload"]["offers"]


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
    require_host(actor, _("Chỉ người dẫn mới chọn được sản phẩm chào bán."))
    show = show_lock(room_id=room_id)
    if show.state == Show.State.ENDED:
        raise SellingError.INVALID.error(_("Buổi phát đã kết thúc."))
    wanted = list(dict.fromkeys(product_ids))
    products = {p.pk: p for p in selectors.products_offerable(show=show).filter(pk__in=wanted)}
    unknown = [pk for pk in wanted if pk not in products]
    if unknown:
        raise SellingError.NOT_FOUND.error(
            _("Có sản phẩm không thuộc chủ thể của người dẫn."), fields={"product_ids": str(unknown)}
        )
    codes = Counter(products[pid].code.upper() for pid in wanted)
    twice = next((code for code, n in codes.items() if n > 1), None)
    if twice is not None:
        # Buyers order by code ("chốt B01 2"): two products answering to one code would
        # send a buyer's order to whichever of them the lookup found last.
        raise SellingError.INVALID.error(
            _(
                "Hai sản phẩm cùng mã %(code)s: mỗi mã chỉ được chào bán một lần trong buổi phát, vì người mua chốt đơn bằng mã."
            )
            % {"code": twice},
            fields={"product_ids": _("Mỗi mã sản phẩm chỉ một lần.")},
        )
    existing = {o.product_id: o for o in ShowOffer.objects.filter(show=show)}
    leaving = [o for pid, o in existing.items() if pid not in products and o.is_active]
    if FlashSale.objects.filter(offer__in=leaving, ended_at__isnull=True).exists():
        raise SellingError.INVALID.error(_("Sản phẩm đang có flash sale: hãy huỷ flash sale trước khi bỏ sản phẩm."))
    sandbox = owner_for(show).sandbox
    for offer in leaving:
        _allocation_give_back(offer, sandbox=sandbox)
        if offer.intents.exists() or offer.flash_sales.exists():
            offer.is_active, offer.is_pinned, offer.pinned_at = False, False, None
            offer.save(update_fields=["is_active", "is_pinned", "pinned_at"])
        else:
            offer.delete()
    for position, pid in enumerate(wanted):
        offer = existing.get(pid)
        if offer is None:
            units = allocation_take(product_id=pid, sandbox=sandbox) if allocate else 0
            ShowOffer.objects.create(show=show, product=products[pid], position=position, stock_left=units)
        elif offer.position != position or not offer.is_active:
            if not offer.is_active and allocate:
                offer.stock_left = allocation_take(product_id=pid, sandbox=sandbox)
            offer.position, offer.is_active = position, True
            offer.save(update_fields=["position", "is_active", "stock_left"])
    return _offers_announce(room_id=room_id, show_id=show.pk, author_id=actor.user_id)


@transaction.atomic
def show_offers_allocate(*, show_id: int) -> int:
    """Each active offer of a not-yet-ended show that holds nothing takes the product's
    free stock now (a scheduled show's offers are set without allocation); idempotent.
    Returns how many offers took stock."""
    show = Show.objects.select_related("room").get(pk=show_id)
    if show.state == Show.State.ENDED:
        return 0
    sandbox = owner_for(show).sandbox
    taken = 0
    offers = ShowOffer.objects.select_for_update().filter(show=show, is_active=True, stock_left=0)
    for offer in offers:
        units = allocation_take(product_id=offer.product_id, sandbox=sandbox)
        if units:
            ShowOffer.objects.filter(pk=offer.pk).update(stock_left=units)
            taken += 1
    if taken:
        _offers_announce(room_id=show.room.pk, show_id=show.pk, author_id=None)
    return taken


def show_offers_give_back(*, show_id: int) -> None:
    """The show ended: every offer's unsold allocation goes back to the product's stock.

    Call inside the transaction that ends the show (``live.extensions.show_ended``).
    """
    sandbox = owner_for(Show.objects.get(pk=show_id)).sandbox
    for offer in ShowOffer.objects.select_for_update().filter(show_id=show_id, stock_left__gt=0):
        _allocation_give_back(offer, sandbox=sandbox)


@transaction.atomic
def offer_pin(*, room_id: int, actor: Participant, offer_id: int | None) -> dict | None:
    """Pin one offer (``None`` unpins); every viewer's card changes with the ``product.pinned`` event.

    The previous pin is cleared first in the same transaction, under the show's row lock;
    the partial unique constraint keeps "one pinned per show" even if that were bypassed.
    Returns the pinned card (``None`` when unpinned).
    """
    require_host(actor, _("Chỉ người dẫn mới ghim được sản phẩm."))
    show = show_lock(room_id=room_id)
    offer = None
    if offer_id is not None:
        offer = ShowOffer.objects.filter(pk=offer_id, show=show, is_active=True).first()
        if offer is None:
            raise SellingError.NOT_FOUND.error(_("Không tìm thấy sản phẩm này trong buổi phát."))
    ShowOffer.objects.filter(show=show, is_pinned=True).exclude(pk=offer_id).update(is_pinned=False, pinned_at=None)
    card = None
    if offer is not None:
        if not offer.is_pinned:
            offer.is_pinned, offer.pinned_at = True, timezone.now()
            offer.save(update_fields=["is_pinned", "pinned_at"])
        card = frames.offer_card(selectors.offers_on_show(show_id=show.pk).get(pk=offer.pk))
    event_append(room_id=room_id, author_id=actor.user_id, **frames.pinned_event(offer_id=offer_id, card=card))
    return card
