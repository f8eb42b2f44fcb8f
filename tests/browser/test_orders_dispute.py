"""A dispute in three browsers (issue 11): the buyer's phone, the vendor's desk, the organizers' console.

An order set up through the services up to "received"; the buyer opens a dispute with a
photo at 360 px, the vendor answers, an organizer finds it in the console's queue and
decides a refund; both sides read the decision on the order's timeline and the order
reads "Trả hàng". Screenshots at 360 px and 1280 px go to var/screenshots/orders/.
"""

import io
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from orders import services as order_services
from orders.models import Channel, Dispute, Order, OrderEvent, Status
from tests.browser.conftest import logged_in_context

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "orders"
DELIVERY = {"name": "Phạm Quốc Bảo", "phone": "0987654321", "address": "12 Hàng Bạc, Hoàn Kiếm"}


def _shot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 740})
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"


def _received(stall, buyer, vendor_user) -> Order:
    vendor, products = stall

    def move(order, action, user, role, **kw):
        return order_services.order_transition(order_id=order.pk, action=action, actor=user, role=role, key=uuid.uuid4().hex, **kw)[0]

    order = order_services.order_place(
        buyer_id=buyer.pk, vendor_id=vendor.pk, placed_by_id=buyer.pk, client_key=uuid.uuid4().hex, channel=Channel.STALL_CART,
        lines=[order_services.LineRequest(product_id=products["B01"].pk, quantity=2)], delivery=DELIVERY,
    )
    move(order, "confirm", vendor_user, "vendor")
    move(order, "ship", vendor_user, "vendor", data={"carrier": "Giao Hàng Tiết Kiệm", "tracking_code": "GHTK-84512"})
    return move(order, "confirm_receipt", buyer, "buyer", data={"goods_match": False})


def _photo(tmp_path) -> Path:
    """A real photo of a bruised pomelo (well: a drawn one) taken on a phone."""
    image = Image.new("RGB", (640, 480), (236, 226, 200))
    for x in range(160, 480):
        for y in range(120, 360):
            if (x - 320) ** 2 + (y - 240) ** 2 < 110**2:
                image.putpixel((x, y), (120, 170, 60) if (x - 360) ** 2 + (y - 210) ** 2 > 30**2 else (110, 70, 40))
    path = tmp_path / "buoi-dap.jpg"
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def _photo_width(page) -> int:
    """The dispute photo's width once it has loaded (0 if the permission-checked view refused it)."""
    page.wait_for_function("() => { const i = document.querySelector('[data-testid=dispute-photos] img'); return i && i.complete; }")
    return page.get_by_test_id("dispute-photos").locator("img").evaluate("img => img.naturalWidth")


