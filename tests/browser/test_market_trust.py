"""Trust in two browsers: the buyer reviews a completed order on a 360 px phone, and the
vendor reads the buyer's record on the order desk before confirming their next order.
Screenshots: var/screenshots/market-trust-*.png."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from market.models import Review
from tests.browser.conftest import logged_in_context
from tests.market.trust_helpers import complete, place, step

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _shot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 740})
    page.screenshot(path=str(SHOTS / f"market-trust-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"


def test_a_buyer_reviews_and_the_vendor_reads_their_record_before_confirming(
    browser, live_server, stall, vendor_user, buyer_user
):
    base = live_server.url
    _vendor, products = stall
    done = complete(
        place(buyer_user, products["B01"], quantity=2), vendor_user=vendor_user, at=timezone.now() - timedelta(days=4)
    )
    step(place(buyer_user, products["B02"]), "buyer_cancel", buyer_user, "buyer")
    waiting = place(buyer_user, products["B03"])

    # The buyer, on a phone, reviews the completed order from its page.
    buyer_ctx = logged_in_context(browser, base, buyer_user, viewport={"width": 360, "height": 740})
    buyer = buyer_ctx.new_page()
    buyer.goto(f"{base}{done.get_absolute_url()}")
    buyer.get_by_role("link", name="Viết đánh giá").click()
    form = buyer.get_by_test_id("review-form-B01")
    form.get_by_text("5★").click()
    form.locator("textarea[name=text]").fill("Bưởi ngọt, múi mọng, shop gói cẩn thận.")
    _shot(buyer, "review-form", 360)
    form.get_by_role("button", name="Đăng đánh giá").click()
    expect(buyer.locator(".messages")).to_contain_text("Cảm ơn bạn! Đánh giá đã được đăng.")
    expect(buyer.get_by_test_id("review-done")).to_contain_text("Bạn đã đánh giá")
    assert Review.objects.get().stars == 5
    # It is on the product's page for everyone.
    buyer.goto(f"{base}{products['B01'].get_absolute_url()}")
    expect(buyer.get_by_test_id("rating-summary")).to_contain_text("1 đánh giá")
    expect(buyer.get_by_test_id("reviews")).to_contain_text("Bưởi ngọt, múi mọng")
    buyer.get_by_test_id("reviews").scroll_into_view_if_needed()
    _shot(buyer, "product-reviews", 360)

    # The vendor's desk: the waiting order carries the buyer's record before it is confirmed.
    vendor_ctx = logged_in_context(browser, base, vendor_user, viewport={"width": 1280, "height": 900})
    desk = vendor_ctx.new_page()
    desk.goto(f"{base}/don-hang/ban-hang/")
    card = desk.locator(f"[data-order='{waiting.number}']")
    record = card.get_by_test_id("buyer-record")
    expect(record).to_contain_text("3 đơn đã đặt")
    expect(record).to_contain_text("1 hoàn thành")
    expect(record).to_contain_text("1 tự hủy")
    _shot(desk, "desk", 360)
    _shot(desk, "desk", 1280)
    card.get_by_test_id(f"pick-{waiting.number}").check()
    desk.get_by_test_id("bulk-confirm").click()
    expect(desk.locator(".messages")).to_contain_text(f"1 đơn thành công ({waiting.number})")
    expect(desk.locator(f"[data-order='{waiting.number}'] [data-testid=buyer-record]")).to_have_count(0)

    # The vendor's record page: figures and the review, answered once.
    desk.goto(f"{base}/cho-dem/uy-tin/chu-the/{_vendor.slug}/")
    expect(desk.get_by_test_id("vendor-record")).to_contain_text("Xác nhận đơn đúng hạn")
    review = Review.objects.get()
    desk.get_by_test_id(f"reply-form-{review.pk}").locator("textarea").fill("Cảm ơn anh Bảo đã ủng hộ HTX!")
    desk.get_by_test_id(f"reply-form-{review.pk}").get_by_role("button").click()
    expect(desk.get_by_test_id("review-reply")).to_contain_text("Cảm ơn anh Bảo")
    expect(desk.get_by_test_id(f"reply-form-{review.pk}")).to_have_count(0)
    _shot(desk, "vendor-record", 360)
    buyer_ctx.close()
    vendor_ctx.close()
