"""The organizers' dashboard: exact figures on a known small data set (orders only through
``order_place`` and ``order_transition``), its CSV files, who may read it, and its API."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from live.models import Show
from market import dashboard
from market.models import Session
from tests.market import dashboard_helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def market_data(published_session, make_user, organizer_user):
    return dashboard_helpers.build(published_session, make_user, organizer_user)


def test_a_sessions_figures_are_exact(market_data, django_assert_max_num_queries):
    b = market_data["b"]
    with django_assert_max_num_queries(18):
        board = dashboard.session_dashboard(session=b)
    t = board.totals
    assert (t.orders, t.gmv, t.buyers, t.returning_buyers) == (4, 650_000, 4, 1)
    assert (t.confirmed, t.confirmation_rate, t.completed, t.completion_rate) == (2, 50.0, 1, 25.0)
    assert (t.completed_value, t.disputes, t.cross_orders, t.cross_gmv) == (350_000, 1, 1, 120_000)
    assert t.open_disputes == 1
    assert [(r["vendor__legal_name"], r["orders"], r["gmv"]) for r in board.top_vendors] == [
        ("HTX Bưởi đỏ Đông Cao", 3, 650_000),
        ("HTX Chè Ba Vì", 1, 0),
    ]
    assert [(r["product__name"], r["units"], r["gmv"]) for r in board.top_products] == [
        ("Trà sen Tây Hồ", 1, 350_000),
        ("Mật ong hoa nhãn", 1, 180_000),
        ("Bưởi đỏ Đông Cao", 1, 120_000),
    ]
    assert [(r["product__stars"], r["gmv"]) for r in board.by_stars] == [(3, 180_000), (4, 120_000), (5, 350_000)]
    assert [(r["vendor__district"], r["orders"], r["gmv"]) for r in board.by_district] == [
        ("me-linh", 3, 650_000),
        ("ba-vi", 1, 0),
    ]
    assert [(r["kind"], r["buyers"], r["orders"], r["gmv"]) for r in board.by_buyer_kind] == [
        ("consumer", 3, 3, 300_000),
        ("distributor", 0, 0, 0),
        ("retailer", 1, 1, 350_000),
    ]
    stall = next(r for r in board.stalls if r.vendor_id == market_data["stall1"].vendor.pk)
    assert (stall.peak_viewers, stall.average_viewers, stall.orders, stall.gmv, stall.state) == (
        30,
        20.0,
        1,
        180_000,
        "done",
    )


def test_across_sessions_counts_each_buyer_once_and_draws_the_trend(market_data):
    board = dashboard.program_dashboard()
    assert [s.title for s in board.sessions] == ["Chợ đêm tuần trước", market_data["b"].title]
    assert [(t.orders, t.gmv, t.buyers, t.returning_buyers) for _s, t in board.per_session] == [
        (2, 240_000, 2, 0),
        (4, 650_000, 4, 1),
    ]
    t = board.totals
    assert (t.orders, t.gmv, t.buyers, t.returning_buyers, t.disputes) == (6, 890_000, 5, 1, 1)
    assert next(r for r in board.by_buyer_kind if r["kind"] == "distributor")["orders"] == 1


def test_the_run_sheet_of_a_live_session_shows_the_stall_on_air_the_late_one_and_overdue_orders(market_data):
    b, stall1, stall2 = market_data["b"], market_data["stall1"], market_data["stall2"]
    Session.objects.filter(pk=b.pk).update(state=Session.State.LIVE)
    Show.objects.filter(pk=stall1.slot.show_id).update(state=Show.State.LIVE)
    Show.objects.filter(pk=stall2.slot.show_id).update(state=Show.State.SCHEDULED)
    b.refresh_from_db()
    board = dashboard.session_dashboard(session=b, now=b.starts_at + timedelta(minutes=10))
    states = {r.vendor: r.state for r in board.stalls}
    assert states == {"HTX Bưởi đỏ Đông Cao": "on", "HTX Chè Ba Vì": "late"}
    assert dashboard.session_dashboard(session=b).overdue == []  # just placed
    # two days later the cross-selling order still waits for its confirmation and An's for shipping
    late = dashboard.session_dashboard(session=b, now=timezone.now() + timedelta(days=2)).overdue
    assert sorted(o["status"] for o in late) == ["Chờ lấy hàng", "Chờ xác nhận"]
    assert all(o["reason"] and o["vendor"] == "HTX Bưởi đỏ Đông Cao" for o in late)


def test_the_page_shows_the_figures_with_a_chart_and_a_table_per_section(client, market_data):
    client.force_login(market_data["organizer"])
    response = client.get(reverse("market:dashboard_session", args=[market_data["b"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "650.000 ₫" in html and ("50,0 %" in html or "50.0 %" in html)
    for table in ("stalls", "buyers", "vendors", "products", "districts", "groups", "stars"):
        assert f'data-chart="{table}"' in html and f'data-testid="table-{table}"' in html
    assert 'id="market-dashboard-data"' in html and "<script>" not in html
    response = client.get(reverse("market:dashboard"))
    assert response.status_code == 200
    assert 'data-chart="trend"' in response.content.decode()


def test_csv_files_hold_the_tables(client, market_data):
    client.force_login(market_data["organizer"])
    response = client.get(reverse("market:dashboard_session_csv", args=[market_data["b"].pk, "vendors"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Chủ thể", "Quận / huyện", "Đơn hàng", "GMV (đồng)"],
        ["HTX Bưởi đỏ Đông Cao", "Mê Linh", "3", "650000"],
        ["HTX Chè Ba Vì", "Ba Vì", "1", "0"],
    ]
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("market:dashboard_csv", args=["trend"])).content.decode("utf-8-sig")))
    )
    assert [r[2:6] for r in rows[1:]] == [["2", "240000", "2", "0"], ["4", "650000", "4", "1"]]
    assert client.get(reverse("market:dashboard_csv", args=["nothing"])).status_code == 404


def test_only_organizers_read_the_dashboard(client, market_data):
    b = market_data["b"]
    urls = [
        reverse("market:dashboard"),
        reverse("market:dashboard_session", args=[b.pk]),
        reverse("market:dashboard_session_csv", args=[b.pk, "vendors"]),
        reverse("api-market-dashboard"),
        reverse("api-market-dashboard-session", args=[b.pk]),
    ]
    for url in urls[:3]:
        assert client.get(url).status_code == 302  # to the login page
    for url in urls[3:]:
        assert client.get(url).status_code in (401, 403)
    client.force_login(market_data["stall1"].user)  # a vendor
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(market_data["an"])  # a buyer
    assert client.get(urls[1]).status_code == 403


def test_the_api_gives_the_same_figures(client, market_data):
    client.force_login(market_data["organizer"])
    body = client.get(reverse("api-market-dashboard-session", args=[market_data["b"].pk])).json()
    assert body["totals"]["orders"] == 4 and body["totals"]["gmv"] == 650_000
    assert body["totals"]["confirmation_rate"] == 50.0 and body["totals"]["cross_selling_orders"] == 1
    assert body["by_buyer_kind"][2] == {"kind": "retailer", "buyers": 1, "orders": 1, "gmv": 350_000}
    assert {s["vendor"]: s["peak_viewers"] for s in body["stalls"]}["HTX Bưởi đỏ Đông Cao"] == 30
    body = client.get(reverse("api-market-dashboard")).json()
    assert [t["orders"] for t in body["trend"]] == [2, 4] and body["totals"]["buyers"] == 5
    assert client.get(reverse("api-market-dashboard-session", args=[999_999])).status_code == 404