def test_a_dispute_opened_with_a_photo_answered_and_refunded_by_an_organizer(
    browser, live_server, stall, vendor_user, buyer_user, organizer_user, tmp_path
):
    base = live_server.url
    order = _received(stall, buyer_user, vendor_user)
    number = order.number
    late = order_services.order_place(
        buyer_id=buyer_user.pk, vendor_id=stall[0].pk, placed_by_id=buyer_user.pk, client_key=uuid.uuid4().hex,
        channel=Channel.STALL_CART, lines=[order_services.LineRequest(product_id=stall[1]["B02"].pk, quantity=1)],
        delivery=DELIVERY,
    )
    Order.objects.filter(pk=late.pk).update(placed_at=timezone.now() - timedelta(hours=30))
    buyer_ctx = logged_in_context(browser, base, buyer_user, viewport={"width": 360, "height": 740})
    vendor_ctx = logged_in_context(browser, base, vendor_user, viewport={"width": 1280, "height": 900})
    organizer_ctx = logged_in_context(browser, base, organizer_user, viewport={"width": 1280, "height": 900})
    buyer, vendor, organizer = buyer_ctx.new_page(), vendor_ctx.new_page(), organizer_ctx.new_page()

    # The buyer, on their phone, opens a dispute from the order page with a photo.
    buyer.goto(f"{base}/don-hang/{number}/")
    buyer.get_by_test_id("dispute-link").click()
    form = buyer.get_by_test_id("dispute-open-form")
    expect(form).to_be_visible()
    form.get_by_label("Hàng bị hư hỏng").check()
    buyer.fill("#dispute-text", "Hai quả bưởi bị dập một góc, múi bên trong bị úng.")
    buyer.get_by_test_id("dispute-photos").set_input_files(str(_photo(tmp_path)))
    _shot(buyer, "dispute-01-open", 360)
    buyer.get_by_test_id("dispute-submit").click()
    expect(buyer.get_by_test_id("dispute-state")).to_have_text("Chờ shop trả lời")
    expect(buyer.get_by_test_id("dispute-due")).to_contain_text("Shop trả lời trước")
    photo = buyer.get_by_test_id("dispute-photos").locator("img")
    expect(photo).to_have_count(1)
    assert _photo_width(buyer) == 640  # served to the buyer, re-encoded
    assert Dispute.objects.get(order=order).photos.count() == 1
    _shot(buyer, "dispute-02-opened", 360)

    # The vendor finds it from the order page and answers.
    vendor.goto(f"{base}/don-hang/{number}/")
    vendor.get_by_test_id("order-disputes").get_by_role("link", name="Hàng bị hư hỏng").click()
    expect(vendor.get_by_test_id("dispute-text")).to_contain_text("múi bên trong bị úng")
    assert _photo_width(vendor) == 640
    vendor.fill("#dispute-answer", "Shop xin lỗi anh. Xe giao xóc làm dập hai quả: shop xin hoàn tiền.")
    vendor.get_by_test_id("dispute-answer-submit").click()
    expect(vendor.get_by_test_id("dispute-state")).to_have_text("Chờ ban tổ chức quyết định")
    expect(vendor.get_by_test_id("dispute-answer")).to_contain_text("shop xin hoàn tiền")

    # The organizer sees it in the console's queue and decides a refund.
    organizer.goto(f"{base}/don-hang/giam-sat/")
    queue = organizer.get_by_test_id("dispute-queue")
    expect(queue).to_contain_text(number)
    expect(queue).to_contain_text("Chờ ban tổ chức quyết định")
    expect(organizer.get_by_test_id("figure-disputes")).to_have_text("1")
    # An order not confirmed for 30 hours is flagged; the organizer notes a call to both sides.
    expect(organizer.get_by_test_id("figure-overdue")).to_have_text("1")
    expect(organizer.get_by_test_id(f"overdue-{late.number}")).to_contain_text("Chưa xác nhận quá 24 giờ")
    card = organizer.locator(f"[data-order='{late.number}']")
    card.locator(".console-step summary").click()
    step = card.get_by_test_id(f"step-organizer_contacted-{late.number}")
    step.locator("input[name=reason]").fill("Gọi shop: hôm nay giao; đã báo người mua")
    organizer.locator("details.console-tables summary").click()
    _shot(organizer, "console-01", 1280)
    _shot(organizer, "console-01", 360)
    organizer.set_viewport_size({"width": 1280, "height": 900})
    step.get_by_role("button").click()
    expect(organizer.locator(".messages")).to_contain_text(f"{late.number}: đã ghi nhận “Đã liên hệ hai bên”")
    assert OrderEvent.objects.filter(order=late, action="organizer_contacted", actor=organizer_user).count() == 1
    queue = organizer.get_by_test_id("dispute-queue")
    queue.get_by_role("link", name=number).click()
    decide = organizer.get_by_test_id("dispute-decide-form")
    decide.get_by_label("Hoàn tiền", exact=True).check()
    organizer.fill("#dispute-reason", "Ảnh cho thấy 2 quả dập do vận chuyển; shop đồng ý hoàn tiền.")
    _shot(organizer, "dispute-03-decide", 1280)
    organizer.get_by_test_id("dispute-decide-submit").click()
    expect(organizer.get_by_test_id("dispute-state")).to_have_text("Đã giải quyết")
    expect(organizer.get_by_test_id("dispute-decision")).to_have_text("Hoàn tiền: 240.000 ₫")
    _shot(organizer, "dispute-04-decided", 1280)

    # Both sides read the decision on the order's timeline; the order is returned.
    for page in (buyer, vendor):
        page.goto(f"{base}/don-hang/{number}/")
        timeline = page.get_by_test_id("order-timeline")
        expect(timeline).to_contain_text("Người mua: Khiếu nại (Hàng bị hư hỏng): Hai quả bưởi")
        expect(timeline).to_contain_text("Trả lời khiếu nại: Shop xin lỗi anh")
        expect(timeline).to_contain_text("Ban tổ chức: Quyết định khiếu nại: Hoàn tiền: 240.000 ₫")
        expect(page.get_by_test_id("order-status")).to_contain_text("Trả hàng")
    _shot(buyer, "dispute-05-timeline", 360)
    _shot(vendor, "dispute-05-timeline", 1280)
    assert Order.objects.get(pk=order.pk).status == Status.RETURNED
    assert list(
        OrderEvent.objects.filter(order=order, action__startswith="dispute").order_by("pk").values_list("action", flat=True)
    ) == ["dispute_opened", "dispute_answered", "dispute_decided"]
    for ctx in (buyer_ctx, vendor_ctx, organizer_ctx):
        ctx.close()
