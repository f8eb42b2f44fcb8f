"""The one declared table of allowed moves of an order (django-oscar's ``pipeline``).

``order_transition`` refuses anything that is not a row here: the action must be known,
the order must be in one of its ``sources``, and the actor must hold one of its
``roles``. The table is the whole lifecycle; pages, API and tasks only name actions.

    placed ──confirm──▶ confirmed ──ship──▶ shipped ──confirm_receipt──▶ received
      │                   │                    │   └─record_receipt (organizer, phone call)
      │                   │                    └─refuse_at_door──▶ refused ──return_received──▶ returned
      │                   └─vendor_cancel / organizer_cancel──▶ cancelled
      ├─buyer_cancel / organizer_cancel──▶ cancelled
      └─decline──▶ declined
    received ──record_payment──▶ payment_recorded ──acknowledge_payment──▶ completed
                                                  └─confirm_payment_for_buyer (organizer)
    received / payment_recorded / completed ──refund (dispute decision)──▶ returned
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from orders.models import ActorRole, Status

BUYER, VENDOR, ORGANIZER, SYSTEM = ActorRole.BUYER, ActorRole.VENDOR, ActorRole.ORGANIZER, ActorRole.SYSTEM


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: object
    needs_reason: bool = False
    #: the timestamp field of ``Order`` this move sets
    stamp: str = ""


def _move(action, sources, target, roles, label, **kw) -> Move:
    return Move(action, frozenset(sources), target, frozenset(roles), label, **kw)


MOVES: dict[str, Move] = {
    m.action: m
    for m in [
        _move("confirm", [Status.PLACED], Status.CONFIRMED, [VENDOR], _("Shop xác nhận đơn"), stamp="confirmed_at"),
        _move("decline", [Status.PLACED], Status.DECLINED, [VENDOR], _("Shop từ chối đơn"), needs_reason=True, stamp="closed_at"),
        _move("buyer_cancel", [Status.PLACED], Status.CANCELLED, [BUYER], _("Người mua hủy đơn"), stamp="closed_at"),
        _move(
            "vendor_cancel", [Status.CONFIRMED], Status.CANCELLED, [VENDOR], _("Shop hủy đơn"), needs_reason=True, stamp="closed_at"
        ),
        _move(
            "organizer_cancel",
            [Status.PLACED, Status.CONFIRMED, Status.SHIPPED],
            Status.CANCELLED,
            [ORGANIZER],
            _("Ban tổ chức hủy đơn"),
            needs_reason=True,
            stamp="closed_at",
        ),
        _move("ship", [Status.CONFIRMED], Status.SHIPPED, [VENDOR], _("Shop giao hàng cho vận chuyển"), stamp="shipped_at"),
        _move("confirm_receipt", [Status.SHIPPED], Status.RECEIVED, [BUYER], _("Người mua xác nhận đã nhận hàng"), stamp="received_at"),
        _move(
            "record_receipt",
            [Status.SHIPPED],
            Status.RECEIVED,
            [ORGANIZER],
            _("Ban tổ chức ghi nhận người mua đã nhận hàng"),
            needs_reason=True,
            stamp="received_at",
        ),
        _move(
            "refuse_at_door",
            [Status.SHIPPED],
            Status.REFUSED,
            [VENDOR, ORGANIZER],
            _("Người mua không nhận hàng"),
            needs_reason=True,
            stamp="closed_at",
        ),
        _move("return_received", [Status.REFUSED], Status.RETURNED, [VENDOR, ORGANIZER], _("Shop đã nhận lại hàng hoàn")),
        _move(
            "record_payment", [Status.RECEIVED], Status.PAYMENT_RECORDED, [VENDOR], _("Shop ghi nhận đã thu tiền"),
            stamp="payment_recorded_at",
        ),
        _move(
            "acknowledge_payment", [Status.PAYMENT_RECORDED], Status.COMPLETED, [BUYER], _("Người mua xác nhận đã thanh toán"),
            stamp="completed_at",
        ),
        _move(
            "confirm_payment_for_buyer",
            [Status.PAYMENT_RECORDED],
            Status.COMPLETED,
            [ORGANIZER],
            _("Ban tổ chức xác nhận thanh toán theo lời người mua"),
            needs_reason=True,
            stamp="completed_at",
        ),
        _move(
            "refund",
            [Status.RECEIVED, Status.PAYMENT_RECORDED, Status.COMPLETED],
            Status.RETURNED,
            [ORGANIZER, SYSTEM],
            _("Hoàn tiền theo quyết định khiếu nại"),
            needs_reason=True,
            stamp="closed_at",
        ),
    ]
}

#: States an order never leaves (a dispute's refund is the one move out of ``completed``).
TERMINAL = frozenset({Status.CANCELLED, Status.DECLINED, Status.RETURNED})
#: States in which the order's units are still reserved (not yet shipped, not released).
RESERVING = frozenset({Status.PLACED, Status.CONFIRMED})
#: Moves that give reserved units back to the product.
RELEASES = frozenset({"decline", "buyer_cancel", "vendor_cancel"})
#: The moves that consume reserved units: they leave the shop.
CONSUMES = frozenset({"ship"})
#: The progress shown to the buyer, in order.
PROGRESS = [Status.PLACED, Status.CONFIRMED, Status.SHIPPED, Status.RECEIVED, Status.PAYMENT_RECORDED, Status.COMPLETED]


def allowed_actions(status: str, role: str) -> list[str]:
    """The actions ``role`` may take on an order in ``status`` (what the pages offer)."""
    return [m.action for m in MOVES.values() if status in m.sources and role in m.roles]
