"""The organizers' flags and blocks on buyers, across the whole program.

* ``buyer_flag``: an organizer marks a buyer "cần lưu ý" (vendors see it beside the buyer's
  record before they confirm) or "chặn mua" (no new real order can be placed for them), with a
  reason; ``level="cleared"`` lifts either. Each change is one ``BuyerFlagEvent`` row (who,
  when, what, why) and ``BuyerFlag`` holds the buyer's current state.
* ``placement_check``: registered in ``orders.checks`` by ``MarketConfig.ready``;
  ``orders.order_place`` calls it before writing anything and a blocked buyer's order is
  refused with a clear message. Practice (sandbox) orders are never refused: nothing real
  is sold in them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from market.models import BuyerFlag, BuyerFlagEvent
from orders.checks import Placement
from orders.services import is_organizer

REASON_MAX = 300


class Code:
    BLOCKED = "buyer_blocked"
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        message = _("Hãy ghi lý do.")
        raise ApplicationError(message, code=Code.INVALID, fields={"reason": message})
    if len(reason) > REASON_MAX:
        message = _("Lý do dài quá %(n)s ký tự.") % {"n": REASON_MAX}
        raise ApplicationError(message, code=Code.INVALID, fields={"reason": message})
    return reason


def buyer_flag(*, buyer_id: int, actor, level: str, reason: str) -> BuyerFlag | None:
    """Flag, block or clear a buyer (organizers only); returns the buyer's flag now (None: cleared).

    Locking: the buyer's user row (``SELECT … FOR UPDATE``) so two organizers acting at once
    are recorded one after the other and the current flag is the later one's.
    """
    if not is_organizer(actor):
        raise ApplicationError(_("Chỉ ban tổ chức được đánh dấu hoặc chặn người mua."), code=Code.FORBIDDEN, status=403)
    if level not in BuyerFlagEvent.Level.values:
        message = _("Hãy chọn: cần lưu ý, chặn mua hoặc bỏ lưu ý.")
        raise ApplicationError(message, code=Code.INVALID, fields={"level": message})
    reason = _reason(reason)
    if buyer_id == actor.pk:
        raise ApplicationError(_("Bạn không thể tự đánh dấu chính mình."), code=Code.INVALID)
    with transaction.atomic():
        buyer = get_user_model().objects.select_for_update().filter(pk=buyer_id, is_active=True).first()
        if buyer is None:
            raise ApplicationError(_("Không tìm thấy người mua."), code=Code.NOT_FOUND, status=404)
        current = BuyerFlag.objects.filter(buyer=buyer).first()
        if level == BuyerFlagEvent.Level.CLEARED and current is None:
            raise ApplicationError(_("Người mua này không bị lưu ý hay chặn."), code=Code.INVALID)
        if current is not None and current.level == level:
            raise ApplicationError(
                _("Người mua này đã ở mức “%(level)s”.") % {"level": current.get_level_display()}, code=Code.INVALID
            )
        now = timezone.now()
        BuyerFlagEvent.objects.create(buyer=buyer, level=level, reason=reason, actor=actor, created_at=now)
        if level == BuyerFlagEvent.Level.CLEARED:
            current.delete()
            return None
        flag, _created = BuyerFlag.objects.update_or_create(
            buyer=buyer, defaults={"level": level, "reason": reason, "flagged_by": actor, "flagged_at": now}
        )
        return flag


def is_blocked(buyer_id: int) -> bool:
    return BuyerFlag.objects.filter(buyer_id=buyer_id, level=BuyerFlag.Level.BLOCKED).exists()


def placement_check(placement: Placement) -> None:
    """``orders.checks``: a blocked buyer places no real order (whoever places it for them)."""
    if placement.sandbox:
        return
    if is_blocked(placement.buyer_id):
        raise ApplicationError(
            _(
                "Tài khoản này đang bị ban tổ chức tạm chặn mua hàng nên chưa đặt được đơn. "
                "Hãy liên hệ ban tổ chức chợ đêm để được giải đáp."
            ),
            code=Code.BLOCKED,
            status=403,
        )
