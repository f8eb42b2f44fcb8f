"""The host of a practice show, on a desktop, opens "Chạy kịch bản" from the console, starts the
easy scenario at 8×, and the scripted audience's comments appear in the console's chat; the
host stops it. The scenario page works at 360 px."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from playwright.sync_api import expect

from practice_market.models import ScenarioRun
from practice_market.player import play_run
from practice_market.scenario_library import scenario_seed_defaults
from tests.browser.conftest import logged_in_context
from tests.practice_market.test_scenarios import make_practice_show

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"viewport": {"width": 360, "height": 800}, "timezone_id": "Asia/Ho_Chi_Minh"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "timezone_id": "Asia/Ho_Chi_Minh"}


def test_host_runs_a_scripted_audience_from_the_console(asgi_server, browser, vendor_user, stall):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = asgi_server
    vendor, products = stall
    practice = make_practice_show(vendor_user, vendor, [products["B01"], products["B02"]])
    scenario_seed_defaults()

    phone = logged_in_context(browser, base, vendor_user, **PHONE)
    small = phone.new_page()
    small.goto(f"{base}/cho-thuc-hanh/buoi/{practice.pk}/kich-ban/")
    expect(small.get_by_test_id("start-run-form")).to_contain_text("Khó — Sỉ, khách khó tính và kẻ phá rối")
    assert small.evaluate("document.documentElement.scrollWidth") <= 360
    small.screenshot(path=str(SHOTS / "practice-scenario-01-choose-360.png"), full_page=True)
    phone.close()

    desktop = logged_in_context(browser, base, vendor_user, **DESKTOP)
    page = desktop.new_page()
    page.goto(f"{base}/phong-live/{practice.show.pk}/dieu-khien/")
    page.get_by_test_id("run-scenario").click()
    form = page.get_by_test_id("start-run-form")
    form.get_by_label("Dễ — Buổi live đầu tiên", exact=False).check()
    form.get_by_label("Tốc độ").select_option("8")
    page.get_by_test_id("start-run").click()
    expect(page.get_by_test_id("active-run")).to_contain_text("Dễ — Buổi live đầu tiên")

    # The worker's part, played here: the run's audience over the room's socket.
    run = ScenarioRun.objects.get()
    player = threading.Thread(target=lambda: asyncio.run(play_run(run.pk, base_url=base)), daemon=True)
    player.start()
    page.goto(f"{base}/phong-live/{practice.show.pk}/dieu-khien/")
    chat = page.locator("[data-live-chat]")
    expect(chat).to_contain_text("Chị Lan Cầu Giấy", timeout=15_000)
    expect(chat).to_contain_text(
        run.script[1]["text"], timeout=15_000
    )  # "B01 giá bao nhiêu ạ?", maybe without diacritics
    page.screenshot(path=str(SHOTS / "practice-scenario-02-console.png"), full_page=True)
    page.get_by_test_id("run-scenario").click()
    page.get_by_test_id("stop-run").click()
    expect(page.get_by_test_id("runs")).to_contain_text("Đã dừng")
    player.join(timeout=15)
    assert not player.is_alive()
    desktop.close()
