"""An order's whole life in two browsers (issue 11): a buyer's phone and the vendor's desk.

The buyer orders by chốt đơn in a show, the host accepts it on the board, the vendor
confirms and ships it from the order desk, the buyer confirms receipt ("hàng đúng mô tả"),
the vendor records the cash, the buyer acknowledges: the order reads Hoàn thành with the
organizers' attestation badge. Screenshots at 360 px and 1280 px go to var/screenshots/orders/.
"""

from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from notifications.models import Notification
from orders.attestation import STATEMENT
from orders.models import Order, OrderEvent
from selling.models import DeliveryProfile
from tests.browser.conftest import console_and_phone
from tests.tasks_worker import run_due_tasks

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "orders"


def _shot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 740})
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"


def test_an_order_from_chot_don_to_completed_with_the_badge(browser, asgi_server, selling_show, vendor_user, buyer_user):
    base = asgi_server
    DeliveryProfile.objects.create(user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc, Hoàn Kiếm")

    # Chốt đơn in the show; the host accepts it on the board.
    host_ctx, buyer_ctx, host, buyer = console_and_phone(
        browser, base, selling_show, vendor_user, buyer_user, host_viewport={"width": 1280, "height": 900}
    )
    host.on("dialog", lambda d: d.accept())
    buyer.fill("[data-live-chat-input]", "chot b01 2")
    buyer.press("[data-live-chat-input]", "Enter")
    item = host.locator(".selling-intent", has_text="Phạm Quốc Bảo")
    expect(item).to_contain_text("B01 × 2")
    item.locator("[data-action='board.claim']").click()
    expect(item).to_contain_text("Bạn đang xử lý")
    item.locator("[data-action='board.confirm']").click()
    expect(buyer.locator(".selling-card .selling-status")).to_have_text("Đã xác nhận")
    order = Order.objects.get()
    number = order.number

    # The buyer finds it in "Đơn hàng của tôi": waiting for the shop.
    buyer.goto(f"{base}/don-hang/")
    card = buyer.locator(f"[data-order='{number}']")
    expect(card.locator("[data-testid=order-status]")).to_contain_text("Chờ xác nhận")
    expect(card).to_contain_text("240.000 ₫")
    _shot(buyer, "01-my-orders", 360)

    # The vendor confirms from the desk (bulk), then ships with a carrier and tracking code.
    host.goto(f"{base}/don-hang/ban-hang/")
    row = host.locator(f"[data-order='{number}']")
    expect(row).to_contain_text("Phạm Quốc Bảo")
    row.locator(f"[data-testid='pick-{number}']").check()
    _shot(host, "02-desk", 1280)
    host.get_by_test_id("bulk-confirm").click()
    expect(host.locator(".messages")).to_contain_text(f"1 đơn thành công ({number})")
    row = host.locator(f"[data-order='{number}']")
    expect(row.locator("[data-testid=order-status]")).to_contain_text("Chờ lấy hàng")
    row.locator(f"[data-testid='pick-{number}']").check()
    row.locator(f"input[name='carrier-{number}']").fill("Giao Hàng Tiết Kiệm")
    row.locator(f"input[name='tracking-{number}']").fill("GHTK-84512")
    _shot(host, "03-desk-ship", 360)
    host.set_viewport_size({"width": 1280, "height": 900})
    host.get_by_test_id("bulk-ship").click()
    expect(host.locator(".messages")).to_contain_text(f"1 đơn thành công ({number})")
    expect(host.locator(f"[data-order='{number}'] [data-testid=order-status]")).to_contain_text("Đang giao")

    # The buyer confirms receipt and that the goods match.
    buyer.goto(f"{base}/don-hang/{number}/")
    expect(buyer.locator("[data-testid=order-status]").first).to_contain_text("Đang giao")
    expect(buyer.get_by_test_id("order-timeline")).to_contain_text("Shop đã giao hàng cho Giao Hàng Tiết Kiệm, mã vận đơn GHTK-84512")
    _shot(buyer, "04-order-shipped", 360)
    form = buyer.locator("form[data-action='confirm_receipt']")
    form.get_by_label("Có, hàng đúng mô tả").check()
    form.get_by_role("button", name="Xác nhận đã nhận hàng").click()
    expect(buyer.locator(".messages")).to_contain_text("Đã ghi nhận")
    expect(buyer.locator("[data-testid=order-status]").first).to_contain_text("Đã giao, chờ thanh toán")

    # The vendor records the cash on the order's page.
    host.goto(f"{base}/don-hang/{number}/")
    pay = host.locator("form[data-action='record_payment']")
    pay.locator("select[name=method]").select_option("cash")
    _shot(host, "04-vendor-order-payment", 1280)
    pay.get_by_role("button", name="Ghi nhận đã thu tiền").click()
    expect(host.locator("[data-testid=order-status]").first).to_contain_text("Chờ người mua xác nhận thanh toán")

    # The buyer acknowledges: completed, with the organizers' attestation.
    run_due_tasks()  # the worker tells each side of the other's steps
    buyer.reload()
    expect(buyer.get_by_test_id("notifications-unread")).to_be_visible()  # told of the vendor's steps in-app
    buyer.locator("form[data-action='acknowledge_payment']").get_by_role("button", name="Tôi xác nhận đã thanh toán đủ").click()
    expect(buyer.locator("[data-testid=order-status]").first).to_contain_text("Hoàn thành")
    expect(buyer.get_by_test_id("attestation")).to_contain_text(str(STATEMENT))
    expect(buyer.locator(".order-progress__step--done")).to_have_count(6)
    _shot(buyer, "05-order-completed", 360)
    _shot(buyer, "05-order-completed", 1280)
    buyer.goto(f"{base}/don-hang/")
    expect(buyer.locator(f"[data-order='{number}'] [data-testid=attestation]")).to_be_visible()
    _shot(buyer, "06-my-orders-completed", 360)
    buyer.goto(f"{base}/thong-bao/")
    _shot(buyer, "07-notifications", 360)
    host.goto(f"{base}/don-hang/{number}/phieu-giao-hang/")
    expect(host.get_by_test_id("packing-slip")).to_contain_text("12 Hàng Bạc")
    _shot(host, "08-packing-slip", 1280)
    host.emulate_media(media="print")
    expect(host.locator(".site-header")).to_be_hidden()  # the printed slip is the slip alone
    host.screenshot(path=str(SHOTS / "09-packing-slip-print.png"), full_page=True)
    host.emulate_media(media="screen")

    order.refresh_from_db()
    assert order.status == "completed" and order.paid_amount == 240_000
    assert list(OrderEvent.objects.filter(order=order).values_list("action", flat=True)) == [
        "place", "confirm", "ship", "confirm_receipt", "record_payment", "acknowledge_payment",
    ]
    assert Notification.objects.filter(user=buyer_user).exists() and Notification.objects.filter(user=vendor_user).exists()
    host_ctx.close()
    buyer_ctx.close()
