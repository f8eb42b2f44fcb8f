"""Order pages: thin views (permission check, one read, render; writes go to ``orders.services``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orders import selectors
from orders.models import ActorRole
from orders.services import actor_may


@login_required
@require_GET
def my_orders(request):
    orders = selectors.orders_with_lines().filter(buyer=request.user, sandbox=False)
    return render(request, "orders/my_orders.html", {"orders": orders})


@login_required
@require_GET
def order_detail(request, number: str):
    order = selectors.orders_with_lines().filter(number=number).first()
    if order is None or not any(actor_may(order=order, user=request.user, role=r) for r in ActorRole.values if r != "system"):
        raise Http404
    return render(request, "orders/order_detail.html", {"order": order, "timeline": selectors.order_timeline(order)})
