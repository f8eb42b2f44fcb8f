"""Pages of a show's analytics: the figures with charts, the CSV export and the replay.

Thin: who may look is decided here (the host, co-hosts, organizers and staff: the people
who run or oversee the show, not its buyers), the figures come from
:mod:`selling.analytics`; the charts are drawn by Chart.js (``js/selling/analytics.js``) from
the same rows as the tables beside them (``json_script``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_vnd
from core.spreadsheet import csv_download, safe_cell
from live.owners import owner_for
from selling import analytics
from selling.access import show_for_business
from selling.models import OrderIntent


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


def _chart_data(stats: analytics.ShowAnalytics, statuses: list) -> dict:
    """What the page's three charts draw: the same rows as its tables (viewers per minute, revenue
    per product, order intents per state)."""
    return {
        "viewers": {
            "label": _("Người xem"),
            "labels": [timezone.localtime(p.at).strftime("%H:%M") for p in stats.viewers],
            "data": [p.viewers for p in stats.viewers],
        },
        "revenue": {
            "label": _("Doanh thu (đồng)"),
            "labels": [p.code for p in stats.products],
            "data": [p.revenue for p in stats.products],
            "shown": [format_vnd(p.revenue) for p in stats.products],
        },
        "status": {
            "label": _("Số ý định"),
            "labels": [str(label) for label, *_rest in statuses],
            "data": [count for _label, count, *_rest in statuses],
            "css": [css for *_rest, css in statuses],
        },
    }


@login_required
def analytics_page(request, show_id: int):
    show = show_for_business(request, show_id)
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
        "charts": _chart_data(stats, statuses),
        "statuses": statuses,
        "may_host": owner_for(show).may_host(request.user, show),
    }
    return render(request, "selling/analytics.html", context)


@login_required
def analytics_csv(request, show_id: int):
    """Summary rows (figure, value), a blank row, then one row per product. UTF-8 with BOM for Excel."""
    show = show_for_business(request, show_id)
    stats = analytics.show_analytics(show)
    response, writer = csv_download(f"thong-ke-buoi-{show.pk}.csv")
    writer.writerow([_("Chỉ số"), _("Giá trị")])
    writer.writerow([_("Buổi phát"), safe_cell(show.title)])
    for _key, label, value in _summary_rows(stats):
        writer.writerow([label, value])
    writer.writerow([])
    writer.writerow([_("Mã"), _("Sản phẩm"), _("Ý định đặt hàng"), _("Số lượng đã xác nhận"), _("Doanh thu (đồng)")])
    for product in stats.products:
        writer.writerow(
            [
                safe_cell(product.code),
                safe_cell(product.name),
                product.intents,
                product.confirmed_quantity,
                product.revenue,
            ]
        )
    if stats.flash_sales:
        writer.writerow([])
        writer.writerow(
            [_("Flash sale"), _("Sản phẩm"), _("Giá sale (đồng)"), _("Đã bán"), _("Số lượng"), _("Kết thúc")]
        )
        for sale in stats.flash_sales:
            writer.writerow(
                [sale.sale_id, safe_cell(sale.code), sale.sale_price, sale.sold, sale.quantity, sale.end_reason_label]
            )
    return response


@login_required
def replay_page(request, show_id: int):
    show = show_for_business(request, show_id)
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
