"""The one table of the order deadlines the organizers watch (lengths in ``settings.ORDERS``).

=====================  ==========================  ======================  ===========
state reached          the deadline                counted from            who is late
=====================  ==========================  ======================  ===========
placed                 confirm (24 h)              ``placed_at``           the vendor
confirmed              ship (48 h)                 ``confirmed_at``        the vendor
received               record payment (7 days)     ``received_at``         the vendor
payment recorded       acknowledge (7 days)        ``payment_recorded_at`` the buyer
=====================  ==========================  ======================  ===========

``orders.tasks`` flags a late order in its history (``reason``); the organizers' console
(``orders.supervision``) computes lateness at the moment of reading (``label``). Both read
this table, so they can never disagree on what is late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models import ActorRole, Order, Status


@dataclass(frozen=True)
class Deadline:
    name: str
    status: str  # the state the order must still be in to be late
    stamp: str  # the ``Order`` field it is counted from
    setting: str  # the ``ORDERS`` setting that gives its length
    late: str  # the side that is late (an ``ActorRole``)
    reason: object  # the history's words when the task flags it
    label: object  # the console's short words

    def length(self) -> int:
        return settings.ORDERS[self.setting]

    def window(self) -> timedelta:
        value = self.length()
        return timedelta(days=value) if self.setting.endswith("_DAYS") else timedelta(hours=value)

    def due_at(self, order: Order) -> datetime | None:
        started = getattr(order, self.stamp)
        return None if started is None else started + self.window()

    def late_q(self, now: datetime) -> Q:
        return Q(status=self.status, **{f"{self.stamp}__lte": now - self.window()})

    @property
    def key(self) -> str:
        return f"overdue:{self.name}"


DEADLINES: dict[str, Deadline] = {
    d.status: d
    for d in [
        Deadline(
            "confirm", Status.PLACED, "placed_at", "CONFIRM_WITHIN_HOURS", ActorRole.VENDOR,
            _("Quá hạn: shop chưa xác nhận đơn trong %(n)s giờ."),
            _("Chưa xác nhận quá %(n)s giờ"),
        ),
        Deadline(
            "ship", Status.CONFIRMED, "confirmed_at", "SHIP_WITHIN_HOURS", ActorRole.VENDOR,
            _("Quá hạn: shop chưa giao hàng trong %(n)s giờ sau khi xác nhận."),
            _("Chưa giao quá %(n)s giờ sau xác nhận"),
        ),
        Deadline(
            "record_payment", Status.RECEIVED, "received_at", "ACKNOWLEDGE_WITHIN_DAYS", ActorRole.VENDOR,
            _("Quá hạn: shop chưa ghi nhận tiền hàng trong %(n)s ngày sau khi người mua nhận hàng."),
            _("Đã giao, chưa ghi nhận tiền quá %(n)s ngày"),
        ),
        Deadline(
            "acknowledge", Status.PAYMENT_RECORDED, "payment_recorded_at", "ACKNOWLEDGE_WITHIN_DAYS", ActorRole.BUYER,
            _("Quá hạn: người mua chưa xác nhận thanh toán trong %(n)s ngày."),
            _("Người mua chưa xác nhận thanh toán quá %(n)s ngày"),
        ),
    ]
}  # fmt: skip
BY_NAME = {d.name: d for d in DEADLINES.values()}
