"""Buying at the weekly market in real browsers: a consumer's phone (360 px) fills carts at two
stalls and checks out once (one order per stall, found under "my orders of this session"); a
verified distributor asks a stall for a quote, the vendor answers on a desktop, the distributor
accepts and sees the order. Screenshots go to var/screenshots/market-buy-*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from orders.models import Channel, Order
from selling.models import DeliveryProfile
from tests.browser.conftest import logged_in_context
from tests.market.buying_helpers import business_buyer, tiers
from tests.market.conftest import open_session, promoted_stall, published_session, second_stall, second_vendor_user  # noqa: F401

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _no_room_broadcasts(monkeypatch):
    """These pages open no socket: publishing the session's rooms would call the channel layer
    from Playwright's event-loop thread, which asgiref refuses."""
    from live import broadcast

    monkeypatch.setattr(broadcast, "publish", lambda *args, **kwargs: None)


def _shot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 740})
    page.screenshot(path=str(SHOTS / f"market-buy-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"


def test_cart_then_quote(browser, live_server, published_session, buyer_user, make_user):  # noqa: F811
    base = live_server.url
    session = published_session.session
    first, second = published_session.stalls
    DeliveryProfile.objects.create(
        user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc, Hoàn Kiếm"
    )

    # A consumer on a phone: two products at the first stall, one at the second, one checkout.
    phone = logged_in_context(browser, base, buyer_user, viewport={"width": 360, "height": 740}).new_page()
    phone.goto(f"{base}/cho-dem/mua/gian-hang/{first.vendor.slug}/?phien={session.pk}")
    phone.get_by_test_id("qty-B01").fill("2")
    phone.get_by_test_id("add-B01").click()
    expect(phone.locator(".messages")).to_contain_text("Đã thêm vào giỏ")
    phone.get_by_test_id("add-B02").click()
    expect(phone.get_by_test_id(f"cart-total-{first.vendor.slug}")).to_have_text("420.000 ₫")
    phone.get_by_test_id("qty-B03").fill("40")
    phone.get_by_test_id("add-B03").click()
    expect(phone.locator(".messages")).to_contain_text("chỉ còn 15 hộp, bạn chọn 40")
    _shot(phone, "01-stall-cart", 360)
    _shot(phone, "01-stall-cart", 1280)
    phone.set_viewport_size({"width": 360, "height": 740})
    phone.goto(f"{base}/cho-dem/mua/gian-hang/{second.vendor.slug}/?phien={session.pk}")
    phone.get_by_test_id("add-C01").click()
    expect(phone.get_by_test_id("other-carts")).to_contain_text("HTX Bưởi đỏ Đông Cao")  # the first cart is kept
    phone.get_by_test_id("checkout-all").click()
    expect(phone.get_by_test_id("grand-total")).to_have_text("570.000 ₫")
    expect(phone.locator("input[name=phone]")).to_have_value("0987 654 321")  # remembered
    _shot(phone, "02-checkout", 360)
    phone.get_by_test_id("place").click()
    expect(phone.locator(".messages")).to_contain_text("Đã đặt 2 đơn hàng")
    expect(phone.get_by_test_id("session-orders").locator("[data-order]")).to_have_count(2)
    expect(phone.get_by_test_id("session-total")).to_contain_text("570.000 ₫")
    _shot(phone, "03-my-session-orders", 360)
    assert sorted(Order.objects.filter(buyer=buyer_user).values_list("total", flat=True)) == [150_000, 420_000]

    # A verified distributor sees the wholesale tier and asks for a quote.
    tiers(first.products["B01"], (100, 86_000))
    distributor = business_buyer(make_user, "sen.vang@example.vn")
    dist = logged_in_context(browser, base, distributor, viewport={"width": 360, "height": 740}).new_page()
    dist.goto(f"{base}/cho-dem/mua/gian-hang/{first.vendor.slug}/?phien={session.pk}")
    expect(dist.get_by_test_id("tiers-B01")).to_contain_text("86.000 ₫")
    dist.get_by_role("link", name="Hỏi giá sỉ").click()
    dist.get_by_label("Sản phẩm").select_option(label="B01 · Bưởi đỏ Đông Cao")
    dist.get_by_label("Số lượng dự kiến").fill("200")
    dist.get_by_label("Lời nhắn cho shop").fill("Cần 200 hộp cho chuỗi cửa hàng, giao Hà Nội.")
    dist.get_by_test_id("inquiry-send").click()
    expect(dist.get_by_test_id("inquiry-state")).to_have_text("Chờ báo giá")
    inquiry_url = dist.url

    # The vendor answers on a desktop.
    desk = logged_in_context(browser, base, first.user, viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(f"{base}/cho-dem/mua/hoi-gia/")
    desk.get_by_test_id("inquiry-inbox").get_by_role("link").first.click()
    form = desk.get_by_test_id("quote-form")
    form.locator("input[name=unit_price]").fill("90000")
    form.get_by_label("Số lượng tối thiểu").fill("100")
    form.get_by_label("Bậc 2: từ số lượng").fill("200")
    form.locator("input[name=tier1_price]").fill("84000")
    form.get_by_label("Điều kiện giao hàng").fill("Giao trong 3 ngày tại Hà Nội, miễn phí vận chuyển")
    _shot(desk, "04-vendor-quote", 1280)
    desk.get_by_test_id("quote-send").click()
    expect(desk.locator(".messages")).to_contain_text("Đã gửi báo giá")

    # The distributor accepts it and sees the order.
    dist.goto(inquiry_url)
    expect(dist.get_by_test_id("quotes")).to_contain_text("84.000 ₫")
    accept = dist.get_by_test_id("accept-form")
    accept.get_by_label("Số lượng đặt").fill("200")
    accept.get_by_label("Người nhận").fill("Võ Minh Tâm")
    accept.get_by_label("Điện thoại").fill("0912 000 111")
    accept.get_by_label("Địa chỉ nhận hàng").fill("45 Nguyễn Huệ, Quận 1")
    _shot(dist, "05-quote-accept", 360)
    dist.get_by_test_id("accept").click()
    expect(dist.locator(".messages")).to_contain_text("Đã chấp nhận báo giá")
    order = Order.objects.get(buyer=distributor)
    assert (order.channel, order.total) == (Channel.WHOLESALE_QUOTE, 16_800_000)
    expect(dist.locator("body")).to_contain_text(order.number)
    expect(dist.locator("body")).to_contain_text("16.800.000 ₫")
    _shot(dist, "06-quote-order", 360)
