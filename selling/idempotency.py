"""Client idempotency keys for order-changing actions (a buy, a claim, a confirm…).

Every such action stores an ``OrderAction`` with the client's key, unique per actor. A
retry after a lost answer, or a double tap, finds the stored action: nothing is done
twice, the client gets the first outcome (so its screen ends up right) and is told that
nothing changed. A key reused for a different action is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from selling.errors import SellingError
from selling.models import OrderAction


def replayed_outcome(*, actor_id: int, key: str, same_action: Callable[[OrderAction], bool]) -> dict | None:
    """The stored outcome of ``key`` (marked as a replay), ``None`` if the key is new."""
    action = OrderAction.objects.filter(actor_id=actor_id, key=key).first()
    if action is None:
        return None
    if not same_action(action):
        raise key_reused()
    return replay_of(action.outcome)


def replay_of(outcome: dict) -> dict:
    """A stored outcome as the answer to a replayed key: the first outcome, marked, saying nothing changed."""
    outcome = {k: v for k, v in outcome.items() if k != "sale_id"}
    return {**outcome, "replayed": True, "message": _("Thao tác này đã được thực hiện trước đó; không có gì thay đổi.")}


def key_reused():
    """The refusal for a key already used for a different action."""
    return SellingError.INVALID.error(_("Khoá chống lặp này đã dùng cho một thao tác khác."))
