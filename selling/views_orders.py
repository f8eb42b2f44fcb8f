"""The show's confirmed orders as a page and as CSV, for its hosts and the organizers.

Thin views: the permission check, one read, render. The CSV is UTF-8 with a BOM so
Excel shows Vietnamese, and every cell a buyer typed is defused against formula
injection (a cell starting with ``= + - @`` or a control character is prefixed ``'``).
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.phones import format_phone
from accounts.roles import Role
from live.models import Show
from live.owners import owner_for
from selling.models import RecordedOrder

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _may_see_orders(user, show: Show) -> bool:
    if owner_for(show).may_host(user, show):
        return True
    return user.groups.filter(name=Role.ORGANIZER).exists()


def _show_for(request, show_id: int) -> Show:
    show = get_object_or_404(Show.objects.select_related("host"), pk=show_id)
    if not _may_see_orders(request.user, show):
        raise PermissionDenied(_("Chỉ người dẫn, đồng dẫn và ban tổ chức mới xem được đơn của buổi này."))
    return show


def _orders(show: Show):
    return RecordedOrder.objects.filter(show=show).select_related("buyer", "intent").order_by("confirmed_at", "pk")


def _buyer_name(user) -> str:
    return user.get_full_name() or user.email.split("@")[0]


def _phone(phone: str) -> str:
    return format_phone(phone) if phone.startswith("+84") else phone


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


@login_required
@require_GET
def show_orders(request, show_id: int):
    show = _show_for(request, show_id)
    orders = list(_orders(show))
    for order in orders:
        order.buyer_shown = _buyer_name(order.buyer)
        order.phone_shown = _phone(order.delivery_phone)
    totals = RecordedOrder.objects.filter(show=show).aggregate(quantity=Sum("quantity"), revenue=Sum("total"))
    return render(
        request,
        "selling/orders_list.html",
        {"show": show, "orders": orders, "total_quantity": totals["quantity"] or 0, "revenue": totals["revenue"] or 0},
    )


@login_required
@require_GET
def show_orders_csv(request, show_id: int):
    show = _show_for(request, show_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="don-hang-buoi-{show.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
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
                safe_cell(_buyer_name(order.buyer)),
                safe_cell(order.buyer.email),
                safe_cell(order.product_code),
                safe_cell(order.product_name),
                order.quantity,
                order.unit_price,
                order.total,
                safe_cell(order.delivery_name),
                safe_cell(_phone(order.delivery_phone)),
                safe_cell(order.delivery_address),
                safe_cell(order.intent.note),
                safe_cell(order.intent.get_source_display()),
            ]
        )
    return response
