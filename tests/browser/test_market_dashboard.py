"""The organizer reads a session's dashboard on a 360 px phone and on a desktop: the charts are
drawn and their tables beside them show the same figures. Screenshots: var/screenshots/market-dash-*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import logged_in_context
from tests.market import dashboard_helpers
from tests.market.conftest import open_session, promoted_stall, published_session, second_stall, second_vendor_user  # noqa: F401

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _no_room_broadcasts(monkeypatch):
    """The dashboard opens no socket: publishing the session's rooms would call the channel layer
    from Playwright's event-loop thread, which asgiref refuses."""
    from live import broadcast

    monkeypatch.setattr(broadcast, "publish", lambda *args, **kwargs: None)

CHART_DATA = """(key) => {
  const canvas = document.querySelector(`canvas[data-chart="${key}"]`);
  const chart = window.Chart && window.Chart.getChart(canvas);
  if (!chart) return null;
  return {labels: chart.data.labels, data: chart.data.datasets.map((d) => d.data), width: canvas.clientWidth};
}"""


def _table(page, key):
    rows = page.locator(f"[data-testid=table-{key}] tbody tr")
    out = []
    for i in range(rows.count()):
        row = rows.nth(i)
        cells = row.locator("td").evaluate_all("(tds) => tds.map((td) => td.dataset.value)")
        out.append([row.locator("th").inner_text(), *(int(v) if v.isdigit() else v for v in cells)])
    return out


def test_the_organizer_reads_a_sessions_dashboard_on_a_phone_and_a_desktop(
    browser,
    live_server,
    published_session,  # noqa: F811
    make_user,
    organizer_user,
):
    data = dashboard_helpers.build(published_session, make_user, organizer_user)
    base = live_server.url
    context = logged_in_context(browser, base, organizer_user, viewport={"width": 360, "height": 780})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/cho-dem/bang-dieu-khien/")
    page.click(f"text={data['b'].title}")
    expect(page.locator("h1")).to_have_text(data["b"].title)
    expect(page.locator("[data-testid=kpis]")).to_contain_text("650.000 ₫")

    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(
            "() => window.Chart && window.Chart.getChart(document.querySelector('canvas[data-chart=vendors]'))"
        )
        vendors = page.evaluate(CHART_DATA, "vendors")
        assert vendors["labels"] == ["HTX Bưởi đỏ Đông Cao", "HTX Chè Ba Vì"]
        assert vendors["data"] == [[650000, 0]]
        assert [[r[0], r[-1]] for r in _table(page, "vendors")] == [
            ["HTX Bưởi đỏ Đông Cao", 650000],
            ["HTX Chè Ba Vì", 0],
        ]
        expect(page.locator("[data-testid=table-vendors]")).to_contain_text("650.000 ₫")

        buyers = page.evaluate(CHART_DATA, "buyers")
        assert buyers["data"] == [[300000, 0, 350000]]
        assert [r[-1] for r in _table(page, "buyers")] == [300000, 0, 350000]

        stalls = page.evaluate(CHART_DATA, "stalls")
        assert stalls["data"][0] == [r[3] for r in _table(page, "stalls")] == [30, 0]  # peak viewers per stall
        assert 0 < stalls["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"scrolls sideways at {width}px"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"market-dash-session-{width}.png"), full_page=True)

    with page.expect_download() as download:
        page.click("[data-testid=csv-vendors]")
    assert "HTX Bưởi đỏ Đông Cao,Mê Linh,3,650000" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    page.goto(f"{base}/cho-dem/bang-dieu-khien/")
    page.wait_for_function(
        "() => window.Chart && window.Chart.getChart(document.querySelector('canvas[data-chart=trend]'))"
    )
    assert page.evaluate(CHART_DATA, "trend")["data"][0] == [2, 4]  # orders per session
    page.screenshot(path=str(SHOTS / "market-dash-program-1280.png"), full_page=True)
    assert errors == []
    context.close()
