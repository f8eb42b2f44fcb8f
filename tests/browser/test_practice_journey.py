"""Issue 12's browser path across roles, on a real daphne: a vendor graduates, opens the practice
market, runs a practice show with a scripted audience (played by the real player over the room's
socket at 20×), answers, pins, accepts the chốt đơn, deletes the troll, ends, reads the score; the
instructor comments on the replay; the organizer promotes; the vendor sees it on the profile.

Each piece has its own, deeper test (test_practice_shows/_scenario/_report/_promotion); this one
checks that they join up."""

# ruff: noqa: F401, F811 - the practice market's shared fixtures, imported for this module
from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.db import connection
from playwright.sync_api import expect

from orders.models import Order
from practice_market import scenarios
from practice_market.models import PracticeShow
from practice_market.player import play_run
from practice_market.scoring import practice_score_record
from tests.browser.conftest import logged_in_context
from tests.practice_market.conftest import enrol, graduate, practice_courses, practice_run, trainee
from tests.practice_market.promotion_helpers import make_eligible
from tests.practice_market.test_scenarios import make_scenario
from vendors.models import Product

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"viewport": {"width": 360, "height": 800}, "timezone_id": "Asia/Ho_Chi_Minh"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "timezone_id": "Asia/Ho_Chi_Minh"}

# A short script: a question, a request to see the product, a chốt đơn, a troll. At 20× the troll
# comes 1.5 s after the rest, so it opens its own second of the replay (the comment jumps to it).
BEATS = [
    {"at_seconds": 0, "persona_key": "chi-lan", "action": "comment", "text": "{code} giá bao nhiêu ạ?", "expect": "answer", "expect_within_seconds": 60},
    {"at_seconds": 5, "persona_key": "chi-lan", "action": "comment", "text": "Cho em xem {name} với ạ", "expect": "pin", "expect_within_seconds": 60},
    {"at_seconds": 10, "persona_key": "anh-tuan", "action": "order", "text": "chot {code} 2", "expect": "accept", "expect_within_seconds": 60},
    {"at_seconds": 40, "persona_key": "ke-pha", "action": "insult", "text": "Hàng dỏm, lừa đảo!", "expect": "moderate", "expect_within_seconds": 30},
]  # fmt: skip
PERSONAS = [
    ("chi-lan", "Chị Lan Cầu Giấy", "asks_price"),
    ("anh-tuan", "Anh Tuấn", "wholesale"),
    ("ke-pha", "Kẻ phá", "troll"),
]


def _in_a_thread(work):
    """Services that broadcast after commit run away from Playwright's event loop (as in test_practice_promotion)."""

    def _run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_run).result()


