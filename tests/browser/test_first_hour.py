"""A new user's first hour (issue 15, items 1–6), in Chromium at 360 px unless said otherwise.

1. The live rooms are found from the home page and the header; ended shows stay listed, with
   their analytics, replay and orders for the people who ran them.
2. On a phone, the pinned product and the flash sale's countdown and buy button stay in view
   with the video while the buyer reads the chat below.
3. Ending a show is the console's last control and asks first.
4. An ended room is a summary and the chat as it was: no camera wait, no chat box.
5. The buyer's order states are told apart by sign and shape, not by colour alone, and the
   card's fields look alike.
6. A buyer who changes a chốt-đơn quantity is told what happened in their own terms (the shop
   did nothing yet).
"""

import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from live.models import Show
from live.services import show_create
from tests.browser.conftest import logged_in_context
from tests.cms.builders import seeded_site
from tests.selling.helpers import go_live

PHONE = {"width": 360, "height": 740}
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "first-hour"


def _ended_show(host, title="Chợ đêm thứ Sáu tuần trước"):
    start = timezone.now() - timedelta(days=1)
    show = show_create(title=title, host=host, scheduled_start=start, scheduled_end=start + timedelta(hours=2))
    Show.objects.filter(pk=show.pk).update(
        state=Show.State.ENDED, started_at=start, ended_at=start + timedelta(minutes=45)
    )
    return show


