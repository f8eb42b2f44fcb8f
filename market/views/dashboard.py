"""The organizers' dashboard of the weekly market (organizers only).

* ``dashboard``: every session held so far — totals, the trend over sessions and the breakdowns;
* ``dashboard_session``: one session — its figures, its stalls' viewers and orders and, while it
  is live, the run-sheet (which stall is on, which is late, overdue orders);
* ``dashboard_csv`` / ``dashboard_session_csv``: each table of those pages as a CSV file.

Each chart (Chart.js, ``site/static/js/market-dashboard.js``) draws a table that is on the page
beside it; the figures come from :mod:`market.dashboard`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from core.spreadsheet import csv_download, safe_cell
from market import dashboard as figures
from market.models import Session
from orders.services import is_organizer

#: (table key, title, chart type, label column, value columns drawn, money table?)
SECTIONS = [
    ("trend", _l("Qua các phiên"), "line", 1, (2, 4, 5), False),
    ("stalls", _l("Người xem và đơn theo gian hàng"), "bar", 2, (3, 4), False),
    ("buyers", _l("Người tiêu dùng, nhà phân phối, nhà bán lẻ"), "doughnut", 0, (3,), True),
    ("vendors", _l("Chủ thể bán chạy"), "hbar", 0, (3,), True),
    ("products", _l("Sản phẩm bán chạy"), "hbar", 0, (3,), True),
    ("districts", _l("Theo quận / huyện"), "hbar", 0, (2,), True),
    ("groups", _l("Theo nhóm sản phẩm OCOP"), "bar", 0, (2,), True),
    ("stars", _l("Theo hạng sao OCOP"), "bar", 0, (2,), True),
]
SECTION_KEYS = {key for key, *_rest in SECTIONS}


def _organizer(request) -> None:
    if not is_organizer(request.user):
        raise PermissionDenied(_("Chỉ ban tổ chức xem được bảng điều khiển chợ đêm."))


def _sections(board: figures.Dashboard, csv_url) -> tuple[list[dict], dict]:
    """The page's sections (title, table, CSV link) and the charts' data for the script."""
    tables = board.tables()
    sections, charts = [], {}
    for key, title, kind, label_col, value_cols, money in SECTIONS:
        if key not in tables or (key == "trend" and len(board.per_session) < 2):
            continue
        header, rows = tables[key]
        if not rows:
            continue
        sections.append(
            {
                "key": key,
                "title": title,
                "wide": key in ("stalls", "trend"),
                "header": header,
                "rows": rows,
                "csv": csv_url(key),
                "money_cols": [i for i, h in enumerate(header) if "GMV" in str(h)],
                "num_cols": [i for i in range(len(header)) if all(isinstance(r[i], int | float) for r in rows)],
            }
        )
        charts[key] = {
            "type": kind,
            "labels": [str(row[label_col]) for row in rows],
            "datasets": [{"label": str(header[i]), "data": [row[i] for row in rows]} for i in value_cols],
            "money": money,
        }
    return sections, charts


def _headline(totals: figures.Totals) -> list[tuple[str, object, str]]:
    """(label, value, kind) of the figures at the top of a page."""
    return [
        (_("Đơn hàng"), totals.orders, "int"),
        (_("GMV"), totals.gmv, "money"),
        (_("Người mua"), totals.buyers, "int"),
        (_("Người mua quay lại"), totals.returning_buyers, "int"),
        (_("Tỉ lệ xác nhận"), totals.confirmation_rate, "rate"),
        (_("Tỉ lệ hoàn thành"), totals.completion_rate, "rate"),
        (_("Khiếu nại"), totals.disputes, "int"),
        (_("Khiếu nại chưa xử lý xong"), totals.open_disputes, "int"),
        (_("Đơn mua chéo giữa chủ thể"), totals.cross_orders, "int"),
        (_("GMV mua chéo"), totals.cross_gmv, "money"),
    ]


@login_required
def dashboard(request):
    _organizer(request)
    board = figures.program_dashboard()
    sections, charts = _sections(board, lambda key: reverse("market:dashboard_csv", args=[key]))
    return render(
        request,
        "market/dashboard/program.html",
        {
            "board": board,
            "headline": _headline(board.totals),
            "sections": sections,
            "charts": {"charts": charts},
            "sessions": list(Session.objects.order_by("-starts_at")[:20]),
        },
    )


@login_required
def dashboard_session(request, pk: int):
    _organizer(request)
    session = get_object_or_404(Session, pk=pk)
    board = figures.session_dashboard(session=session)
    sections, charts = _sections(board, lambda key: reverse("market:dashboard_session_csv", args=[session.pk, key]))
    return render(
        request,
        "market/dashboard/session.html",
        {
            "session": session,
            "board": board,
            "headline": _headline(board.totals),
            "sections": sections,
            "charts": {"charts": charts},
            "run_sheet": [row for row in board.stalls if row.state in ("on", "late")] if board.live else [],
        },
    )


def _csv(board: figures.Dashboard, key: str, filename: str):
    tables = board.tables()
    if key not in SECTION_KEYS or key not in tables:
        raise Http404(_("Không có bảng này."))
    header, rows = tables[key]
    response, writer = csv_download(filename)
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response


@login_required
def dashboard_csv(request, key: str):
    _organizer(request)
    return _csv(figures.program_dashboard(), key, f"cho-dem-{key}.csv")


@login_required
def dashboard_session_csv(request, pk: int, key: str):
    _organizer(request)
    session = get_object_or_404(Session, pk=pk)
    return _csv(figures.session_dashboard(session=session), key, f"cho-dem-phien-{session.pk}-{key}.csv")


urlpatterns = [
    path("bang-dieu-khien/", dashboard, name="dashboard"),
    path("bang-dieu-khien/<slug:key>.csv", dashboard_csv, name="dashboard_csv"),
    path("bang-dieu-khien/phien/<int:pk>/", dashboard_session, name="dashboard_session"),
    path("bang-dieu-khien/phien/<int:pk>/<slug:key>.csv", dashboard_session_csv, name="dashboard_session_csv"),
]
