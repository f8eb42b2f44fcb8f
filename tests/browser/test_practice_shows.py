"""An unlocked trainee, on a phone, schedules a practice show with two of their products and
invites a classmate; on a desktop they open the room's console, which says it is practice;
the classmate, on a phone, finds the invitation and enters the room, which says so too."""

# ruff: noqa: F401, F811 - the practice market's shared fixtures, imported for this module
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from practice_market.models import PracticeInvite, PracticeShow
from tests.browser.conftest import logged_in_context
from tests.practice_market.conftest import (
    classmate,
    classmates,
    enrol,
    graduate,
    practice_courses,
    practice_run,
    trainee,
)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"viewport": {"width": 360, "height": 800}, "timezone_id": "Asia/Ho_Chi_Minh"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "timezone_id": "Asia/Ho_Chi_Minh"}


def _no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_trainee_schedules_invites_and_opens_a_practice_room(asgi_server, browser, trainee, classmates):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = asgi_server
    friend = classmates[0]
    errors = []

    # The trainee on a phone: the practice market is open; schedule with B01 and B03.
    phone = logged_in_context(browser, base, trainee.user, **PHONE)
    page = phone.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/hoc-tap/")
    page.get_by_test_id("practice-market-link").click()
    expect(page.get_by_test_id("access-open")).to_be_visible()
    _no_sideways_scroll(page, 360)
    page.screenshot(path=str(SHOTS / "practice-shows-01-home-360.png"), full_page=True)
    page.fill("#id_title", "Tập live: bưởi đỏ và trà sen")
    form = page.get_by_test_id("schedule-form")
    form.get_by_label("B01 Bưởi đỏ Đông Cao", exact=False).check()
    form.get_by_label("B03 Trà sen Tây Hồ", exact=False).check()
    form.get_by_role("button", name="Lên lịch").click()
    expect(page.locator(".message--success")).to_contain_text("Đã lên lịch buổi live thực hành")
    expect(page.locator("h1")).to_contain_text("Thực hành")
    expect(page.get_by_test_id("offers")).to_contain_text("Bưởi đỏ Đông Cao")
    expect(page.get_by_test_id("offers")).to_contain_text("Trà sen Tây Hồ")
    expect(page.get_by_test_id("offers")).not_to_contain_text("Mật ong")

    # …and invites a classmate.
    page.get_by_test_id("invite-form").get_by_label("Trần Văn Bình").check()
    page.get_by_role("button", name="Gửi lời mời").click()
    expect(page.locator(".message--success")).to_contain_text("Đã mời: Trần Văn Bình")
    expect(page.get_by_test_id("invites")).to_contain_text("Trần Văn Bình")
    _no_sideways_scroll(page, 360)
    page.screenshot(path=str(SHOTS / "practice-shows-02-show-360.png"), full_page=True)
    practice = PracticeShow.objects.get(trainee=trainee.user)
    assert practice.show.owner_kind == "practice"
    assert list(PracticeInvite.objects.filter(practice_show=practice).values_list("user_id", flat=True)) == [friend.pk]

    # On a desktop the trainee opens the room's console: it says practice, and the socket connects.
    desk = logged_in_context(browser, base, trainee.user, **DESKTOP)
    dpage = desk.new_page()
    dpage.on("pageerror", lambda exc: errors.append(str(exc)))
    dpage.goto(f"{base}/cho-thuc-hanh/buoi/{practice.pk}/")
    dpage.get_by_test_id("open-console").click()
    banner = dpage.get_by_test_id("practice-room-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Phòng live thực hành")
    expect(dpage.get_by_test_id("practice-orders-note")).to_contain_text("chỉ có đơn thực hành")
    expect(dpage.locator("[data-live-status]")).not_to_have_text("Đang kết nối…", timeout=15_000)
    dpage.screenshot(path=str(SHOTS / "practice-shows-03-console-1280.png"), full_page=True)

    # The classmate on a phone: the invitation, then the room, which says practice.
    guest = logged_in_context(browser, base, friend, **PHONE)
    gpage = guest.new_page()
    gpage.on("pageerror", lambda exc: errors.append(str(exc)))
    gpage.goto(f"{base}/cho-thuc-hanh/")
    gpage.get_by_test_id("invited").get_by_role("link", name="Tập live: bưởi đỏ và trà sen").click()
    gpage.get_by_test_id("enter-room").click()
    expect(gpage.get_by_test_id("practice-room-banner")).to_be_visible()
    expect(gpage.get_by_test_id("practice-orders-note")).to_contain_text("đơn thực hành")
    expect(gpage.locator("h1")).to_have_text("Tập live: bưởi đỏ và trà sen")
    _no_sideways_scroll(gpage, 360)
    gpage.screenshot(path=str(SHOTS / "practice-shows-04-room-360.png"), full_page=True)
    assert errors == []
    for context in (phone, desk, guest):
        context.close()