def _no_sideways_scroll(page, width=360):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_graduate_practises_is_scored_graded_and_promoted(
    asgi_server, browser, trainee, practice_courses, organizer_user
):
    # Graduation went through learning's own services (the ``trainee`` fixture: lessons, quiz,
    # graded assignment; ``course_passed`` unlocks the practice market); the learning browser
    # tests cover the course pages themselves.
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = asgi_server
    instructor = practice_courses.instructor
    errors = []

    # The trainee, on a phone: from the learner dashboard into the practice market; schedule a show.
    phone = logged_in_context(browser, base, trainee.user, **PHONE)
    page = phone.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/hoc-tap/")
    page.get_by_test_id("practice-market-link").click()
    expect(page.get_by_test_id("access-open")).to_be_visible()
    page.fill("#id_title", "Tập live: bưởi đỏ")
    form = page.get_by_test_id("schedule-form")
    form.get_by_label("B01 Bưởi đỏ Đông Cao", exact=False).check()
    form.get_by_role("button", name="Lên lịch").click()
    expect(page.locator(".message--success")).to_contain_text("Đã lên lịch buổi live thực hành")
    _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "journey-01-scheduled-360.png"), full_page=True)
    practice = PracticeShow.objects.get(trainee=trainee.user)

    # The console: it says practice; the host goes live.
    page.get_by_test_id("open-console").click()
    expect(page.get_by_test_id("practice-room-banner")).to_be_visible()
    expect(page.locator("[data-live-status]")).to_have_text("Đã kết nối", timeout=15_000)
    page.locator("[data-live-action='show.start']").click()
    expect(page.locator("[data-live-state]").first).to_have_text("Đang phát")

    # The scripted audience: started for this show (the console's own form is covered by
    # test_practice_scenario; it offers at most 8×) and played by the real player over the
    # socket at 20× — the worker's part, played here in a thread.
    scenario = make_scenario("Kịch bản hành trình", personas=PERSONAS, beats=BEATS, duration=60)
    run = _in_a_thread(
        lambda: scenarios.scenario_run_start(
            practice_show=practice, scenario=scenario, actor=trainee.user, speed=20, viewers=3, enqueue=False
        )
    )
    question, see, order, troll = (beat["text"] for beat in run.script)
    player = threading.Thread(target=lambda: asyncio.run(play_run(run.pk, base_url=base)), daemon=True)
    player.start()
    chat = page.locator("[data-live-chat]")
    expect(chat).to_contain_text(troll, timeout=15_000)
    player.join(timeout=15)
    assert not player.is_alive()

    # The host answers the question, pins the product asked about, accepts the chốt đơn, deletes the troll.
    page.fill("[data-live-chat-input]", "B01 giá 120.000 đồng một hộp ạ!")
    page.press("[data-live-chat-input]", "Enter")
    expect(chat).to_contain_text("B01 giá 120.000 đồng một hộp ạ!")
    page.locator("[data-offers-pins] li", has_text="B01").get_by_role("button", name="Ghim").click()
    board_item = page.locator(".selling-intent", has_text="Bình luận")
    expect(board_item).to_contain_text("B01 × 2")
    board_item.locator("[data-action='board.claim']").click()
    board_item.locator("[data-action='board.confirm']").click()
    expect(board_item).to_contain_text("Đã xác nhận")
    page.locator(".live-msg", has_text=troll).locator("[data-action=delete]").click()
    expect(page.locator(".live-msg", has_text=troll)).to_have_count(0)
    _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "journey-02-console-360.png"), full_page=True)

    # Ends the show (it asks first); the score is queued — the worker's part, played here.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-live-action='show.end']").click()
    expect(page.locator("[data-live-state]").first).to_have_text("Đã kết thúc")
    score = _in_a_thread(lambda: practice_score_record(practice_show_id=practice.pk))
    # The accepted chốt đơn is a sandbox order; the real stock is untouched.
    assert list(Order.objects.filter(sandbox=True).values_list("total", flat=True)) == [240_000]
    assert not Order.objects.filter(sandbox=False).exists()
    assert Product.objects.get(pk=trainee.products["B01"].pk).stock == trainee.products["B01"].stock

    # The trainee reads the score with its breakdown, from the dashboard's card.
    page.goto(f"{base}/hoc-tap/")
    card = page.get_by_test_id("practice-score-card")
    expect(card).to_contain_text(f"{score.total}/100")
    card.get_by_role("link", name="Xem kết quả và nhận xét").click()
    expect(page.get_by_test_id("score-total")).to_have_text(str(score.total))
    # …each part of the score says why: the host did what every beat expected, in time.
    for component, why in (
        ("reply", "Trả lời đúng hạn 1/1 câu hỏi"),
        ("pin", "Ghim đúng hạn 1/1 sản phẩm được hỏi"),
        ("orders", "Nhận 1/1 đơn chốt đúng hạn"),
        ("moderation", "Xử lý đúng hạn 1/1 bình luận phá rối"),
    ):
        expect(page.locator(f"tr[data-component={component}]")).to_contain_text(why)
    _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "journey-03-score-360.png"), full_page=True)
    report = page.url

    # The instructor, on a desktop: a comment pinned to the troll's moment, and a rubric grade.
    desk = logged_in_context(browser, base, instructor, **DESKTOP)
    ipage = desk.new_page()
    ipage.on("pageerror", lambda exc: errors.append(str(exc)))
    ipage.goto(report)
    ipage.locator("[data-testid=replay-list] li", has_text="Bình luận đã bị xoá").locator("button.replay__time").click()
    at = ipage.locator("[data-comment-at]").input_value()
    ipage.fill("#comment-text", "Xoá kẻ phá rối rất nhanh.")
    ipage.get_by_role("button", name="Ghim nhận xét").click()
    expect(ipage.locator(".message--success")).to_contain_text(f"lúc {at}")
    ipage.fill("#grade", "85")
    ipage.fill("#grade-comments", "Trả lời rõ ràng, chốt đơn gọn.")
    ipage.get_by_role("button", name="Lưu điểm giảng viên").click()
    expect(ipage.get_by_test_id("rubric")).to_contain_text("85/100")
    ipage.screenshot(path=str(SHOTS / "journey-04-instructor-desktop.png"), full_page=True)
    desk.close()

    # The trainee: the comment's link jumps the replay to that moment.
    page.goto(report)
    link = page.get_by_test_id("comment-link")
    expect(link).to_have_text(at)
    link.click()
    expect(page.locator(".replay__item--here")).to_contain_text("Bình luận đã bị xoá")
    expect(page.get_by_test_id("rubric")).to_contain_text("85/100")

    # The remaining promotion criteria, made true through services: a second scored show on the
    # hardest scenario, a verified vendor and product, an instructor's endorsement.
    _in_a_thread(lambda: make_eligible(trainee, instructor=instructor, organizer=organizer_user, scores=(91,)))

    # The organizer, on a desktop, approves from the queue.
    org = logged_in_context(browser, base, organizer_user, **DESKTOP)
    opage = org.new_page()
    opage.on("pageerror", lambda exc: errors.append(str(exc)))
    opage.goto(f"{base}/cho-thuc-hanh/xet-len-cho/")
    card = opage.get_by_test_id("eligible-card")
    expect(card).to_contain_text("Lê Thị Hồng Nhung")
    expect(card.locator("[data-criterion=shows]")).to_contain_text("2/2 buổi đạt")
    expect(card.locator("[data-met='0']")).to_have_count(0)
    opage.get_by_test_id("approve").click()
    expect(opage.get_by_test_id("promoted-card")).to_contain_text(trainee.vendor.legal_name)
    opage.screenshot(path=str(SHOTS / "journey-05-promoted-desktop.png"), full_page=True)
    org.close()

    # The trainee's public vendor profile shows the badge, and the badge verifies.
    page.goto(f"{base}{trainee.vendor.get_absolute_url()}")
    badge = page.get_by_test_id("vendor-badges").locator("[data-kind=promoted]")
    expect(badge).to_contain_text("Lên chợ đêm")
    _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "journey-06-profile-360.png"), full_page=True)
    badge.locator("a").click()
    expect(page.get_by_test_id("badge-verify-result")).to_contain_text("Huy hiệu hợp lệ")
    expect(page.get_by_test_id("badge-holder")).to_have_text("Lê Thị Hồng Nhung")
    assert errors == []
    phone.close()
