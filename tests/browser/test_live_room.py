"""Host and viewer in two browsers: chat both ways, moderation, and a dropped network.

The pages open a WebSocket, so they are served by a real daphne process (ASGI) on the
test database, not by Django's HTTP-only live server.
"""

import re
import threading
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from live.models import Room
from live.services import show_create
from tests.browser.conftest import logged_in_context

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


class NetworkSwitch:
    """Passes the page's WebSocket through Playwright, and can cut it like a dropped network."""

    def __init__(self):
        self.up = True
        self.swallow = False  # while set, the page's frames never reach the server (a link dying mid-send)
        self.routes = []
        self.lock = threading.Lock()

    def handler(self, ws):
        if not self.up:
            ws.close()
            return
        server = ws.connect_to_server()
        ws.on_message(lambda message: None if self.swallow else server.send(message))
        self.routes.append((ws, server))

    def drop(self):
        self.up = False
        for ws, server in self.routes:
            server.close()
            ws.close()
        self.routes.clear()

    def restore(self):
        self.up, self.swallow = True, False


def test_host_and_viewer_chat_moderate_and_survive_a_network_drop(browser, asgi_server, make_user):
    host_user = make_user("chuthe-live@example.vn", roles=[Role.VENDOR], full_name="Lê Thị Hồng Nhung")
    viewer_user = make_user("nguoixem@example.vn", roles=[Role.CONSUMER], full_name="Phạm Quốc Bảo")
    now = timezone.now()
    show = show_create(title="Bưởi đỏ Đông Cao", host=host_user, host_display_name="HTX Bưởi đỏ",
                       scheduled_start=now, scheduled_end=now + timedelta(hours=1))
    base = asgi_server

    host_ctx = logged_in_context(browser, base, host_user)
    viewer_ctx = logged_in_context(browser, base, viewer_user, viewport={"width": 360, "height": 740})
    host, viewer = host_ctx.new_page(), viewer_ctx.new_page()
    network = NetworkSwitch()
    viewer.route_web_socket(re.compile(r".*/ws/rooms/.*"), network.handler)

    host.goto(f"{base}/phong-live/{show.pk}/dieu-khien/")
    expect(host.locator("[data-live-status]")).to_have_text("Đã kết nối")
    host.click("[data-live-action='show.start']")
    expect(host.locator("[data-live-state]")).to_have_text("Đang phát")
    # Once live, the host is offered "end", not "start" again.
    expect(host.locator("[data-live-action='show.start']")).to_be_hidden()
    expect(host.locator("[data-live-action='show.end']")).to_be_visible()

    viewer.goto(f"{base}/phong-live/{show.pk}/")
    expect(viewer.locator("[data-live-status]")).to_have_text("Đã kết nối")
    expect(viewer.locator("[data-live-state]")).to_have_text("Đang phát")
    expect(host.locator("[data-live-viewers]")).to_have_text("2")

    host.fill("[data-live-chat-input]", "Chào cả nhà, bưởi vừa hái sáng nay!")
    host.press("[data-live-chat-input]", "Enter")
    expect(viewer.locator(".live-msg", has_text="Chào cả nhà, bưởi vừa hái sáng nay!")).to_be_visible()

    viewer.fill("[data-live-chat-input]", "Bưởi bao nhiêu một quả ạ?")
    viewer.click("[data-live-chat-send]")
    question = host.locator(".live-msg", has_text="Bưởi bao nhiêu một quả ạ?")
    expect(question).to_be_visible()
    viewer.fill("[data-live-chat-input]", "Link mua hàng giá rẻ ở đây")
    viewer.click("[data-live-chat-send]")
    spam = host.locator(".live-msg", has_text="Link mua hàng giá rẻ ở đây")
    expect(spam).to_be_visible()

    # The host deletes the spam, then mutes the viewer: the viewer sees both.
    spam.locator("[data-action=delete]").click()
    expect(viewer.locator(".live-msg--deleted")).to_have_text(re.compile("Bình luận đã bị xoá"))
    expect(viewer.locator(".live-msg", has_text="Link mua hàng")).to_have_count(0)
    question.locator("[data-action=mute]").click()
    expect(viewer.locator("[data-live-notice]")).to_have_text("Bạn đang bị tắt tiếng.")
    expect(viewer.locator("[data-live-chat-input]")).to_be_disabled()

    # The viewer's network drops; the host keeps talking; the network comes back.
    network.drop()
    expect(viewer.locator("[data-live-status]")).to_have_text("Mất kết nối, đang kết nối lại…")
    for text in ("Tin nhắn lúc bạn mất mạng 1", "Tin nhắn lúc bạn mất mạng 2"):
        host.fill("[data-live-chat-input]", text)
        host.press("[data-live-chat-input]", "Enter")
        expect(host.locator(".live-msg", has_text=text)).to_be_visible()
    network.restore()
    expect(viewer.locator("[data-live-status]")).to_have_text("Đã kết nối", timeout=20_000)
    for text in ("Tin nhắn lúc bạn mất mạng 1", "Tin nhắn lúc bạn mất mạng 2"):
        expect(viewer.locator(".live-msg", has_text=text)).to_have_count(1)
    expect(viewer.locator(".live-msg", has_text="Chào cả nhà")).to_have_count(1)
    host_ctx.close()
    viewer_ctx.close()


