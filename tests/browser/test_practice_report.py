"""The trainee reads the score of a practice show on a phone; the instructor, on a desktop,
grades it and pins a comment to a moment of the replay, and the comment jumps the replay there."""

# ruff: noqa: F401, F811 - the practice market's shared fixtures, imported for this module
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from live import services as live
from live.selectors import participant_for
from practice_market.scoring import practice_score_record
from practice_market.shows import practice_show_schedule
from tests.browser.conftest import logged_in_context
from tests.practice_market import score_log
from tests.practice_market.conftest import (
    classmate,
    classmates,
    enrol,
    graduate,
    practice_courses,
    practice_run,
    practice_show,
    trainee,
)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"viewport": {"width": 360, "height": 800}, "timezone_id": "Asia/Ho_Chi_Minh"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture(autouse=True)
def _quiet_broadcasts(monkeypatch):
    """Nobody listens to the rooms while the shows are recorded (and Playwright's loop runs in
    this thread, where the channel layer's sync wrapper cannot)."""
    from live import broadcast

    monkeypatch.setattr(broadcast, "publish", lambda *args, **kwargs: None)


@pytest.fixture
def two_scored_shows(practice_show, trainee):
    """An earlier show with a silent host (3/100), then a good one (94/100); both ended."""
    start = timezone.now() + timedelta(hours=1)
    second = practice_show_schedule(
        trainee=trainee.user,
        title="Tập live lần 2: chốt đơn nhanh",
        scheduled_start=start,
        product_ids=[trainee.products["B01"].pk, trainee.products["B02"].pk],
    )
    t0 = score_log.t0_for_tests()
    patch = pytest.MonkeyPatch()
    clock = score_log.install_clock(patch, t0)
    personas = score_log.make_personas()
    try:
        _record(practice_show, second, trainee, clock, personas, t0)
    finally:
        patch.undo()  # the pages run on the real clock
    return practice_show, second


def _record(practice_show, second, trainee, clock, personas, t0):
    for practice, plan, offset in ((practice_show, score_log.SILENT_HOST, 0), (second, score_log.GOOD_HOST, 3600)):
        clock.t0 = t0 + timedelta(seconds=offset)
        score_log.play(practice, personas, clock, plan, scenario_title="Chợ sớm (vừa)")
        clock.at(240)
        live.show_end(room_id=practice.show.room.pk, actor=participant_for(user=trainee.user, show=practice.show))
        practice_score_record(practice_show_id=practice.pk)


def _no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_trainee_reads_the_score_and_the_instructor_comments_on_the_replay(
    live_server, browser, two_scored_shows, trainee, instructor_user
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    first, second = two_scored_shows
    report = f"{live_server.url}/cho-thuc-hanh/buoi/{second.pk}/ket-qua/"
    errors = []

    # The trainee, on a phone: from the dashboard's card to the score and why.
    phone = logged_in_context(browser, live_server.url, trainee.user, **PHONE)
    page = phone.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/hoc-tap/")
    card = page.locator("[data-testid=practice-score-card]")
    expect(card).to_contain_text("94/100")
    card.get_by_role("link", name="Xem kết quả và nhận xét").click()
    expect(page.locator("h1")).to_have_text("Kết quả buổi live thực hành")
    expect(page.locator("[data-testid=score-total]")).to_have_text("94")
    expect(page.locator("tr[data-component=reply]")).to_contain_text("18,8/25,0")
    expect(page.locator("tr[data-component=reply]")).to_contain_text("Trả lời đúng hạn 1/2 câu hỏi; 1 câu trả lời muộn")
    expect(page.locator("[data-testid=history-table] tbody tr")).to_have_count(2)
    expect(page.locator("[data-testid=history-table] tbody tr").first).to_contain_text("3")
    for chart in ("#chart-breakdown", "#chart-history"):
        box = page.locator(chart).bounding_box()
        assert box and 200 < box["width"] <= 360 and box["height"] > 100  # drawn by Chart.js, fits the phone
    expect(page.locator("[data-testid=grade-form]")).to_have_count(0)
    _no_sideways_scroll(page, 360)
    page.screenshot(path=str(SHOTS / "practice-report-trainee-360.png"), full_page=True)

    # The instructor, on a desktop: picks the troll's moment in the replay, comments, grades.
    desk = logged_in_context(browser, live_server.url, instructor_user, **DESKTOP)
    ipage = desk.new_page()
    ipage.on("pageerror", lambda exc: errors.append(str(exc)))
    ipage.goto(report)
    troll = ipage.locator("[data-testid=replay-list] li", has_text="Bình luận đã bị xoá")
    troll.locator("button.replay__time").click()
    expect(ipage.locator("[data-comment-at]")).to_have_value("02:00")
    ipage.fill("#comment-text", "Kẻ phá rối: xoá sau 10 giây, rất tốt.")
    ipage.get_by_role("button", name="Ghim nhận xét").click()
    expect(ipage.locator(".message--success")).to_contain_text("lúc 02:00")
    assert ipage.url.endswith("?t=120#phat-lai")
    here = ipage.locator(".replay__item--here")
    expect(here).to_have_count(1)
    expect(here).to_contain_text("Bình luận đã bị xoá")
    expect(ipage.locator("[data-replay-label]")).to_have_text("Đến phút 2")
    ipage.fill("#grade", "88")
    ipage.fill("#grade-comments", "Trả lời câu hỏi giao hàng chậm.")
    ipage.get_by_role("button", name="Lưu điểm giảng viên").click()
    expect(ipage.locator("[data-testid=rubric]")).to_contain_text("88/100")
    ipage.screenshot(path=str(SHOTS / "practice-report-instructor-desktop.png"), full_page=True)

    # Back on the phone: the comment is a link that jumps the replay to 02:00.
    page.goto(report)
    expect(page.locator("[data-testid=rubric]")).to_contain_text("88/100")
    link = page.locator("[data-testid=comment-link]")
    expect(link).to_have_text("02:00")
    link.click()
    expect(page.locator(".replay__item--here")).to_contain_text("Bình luận đã bị xoá")
    expect(page.locator("[data-replay-label]")).to_have_text("Đến phút 2")
    _no_sideways_scroll(page, 360)
    page.screenshot(path=str(SHOTS / "practice-report-replay-360.png"))
    assert errors == []
    phone.close()
    desk.close()
