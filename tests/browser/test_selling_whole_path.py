"""The whole selling path of issue #6 in two browsers: host console and a buyer's phone.

The host goes live, pins a product and schedules a flash sale; the buyer buys when the
countdown (the shortest real one, 10 s) runs out and also writes "chot b01 2" in chat;
the host claims and confirms that order from the board and the buyer sees it confirmed;
the host ends the show, opens its analytics and exports its orders. Served by a real daphne process.
"""

import re
from pathlib import Path

from playwright.sync_api import expect

from orders.models import Order
from selling.models import DeliveryProfile, OrderIntent
from tests.browser.conftest import logged_in_context


def test_host_sells_by_flash_sale_and_chot_don_then_reads_the_analytics(
    browser, asgi_server, selling_show, vendor_user, buyer_user
):
    base = asgi_server
    # The buyer's remembered delivery details: an order cannot be accepted without them.
    DeliveryProfile.objects.create(user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc, Hoàn Kiếm")
    host_ctx = logged_in_context(browser, base, vendor_user)
    buyer_ctx = logged_in_context(browser, base, buyer_user, viewport={"width": 360, "height": 740})
    host, buyer = host_ctx.new_page(), buyer_ctx.new_page()
    host.goto(f"{base}/phong-live/{selling_show.pk}/dieu-khien/")
    expect(host.locator("[data-live-status]")).to_have_text("Đã kết nối")
    host.locator("[data-live-action='show.start']").click()
    buyer.goto(f"{base}/phong-live/{selling_show.pk}/")
    expect(buyer.locator("[data-live-status]")).to_have_text("Đã kết nối")
    expect(buyer.locator("[data-live-state]").first).to_have_text("Đang phát")

    # The host pins B01: the buyer's phone shows its card at once.
    host.locator("[data-offers-pins] li", has_text="B01").get_by_role("button", name="Ghim").click()
    card = buyer.locator("[data-offers-card]")
    expect(card).to_contain_text("Bưởi đỏ Đông Cao")
    expect(card.locator("[data-offers-price]")).to_have_text("120.000 ₫")

    # A flash sale: 10 units at 99.000 ₫, two per buyer, open after 10 s for 2 minutes.
    form = host.locator("[data-sale-form]")
    form.locator("select[name=offer_id]").select_option(value=str(selling_show.offers.get(product__code="B01").pk))
    for name, value in (("sale_price", "99000"), ("quantity", "10"), ("per_buyer_cap", "2"),
                        ("countdown_seconds", "10"), ("duration_seconds", "120")):
        form.locator(f"input[name={name}]").fill(value)
    form.get_by_role("button", name="Lên lịch flash sale").click()
    panel = buyer.locator("[data-flash-sale]")
    expect(panel.locator("[data-sale-clock]")).to_have_text(re.compile(r"Flash sale mở sau"))
    expect(panel.locator("[data-sale-clock]")).to_have_text(re.compile(r"Flash sale đang mở"), timeout=15_000)
    panel.locator("[data-sale-qty]").fill("2")
    panel.get_by_role("button", name="Mua ngay").click()
    expect(panel.locator("[data-sale-sold]")).to_have_text("Đã bán 2/10 · còn 8")

    # Chốt đơn from chat: the buyer gets a confirmation card, the host's board the intent.
    buyer.fill("[data-live-chat-input]", "chot b01 2")
    buyer.press("[data-live-chat-input]", "Enter")
    expect(buyer.locator(".selling-card")).to_have_count(2)  # the flash-sale purchase and the chat order
    board_item = host.locator(".selling-intent", has_text="Bình luận")
    expect(board_item).to_contain_text("B01 × 2")
    expect(host.locator(".selling-intent", has_text="Flash sale")).to_contain_text("B01 × 2")

    board_item.locator("[data-action='board.claim']").click()
    expect(board_item).to_contain_text("Bạn đang xử lý")
    board_item.locator("[data-action='board.confirm']").click()
    chat_intent = OrderIntent.objects.get(source=OrderIntent.Source.CHAT)
    confirmed_card = buyer.locator(f".selling-card[data-intent-id='{chat_intent.pk}'] .selling-status")
    expect(confirmed_card).to_have_text("Đã xác nhận")
    sale_intent = OrderIntent.objects.get(source=OrderIntent.Source.FLASH_SALE)
    expect(buyer.locator(f".selling-card[data-intent-id='{sale_intent.pk}'] .selling-status")).to_have_text("Chờ shop xác nhận")
    assert Order.objects.get().total == 240_000
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 360

    # The host ends the show and reads its analytics.
    host.once("dialog", lambda dialog: dialog.accept())  # ending the show asks first
    host.locator("[data-live-action='show.end']").click()
    expect(buyer.locator("[data-live-state]").first).to_have_text("Đã kết thúc")
    host.get_by_role("link", name="Thống kê").click()
    expect(host.locator("h1")).to_have_text("Thống kê buổi phát")
    expect(host.locator("[data-kpi='intents']")).to_have_text("2")
    expect(host.locator("[data-kpi='revenue']")).to_have_text("240.000 ₫")
    expect(host.locator("svg").first).to_be_visible()

    # The confirmed order is listed for the host and exported as CSV.
    host.go_back()
    host.get_by_role("link", name="Đơn hàng").click()
    rows = host.locator("[data-testid=show-orders] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Phạm Quốc Bảo")
    expect(rows.first).to_contain_text("240.000 ₫")
    with host.expect_download() as download:
        host.get_by_role("link", name="Tải CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Phạm Quốc Bảo" in exported and "B01" in exported and "240000" in exported
    host_ctx.close()
    buyer_ctx.close()