def test_show_list_and_anonymous_viewer_page(browser, asgi_server, make_user):
    host_user = make_user("chuthe-list@example.vn", roles=[Role.VENDOR])
    now = timezone.now()
    show = show_create(title="Chè Shan tuyết Ba Vì", host=host_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))
    page = browser.new_page(locale="en-US", viewport={"width": 360, "height": 740})
    page.goto(f"{asgi_server}/phong-live/")
    page.click("text=Chè Shan tuyết Ba Vì")
    expect(page.locator("[data-live-status]")).to_have_text(re.compile("Đã kết nối|Connected"))
    expect(page.locator("[data-live-chat-input]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{asgi_server}/phong-live/{show.pk}/dieu-khien/")
    assert "/tai-khoan/login/" in page.url
    page.close()


def test_viewers_report_and_the_host_works_the_queue(browser, asgi_server, make_user):
    """Reports reach the host's console at once; a report's buttons stay put while others arrive."""
    host_user = make_user("chuthe-baocao@example.vn", roles=[Role.VENDOR], full_name="Lê Thị Hồng Nhung")
    spammer = make_user("spam@example.vn", roles=[Role.CONSUMER], full_name="Người Rải Link")
    watcher = make_user("nguoixem-baocao@example.vn", roles=[Role.CONSUMER], full_name="Phạm Quốc Bảo")
    now = timezone.now()
    show = show_create(title="Chè Shan tuyết", host=host_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))
    base = asgi_server
    host = logged_in_context(browser, base, host_user).new_page()
    pages = {}
    for user in (spammer, watcher):
        pages[user] = logged_in_context(browser, base, user, viewport={"width": 360, "height": 740}).new_page()
        pages[user].goto(f"{base}/phong-live/{show.pk}/")
        expect(pages[user].locator("[data-live-status]")).to_have_text("Đã kết nối")
    host.goto(f"{base}/phong-live/{show.pk}/dieu-khien/")
    expect(host.locator("[data-live-status]")).to_have_text("Đã kết nối")
    queue = host.locator("[data-live-reports]")
    expect(queue).to_have_text("Chưa có báo cáo nào.")

    for text in ("Link lừa đảo số một", "Link lừa đảo số hai"):
        pages[spammer].fill("[data-live-chat-input]", text)
        pages[spammer].press("[data-live-chat-input]", "Enter")
        expect(pages[watcher].locator(".live-msg", has_text=text)).to_be_visible()
    pages[watcher].on("dialog", lambda d: d.accept("lừa đảo"))
    pages[watcher].locator(".live-msg", has_text="số một").locator("[data-action=report]").click()
    expect(pages[watcher].locator("[data-live-notice]")).to_have_text("Đã gửi báo cáo, cảm ơn bạn.")
    first = queue.locator(".live-report", has_text="số một")
    expect(first).to_contain_text("Phạm Quốc Bảo (lừa đảo)")
    resolve = first.get_by_role("button", name="Đã xử lý").element_handle()

    pages[watcher].locator(".live-msg", has_text="số hai").locator("[data-action=report]").click()
    expect(queue.locator(".live-report")).to_have_count(2)
    assert resolve.evaluate("button => button.isConnected"), "the first report's button was replaced"

    resolve.click()  # "handled": the message goes for everyone, the report leaves the queue
    expect(pages[watcher].locator(".live-msg--deleted")).to_have_text(re.compile("Bình luận đã bị xoá"))
    expect(queue.locator(".live-report")).to_have_count(1)
    queue.locator(".live-report", has_text="số hai").get_by_role("button", name="Bỏ qua").click()
    expect(queue).to_have_text("Chưa có báo cáo nào.")
    expect(pages[watcher].locator(".live-msg", has_text="số hai")).to_be_visible()


