"""Pages of a show's analytics: the figures with charts, the CSV export and the replay.

Thin: who may look is decided here (the host, co-hosts, organizers and staff: the people
who run or oversee the show, not its buyers), the figures come from
:mod:`selling.analytics`, the chart geometry from :mod:`selling.charts`.
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from core.money import format_vnd
from live.models import Show
from live.owners import owner_for
from selling import analytics, charts
from selling.models import OrderIntent
from vendors.permissions import is_organizer


def _show_for(request, show_id: int) -> Show:
    show = get_object_or_404(Show.objects.select_related("host"), pk=show_id)
    user = request.user
    if not (user.is_staff or owner_for(show).may_host(user, show) or is_organizer(user)):
        raise PermissionDenied
    return show


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}".replace(".", ",") + " %"


def _average(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _summary_rows(stats: analytics.ShowAnalytics) -> list[tuple[str, str, int | float | str]]:
    """(key, label, value) of the headline figures: the page's table and the CSV share them."""
    return [
        ("minutes", _("Thời lượng (phút)"), stats.minutes),
        ("peak_viewers", _("Người xem cao nhất"), stats.peak_viewers),
        ("average_viewers", _("Người xem trung bình"), stats.average_viewers),
        ("chat_messages", _("Bình luận"), stats.chat_messages),
        ("chat_deleted", _("Bình luận đã xoá"), stats.chat_deleted),
        ("order_comments", _("Bình luận chốt đơn"), stats.order_comments),
        ("parsed_comments", _("Bình luận chốt đơn đọc được"), stats.parsed_comments),
        ("intents", _("Ý định đặt hàng"), stats.intents),
        ("confirmations", _("Đơn đã xác nhận"), stats.confirmations),
        ("confirmation_rate", _("Tỉ lệ xác nhận (%)"), round(stats.confirmation_rate * 100, 1)),
        ("buyers", _("Người mua"), stats.buyers),
        ("returning_buyers", _("Người mua quay lại"), stats.returning_buyers),
        ("revenue", _("Doanh thu (đồng)"), stats.revenue),
        ("average_order_value", _("Giá trị đơn trung bình (đồng)"), stats.average_order_value),
    ]


@login_required
def analytics_page(request, show_id: int):
    show = _show_for(request, show_id)
    stats = analytics.show_analytics(show)
    statuses = [
        (label, stats.intents_by_status.get(value, 0), str(stats.intents_by_status.get(value, 0)), f"status-{value}")
        for value, label in OrderIntent.Status.choices
    ]
    context = {
        "show": show,
        "stats": stats,
        "confirmation_rate": _percent(stats.confirmation_rate),
        "average_viewers": _average(stats.average_viewers),
        "viewers_chart": charts.line_chart([p.viewers for p in stats.viewers]),
        "revenue_chart": charts.bar_chart([(p.code, p.revenue, format_vnd(p.revenue), "") for p in stats.products]),
        "status_chart": charts.bar_chart(statuses, label_width=110),
        "statuses": statuses,
        "may_host": owner_for(show).may_host(request.user, show),
    }
    return render(request, "selling/analytics.html", context)


def _cell(value):
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with ``'``."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@login_required
def analytics_csv(request, show_id: int):
    """Summary rows (figure, value), a blank row, then one row per product. UTF-8 with BOM for Excel."""
    show = _show_for(request, show_id)
    stats = analytics.show_analytics(show)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="thong-ke-buoi-{show.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Chỉ số"), _("Giá trị")])
    writer.writerow([_("Buổi phát"), _cell(show.title)])
    for _key, label, value in _summary_rows(stats):
        writer.writerow([label, value])
    writer.writerow([])
    writer.writerow([_("Mã"), _("Sản phẩm"), _("Ý định đặt hàng"), _("Số lượng đã xác nhận"), _("Doanh thu (đồng)")])
    for product in stats.products:
        writer.writerow(
            [_cell(product.code), _cell(product.name), product.intents, product.confirmed_quantity, product.revenue]
        )
    if stats.flash_sales:
        writer.writerow([])
        writer.writerow(
            [_("Flash sale"), _("Sản phẩm"), _("Giá sale (đồng)"), _("Đã bán"), _("Số lượng"), _("Kết thúc")]
        )
        for sale in stats.flash_sales:
            writer.writerow(
                [sale.sale_id, _cell(sale.code), sale.sale_price, sale.sold, sale.quantity, sale.end_reason_label]
            )
    return response


@login_required
def replay_page(request, show_id: int):
    show = _show_for(request, show_id)
    items, truncated = analytics.show_timeline(show)
    last_minute = max((item.minute for item in items), default=0)
    strings = {
        "play": _("Phát"),
        "pause": _("Tạm dừng"),
        "upto": _("Đến phút %(n)s"),
        "shown": _("%(n)s mục"),
    }
    context = {
        "show": show,
        "items": items,
        "truncated": truncated,
        "limit": analytics.REPLAY_MAX_ITEMS,
        "last_minute": last_minute,
        "strings": strings,
    }
    return render(request, "selling/replay.html", context)
