"""Chốt đơn: order intents from chat, the buyer's confirmation card, the host's order board (services).

The room handlers in ``selling.messages.intents`` only validate and delegate here. Three
rules shape the code:

* **Chat is the hot path.** ``chat_posted`` runs after every chat message; the codes on
  offer come from ``selectors.offered_codes`` (cached per room in this process), so a
  room with nothing on offer costs one dictionary lookup, and a comment that is not an
  order costs one parse and no query.
* **One action, one outcome.** Every order-changing action carries the client's
  idempotency key. The ``OrderAction`` row for ``(actor, key)`` is inserted in a
  savepoint *before* the change, under the intent's row lock: a replay (or a second
  tap racing the first) hits the unique constraint, rolls its savepoint back and returns
  the first outcome; a refused action rolls everything back, key included, so a retry
  is judged afresh.
* **Two co-hosts never handle one intent twice.** Claim, release, confirm and decline
  take the intent's row lock and check who holds it.

Stock moves only through ``services.offers.stock_take`` / ``stock_return``: chat intents
take theirs when confirmed; flash-sale intents already hold theirs and give it back when
declined or cancelled. The host's confirmation places the order through
``orders.services.order_place``, the one order path.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from live import order_parser
from live.broadcast import TO_HOSTS, publish_on_commit, to_user
from live.models import Show
from live.owners import owner_for
from live.selectors import HOST, Participant
from orders import services as order_services
from orders.models import Channel
from selling import frames, pricing, selectors
from selling.access import require_host, require_login
from selling.errors import SellingError
from selling.idempotency import replayed_outcome
from selling.models import DeliveryProfile, OrderAction, OrderIntent, ShowOffer
from selling.services.offers import stock_announce, stock_return, stock_take

MAX_QUANTITY = order_parser.DEFAULT_MAX_QUANTITY

Status = OrderIntent.Status
Kind = OrderAction.Kind


def intent_publish(intent: OrderIntent, *, room_id: int | None = None) -> None:
    """After commit, send the intent's current state to the hosts' boards and to the buyer's sockets.

    Directed frames are not replayed: boards and cards re-read their state on reconnect
    (``board.sync`` / ``order.mine``).
    """
    room_id = room_id or intent.show.room.pk
    frame = frames.intent_frame(intent)
    publish_on_commit(room_id, frame, to=TO_HOSTS)
    publish_on_commit(room_id, frame, to=to_user(intent.buyer_id))


def _reply(room_id: int, buyer_id: int, text: str) -> None:
    """A polite note for one buyer only (``order.reply``), sent after commit."""
    if text:
        publish_on_commit(room_id, frames.reply_frame(text), to=to_user(buyer_id))


# ----------------------------------------------------------------------------- chốt đơn


def chat_posted(*, room_id: int, actor: Participant, frame: dict) -> None:
    """Turn an order comment into order intents (called after the chat message is saved).

    Questions and plain chat create nothing; anonymous people cannot chat anyway. The
    hosts' own comments ("Chốt B01 2 hộp đi cả nhà") call for orders, they are not orders
    (analytics counts them the same way).
    """
    if actor.user_id is None or actor.may_host or frame.get("type", "chat") != "chat":
        return
    show_id, codes = selectors.offered_codes(room_id=room_id)
    if not codes or show_id is None:
        return
    text = frame.get("text") or ""
    parsed = order_parser.parse_comment(text, offered_codes=codes.keys(), max_quantity=MAX_QUANTITY)
    if parsed.kind != "order":
        return
    intents_from_comment(
        room_id=room_id,
        show_id=show_id,
        buyer_id=actor.user_id,
        chat_seq=frame.get("seq"),
        comment=text,
        parsed=parsed,
        offer_ids=codes,
    )


@transaction.atomic
def intents_from_comment(
    *,
    room_id: int,
    show_id: int,
    buyer_id: int,
    chat_seq: int | None,
    comment: str,
    parsed: order_parser.ParsedComment,
    offer_ids: dict[str, int],
) -> list[OrderIntent]:
    """Create (or update) the buyer's intents for one parsed order comment; returns the changed ones.

    De-duplication: the buyer's open chat intent for the same offer is not repeated. The
    same quantity again changes nothing (the card is shown again); another quantity
    updates it while it is pending (the buyer is told), and is refused politely once a
    host has claimed it. The buyer's user row is locked (``FOR NO KEY UPDATE``, which
    does not hold up the buyer's next chat message referencing it) so two quick comments
    of one buyer cannot both create; the open intents are locked too, so a comment that
    races a host's claim or confirmation waits for it and sees the new status instead of
    writing a quantity onto an order already confirmed. Stock is checked here but taken
    only at confirmation.
    """
    problems = list(parsed.problems)
    notes: list[str] = []
    changed: list[OrderIntent] = []
    repeated: list[OrderIntent] = []
    if parsed.lines:
        list(get_user_model().objects.select_for_update(no_key=True).filter(pk=buyer_id).values_list("pk", flat=True))
        wanted = [offer_ids[line.code] for line in parsed.lines if line.code in offer_ids]
        offers_by_id = ShowOffer.objects.select_related("product").in_bulk(wanted)
        open_by_offer = {
            intent.offer_id: intent
            for intent in selectors.intents_of_show(show_id=show_id)
            .select_for_update(of=("self",))
            .filter(
                buyer_id=buyer_id,
                source=OrderIntent.Source.CHAT,
                status__in=OrderIntent.OPEN_STATUSES,
                offer_id__in=wanted,
            )
            .order_by("created_at")
        }
        delivery = selectors.delivery_defaults(user_id=buyer_id)
        for line in parsed.lines:
            offer = offers_by_id.get(offer_ids.get(line.code, 0))
            if offer is None or not offer.is_active or offer.show_id != show_id:
                problems.append(order_parser.Problem(order_parser.ProblemKind.UNKNOWN_CODE, code=line.code))
                continue
            if line.quantity > offer.stock_left:
                problems.append(
                    order_parser.Problem(
                        order_parser.ProblemKind.NOT_ENOUGH_STOCK,
                        code=line.code,
                        quantity=line.quantity,
                        limit=offer.stock_left,
                    )
                )
                continue
            key = _chat_key(show_id, chat_seq, line.code)
            existing = open_by_offer.get(offer.pk)
            if existing is not None:
                if existing.quantity == line.quantity:
                    repeated.append(existing)
                elif existing.status == Status.PENDING:
                    existing.quantity = line.quantity
                    existing.unit_price = pricing.unit_price(
                        buyer_id=buyer_id, product=offer.product, quantity=line.quantity
                    )
                    existing.chat_seq, existing.comment = chat_seq, comment[:4096]
                    existing.save(update_fields=["quantity", "unit_price", "chat_seq", "comment", "updated_at"])
                    OrderAction.objects.create(
                        intent=existing,
                        actor_id=buyer_id,
                        kind=Kind.UPDATE,
                        key=key,
                        outcome={"intent": frames.intent_frame(existing)},
                    )
                    changed.append(existing)
                    notes.append(
                        _("Đã đổi số lượng mã %(code)s trong đơn của bạn thành %(quantity)s, theo bình luận mới nhất.")
                        % {"code": line.code, "quantity": line.quantity}
                    )
                else:
                    notes.append(
                        _("Đơn mã %(code)s của bạn đang được shop xử lý; bạn nhắn shop nếu muốn đổi số lượng.")
                        % {"code": line.code}
                    )
                continue
            intent = OrderIntent.objects.create(
                show_id=show_id,
                offer=offer,
                buyer_id=buyer_id,
                source=OrderIntent.Source.CHAT,
                chat_seq=chat_seq,
                comment=comment[:4096],
                product_code=offer.product.code,
                product_name=offer.product.name,
                unit_price=pricing.unit_price(buyer_id=buyer_id, product=offer.product, quantity=line.quantity),
                quantity=line.quantity,
                **delivery,
            )
            intent = selectors.intents_of_show(show_id=show_id).get(pk=intent.pk)
            OrderAction.objects.create(
                intent=intent,
                actor_id=buyer_id,
                kind=Kind.CREATE,
                key=key,
                outcome={"intent": frames.intent_frame(intent)},
            )
            open_by_offer[offer.pk] = intent
            changed.append(intent)
    for intent in changed:
        intent_publish(intent)
    for intent in repeated:  # the buyer may not have seen the card: show it again, the board already has it
        publish_on_commit(room_id, frames.intent_frame(intent), to=to_user(buyer_id))
    text = " ".join(part for part in [order_parser.problem_reply(problems), *notes] if part)
    _reply(room_id, buyer_id, text)
    return changed


def _chat_key(show_id: int, chat_seq: int | None, code: str) -> str:
    """The idempotency key of a chat line: the same saved comment is never turned into orders twice."""
    seq = chat_seq if chat_seq is not None else f"t{time.time_ns()}"
    return f"chat:{show_id}:{seq}:{code}"[:64]


# ----------------------------------------------------------------------------- one action, once


def _act(
    *, room_id: int, actor: Participant, intent_id: int, key: str, kind: str, change: Callable[[OrderIntent], None]
) -> dict:
    """Run ``change`` on the intent once per ``(actor, key)``; returns ``{"intent": frame}``.

    Locking: the intent row (``FOR NO KEY UPDATE``: rows that merely reference the intent
    are not held up) for the whole action, so claims, confirmations and buyer edits of
    one intent are serialised; the ``OrderAction``
    insert in a savepoint is the idempotency guard, also against a concurrent replay
    (it waits for the first transaction, then fails on the unique constraint).
    """
    require_login(actor)
    show_id = selectors.show_id_of_room(room_id=room_id)
    with transaction.atomic():
        intent = (
            selectors.intents_of_show(show_id=show_id)
            .select_for_update(of=("self",), no_key=True)
            .filter(pk=intent_id)
            .first()
        )
        if intent is None:
            raise SellingError.NOT_FOUND.error(_("Không tìm thấy đơn này trong buổi live."))
        stored = _stored_outcome(actor.user_id, key, kind, intent_id)
        if stored is not None:
            return stored
        try:
            with transaction.atomic():
                action = OrderAction.objects.create(
                    intent=intent, actor_id=actor.user_id, kind=kind, key=key, outcome={}
                )
        except IntegrityError:
            stored = _stored_outcome(actor.user_id, key, kind, intent_id)
            if stored is None:
                raise
            return stored
        change(intent)
        intent.save()
        intent = selectors.intents_of_show(show_id=show_id).get(pk=intent.pk)
        outcome = {"intent": frames.intent_frame(intent)}
        action.outcome = outcome
        action.save(update_fields=["outcome"])
        intent_publish(intent)
    return outcome


def _stored_outcome(actor_id: int, key: str, kind: str, intent_id: int) -> dict | None:
    return replayed_outcome(
        actor_id=actor_id, key=key, same_action=lambda action: action.kind == kind and action.intent_id == intent_id
    )


def _refuse_closed(intent: OrderIntent) -> None:
    if intent.status not in OrderIntent.OPEN_STATUSES:
        raise SellingError.ALREADY_DECIDED.error(status=intent.get_status_display())


def _refuse_claimed_by_other(intent: OrderIntent, actor: Participant) -> None:
    if intent.status == Status.CLAIMED and intent.claimed_by_id != actor.user_id:
        raise SellingError.ALREADY_CLAIMED.error(name=frames.user_display_name(intent.claimed_by) or "?")


def _require_board(actor: Participant) -> None:
    require_host(actor, _("Chỉ người dẫn và đồng dẫn mới xử lý được đơn."))


# ----------------------------------------------------------------------------- the buyer's card


def _own_pending(intent: OrderIntent, actor: Participant) -> None:
    if intent.buyer_id != actor.user_id:
        raise SellingError.NOT_FOUND.error(_("Không tìm thấy đơn này trong buổi live."))
    if intent.status != Status.PENDING:
        raise SellingError.NOT_PENDING.error()


def order_update(
    *,
    room_id: int,
    actor: Participant,
    intent_id: int,
    key: str,
    quantity: int,
    delivery: dict | None = None,
    note: str | None = None,
) -> dict:
    """The buyer edits a pending intent: quantity, delivery details (remembered for next time), note."""
    try:
        cleaned = order_services.delivery_clean(**delivery) if delivery is not None else None
    except ApplicationError as exc:
        raise SellingError.of(exc) from None
    if note is not None and len(note) > 300:
        raise SellingError.INVALID.error(
            _("Ghi chú dài quá 300 ký tự."), fields={"note": _("Ghi chú dài quá 300 ký tự.")}
        )

    def change(intent: OrderIntent) -> None:
        _own_pending(intent, actor)
        if quantity != intent.quantity:
            if quantity < 1 or quantity > MAX_QUANTITY:
                raise SellingError.INVALID.error(
                    _("Số lượng phải từ 1 đến %(max)s.") % {"max": MAX_QUANTITY}, fields={"quantity": ""}
                )
            if intent.source == OrderIntent.Source.FLASH_SALE:
                raise SellingError.INVALID.error(_("Số lượng mua flash sale không đổi được."), fields={"quantity": ""})
            left = ShowOffer.objects.values_list("stock_left", flat=True).get(pk=intent.offer_id)
            if quantity > left:
                raise SellingError.NOT_ENOUGH_STOCK.error(code=intent.product_code, left=left, fields={"quantity": ""})
            intent.quantity = quantity
            intent.unit_price = pricing.unit_price(
                buyer_id=intent.buyer_id, product=intent.offer.product, quantity=quantity
            )
        if cleaned is not None:
            intent.delivery_name, intent.delivery_phone, intent.delivery_address = (
                cleaned["name"],
                cleaned["phone"],
                cleaned["address"],
            )
            DeliveryProfile.objects.update_or_create(user_id=actor.user_id, defaults=cleaned)
        if note is not None:
            intent.note = " ".join(note.split())

    return _act(room_id=room_id, actor=actor, intent_id=intent_id, key=key, kind=Kind.UPDATE, change=change)


def order_cancel(*, room_id: int, actor: Participant, intent_id: int, key: str) -> dict:
    """The buyer cancels a pending intent; a flash-sale intent gives its units back."""

    def change(intent: OrderIntent) -> None:
        _own_pending(intent, actor)
        if intent.source == OrderIntent.Source.FLASH_SALE:
            stock_return(offer_id=intent.offer_id, quantity=intent.quantity)
            stock_announce(offer_id=intent.offer_id, author_id=actor.user_id)
        intent.status = Status.CANCELLED
        intent.decided_by_id, intent.decided_at = actor.user_id, timezone.now()

    return _act(room_id=room_id, actor=actor, intent_id=intent_id, key=key, kind=Kind.CANCEL, change=change)


# ----------------------------------------------------------------------------- the order board


def board_claim(*, room_id: int, actor: Participant, intent_id: int, key: str) -> dict:
    """A host takes an intent to handle; one already claimed by someone else is refused with their name."""
    _require_board(actor)

    def change(intent: OrderIntent) -> None:
        _refuse_closed(intent)
        _refuse_claimed_by_other(intent, actor)
        if intent.status == Status.PENDING:
            intent.status = Status.CLAIMED
            intent.claimed_by_id, intent.claimed_at = actor.user_id, timezone.now()

    return _act(room_id=room_id, actor=actor, intent_id=intent_id, key=key, kind=Kind.CLAIM, change=change)


def board_release(*, room_id: int, actor: Participant, intent_id: int, key: str) -> dict:
    """Give a claimed intent back to the board: one's own claim, or any claim for the show's host."""
    _require_board(actor)

    def change(intent: OrderIntent) -> None:
        _refuse_closed(intent)
        if intent.status != Status.CLAIMED:
            return
        if actor.role != HOST:
            _refuse_claimed_by_other(intent, actor)
        intent.status = Status.PENDING
        intent.claimed_by_id, intent.claimed_at = None, None

    return _act(room_id=room_id, actor=actor, intent_id=intent_id, key=key, kind=Kind.RELEASE, change=change)


def board_confirm(*, room_id: int, actor: Participant, intent_id: int, key: str) -> dict:
    """Accept a pending intent (or one claimed by the actor): it becomes an order.

    The order is placed through ``orders.services.order_place``, the one order path, in
    the same transaction: the buyer's delivery details must be complete, a chat intent
    takes its units from the show's allocation now (refused if too few are left), a
    flash-sale intent already holds its own. The order takes those units over
    (``held=True``); a practice room's orders are sandbox orders. A refusal of the orders
    app reaches the host in this app's codes (``SellingError.of``).
    """
    _require_board(actor)

    def change(intent: OrderIntent) -> None:
        _refuse_closed(intent)
        _refuse_claimed_by_other(intent, actor)
        delivery = {"name": intent.delivery_name, "phone": intent.delivery_phone, "address": intent.delivery_address}
        try:
            order_services.delivery_clean(**delivery)
        except ApplicationError as exc:
            raise SellingError.DELIVERY_MISSING.error(fields=exc.fields) from None
        if intent.source == OrderIntent.Source.CHAT:
            if stock_take(offer_id=intent.offer_id, quantity=intent.quantity) is None:
                left = ShowOffer.objects.values_list("stock_left", flat=True).get(pk=intent.offer_id)
                raise SellingError.NOT_ENOUGH_STOCK.error(
                    _("Không đủ hàng: mã %(code)s chỉ còn %(left)s sản phẩm."), code=intent.product_code, left=left
                )
            stock_announce(offer_id=intent.offer_id, author_id=actor.user_id)
        show = Show.objects.get(pk=intent.show_id)
        owner = owner_for(show)
        offer = ShowOffer.objects.select_related("product").get(pk=intent.offer_id)
        try:
            order = order_services.order_place(
                buyer_id=intent.buyer_id,
                vendor_id=offer.product.vendor_id,
                placed_by_id=actor.user_id,
                client_key=f"intent:{intent.pk}",
                channel=Channel.FLASH_SALE if intent.source == OrderIntent.Source.FLASH_SALE else Channel.CHOT_DON,
                lines=[
                    order_services.LineRequest(
                        product_id=offer.product_id, quantity=intent.quantity, unit_price=intent.unit_price
                    )
                ],
                delivery=delivery,
                note=intent.note,
                source_kind="show",
                source_id=show.pk,
                source_label=owner.source_label(show),
                sandbox=owner.sandbox,
                held=True,
            )
        except ApplicationError as exc:
            raise SellingError.of(exc) from None
        now = timezone.now()
        intent.status = Status.CONFIRMED
        intent.order = order
        if intent.claimed_by_id is None:
            intent.claimed_by_id, intent.claimed_at = actor.user_id, now
        intent.decided_by_id, intent.decided_at = actor.user_id, now

    return _act(room_id=room_id, actor=actor, intent_id=intent_id, key=key, kind=Kind.CONFIRM, change=change)


def board_decline(*, room_id: int, actor: Participant, intent_id: int, key: str, reason: str) -> dict:
    """Decline with a reason the buyer sees; a flash-sale intent gives its units back."""
    _require_board(actor)
    reason = " ".join(reason.split())
    if not reason:
        raise SellingError.INVALID.error(_("Hãy ghi lý do từ chối."), fields={"reason": _("Hãy ghi lý do từ chối.")})
    if len(reason) > 300:
        raise SellingError.INVALID.error(
            _("Lý do dài quá 300 ký tự."), fields={"reason": _("Lý do dài quá 300 ký tự.")}
        )

    def change(intent: OrderIntent) -> None:
        _refuse_closed(intent)
        _refuse_claimed_by_other(intent, actor)
        if intent.source == OrderIntent.Source.FLASH_SALE:
            stock_return(offer_id=intent.offer_id, quantity=intent.quantity)
            stock_announce(offer_id=intent.offer_id, author_id=actor.user_id)
        intent.status = Status.DECLINED
        intent.decline_reason = reason
        intent.decided_by_id, intent.decided_at = actor.user_id, timezone.now()

    return _act(room_id=room_id, actor=actor, intent_id=intent_id, key=key, kind=Kind.DECLINE, change=change)
