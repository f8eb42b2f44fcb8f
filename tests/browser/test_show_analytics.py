"""The host opens the analytics of an ended show on a phone, then replays it minute by minute."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.selling import analytics_scenario as scenario

PHONE = {"viewport": {"width": 360, "height": 800}, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture
def ended_show(make_user, request):
    show = request.getfixturevalue("selling_show")
    # The scenario goes through the services, which broadcast after commit: away from Playwright's event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(scenario.build, make_user, show).result()
    show.refresh_from_db()
    return show


def test_host_sees_charts_and_replays_the_show(live_server, browser, ended_show, login):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, ended_show.host.email, PASSWORD)
    expect(page.locator("header")).to_contain_text("Đăng xuất")

    page.goto(f"{live_server.url}/ban-hang/buoi/{ended_show.pk}/thong-ke/")
    expect(page.locator("h1")).to_have_text("Thống kê buổi phát")
    expect(page.locator("[data-kpi=peak_viewers]")).to_have_text("20")
    expect(page.locator("[data-kpi=revenue]")).to_have_text("540.000 ₫")
    expect(page.locator("[data-kpi=confirmations]")).to_have_text("2 · 33,3 %")
    for chart in ("chart-viewers", "chart-revenue", "chart-status"):
        canvas = page.locator(f"canvas[data-testid={chart}]")
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        assert box["width"] <= 360 and box["height"] > 50  # scaled to the phone, not clipped
    page.wait_for_function("() => window.Chart && window.Chart.getChart(document.getElementById('chart-revenue'))")
    drawn = page.evaluate("() => window.Chart.getChart(document.getElementById('chart-revenue')).data")
    assert drawn["labels"] == ["B01", "B02", "B03"] and drawn["datasets"][0]["data"] == [240000, 0, 300000]
    expect(page.locator("[data-testid=products-table] td.num:last-child")).to_have_text(["240.000 ₫", "0 ₫", "300.000 ₫"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing overflows the phone

    page.click("text=Xem phát lại")
    expect(page.locator("h1")).to_have_text("Phát lại bình luận và đơn hàng")
    items = page.locator("[data-testid=replay-list] li")
    expect(items).to_have_count(20)
    expect(page.locator("[data-replay-label]")).to_have_text("Đến phút 9")
    deleted = page.locator(".replay__item--deleted")
    expect(deleted).to_contain_text("Bình luận đã bị xoá")
    expect(deleted).to_contain_text("03:00")

    # Up to minute 2: only what happened in the first three minutes is shown.
    page.locator("[data-replay-range]").fill("2")
    expect(page.locator("[data-replay-label]")).to_have_text("Đến phút 2")
    expect(page.locator("[data-testid=replay-list] li:visible")).to_have_count(4)
    expect(page.locator("[data-testid=replay-list] li:visible").last).to_contain_text("Xác nhận B01 × 2")
    expect(page.get_by_text("2 b02")).to_be_hidden()

    # Play starts from the beginning and advances minute by minute to the end.
    page.click("[data-replay-play]")
    expect(page.locator("[data-replay-play]")).to_have_text("Tạm dừng")
    expect(page.locator("[data-replay-label]")).to_have_text("Đến phút 9", timeout=15_000)
    expect(page.locator("[data-replay-play]")).to_have_text("Phát")
    expect(items.filter(has_text="2 b02")).to_be_visible()
    assert errors == []
    context.close()
