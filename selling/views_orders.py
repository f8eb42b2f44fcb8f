"""The orders placed in a show, as a page and as CSV, for its hosts and the organizers.

Thin views: the permission check, one read from ``orders.selectors``, render. The CSV
is UTF-8 with a BOM so Excel shows Vietnamese, and every cell a buyer typed is defused
against formula injection (a cell starting with ``= + - @`` or a control character is
prefixed ``'``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.spreadsheet import csv_download, safe_cell
from orders.selectors import orders_from_source, source_totals
from selling.access import show_for_business
from selling.frames import phone_shown, user_display_name


@login_required
@require_GET
def show_orders(request, show_id: int):
    show = show_for_business(request, show_id)
    orders = list(orders_from_source(source_kind="show", source_id=show.pk))
    for order in orders:
        order.buyer_shown = user_display_name(order.buyer)
        order.phone_shown = phone_shown(order.delivery_phone)
    totals = source_totals(source_kind="show", source_id=show.pk)
    return render(
        request,
        "selling/orders_list.html",
        {"show": show, "orders": orders, "total_quantity": totals["quantity"], "revenue": totals["revenue"]},
    )


@login_required
@require_GET
def show_orders_csv(request, show_id: int):
    show = show_for_business(request, show_id)
    response, writer = csv_download(f"don-hang-buoi-{show.pk}.csv")
    writer.writerow(
        [
            _("Mã đơn"),
            _("Đặt lúc"),
            _("Trạng thái"),
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
            _("Kênh"),
        ]
    )
    for order in orders_from_source(source_kind="show", source_id=show.pk):
        for line in order.lines.all():
            writer.writerow(
                [
                    order.number,
                    timezone.localtime(order.placed_at).strftime("%Y-%m-%d %H:%M"),
                    order.get_status_display(),
                    safe_cell(user_display_name(order.buyer)),
                    safe_cell(order.buyer.email),
                    safe_cell(line.product_code),
                    safe_cell(line.product_name),
                    line.quantity,
                    line.unit_price,
                    line.line_total,
                    safe_cell(order.delivery_name),
                    safe_cell(phone_shown(order.delivery_phone)),
                    safe_cell(order.delivery_address),
                    safe_cell(order.note),
                    order.get_channel_display(),
                ]
            )
    return response
