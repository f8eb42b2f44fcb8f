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
from selling.access import require_host, require_login
from selling.errors import SellingError
from selling.idempotency import replayed_outcome
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
    """End a sale once: True if this call ended it (and broadcast ``sale.ended``). Call inside a transaction."""
    now = timezone.now()
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
            with transaction.atomic():
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


def sale_buy(*, room_id: int, actor: Participant, sale_id: int, quantity: int, unit_price: int, key: str) -> dict:
    """Buy ``quantity`` units of an open flash sale at the price the buyer saw; returns the ack.

    Under the sale's row lock: the units are taken from the sale (``sold``) and from the
    show's stock, the order intent and its ``buy`` action are written, and the progress is
    announced, all or nothing. ``(buyer, key)`` is unique: a replayed key returns the
    first outcome and changes nothing. A refusal that ends the sale (time up, show ended,
    last units gone elsewhere) still commits that end before the buyer is told.
    """
    require_login(actor, _("Hãy đăng nhập để mua."))
    if quantity < 1 or quantity > MAX_BUY_QUANTITY:
        raise SellingError.INVALID.error(_("Số lượng không hợp lệ."), fields={"quantity": _("Số lượng không hợp lệ.")})
    if not key:
        raise SellingError.INVALID.error(_("Thiếu khoá chống lặp."))
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
    delivery = selectors.delivery_defaults(user_id=actor.user_id)  # read before the lock, like the intent frames
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
                refusal = SellingError.SOLD_OUT.error()
        if refusal is None:
            return _take(sale, actor=actor, quantity=quantity, key=key, room_id=room_id, delivery=delivery)
    raise refusal


def _sale_for(room_id: int, sale_id: int, *, lock: bool = False) -> FlashSale:
    qs = FlashSale.objects.select_related("offer__product", "offer__show")
    if lock:
        qs = qs.select_for_update(of=("self",))
    sale = qs.filter(pk=sale_id, offer__show__room__pk=room_id).first()
    if sale is None:
        raise SellingError.NOT_FOUND.error(_("Không tìm thấy flash sale này."))
    return sale


def _replayed(user_id: int, key: str, sale_id: int) -> dict | None:
    return replayed_outcome(
        actor_id=user_id,
        key=key,
        same_action=lambda action: action.kind == OrderAction.Kind.BUY and action.outcome.get("sale_id") == sale_id,
    )


def _bought_by(sale: FlashSale, user_id: int) -> int:
    """Units this buyer took in this sale, cancelled or declined ones included: a sale's ``sold``
    never goes back down, so neither does a buyer's share of it."""
    return OrderIntent.objects.filter(flash_sale=sale, buyer_id=user_id).aggregate(n=Sum("quantity"))["n"] or 0


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
            return SellingError.SOLD_OUT.error()
        return SellingError.SALE_ENDED.error()
    if now < sale.opens_at:
        return SellingError.SALE_NOT_OPEN.error()
    if unit_price != sale.sale_price:
        return SellingError.PRICE_CHANGED.error(price=format_vnd(sale.sale_price))
    bought = _bought_by(sale, user_id)
    if bought + quantity > sale.per_buyer_cap:
        left = sale.per_buyer_cap - bought
        if left <= 0:
            return SellingError.CAP_REACHED.error(cap=sale.per_buyer_cap)
        return SellingError.CAP_REACHED.error(
            _("Mỗi người tối đa %(cap)s sản phẩm: bạn chỉ mua thêm được %(left)s."), cap=sale.per_buyer_cap, left=left
        )
    remaining = sale.quantity - sale.sold
    if remaining < 1:
        return SellingError.SOLD_OUT.error()
    if quantity > remaining:
        return SellingError.SOLD_OUT.error(_("Rất tiếc, flash sale chỉ còn %(n)s sản phẩm."), n=remaining)
    return None


def _take(sale: FlashSale, *, actor: Participant, quantity: int, key: str, room_id: int, delivery: dict) -> dict:
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
        intent=intent,
        actor_id=actor.user_id,
        kind=OrderAction.Kind.BUY,
        key=key,
        outcome={**outcome, "sale_id": sale.pk},
    )
    stock_left = ShowOffer.objects.filter(pk=offer.pk).values_list("stock_left", flat=True).get()
    intent_publish(intent)  # its reads come before the room's sequence lock, which chat is waiting for
    event_append(room_id=room_id, **frames.sale_progress_event(sale, stock_left=stock_left))
    if sale.ended_at is not None:
        event_append(room_id=room_id, **frames.sale_ended_event(sale))
    return outcome
