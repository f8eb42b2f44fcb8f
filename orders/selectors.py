"""Reads of orders that are more than one ORM call."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet, Sum

from orders.models import Order, OrderEvent, OrderLine


def orders_with_lines() -> QuerySet[Order]:
    return Order.objects.select_related("buyer", "vendor").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
    )


def orders_from_source(*, source_kind: str, source_id: int) -> QuerySet[Order]:
    """Every order placed in one show or session (sandbox ones too: a practice show's list is its own)."""
    return orders_with_lines().filter(source_kind=source_kind, source_id=source_id).order_by("placed_at", "pk")


def source_totals(*, source_kind: str, source_id: int) -> dict:
    """Units and revenue of a show's or session's orders (cancelled, declined and returned ones excluded)."""
    from orders.lifecycle import TERMINAL

    lines = OrderLine.objects.filter(order__source_kind=source_kind, order__source_id=source_id).exclude(
        order__status__in=TERMINAL
    )
    figures = lines.aggregate(quantity=Sum("quantity"))
    revenue = (
        Order.objects.filter(source_kind=source_kind, source_id=source_id)
        .exclude(status__in=TERMINAL)
        .aggregate(revenue=Sum("total"))["revenue"]
    )
    return {"quantity": figures["quantity"] or 0, "revenue": revenue or 0}


def order_timeline(order: Order) -> list[OrderEvent]:
    return list(OrderEvent.objects.filter(order=order).select_related("actor").order_by("created_at", "pk"))
