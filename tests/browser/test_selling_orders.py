"""Chốt đơn in two browsers: the buyer's comment becomes a card, the host confirms it from the board.

(The whole selling path with a flash sale is the lead's end-to-end test; this one pins the
order card and the board on a 360 px phone.)
"""

import re

from playwright.sync_api import expect

from orders.models import Order
from selling.models import DeliveryProfile
from tests.browser.conftest import console_and_phone


def test_chot_don_card_and_board(browser, asgi_server, selling_show, vendor_user, buyer_user):
    base = asgi_server
    host_ctx, buyer_ctx, host, buyer = console_and_phone(browser, base, selling_show, vendor_user, buyer_user)
    host.on("dialog", lambda d: d.accept())

    buyer.fill("[data-live-chat-input]", "chot b01 2")
    buyer.press("[data-live-chat-input]", "Enter")
    card = buyer.locator(".selling-card")
    expect(card).to_have_count(1)
    expect(card.locator(".selling-card__code")).to_have_text("B01")
    expect(card.locator("input[name=quantity]")).to_have_value("2")
    expect(card.locator(".selling-status")).to_have_text("Chờ shop xác nhận")

    item = host.locator(".selling-intent", has_text="Phạm Quốc Bảo")
    expect(item).to_contain_text("B01 × 2")
    expect(host.locator("[data-selling-board-totals]")).to_contain_text("Chờ: 1")

    # The buyer gives delivery details and one more box; the board sees it at once.
    card.locator("input[name=quantity]").fill("3")
    card.locator("input[name=name]").fill("Phạm Quốc Bảo")
    card.locator("input[name=phone]").fill("0987 654 321")
    card.locator("textarea[name=address]").fill("12 Hàng Bạc, Hoàn Kiếm, Hà Nội")
    card.locator("[data-action='order.update']").click()
    expect(buyer.locator("[data-live-notice]")).to_have_text("Đã lưu.")
    expect(item).to_contain_text("B01 × 3")
    expect(item).to_contain_text("12 Hàng Bạc")
    assert DeliveryProfile.objects.get(user=buyer_user).phone == "+84987654321"
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 360

    item.locator("[data-action='board.claim']").click()
    expect(item).to_contain_text("Bạn đang xử lý")
    expect(card.locator(".selling-status")).to_have_text("Shop đang xử lý")
    expect(card.locator("input[name=quantity]")).to_be_disabled()
    item.locator("[data-action='board.confirm']").click()
    expect(card.locator(".selling-status")).to_have_text("Đã xác nhận")
    expect(card.locator("[data-action='order.cancel']")).to_be_hidden()
    expect(host.locator("[data-selling-board-totals]")).to_contain_text(re.compile(r"Đã xác nhận: 1 \(360\.000"))
    assert Order.objects.get().lines.get().quantity == 3

    # A question creates nothing, an unknown code gets a reply for this buyer alone.
    buyer.fill("[data-live-chat-input]", "chốt B09 1")
    buyer.press("[data-live-chat-input]", "Enter")
    expect(buyer.locator("[data-selling-order-reply]")).to_contain_text("B09")
    expect(host.locator(".selling-intent")).to_have_count(1)


def test_the_board_keeps_the_hosts_buttons_while_other_orders_arrive(
    browser, asgi_server, selling_show, vendor_user, buyer_user
):
    """A press on the board is not lost because another chốt đơn arrived at that moment.

    The board used to rebuild every item on each frame: the button under the host's pointer
    was replaced, and a click whose press and release straddled the swap did nothing.
    """
    base = asgi_server
    DeliveryProfile.objects.create(user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc")
    _host_ctx, _buyer_ctx, host, buyer = console_and_phone(browser, base, selling_show, vendor_user, buyer_user)
    buyer.fill("[data-live-chat-input]", "chot b01 2")
    buyer.press("[data-live-chat-input]", "Enter")
    first = host.locator(".selling-intent", has_text="B01 × 2")
    confirm = first.locator("[data-action='board.confirm']").element_handle()

    buyer.fill("[data-live-chat-input]", "chot b02 1")
    buyer.press("[data-live-chat-input]", "Enter")
    expect(host.locator(".selling-intent")).to_have_count(2)
    expect(host.locator("[data-selling-board-totals]")).to_contain_text("Chờ: 2")
    assert confirm.evaluate("button => button.isConnected"), "the B01 button was replaced when B02 arrived"

    confirm.click()
    expect(first.locator(".selling-status")).to_have_text("Đã xác nhận")
    b01 = buyer.locator(".selling-card", has=buyer.locator(".selling-card__code", has_text="B01"))
    expect(b01.locator(".selling-status")).to_have_text("Đã xác nhận")
    expect(host.locator(".selling-intent", has_text="B02 × 1").locator(".selling-status")).to_have_text("Chờ shop xác nhận")

    # A decline reason being typed survives the next order's arrival too.
    second = host.locator(".selling-intent", has_text="B02 × 1")
    second.locator("[data-action='decline-open']").click()
    second.locator("input[name=reason]").fill("Hết hàng loại này")
    buyer.fill("[data-live-chat-input]", "chot b03 1")
    buyer.press("[data-live-chat-input]", "Enter")
    expect(host.locator(".selling-intent")).to_have_count(3)
    expect(second.locator("input[name=reason]")).to_have_value("Hết hàng loại này")
    second.locator("form button[type=submit]").click()
    expect(second.locator(".selling-status")).to_have_text("Đã từ chối")
    expect(second).to_contain_text("Hết hàng loại này")
