"""Reliability records across the whole program, read from orders and their history.

Practice (sandbox) orders are never counted. Each record is a few aggregate queries for any
number of buyers or vendors at once (a desk page of 50 orders asks once, not 50 times).

A buyer's record (what a vendor reads before confirming an order):

==============  ====================================================================
orders          real orders placed for the buyer
completed       orders that reached "Hoàn thành" (``completed_at`` set)
refused         orders the buyer refused at the door (a ``refuse_at_door`` event)
cancelled       orders the buyer cancelled themself (a ``buyer_cancel`` event)
flag            the organizers' current flag or block (``market.BuyerFlag``), if any
==============  ====================================================================

A vendor's record (``settings.ORDERS`` gives the windows, as the overdue rules do):

==============  ====================================================================
confirm_due     orders confirmed, plus orders still waiting past the confirm window
confirmed_on    of those, confirmed within ``CONFIRM_WITHIN_HOURS`` of placement
ship_due        orders shipped, plus confirmed orders still unshipped past the ship window
shipped_on      of those, shipped within ``SHIP_WITHIN_HOURS`` of confirmation
declined        orders the vendor declined
disputes        decided disputes on the vendor's orders
disputes_lost   of those, decided for the buyer (refund, partial refund, replacement)
==============  ====================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from market.models import BuyerFlag
from orders.models import Dispute, Order, OrderEvent, Status

LOST = (Dispute.Decision.REFUND, Dispute.Decision.PARTIAL_REFUND, Dispute.Decision.REPLACEMENT)


def _percent(part: int, whole: int) -> int | None:
    return None if not whole else round(100 * part / whole)


@dataclass
class BuyerRecord:
    buyer_id: int
    orders: int = 0
    completed: int = 0
    refused: int = 0
    cancelled: int = 0
    flag: BuyerFlag | None = None

    @property
    def completed_percent(self) -> int | None:
        return _percent(self.completed, self.orders)

    @property
    def is_new(self) -> bool:
        return self.orders == 0

    @property
    def is_blocked(self) -> bool:
        return self.flag is not None and self.flag.level == BuyerFlag.Level.BLOCKED

    @property
    def needs_care(self) -> bool:
        """Worth a second look before confirming: refused or cancelled orders, or a flag."""
        return bool(self.refused or self.cancelled or self.flag)


@dataclass
class VendorRecord:
    vendor_id: int
    orders: int = 0
    confirm_due: int = 0
    confirmed_on_time: int = 0
    ship_due: int = 0
    shipped_on_time: int = 0
    declined: int = 0
    disputes: int = 0
    disputes_lost: int = 0

    @property
    def confirmed_on_time_percent(self) -> int | None:
        return _percent(self.confirmed_on_time, self.confirm_due)

    @property
    def shipped_on_time_percent(self) -> int | None:
        return _percent(self.shipped_on_time, self.ship_due)


def _ids(values: Iterable[int]) -> list[int]:
    return sorted({int(v) for v in values if v is not None})


def buyer_records(buyer_ids: Iterable[int]) -> dict[int, BuyerRecord]:
    """Every buyer's record, keyed by user id (buyers with no order get an empty record).

    Three queries: orders per buyer, the refusals and cancellations in their history, flags.
    """
    ids = _ids(buyer_ids)
    records = {pk: BuyerRecord(buyer_id=pk) for pk in ids}
    if not ids:
        return records
    rows = (
        Order.objects.filter(sandbox=False, buyer_id__in=ids)
        .values("buyer_id")
        .annotate(n=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
        .order_by()
    )
    for row in rows:
        record = records[row["buyer_id"]]
        record.orders, record.completed = row["n"], row["completed"]
    events = (
        OrderEvent.objects.filter(
            order__sandbox=False, order__buyer_id__in=ids, action__in=("refuse_at_door", "buyer_cancel")
        )
        .values("order__buyer_id")
        .annotate(
            refused=Count("order_id", filter=Q(action="refuse_at_door"), distinct=True),
            cancelled=Count("order_id", filter=Q(action="buyer_cancel"), distinct=True),
        )
        .order_by()
    )
    for row in events:
        record = records[row["order__buyer_id"]]
        record.refused, record.cancelled = row["refused"], row["cancelled"]
    for flag in BuyerFlag.objects.filter(buyer_id__in=ids):
        records[flag.buyer_id].flag = flag
    return records


def buyer_record(buyer_id: int) -> BuyerRecord:
    return buyer_records([buyer_id])[buyer_id]


def _window(setting: str) -> timedelta:
    return timedelta(hours=settings.ORDERS[setting])


def vendor_records(vendor_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, VendorRecord]:
    """Every vendor's record, keyed by vendor id, as of ``now`` (two queries)."""
    ids = _ids(vendor_ids)
    records = {pk: VendorRecord(vendor_id=pk) for pk in ids}
    if not ids:
        return records
    now = now or timezone.now()
    confirm, ship = _window("CONFIRM_WITHIN_HOURS"), _window("SHIP_WITHIN_HOURS")
    confirmed = Q(confirmed_at__isnull=False)
    shipped = Q(shipped_at__isnull=False)
    rows = (
        Order.objects.filter(sandbox=False, vendor_id__in=ids)
        .values("vendor_id")
        .annotate(
            n=Count("pk"),
            confirm_due=Count("pk", filter=confirmed | Q(status=Status.PLACED, placed_at__lte=now - confirm)),
            confirmed_on_time=Count("pk", filter=confirmed & Q(confirmed_at__lte=F("placed_at") + confirm)),
            ship_due=Count("pk", filter=shipped | Q(status=Status.CONFIRMED, confirmed_at__lte=now - ship)),
            shipped_on_time=Count(
                "pk", filter=shipped & Q(confirmed_at__isnull=False, shipped_at__lte=F("confirmed_at") + ship)
            ),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
        )
        .order_by()
    )
    for row in rows:
        record = records[row["vendor_id"]]
        record.orders, record.declined = row["n"], row["declined"]
        record.confirm_due, record.confirmed_on_time = row["confirm_due"], row["confirmed_on_time"]
        record.ship_due, record.shipped_on_time = row["ship_due"], row["shipped_on_time"]
    disputes = (
        Dispute.objects.filter(order__sandbox=False, order__vendor_id__in=ids, state=Dispute.State.DECIDED)
        .values("order__vendor_id")
        .annotate(n=Count("pk"), lost=Count("pk", filter=Q(decision__in=LOST)))
        .order_by()
    )
    for row in disputes:
        record = records[row["order__vendor_id"]]
        record.disputes, record.disputes_lost = row["n"], row["lost"]
    return records


def vendor_record(vendor_id: int, *, now: datetime | None = None) -> VendorRecord:
    return vendor_records([vendor_id], now=now)[vendor_id]
