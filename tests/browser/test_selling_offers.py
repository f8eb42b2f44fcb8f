"""The pinned product card and the flash sale panel in two browsers (host console, viewer phone).

Served by a real daphne process (the pages open a WebSocket). The viewer waits out the
shortest real countdown (10 s): the buy button must appear on the server's clock.
"""

import re
from pathlib import Path

from playwright.sync_api import expect

from selling.models import OrderIntent, ShowOffer
from tests.browser.conftest import console_and_phone, logged_in_context
from tests.market.buying_helpers import business_buyer, tiers
from tests.selling.helpers import go_live, offer_many

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_host_pins_and_starts_a_sale_viewer_sees_it_and_buys(browser, asgi_server, selling_show, vendor_user, buyer_user):
    go_live(selling_show)
    base = asgi_server
    host_ctx, viewer_ctx, host, viewer = console_and_phone(browser, base, selling_show, vendor_user, buyer_user)
    expect(viewer.locator("[data-live-status]")).to_have_text("Đã kết nối")
    expect(viewer.locator("[data-offers-card]")).to_be_hidden()  # nothing pinned: the phone's stage shows only the video

    host.locator("[data-offers-pins] li", has_text="B01").get_by_role("button", name="Ghim").click()
    card = viewer.locator("[data-offers-card]")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Bưởi đỏ Đông Cao")
    expect(card.locator("[data-offers-price]")).to_have_text("120.000 ₫")
    expect(card).to_contain_text("4 sao OCOP")
    expect(card).to_contain_text("Còn 300 hộp")

    # A countdown below 10 s is refused, next to its field, in Vietnamese.
    form = host.locator("[data-sale-form]")
    b01 = selling_show.offers.get(product__code="B01")
    form.locator("select[name=offer_id]").select_option(value=str(b01.pk))
    form.locator("input[name=sale_price]").fill("99000")
    form.locator("input[name=quantity]").fill("10")
    form.locator("input[name=per_buyer_cap]").fill("2")
    form.locator("input[name=countdown_seconds]").fill("5")
    form.locator("input[name=duration_seconds]").fill("120")
    form.get_by_role("button", name="Lên lịch flash sale").click()
    expect(form.locator('[data-field-error="countdown_seconds"]')).to_contain_text("Đếm ngược từ 10 đến 300 giây")
    form.locator("input[name=countdown_seconds]").fill("10")
    form.get_by_role("button", name="Lên lịch flash sale").click()

    panel = viewer.locator("[data-flash-sale]")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-sale-clock]")).to_have_text(re.compile(r"Flash sale mở sau 0:(0\d|10)"))
    expect(panel.locator("[data-sale-price]")).to_have_text("99.000 ₫")
    expect(panel.locator("[data-sale-buy]")).to_be_hidden()
    assert viewer.evaluate("document.documentElement.scrollWidth") <= 360

    # The countdown runs out on the server's clock and the buy button appears.
    expect(panel.locator("[data-sale-clock]")).to_have_text(re.compile(r"Flash sale đang mở, còn [12]:\d\d"), timeout=15_000)
    unpin = host.locator("[data-offers-pins] li", has_text="B01").get_by_role("button", name="Bỏ ghim").element_handle()
    panel.locator("[data-sale-qty]").fill("2")
    panel.get_by_role("button", name="Mua ngay").click()
    expect(panel.locator("[data-sale-result]")).to_have_text("Đã đặt 2 sản phẩm. Người bán sẽ xác nhận đơn của bạn.")
    expect(panel.locator("[data-sale-sold]")).to_have_text("Đã bán 2/10 · còn 8")
    expect(host.locator("[data-flash-sale] [data-sale-sold]")).to_have_text("Đã bán 2/10 · còn 8")
    # Each purchase changes the stock on the host's pin list, and the host's buttons stay put.
    assert unpin.evaluate("button => button.isConnected"), "a purchase replaced the host's pin buttons"
    viewer.reload()  # a reconnecting phone reads the sale from the welcome
    expect(panel.locator("[data-sale-sold]")).to_have_text("Đã bán 2/10 · còn 8")
    panel.get_by_role("button", name="Mua ngay").click()
    expect(panel.locator("[data-sale-result]")).to_contain_text("mức tối đa mỗi người")
    assert OrderIntent.objects.get().quantity == 2

    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="Huỷ flash sale").click()
    expect(panel.locator("[data-sale-clock]")).to_have_text("Người dẫn đã huỷ flash sale.")
    expect(panel.locator("[data-sale-buy]")).to_be_hidden()
    host_ctx.close()
    viewer_ctx.close()


def test_a_show_offering_sixty_products_lists_them_all_though_its_welcome_comes_in_parts(
    browser, asgi_server, selling_show, stall, vendor_user, buyer_user
):
    """Sixty long Vietnamese names make a 22 KB welcome, over the server's 16 KB message cap:
    it comes as ``part`` frames, and the page joins them before reading the welcome."""
    codes = offer_many(selling_show, stall, vendor_user, 60)
    go_live(selling_show)
    base = asgi_server
    host_ctx, viewer_ctx, host, viewer = console_and_phone(browser, base, selling_show, vendor_user, buyer_user)
    expect(host.locator("[data-live-status]")).to_have_text("Đã kết nối")
    pins = host.locator("[data-offers-pins] li")
    expect(pins).to_have_count(63)
    expect(pins.last).to_contain_text(f"{codes[-1]} · Bưởi đỏ Đông Cao Mê Linh loại đặc biệt")

    pins.last.get_by_role("button", name="Ghim").click()
    card = viewer.locator("[data-offers-card]")
    expect(card).to_contain_text("hộp quà Tết 60 quả")
    expect(card.locator("[data-offers-price]")).to_have_text("310.000 ₫")
    assert viewer.evaluate("document.documentElement.scrollWidth") <= 360
    viewer.reload()  # the welcome, in parts again, brings the pinned card
    expect(card).to_contain_text("hộp quà Tết 60 quả")
    host_ctx.close()
    viewer_ctx.close()


def test_a_verified_distributor_reads_its_wholesale_price_on_the_pinned_card(
    browser, asgi_server, selling_show, buyer_user, make_user
):
    """The card's price is the catalogue price everyone sees; a distributor's chốt đơn is charged its tier."""
    go_live(selling_show)
    b01 = selling_show.offers.select_related("product").get(product__code="B01")
    ShowOffer.objects.filter(pk=b01.pk).update(is_pinned=True)
    tiers(b01.product, (20, 100_000), (100, 86_000))
    distributor = business_buyer(make_user, "phanphoi-the@example.vn")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for user, width in ((distributor, 360), (distributor, 1280), (buyer_user, 360)):
        context = logged_in_context(browser, asgi_server, user, viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{asgi_server}/phong-live/{selling_show.pk}/")
        expect(page.locator("[data-live-status]")).to_have_text("Đã kết nối")
        card = page.locator("[data-offers-card]")
        expect(card.locator("[data-offers-price]")).to_have_text("120.000 ₫")
        if user == distributor:
            expect(card.locator("[data-offers-tiers]")).to_be_visible()
            expect(card.locator("[data-offers-tier-list] li")).to_have_text(
                ["từ 20 hộp: 100.000 ₫/hộp", "từ 100 hộp: 86.000 ₫/hộp"]
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            card.screenshot(path=SCREENSHOTS / f"pinned-card-wholesale-{width}.png")
        else:
            page.wait_for_timeout(300)  # the answer to offer.prices, had there been tiers to show
            expect(card.locator("[data-offers-tiers]")).to_be_hidden()
        context.close()