def test_the_live_rooms_are_found_from_home_and_past_shows_keep_their_pages(
    browser, live_server, selling_show, vendor_user, organizer_user, buyer_user, make_user
):
    seeded_site()
    go_live(selling_show)
    soon = timezone.now() + timedelta(days=2)
    upcoming = show_create(
        title="Phiên chợ đêm thứ Sáu", host=vendor_user, scheduled_start=soon, scheduled_end=soon + timedelta(hours=2)
    )
    ended = _ended_show(vendor_user)
    other_host = make_user("chuthe.khac@example.vn", full_name="Nguyễn Thị Mai")
    others = _ended_show(other_host, title="Buổi của gian hàng khác")
    base = live_server.url

    visitor = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = visitor.new_page()
    page.goto(f"{base}/")
    on_home = page.get_by_test_id("home-live")
    expect(on_home.get_by_test_id("show-card")).to_have_count(2)
    expect(on_home.get_by_test_id("show-card").first).to_contain_text("● Đang phát")
    expect(on_home.get_by_test_id("show-card").first).to_contain_text(selling_show.title)
    expect(on_home.get_by_test_id("show-card").last).to_contain_text(upcoming.title)
    expect(page.get_by_test_id("footer-live")).to_be_visible()
    header_link = page.get_by_test_id("header-live")
    expect(header_link).to_have_text("● Livestream (1 đang phát)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    header_link.click()
    expect(page.locator("h1")).to_have_text("Phòng livestream")
    expect(page.get_by_test_id("shows-live")).to_contain_text(selling_show.title)
    expect(page.get_by_test_id("shows-upcoming")).to_contain_text(upcoming.title)
    past = page.get_by_test_id("past-show")
    expect(past).to_have_count(2)
    expect(page.get_by_test_id("shows-past")).not_to_contain_text("Thống kê")  # a visitor sees no business pages
    visitor.close()

    # The host finds the analytics, replay and orders of their own ended show, not of another's.
    host_ctx = logged_in_context(browser, base, vendor_user, viewport=PHONE)
    host = host_ctx.new_page()
    host.goto(f"{base}/phong-live/")
    mine = host.get_by_test_id("past-show").filter(has_text=ended.title)
    expect(mine.get_by_role("link", name="Thống kê")).to_have_attribute("href", f"/ban-hang/buoi/{ended.pk}/thong-ke/")
    expect(
        host.get_by_test_id("past-show").filter(has_text=others.title).get_by_role("link", name="Thống kê")
    ).to_have_count(0)
    mine.get_by_role("link", name="Phát lại").click()
    expect(host).to_have_url(f"{base}/ban-hang/buoi/{ended.pk}/phat-lai/")
    host_ctx.close()

    # An organizer reaches every ended show's orders.
    organizer_ctx = logged_in_context(browser, base, organizer_user, viewport=PHONE)
    organizer = organizer_ctx.new_page()
    organizer.goto(f"{base}/phong-live/")
    organizer.get_by_test_id("past-show").filter(has_text=others.title).get_by_role("link", name="Đơn hàng").click()
    expect(organizer).to_have_url(f"{base}/ban-hang/buoi/{others.pk}/don-hang/")
    organizer_ctx.close()


def _in_view(page, selector) -> dict:
    """The element's box, and whether all of it is inside the viewport."""
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
           return {top: r.top, bottom: r.bottom, inView: r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0}; }""",
        selector,
    )


def test_a_buyer_on_a_phone_sees_the_sale_while_chatting_then_the_ended_room(
    browser, asgi_server, selling_show, vendor_user, buyer_user
):
    go_live(selling_show)
    Show.objects.filter(pk=selling_show.pk).update(video_mode=Show.VideoMode.CAMERA)  # the host streams from the phone
    base = asgi_server
    host_ctx = logged_in_context(browser, base, vendor_user, viewport=PHONE)  # the host runs the show from a phone
    buyer_ctx = logged_in_context(browser, base, buyer_user, viewport=PHONE)
    host, buyer = host_ctx.new_page(), buyer_ctx.new_page()
    host.goto(f"{base}/phong-live/{selling_show.pk}/dieu-khien/")
    buyer.goto(f"{base}/phong-live/{selling_show.pk}/")
    expect(host.locator("[data-live-status]")).to_have_text("Đã kết nối")
    expect(buyer.locator("[data-live-status]")).to_have_text("Đã kết nối")
    expect(buyer.locator("[data-live-video]")).to_contain_text("Đang chờ hình từ camera")

    # 3. On the phone console "End" is the last control, on a row of its own below the controls used
    #    every minute (slow mode, the viewer's view), and it asks first.
    controls = host.locator(".live-controls > button, .live-controls > a, .live-controls > label")
    expect(controls.last).to_have_attribute("data-live-action", "show.end")
    expect(controls.last).to_have_text("■ Kết thúc buổi phát")
    end_box = controls.last.bounding_box()
    others = [box for box in (c.bounding_box() for c in controls.all()[:-1]) if box]  # those shown while on air
    assert len(others) >= 2 and all(end_box["y"] >= box["y"] + box["height"] for box in others), (others, end_box)
    assert host.evaluate("document.documentElement.scrollWidth") <= 360

    # 6. A buyer orders 100, then corrects to 2: one card, and the note says the buyer's own comment changed it.
    buyer.fill("[data-live-chat-input]", "chốt B01 100")
    buyer.press("[data-live-chat-input]", "Enter")
    card = buyer.locator(".selling-card")
    expect(card.locator("input[name=quantity]")).to_have_value("100")
    buyer.fill("[data-live-chat-input]", "chốt B01 2")
    buyer.press("[data-live-chat-input]", "Enter")
    notice = buyer.locator("[data-live-notice]")
    expect(notice).to_have_text("Đã đổi số lượng mã B01 trong đơn của bạn thành 2, theo bình luận mới nhất.")
    expect(notice).not_to_contain_text("Shop")
    expect(card).to_have_count(1)
    expect(card.locator("input[name=quantity]")).to_have_value("2")
    expect(host.locator(".selling-intent", has_text="B01 × 2")).to_have_count(1)
    expect(host.locator(".selling-intent", has_text="B01 × 100")).to_have_count(0)

    # 5. The card's fields all look alike.
    status = card.locator(".selling-status")
    expect(status).to_have_text("Chờ shop xác nhận")
    backgrounds = card.locator("input:not([type=hidden]), textarea").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor + ' ' + getComputedStyle(e).borderTopColor)"
    )
    assert len(backgrounds) == 5 and len(set(backgrounds)) == 1, backgrounds

    def look(locator):
        return locator.evaluate(
            "e => [getComputedStyle(e, '::before').content, getComputedStyle(e).backgroundColor, getComputedStyle(e).borderTopStyle]"
        )

    pending_look = look(status)
    assert pending_look[0] == '"◔"' and pending_look[2] == "dashed"
    card.locator("input[name=name]").fill("Phạm Quốc Bảo")
    card.locator("input[name=phone]").fill("0987 654 321")
    card.locator("textarea[name=address]").fill("12 Hàng Bạc, Hoàn Kiếm, Hà Nội")
    card.locator("[data-action='order.update']").click()
    expect(notice).to_have_text("Đã lưu.")

    # 2. The host pins B01 and opens a flash sale; the buyer, reading the chat, keeps the sale in view.
    host.locator("[data-offers-pins] li", has_text="B01").get_by_role("button", name="Ghim").click()
    expect(buyer.locator("[data-offers-card]")).to_be_visible()
    clipped = buyer.evaluate(
        "() => { const row = document.querySelector('.selling--stage .selling-offers__meta').getBoundingClientRect();"
        " return [...document.querySelectorAll('.selling--stage .selling-offers__meta > :not([hidden])')]"
        ".filter(e => e.getBoundingClientRect().right > row.right + 1 || e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.textContent.trim()); }"
    )
    assert clipped == [], clipped  # the stars and "✔ Đã xác minh" are read whole at 360 px
    SHOTS.mkdir(parents=True, exist_ok=True)
    buyer.screenshot(path=str(SHOTS / "room-pinned-360.png"))
    form = host.locator("[data-sale-form]")
    b01 = selling_show.offers.get(product__code="B01")
    form.locator("select[name=offer_id]").select_option(value=str(b01.pk))
    form.locator("input[name=sale_price]").fill("99000")
    form.locator("input[name=countdown_seconds]").fill("10")
    form.locator("input[name=duration_seconds]").fill("120")
    form.get_by_role("button", name="Lên lịch flash sale").click()
    panel = buyer.locator("[data-flash-sale]")
    expect(panel.locator("[data-sale-clock]")).to_have_text(re.compile(r"Flash sale đang mở, còn"), timeout=15_000)
    for n in range(1, 7):  # a lively chat: the page is taller than the phone's screen
        host.fill("[data-live-chat-input]", f"Cả nhà ơi, bưởi đỏ B01 flash sale 99.000 ₫, ai lấy bình luận nhé ({n})")
        host.press("[data-live-chat-input]", "Enter")
        expect(buyer.locator(".live-msg", has_text=f"bình luận nhé ({n})")).to_have_count(1)
    assert buyer.evaluate("document.documentElement.scrollHeight") > PHONE["height"] + 300

    def scroll_to_bottom_of(selector):
        buyer.evaluate(
            "(sel) => { const e = document.querySelector(sel);"
            " window.scrollTo(0, e.getBoundingClientRect().bottom + window.scrollY - window.innerHeight + 8); }",
            selector,
        )

    for reading in ("[data-live-chat-form]", ".selling--below .selling-card"):  # the chat, then my own order below it
        scroll_to_bottom_of(reading)
        assert buyer.evaluate("window.scrollY") > 150, reading  # the page did scroll
        video = _in_view(buyer, "[data-live-video]")
        pinned = _in_view(buyer, "[data-offers-card]")
        clock = _in_view(buyer, "[data-sale-clock]")
        buy = _in_view(buyer, "[data-sale-buy-button]")
        assert video["inView"] and pinned["inView"] and clock["inView"] and buy["inView"], (
            reading,
            video,
            pinned,
            clock,
            buy,
        )
        assert pinned["top"] >= video["bottom"] - 1  # beside the video, not over what the host shows
    scroll_to_bottom_of("[data-live-chat-form]")
    assert _in_view(buyer, "[data-live-chat-input]")["inView"]
    expect(buyer.locator(".live-msg").last).to_contain_text("bình luận nhé (6)")
    assert (
        _in_view(buyer, ".live-msg:last-child")["top"] >= _in_view(buyer, "[data-sale-buy-button]")["bottom"]
    )  # the chat reads below the sale
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 360

    # 5. The host confirms: the state changes in word, sign and shape; the card reads as a receipt.
    item = host.locator(".selling-intent", has_text="Phạm Quốc Bảo").filter(has_text="B01 × 2")
    item.locator("[data-action='board.confirm']").click()
    expect(status).to_have_text("Đã xác nhận")
    confirmed_look = look(status)
    assert confirmed_look[0] == '"✔"' and confirmed_look[2] != "dashed" and confirmed_look[1] != pending_look[1]
    expect(card.locator(".selling-card__summary")).to_contain_text("12 Hàng Bạc, Hoàn Kiếm, Hà Nội")
    expect(card.locator("input[name=quantity]")).to_be_hidden()

    # 3. Dismissing the question keeps the show on air; accepting ends it.
    host.once("dialog", lambda dialog: dialog.dismiss())
    host.locator("[data-live-action='show.end']").click()
    host.wait_for_timeout(500)
    expect(buyer.locator("[data-live-state]").first).to_have_text("Đang phát")
    questions = []
    host.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    host.locator("[data-live-action='show.end']").click()
    expect(buyer.locator("[data-live-state]").first).to_have_text("Đã kết thúc")
    assert questions and questions[0].startswith("Kết thúc buổi phát?")
    expect(buyer.locator("[data-live-ended-note]")).to_be_visible()
    expect(buyer.locator("[data-live-chat-form]")).to_be_hidden()
    expect(buyer.locator("[data-flash-sale]")).to_be_hidden()

    # 1 and 4. The buyer finds the ended show in the room list and opens it: a summary, the chat as it
    # was, the buyer's order; nothing half-live (no camera wait beside "ended", no chat box).
    buyer.goto(f"{base}/phong-live/")
    buyer.get_by_test_id("past-show").filter(has_text=selling_show.title).get_by_role(
        "link", name="Xem tóm tắt và đơn của tôi"
    ).click()
    expect(buyer).to_have_url(f"{base}/phong-live/{selling_show.pk}/")
    expect(buyer.get_by_test_id("show-summary")).to_contain_text("Tóm tắt buổi phát")
    lines = buyer.locator(".live-summary__facts dd").first.evaluate(
        "e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)"
    )
    assert lines <= 3.2, lines  # the show's time reads in a line or two, not a word per line
    buyer.screenshot(path=str(SHOTS / "room-ended-360.png"), full_page=True)
    expect(buyer.locator(".live-msg", has_text="chốt B01 2")).to_be_visible()
    expect(buyer.locator(".selling-card .selling-status")).to_have_text("Đã xác nhận")
    expect(buyer.locator("[data-live-chat-input]")).to_have_count(0)
    expect(buyer.locator(".live-reactions")).to_have_count(0)
    expect(buyer.locator("[data-offers-card]")).to_have_count(0)
    expect(buyer.locator("main")).not_to_contain_text("Đang chờ hình từ camera")
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 360
    host_ctx.close()
    buyer_ctx.close()
