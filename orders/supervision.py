"""Reads of the organizers' supervision console (``orders.views_console``).

Practice (sandbox) orders never appear here, neither in the lists nor in the figures.

Overdue is computed from the one table of deadlines (``orders.deadlines``) at the moment
of reading (the tasks of ``orders.tasks`` also flag it in the history; the console does not
wait for them).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from orders.deadlines import DEADLINES
from orders.models import Dispute, Order, Status
from orders.selectors import orders_with_lines

OVERDUE = DEADLINES  # the console reads the one table of deadlines


def overdue_q(now: datetime | None = None) -> Q:
    """Orders past their state's deadline right now."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for rule in OVERDUE.values():
        q |= rule.late_q(now)
    return q


def overdue_reason(order: Order, now: datetime | None = None) -> str:
    """Why this order is late, in words ("" when it is not)."""
    rule = OVERDUE.get(order.status)
    if rule is None:
        return ""
    started = getattr(order, rule.stamp)
    if started is None or started > (now or timezone.now()) - rule.window():
        return ""
    return str(rule.label) % {"n": rule.length()}


def real_orders() -> QuerySet[Order]:
    return Order.objects.filter(sandbox=False)


def console_orders(
    *, source: str = "", vendor_id: int | None = None, status: str = "", overdue: bool = False, q: str = "",
    now: datetime | None = None,
) -> QuerySet[Order]:
    """The console's list: real orders, filtered by source ("show:12"), vendor, state, overdue, number or phone."""
    orders = orders_with_lines().filter(sandbox=False).prefetch_related("disputes")
    kind, _sep, ident = (source or "").partition(":")
    if kind and ident.isdigit():
        orders = orders.filter(source_kind=kind, source_id=int(ident))
    if vendor_id:
        orders = orders.filter(vendor_id=vendor_id)
    if status in Status.values:
        orders = orders.filter(status=status)
    if overdue:
        orders = orders.filter(overdue_q(now))
    q = (q or "").strip()
    if q:
        orders = orders.filter(Q(number__icontains=q) | Q(delivery_phone__contains=q) | Q(delivery_name__icontains=q))
    return orders.order_by("-placed_at", "-pk")


def counts_by_status(orders: QuerySet[Order] | None = None) -> dict[str, int]:
    """How many real orders are in each state (every state, zeros included)."""
    orders = real_orders() if orders is None else orders
    found = dict(orders.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: found.get(status, 0) for status in Status.values}


def per_source(*, now: datetime | None = None) -> list[dict]:
    """One row per show or session: its label, orders, value, overdue ones."""
    late = overdue_q(now)
    rows = (
        real_orders()
        .exclude(source_id=None)
        .values("source_kind", "source_id", "source_label")
        .annotate(n=Count("pk"), total=Sum("total"), late=Count("pk", filter=late))
        .order_by("-source_id")
    )
    return [
        {**row, "key": f"{row['source_kind']}:{row['source_id']}", "label": row["source_label"] or f"{row['source_kind']} {row['source_id']}"}
        for row in rows
    ]


def per_vendor(*, now: datetime | None = None) -> list[dict]:
    """One row per vendor: orders, open ones, overdue ones."""
    from orders.lifecycle import TERMINAL

    late = overdue_q(now)
    rows = (
        real_orders()
        .values("vendor_id", "vendor__legal_name")
        .annotate(
            n=Count("pk"),
            open=Count("pk", filter=~Q(status__in=TERMINAL) & ~Q(status=Status.COMPLETED)),
            late=Count("pk", filter=late),
        )
        .order_by("vendor__legal_name")
    )
    return [{"vendor_id": r["vendor_id"], "name": r["vendor__legal_name"], "n": r["n"], "open": r["open"], "late": r["late"]} for r in rows]


def dispute_queue() -> QuerySet[Dispute]:
    """Undecided disputes of real orders: escalated first, then by the vendor's answer deadline."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        Dispute.objects.filter(order__sandbox=False)
        .exclude(state=Dispute.State.DECIDED)
        .select_related("order", "order__vendor", "opened_by")
        .annotate(
            rank=Case(
                When(state=Dispute.State.ESCALATED, then=Value(0)),
                When(state=Dispute.State.ANSWERED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "answer_due_at", "pk")
    )


def figures(*, now: datetime | None = None) -> dict:
    """The console's headline numbers."""
    from orders.lifecycle import TERMINAL

    orders = real_orders()
    return {
        "orders": orders.count(),
        "open": orders.exclude(status__in=TERMINAL).exclude(status=Status.COMPLETED).count(),
        "overdue": orders.filter(overdue_q(now)).count(),
        "disputes": dispute_queue().count(),
        "escalated": dispute_queue().filter(state=Dispute.State.ESCALATED).count(),
    }
