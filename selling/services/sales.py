"""Flash sales: start, cancel, buy, and the end of a sale (services).

* One flash sale at a time per show. A sale counts down, opens for its duration, and ends
  sold out, by time, cancelled by the host, or with the show.
* A purchase takes its units under a row lock on the sale (``SELECT … FOR UPDATE``)
  inside one transaction, so two buyers can never take the last unit twice; ``sold <=
  quantity`` is also a check constraint, a net under the lock.
* Ending is idempotent (``UPDATE … WHERE ended_at IS NULL``): the sale's end task on the
  worker (``selling.tasks``), a late buy and a room-state read may all try; one wins, one
  ``sale.ended`` event is broadcast.

Every refusal is a ``SellingError`` (``selling.errors``) in the socket's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from core.money import format_vnd
from live.models import Show
from live.selectors import Participant
from live.services import event_append
from selling import frames, selectors
from selling.access import require_host
from selling.errors import SellingError
from selling.idempotency import key_reused, replay_of
from selling.models import FlashSale, OrderAction, OrderIntent, ShowOffer
from selling.services.intents import intent_publish
from selling.services.offers import show_lock, stock_take
from selling.tasks import sale_close_schedule

COUNTDOWN_RANGE = (10, 300)
DURATION_RANGE = (60, 1200)
MAX_BUY_QUANTITY = 100


# ---------------------------------------------------------------------------
# The end of a sale
# ---------------------------------------------------------------------------


def _sale_end(*, sale_id: int, reason: str, room_id: int) -> bool:
    """End a sale once: True if this call ended it (and broadcast ``sale.ended``).

    The end and its event commit together: in the caller's transaction, or in one of
    their own when there is none (a buyer's first look at the sale, which reads outside one).
    """
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        if not FlashSale.objects.filter(pk=sale_id, ended_at__isnull=True).update(ended_at=now, end_reason=reason):
            return False
        event_append(room_id=room_id, **frames.sale_ended_event(FlashSale.objects.get(pk=sale_id)))
    return True


def sales_close_due(*, show_id: int | None = None, sale_id: int | None = None) -> int:
    """End every sale whose time is up or whose show has ended; how many this call ended.

    Idempotent and safe to call from anywhere (the end task, a buy, a room-state read):
    the conditional UPDATE lets exactly one caller end a sale and announce it.
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
            ended += _sale_end(sale_id=pk, reason=reasons, room_id=room_id)
    return ended


# ---------------------------------------------------------------------------
# The host's side
# ---------------------------------------------------------------------------


def _validate_sale(
    *, offer: ShowOffer, sale_price, quantity, per_buyer_cap, countdown_seconds, duration_seconds
) -> None:
    errors: dict[str, str] = {}
    price = int(offer.product.price)
    if not 0 < sale_price < price:
        errors["sale_price"] = _("Giá sale phải lớn hơn 0 và thấp hơn giá bán %(price)s.") % {
            "price": format_vnd(price)
        }
    if quantity < 1 or quantity > offer.stock_left:
        errors["quantity"] = _("Số lượng phải từ 1 đến %(n)s (số còn lại của sản phẩm trong buổi này).") % {
            "n": offer.stock_left
        }
    if per_buyer_cap < 1 or per_buyer_cap > max(quantity, 1):
        errors["per_buyer_cap"] = _("Mỗi người được mua từ 1 đến %(n)s sản phẩm (không quá số lượng sale).") % {
            "n": max(quantity, 1)
        }
    if not COUNTDOWN_RANGE[0] <= countdown_seconds <= COUNTDOWN_RANGE[1]:
        errors["countdown_seconds"] = _("Đếm ngược từ %(a)s đến %(b)s giây.") % {
            "a": COUNTDOWN_RANGE[0],
            "b": COUNTDOWN_RANGE[1],
        }
    if not DURATION_RANGE[0] <= duration_seconds <= DURATION_RANGE[1]:
        errors["duration_seconds"] = _("Thời gian mở bán từ %(a)s đến %(b)s giây (1 đến 20 phút).") % {
            "a": DURATION_RANGE[0],
            "b": DURATION_RANGE[1],
        }
    if errors:
        raise SellingError.INVALID.error(_("Flash sale chưa hợp lệ: hãy sửa các ô được đánh dấu."), fields=errors)


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
    require_host(actor, _("Chỉ người dẫn mới mở được flash sale."))
    with transaction.atomic():
        show = show_lock(room_id=room_id)
        if show.state != Show.State.LIVE:
            raise SellingError.INVALID.error(_("Chỉ mở được flash sale khi buổi phát đang diễn ra."))
        offer = ShowOffer.objects.filter(pk=offer_id, show=show, is_active=True).select_related("product").first()
        if offer is None:
            raise SellingError.NOT_FOUND.error(_("Không tìm thấy sản phẩm này trong buổi phát."))
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
        for pk in FlashSale.objects.filter(offer__show=show, ended_at__isnull=True, closes_at__lte=now).values_list(
            "pk", flat=True
        ):
            _sale_end(sale_id=pk, reason=FlashSale.EndReason.TIME, room_id=room_id)
        if FlashSale.objects.filter(offer__show=show, ended_at__isnull=True).exists():
            raise SellingError.INVALID.error(_("Đang có một flash sale khác: mỗi lúc chỉ một flash sale."))
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
        event_append(room_id=room_id, author_id=actor.user_id, **frames.sale_scheduled_event(sale, now=now))
        # The end is a task on the worker, queued in this transaction: it exists exactly when the sale does.
        sale_close_schedule(sale_id=sale.pk, at=sale.closes_at)
    return sale


@transaction.atomic
def sale_cancel(*, room_id: int, actor: Participant, sale_id: int) -> None:
    """The host stops a sale (counting down or open); what was bought stays bought."""
    require_host(actor, _("Chỉ người dẫn mới huỷ được flash sale."))
    sale = FlashSale.objects.filter(pk=sale_id, offer__show__room__pk=room_id).first()
    if sale is None:
        raise SellingError.NOT_FOUND.error(_("Không tìm thấy flash sale này."))
    if not _sale_end(sale_id=sale.pk, reason=FlashSale.EndReason.CANCELLED, room_id=room_id):
        raise SellingError.SALE_ENDED.error()


# ---------------------------------------------------------------------------
# The buyer's side
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Purchase:
    """One buyer's press of "buy" (``sale.buy``): what they saw and their idempotency key."""

    actor: Participant
    quantity: int
    unit_price: int
    key: str


def sale_buy(*, room_id: int, actor: Participant, sale_id: int, quantity: int, unit_price: int, key: str) -> dict:
    """Buy ``quantity`` units of an open flash sale at the price the buyer saw; returns the ack.

    A batch of one (``sales_buy``): raises the refusal instead of returning it.
    """
    (result,) = sales_buy(
        room_id=room_id,
        sale_id=sale_id,
        purchases=[Purchase(actor=actor, quantity=quantity, unit_price=unit_price, key=key)],
    )
    if isinstance(result, ApplicationError):
        raise result
    return result


def sales_buy(*, room_id: int, sale_id: int, purchases: list[Purchase]) -> list[dict | ApplicationError]:
    """The buys of one sale that arrived together, in arrival order: one ack or refusal each.

    Under the sale's row lock, in one transaction: the units are taken from the sale
    (``sold``) and from the show's stock, each winner's order intent and ``buy`` action
    are written, and the progress is announced once, all or nothing. A sale's opening
    rush sends hundreds of buys within a second; the room's socket layer
    (``selling.desk``) hands over those that queued while the last batch was in the
    database, so the lock is taken once per batch instead of once per buy (``make drill``:
    docs/benchmarks.md). First come, first served within a batch as between batches.

    ``(buyer, key)`` is unique: a replayed key returns the first outcome and changes
    nothing, in the same batch too (a double tap). A refusal that ends the sale (time up,
    show ended, last units gone elsewhere) still commits that end before the buyers are told.
    """
    results: list[dict | ApplicationError | None] = [_invalid(p) for p in purchases]
    todo = [i for i, r in enumerate(results) if r is None]
    _answer_replays(results, todo, purchases, sale_id)
    todo = [i for i in todo if results[i] is None]
    if not todo:
        return results
    # A first look without the lock, and outside a transaction (a sale it finds due to
    # end is ended in one of its own). Every refusal below stays true once true (a sale
    # never reopens, ``sold`` and a buyer's purchases only grow, prices never change), so
    # in a rush the losers are told at once instead of queueing for the lock.
    sale = _sale_for(room_id, sale_id)
    sale_refusal = _sale_refusal(sale, room_id=room_id)
    if sale_refusal is None:
        with transaction.atomic():
            sale = _sale_for(room_id, sale_id, lock=True)
            _answer_replays(results, todo, purchases, sale_id)  # the same keys may have won the lock just before us
            todo = [i for i in todo if results[i] is None]
            sale_refusal = _sale_refusal(sale, room_id=room_id) if todo else None
            if sale_refusal is None and todo:
                _take(sale, results=results, todo=todo, purchases=purchases, room_id=room_id)
    for i in todo:
        if results[i] is None:
            results[i] = sale_refusal
    # (A double tap whose twin has just committed elsewhere is a replay, not a refusal.)
    refused = [i for i in todo if isinstance(results[i], ApplicationError)]
    if refused:
        _answer_replays(results, refused, purchases, sale_id, overwrite=True)
    return results


def _invalid(purchase: Purchase) -> ApplicationError | None:
    """What is wrong with the request itself (not with the sale), or None."""
    if purchase.actor.user_id is None:
        return SellingError.AUTH_REQUIRED.error(_("Hãy đăng nhập để mua."))
    if purchase.quantity < 1 or purchase.quantity > MAX_BUY_QUANTITY:
        return SellingError.INVALID.error(_("Số lượng không hợp lệ."), fields={"quantity": _("Số lượng không hợp lệ.")})
    if not purchase.key:
        return SellingError.INVALID.error(_("Thiếu khoá chống lặp."))
    return None


def _answer_replays(
    results: list, indexes: list[int], purchases: list[Purchase], sale_id: int, *, overwrite=False
) -> None:
    """Answer, from the stored actions, every purchase whose key was already used (one query)."""
    if not indexes:
        return
    wanted = {(purchases[i].actor.user_id, purchases[i].key) for i in indexes}
    stored = {
        (a.actor_id, a.key): a
        for a in OrderAction.objects.filter(
            actor_id__in={user for user, _key in wanted}, key__in={key for _user, key in wanted}
        )
        .only("actor_id", "key", "kind", "outcome")
        .order_by()  # a lookup by key: the model's ordering would only add a sort
    }
    for i in indexes:
        action = stored.get((purchases[i].actor.user_id, purchases[i].key))
        if action is None or (results[i] is not None and not overwrite):
            continue
        if action.kind != OrderAction.Kind.BUY or action.outcome.get("sale_id") != sale_id:
            results[i] = key_reused()
        else:
            results[i] = replay_of(action.outcome)


def _sale_for(room_id: int, sale_id: int, *, lock: bool = False) -> FlashSale:
    qs = FlashSale.objects.select_related("offer__product", "offer__show")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:  # ``get``, not ``first``: no ORDER BY to build and run on every purchase
        return qs.get(pk=sale_id, offer__show__room__pk=room_id)
    except FlashSale.DoesNotExist:
        raise SellingError.NOT_FOUND.error(_("Không tìm thấy flash sale này.")) from None


def _sale_refusal(sale: FlashSale, *, room_id: int) -> ApplicationError | None:
    """Why nobody can buy in this sale now (ending the sale first where that is the reason), or None."""
    now = timezone.now()
    if sale.ended_at is None and sale.offer.show.state == Show.State.ENDED:
        _sale_end(sale_id=sale.pk, reason=FlashSale.EndReason.SHOW_ENDED, room_id=room_id)
        sale.ended_at, sale.end_reason = now, FlashSale.EndReason.SHOW_ENDED
    if sale.ended_at is None and now >= sale.closes_at:
        _sale_end(sale_id=sale.pk, reason=FlashSale.EndReason.TIME, room_id=room_id)
        sale.ended_at, sale.end_reason = now, FlashSale.EndReason.TIME
    if sale.ended_at is not None:
        if sale.end_reason == FlashSale.EndReason.SOLD_OUT:
            return SellingError.SOLD_OUT.error()
        return SellingError.SALE_ENDED.error()
    if now < sale.opens_at:
        return SellingError.SALE_NOT_OPEN.error()
    if sale.sold >= sale.quantity:
        return SellingError.SOLD_OUT.error()
    return None


def _purchase_refusal(sale: FlashSale, purchase: Purchase, *, bought: int, sold: int) -> ApplicationError | None:
    """Why this buyer cannot have these units, given what they (``bought``) and everyone (``sold``) took so far."""
    if purchase.unit_price != sale.sale_price:
        return SellingError.PRICE_CHANGED.error(price=format_vnd(sale.sale_price))
    if bought + purchase.quantity > sale.per_buyer_cap:
        left = sale.per_buyer_cap - bought
        if left <= 0:
            return SellingError.CAP_REACHED.error(cap=sale.per_buyer_cap)
        return SellingError.CAP_REACHED.error(
            _("Mỗi người tối đa %(cap)s sản phẩm: bạn chỉ mua thêm được %(left)s."), cap=sale.per_buyer_cap, left=left
        )
    remaining = sale.quantity - sold
    if remaining < 1:
        return SellingError.SOLD_OUT.error()
    if purchase.quantity > remaining:
        return SellingError.SOLD_OUT.error(_("Rất tiếc, flash sale chỉ còn %(n)s sản phẩm."), n=remaining)
    return None


def _take(sale: FlashSale, *, results: list, todo: list[int], purchases: list[Purchase], room_id: int) -> None:
    """The winning path of ``sales_buy`` (inside its transaction, holding the sale's lock)."""
    buyer_ids = {purchases[i].actor.user_id for i in todo}
    bought = dict(
        OrderIntent.objects.filter(flash_sale=sale, buyer_id__in=buyer_ids)
        .order_by()  # the model orders by show, which would join the show into a sum
        .values_list("buyer_id")
        .annotate(n=Sum("quantity"))
        .values_list("buyer_id", "n")
    )
    sold, winners, first_of_key = sale.sold, [], {}
    for i in todo:
        purchase = purchases[i]
        twin = first_of_key.setdefault((purchase.actor.user_id, purchase.key), i)
        if twin != i:
            continue  # a double tap in the same batch: answered as its twin below
        refusal = _purchase_refusal(sale, purchase, bought=bought.get(purchase.actor.user_id, 0), sold=sold)
        if refusal is not None:
            results[i] = refusal
            continue
        bought[purchase.actor.user_id] = bought.get(purchase.actor.user_id, 0) + purchase.quantity
        sold += purchase.quantity
        winners.append(i)
    winners, stock_left = _within_stock(sale, winners=winners, results=results, purchases=purchases, room_id=room_id)
    if winners:
        _write_winners(
            sale, winners=winners, results=results, purchases=purchases, room_id=room_id, stock_left=stock_left
        )
    for i in todo:
        twin = first_of_key[(purchases[i].actor.user_id, purchases[i].key)]
        if twin != i:
            outcome = results[twin]
            results[i] = (
                outcome if isinstance(outcome, ApplicationError) else replay_of({**outcome, "sale_id": sale.pk})
            )


def _within_stock(
    sale: FlashSale, *, winners: list[int], results: list, purchases: list[Purchase], room_id: int
) -> tuple[list[int], int | None]:
    """The winners the show's stock still covers, and the stock left after them; the rest
    are told "sold out" and the sale ends.

    The stock is shared with chat orders: usually the sale's units are all there, and one
    conditional UPDATE takes them all.
    """
    if not winners:
        return winners, None
    stock_left = stock_take(offer_id=sale.offer_id, quantity=sum(purchases[i].quantity for i in winners))
    if stock_left is not None:
        return winners, stock_left
    left = ShowOffer.objects.select_for_update().filter(pk=sale.offer_id).values_list("stock_left", flat=True).get()
    kept, taken = [], 0
    for i in winners:
        if taken + purchases[i].quantity <= left:
            kept.append(i)
            taken += purchases[i].quantity
        else:
            results[i] = SellingError.SOLD_OUT.error()
    if taken:
        stock_take(offer_id=sale.offer_id, quantity=taken)  # under the row lock taken above: it cannot fall short
    if left - taken < 1:  # the show's stock ran out under the sale (chat orders took it): the sale is over
        if kept:
            sale.ended_at, sale.end_reason = timezone.now(), FlashSale.EndReason.SOLD_OUT  # saved with the winners
        else:
            _sale_end(sale_id=sale.pk, reason=FlashSale.EndReason.SOLD_OUT, room_id=room_id)
    return kept, left - taken


def _write_winners(
    sale: FlashSale, *, winners: list[int], results: list, purchases: list[Purchase], room_id: int, stock_left: int
) -> None:
    """Write the winners' intents and actions, move the sale, and tell the room once
    (``stock_left``: the show's stock after the winners' units left it)."""
    now = timezone.now()
    sale.sold += sum(purchases[i].quantity for i in winners)
    if sale.sold >= sale.quantity and sale.ended_at is None:
        sale.ended_at, sale.end_reason = now, FlashSale.EndReason.SOLD_OUT
    sale.save(update_fields=["sold", "ended_at", "end_reason"])
    offer, product = sale.offer, sale.offer.product
    buyer_ids = {purchases[i].actor.user_id for i in winners}
    buyers = selectors.buyers_with_delivery(user_ids=buyer_ids)
    intents = OrderIntent.objects.bulk_create(
        [
            OrderIntent(
                show_id=offer.show_id,
                offer=offer,
                buyer_id=purchases[i].actor.user_id,
                source=OrderIntent.Source.FLASH_SALE,
                flash_sale=sale,
                product_code=product.code,
                product_name=product.name,
                unit_price=sale.sale_price,
                quantity=purchases[i].quantity,
                status=OrderIntent.Status.PENDING,
                **selectors.delivery_of(buyers[purchases[i].actor.user_id]),
            )
            for i in winners
        ]
    )
    sold, actions = sale.sold - sum(purchases[i].quantity for i in winners), []
    for i, intent in zip(winners, intents, strict=True):
        sold += purchases[i].quantity
        results[i] = {"intent_id": intent.pk, "quantity": intent.quantity, "remaining": sale.quantity - sold}
        actions.append(
            OrderAction(
                intent=intent,
                actor_id=intent.buyer_id,
                kind=OrderAction.Kind.BUY,
                key=purchases[i].key,
                outcome={**results[i], "sale_id": sale.pk},
            )
        )
        intent.buyer = buyers[intent.buyer_id]
        intent_publish(intent, room_id=room_id)
    OrderAction.objects.bulk_create(actions)
    event_append(room_id=room_id, **frames.sale_progress_event(sale, stock_left=stock_left))
    if sale.ended_at is not None:
        event_append(room_id=room_id, **frames.sale_ended_event(sale))
