"""The show's confirmed orders as a page and as CSV, for its hosts and the organizers.

Thin views: the permission check, one read, render. The CSV is UTF-8 with a BOM so
Excel shows Vietnamese, and every cell a buyer typed is defused against formula
injection (a cell starting with ``= + - @`` or a control character is prefixed ``'``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.spreadsheet import csv_download, safe_cell
from live.models import Show
from selling.access import show_for_business
from selling.models import RecordedOrder
from selling.orders import phone_shown, user_display_name


def _orders(show: Show):
    return RecordedOrder.objects.filter(show=show).select_related("buyer", "intent").order_by("confirmed_at", "pk")


@login_required
@require_GET
def show_orders(request, show_id: int):
    show = show_for_business(request, show_id)
    orders = list(_orders(show))
    for order in orders:
        order.buyer_shown = user_display_name(order.buyer)
        order.phone_shown = phone_shown(order.delivery_phone)
    totals = RecordedOrder.objects.filter(show=show).aggregate(quantity=Sum("quantity"), revenue=Sum("total"))
    return render(
        request,
        "selling/orders_list.html",
        {"show": show, "orders": orders, "total_quantity": totals["quantity"] or 0, "revenue": totals["revenue"] or 0},
    )


@login_required
@require_GET
def show_orders_csv(request, show_id: int):
    show = show_for_business(request, show_id)
    response, writer = csv_download(f"don-hang-buoi-{show.pk}.csv")
    writer.writerow(
        [
            _("Mã đơn"),
            _("Xác nhận lúc"),
            _("Người mua"),
            _("Email người mua"),
            _("Mã sản phẩm"),
            _("Tên sản phẩm"),
            _("Số lượng"),
            _("Đơn giá (đồng)"),
            _("Thành tiền (đồng)"),
            _("Người nhận"),
            _("Điện thoại nhận hàng"),
            _("Địa chỉ nhận hàng"),
            _("Ghi chú"),
            _("Nguồn"),
        ]
    )
    for order in _orders(show):
        writer.writerow(
            [
                order.pk,
                timezone.localtime(order.confirmed_at).strftime("%Y-%m-%d %H:%M"),
                safe_cell(user_display_name(order.buyer)),
                safe_cell(order.buyer.email),
                safe_cell(order.product_code),
                safe_cell(order.product_name),
                order.quantity,
                order.unit_price,
                order.total,
                safe_cell(order.delivery_name),
                safe_cell(phone_shown(order.delivery_phone)),
                safe_cell(order.delivery_address),
                safe_cell(order.intent.note),
                safe_cell(order.intent.get_source_display()),
            ]
        )
    return response
