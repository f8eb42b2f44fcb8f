"""What the organizers attest about an order, decided from its history alone.

The home page promises that the organizers confirm every order. What they confirm is
exactly this sentence, shown on the order as a badge:

    "Ban tổ chức xác nhận: người mua đã nhận đúng hàng, đúng chất lượng và đã thanh toán đủ."

and it is shown only when the order's append-only history (``OrderEvent``, which the
database refuses to change) proves each part of it:

1. the buyer confirmed receipt saying the goods match the description
   (``confirm_receipt`` by the buyer with ``goods_match=True``), or an organizer recorded
   it from the buyer's phone call (``record_receipt`` with ``goods_match=True``);
2. after that, the vendor recorded payment of the whole total (``record_payment`` with
   ``amount == order.total``);
3. after that, the buyer acknowledged the payment (``acknowledge_payment``), or an
   organizer did on the buyer's word (``confirm_payment_for_buyer``);
4. the order is completed, is a real order (never a practice one), has no dispute that
   is not yet decided, and no dispute the organizers upheld (a refund, a partial refund or
   a replacement says the goods were not right; only a rejected dispute leaves the
   statement true).

A pure function: no query of its own. The caller hands it the order, its events and its
disputes (``orders.selectors`` prefetch them for lists).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from orders.models import ActorRole, Status

#: The one sentence the badge says; the home page's promise says the same.
STATEMENT = _("Ban tổ chức xác nhận: người mua đã nhận đúng hàng, đúng chất lượng và đã thanh toán đủ")

RECEIPT_BY = {"confirm_receipt": ActorRole.BUYER, "record_receipt": ActorRole.ORGANIZER}
#: A dispute decided so says the goods were not what the buyer was promised.
UPHELD = frozenset({"refund", "partial_refund", "replacement"})
ACKNOWLEDGED_BY = {"acknowledge_payment": ActorRole.BUYER, "confirm_payment_for_buyer": ActorRole.ORGANIZER}


@dataclass(frozen=True)
class Attestation:
    attested: bool
    #: what is still missing, in the user's language (empty when attested)
    missing: list = field(default_factory=list)
    receipt_event: object | None = None
    payment_event: object | None = None
    acknowledgement_event: object | None = None

    @property
    def statement(self):
        return STATEMENT

    def __bool__(self) -> bool:
        return self.attested


def _ordered(events: Iterable) -> list:
    return sorted(events, key=lambda e: (e.created_at, e.pk or 0))


def order_attestation(order, events: Iterable, disputes: Iterable = ()) -> Attestation:
    """Does the history prove the statement for ``order``? See the module's docstring."""
    history = [e for e in _ordered(events) if e.order_id == order.pk]
    receipt = payment = acknowledgement = None
    for event in history:
        if RECEIPT_BY.get(event.action) == event.actor_role and (event.data or {}).get("goods_match") is True:
            receipt, payment, acknowledgement = event, None, None
        elif event.action == "record_payment" and event.actor_role == ActorRole.VENDOR and receipt is not None:
            amount = (event.data or {}).get("amount")
            if isinstance(amount, int) and not isinstance(amount, bool) and amount == order.total:
                payment, acknowledgement = event, None
        elif ACKNOWLEDGED_BY.get(event.action) == event.actor_role and payment is not None:
            acknowledgement = event
    missing = []
    if order.sandbox:
        missing.append(_("Đơn thực hành: ban tổ chức không xác nhận."))
    if receipt is None:
        missing.append(_("Người mua chưa xác nhận đã nhận hàng đúng mô tả."))
    if payment is None:
        missing.append(_("Shop chưa ghi nhận đã thu đủ tiền."))
    if acknowledgement is None:
        missing.append(_("Người mua chưa xác nhận đã thanh toán."))
    disputes = list(disputes)
    if any(getattr(d, "state", "decided") != "decided" for d in disputes):
        missing.append(_("Đơn đang có khiếu nại chưa giải quyết."))
    if any(getattr(d, "state", "") == "decided" and getattr(d, "decision", "") in UPHELD for d in disputes):
        missing.append(_("Ban tổ chức đã chấp nhận khiếu nại của người mua về đơn này (hoàn tiền hoặc đổi hàng)."))
    if order.status != Status.COMPLETED:
        missing.append(_("Đơn chưa hoàn thành."))
    return Attestation(
        attested=not missing,
        missing=missing,
        receipt_event=receipt,
        payment_event=payment,
        acknowledgement_event=acknowledgement,
    )