def test_a_comment_leaves_the_box_only_once_the_room_has_it(browser, asgi_server, make_user):
    """Typed while reconnecting, lost with the link, or refused: the comment comes back to the box, with why."""
    host_user = make_user("chuthe-binhluan@example.vn", roles=[Role.VENDOR], full_name="Lê Thị Hồng Nhung")
    buyer = make_user("nguoimua-binhluan@example.vn", roles=[Role.CONSUMER], full_name="Phạm Quốc Bảo")
    now = timezone.now()
    show = show_create(title="Cam Canh", host=host_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))
    Room.objects.filter(pk=show.room.pk).update(slow_mode_seconds=60)  # (set by the host's console in its own test)
    base = asgi_server
    page = logged_in_context(browser, base, buyer, viewport={"width": 360, "height": 740}).new_page()
    network = NetworkSwitch()
    page.route_web_socket(re.compile(r".*/ws/rooms/.*"), network.handler)
    page.goto(f"{base}/phong-live/{show.pk}/")
    status, box, notice = page.locator("[data-live-status]"), page.locator("[data-live-chat-input]"), page.locator("[data-live-notice]")
    expect(status).to_have_text("Đã kết nối")

    # Typed while the phone reconnects: not sent, kept in the box, and sent once connected.
    network.drop()
    expect(status).to_have_text("Mất kết nối, đang kết nối lại…")
    box.fill("Cho mình 2 kg cam Canh")
    box.press("Enter")
    expect(notice).to_contain_text("Chưa gửi được: đang kết nối lại.")
    expect(box).to_have_value("Cho mình 2 kg cam Canh")
    network.restore()
    expect(status).to_have_text("Đã kết nối", timeout=20_000)
    box.press("Enter")
    expect(page.locator(".live-msg", has_text="Cho mình 2 kg cam Canh")).to_have_count(1)
    expect(box).to_have_value("")

    # Sent, but the link dies before the room answers: it comes back, with a word on why.
    network.swallow = True
    box.fill("Cam có ngọt không ạ?")
    box.press("Enter")
    expect(box).to_have_value("")
    network.drop()
    expect(notice).to_contain_text("Mất kết nối trước khi bình luận được nhận.")
    expect(box).to_have_value("Cam có ngọt không ạ?")
    network.restore()
    expect(status).to_have_text("Đã kết nối", timeout=20_000)
    expect(page.locator(".live-msg", has_text="Cam có ngọt")).to_have_count(0)

    # Refused by the room (slow mode: one comment a minute each): it comes back, with the room's reason.
    box.fill("Ship về Gia Lâm được không?")
    box.press("Enter")
    expect(notice).to_have_text("Phòng đang ở chế độ chậm: mỗi 60 giây một bình luận.")
    expect(box).to_have_value("Ship về Gia Lâm được không?")
    expect(page.locator(".live-msg", has_text="Ship về Gia Lâm")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "live-room-comment-given-back-360.png", full_page=True)
