"""Issue 13's browser path, end to end, in four browsers on the real daphne server: a promoted
vendor applies (desktop), the organizer assigns and publishes (360 px), the session goes live, a
consumer (360 px) moves between two stalls and buys by chốt đơn and by cart, a distributor
(desktop) asks for a quote and accepts it, the orders complete, and the organizer reads the
session's dashboard. It reuses the pieces' own steps (tests/browser/test_market_*.py,
test_selling_orders.py, test_orders_path.py). Screenshots: var/screenshots/market-journey-*.png.
"""

from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from live.selectors import HOST, Participant
from live.services import show_start
from market import timetable
from market.models import Slot
from orders.models import ActorRole, Channel, Order, Status
from selling.models import DeliveryProfile
from tests.browser.conftest import logged_in_context
from tests.browser.test_market_session import _in_a_thread, _open_now
from tests.market.buying_helpers import business_buyer, tiers
from tests.market.conftest import open_session, promoted_stall, second_stall, second_vendor_user  # noqa: F401 - fixtures
from tests.market.trust_helpers import step

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"market-journey-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"


def _complete_by_service(order, *, vendor_user):
    """confirm → ship → receipt → payment → acknowledge through ``orders.services.order_transition``
    (the pages do the same steps for the chốt đơn order above; run off Playwright's loop)."""
    buyer = order.buyer
    for action, actor, role, data in (
        ("confirm", vendor_user, ActorRole.VENDOR, None),
        ("ship", vendor_user, ActorRole.VENDOR, {"own_delivery": True}),
        ("confirm_receipt", buyer, ActorRole.BUYER, {"goods_match": True}),
        ("record_payment", vendor_user, ActorRole.VENDOR, {"method": "cash", "amount": order.total}),
        ("acknowledge_payment", buyer, ActorRole.BUYER, None),
    ):
        order = _in_a_thread(step, order=order, action=action, actor=actor, role=role, data=data)
    return order


def test_a_market_evening_from_application_to_the_dashboard(
    request, browser, asgi_server, organizer_user, buyer_user, make_user
):
    base = asgi_server
    session = request.getfixturevalue("open_session")
    seller = request.getfixturevalue("promoted_stall")
    other = request.getfixturevalue("second_stall")
    DeliveryProfile.objects.create(
        user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc, Hoàn Kiếm"
    )

    # 1. The promoted vendor applies with B01 and B02 (desktop); the second stall through the service.
    vendor_ctx = logged_in_context(browser, base, seller.user, viewport=DESKTOP)
    vendor = vendor_ctx.new_page()
    vendor.on("dialog", lambda d: d.accept())
    vendor.goto(f"{base}/cho-dem/luot-ban-cua-toi/")
    vendor.get_by_role("link", name="Đăng ký", exact=True).click()
    vendor.locator("label.mk-product", has_text="B01").locator("input").check()
    vendor.locator("label.mk-product", has_text="B02").locator("input").check()
    vendor.get_by_role("button", name="Gửi đăng ký").click()
    expect(vendor.locator(".messages")).to_contain_text("Đã gửi đăng ký")
    _shot(vendor, "01-applied")
    timetable.application_submit(
        actor=other.user, session=session, vendor=other.vendor, product_ids=[p.pk for p in other.products.values()]
    )

    # 2. The organizer assigns both at 20:00 on stages 1 and 2 and publishes (360 px).
    org_ctx = logged_in_context(browser, base, organizer_user, viewport=PHONE)
    org = org_ctx.new_page()
    org.goto(f"{base}/cho-dem/")
    org.get_by_role("link", name=session.title).click()
    for stage, name in ((1, "HTX Bưởi đỏ Đông Cao"), (2, "HTX Chè Ba Vì")):
        card = org.get_by_test_id("waiting").locator("li", has_text=name)
        card.locator("select[name=stage]").select_option(str(stage))
        card.get_by_role("button", name="Xếp lượt").click()
        expect(org.locator(".messages")).to_contain_text(f"Đã xếp lượt cho {name}")
    org.get_by_test_id("publish").click()
    expect(org.get_by_test_id("session-state")).to_have_text("Đã công bố lịch")
    _shot(org, "02-published")
    slots = {s.vendor_id: s for s in Slot.objects.filter(session=session).select_related("show")}
    first, second = slots[seller.vendor.pk], slots[other.vendor.pk]

    # 3. The evening comes (moved to now: the server's clock cannot move); both hosts go on air.
    session = _in_a_thread(_open_now, session=session)  # its offers' event is broadcast
    for st, slot in ((seller, first), (other, second)):
        _in_a_thread(show_start, room_id=slot.show.room.pk, actor=Participant(user_id=st.user.pk, name="", role=HOST))
    vendor.goto(f"{base}/phong-live/{first.show_id}/dieu-khien/")
    expect(vendor.locator("[data-live-status]")).to_have_text("Đã kết nối")

    # 4. The consumer (360 px): lobby → first stall's room, chốt đơn in its chat; the host accepts it.
    buyer_ctx = logged_in_context(browser, base, buyer_user, viewport=PHONE)
    buyer = buyer_ctx.new_page()
    buyer.goto(f"{base}/cho-dem/{session.pk}/")
    live_list = buyer.get_by_test_id("stalls-live")
    expect(live_list.locator("[data-stall]")).to_have_count(2)
    _shot(buyer, "03-lobby")
    live_list.locator("[data-stall]", has_text="HTX Bưởi đỏ Đông Cao").locator("a[data-room-link]").click()
    expect(buyer).to_have_url(f"{base}/phong-live/{first.show_id}/")
    expect(buyer.locator("[data-live-status]")).to_have_text("Đã kết nối")
    buyer.fill("[data-live-chat-input]", "chốt B01 2")
    buyer.press("[data-live-chat-input]", "Enter")
    expect(buyer.locator(".selling-card .selling-status")).to_have_text("Chờ shop xác nhận")
    item = vendor.locator(".selling-intent", has_text="Phạm Quốc Bảo")
    expect(item).to_contain_text("B01 × 2")
    item.locator("[data-action='board.claim']").click()
    expect(item).to_contain_text("Bạn đang xử lý")
    item.locator("[data-action='board.confirm']").click()
    expect(buyer.locator(".selling-card .selling-status")).to_have_text("Đã xác nhận")
    _shot(buyer, "04-chot-don")
    _shot(vendor, "04-board")
    chot = Order.objects.get(buyer=buyer_user)
    assert (chot.vendor_id, chot.total, chot.source_kind, chot.source_id) == (
        seller.vendor.pk, 240_000, "show", first.show_id
    )  # fmt: skip

    # … one tap on the strip to the second stall, its cart, one C01, checkout with remembered details.
    buyer.get_by_test_id("room-stalls").locator(f"[data-stall='{second.pk}']").click()
    expect(buyer).to_have_url(f"{base}/phong-live/{second.show_id}/")
    buyer.get_by_test_id("room-stalls").get_by_test_id("stall-cart-link").click()
    buyer.get_by_test_id("add-C01").click()
    expect(buyer.locator(".messages")).to_contain_text("Đã thêm vào giỏ")
    buyer.get_by_test_id("checkout-here").click()
    expect(buyer.get_by_test_id("grand-total")).to_have_text("150.000 ₫")
    expect(buyer.locator("input[name=phone]")).to_have_value("0987 654 321")
    buyer.get_by_test_id("place").click()
    expect(buyer.locator(".messages")).to_contain_text("Đã đặt 1 đơn hàng")
    # Both ways of buying are in one place: the buyer's orders of this session.
    expect(buyer.get_by_test_id("session-orders").locator("[data-order]")).to_have_count(2)
    expect(buyer.get_by_test_id("session-total")).to_contain_text("390.000 ₫")
    _shot(buyer, "05-session-orders")
    cart = Order.objects.get(buyer=buyer_user, channel=Channel.STALL_CART)
    assert (cart.vendor_id, cart.total) == (other.vendor.pk, 150_000)

    # 5. A verified distributor (desktop) asks the first stall for a quote; the vendor answers; accepted.
    tiers(seller.products["B01"], (100, 86_000))
    distributor = business_buyer(make_user, "sen.vang@example.vn")
    dist_ctx = logged_in_context(browser, base, distributor, viewport=DESKTOP)
    dist = dist_ctx.new_page()
    dist.goto(f"{base}/cho-dem/mua/gian-hang/{seller.vendor.slug}/?phien={session.pk}")
    expect(dist.get_by_test_id("tiers-B01")).to_contain_text("86.000 ₫")
    dist.get_by_role("link", name="Hỏi giá sỉ").click()
    dist.get_by_label("Sản phẩm").select_option(label="B01 · Bưởi đỏ Đông Cao")
    dist.get_by_label("Số lượng dự kiến").fill("200")
    dist.get_by_label("Lời nhắn cho shop").fill("Cần 200 hộp cho chuỗi cửa hàng, giao Hà Nội.")
    dist.get_by_test_id("inquiry-send").click()
    expect(dist.get_by_test_id("inquiry-state")).to_have_text("Chờ báo giá")
    inquiry_url = dist.url
    vendor.goto(f"{base}/cho-dem/mua/hoi-gia/")
    vendor.get_by_test_id("inquiry-inbox").get_by_role("link").first.click()
    form = vendor.get_by_test_id("quote-form")
    form.locator("input[name=unit_price]").fill("90000")
    form.get_by_label("Số lượng tối thiểu").fill("100")
    form.get_by_label("Bậc 2: từ số lượng").fill("200")
    form.locator("input[name=tier1_price]").fill("84000")
    form.get_by_label("Điều kiện giao hàng").fill("Giao trong 3 ngày tại Hà Nội, miễn phí vận chuyển")
    vendor.get_by_test_id("quote-send").click()
    expect(vendor.locator(".messages")).to_contain_text("Đã gửi báo giá")
    dist.goto(inquiry_url)
    accept = dist.get_by_test_id("accept-form")
    accept.get_by_label("Số lượng đặt").fill("200")
    accept.get_by_label("Người nhận").fill("Võ Minh Tâm")
    accept.get_by_label("Điện thoại").fill("0912 000 111")
    accept.get_by_label("Địa chỉ nhận hàng").fill("45 Nguyễn Huệ, Quận 1")
    dist.get_by_test_id("accept").click()
    expect(dist.locator(".messages")).to_contain_text("Đã chấp nhận báo giá")
    quoted = Order.objects.get(buyer=distributor)
    assert (quoted.channel, quoted.total) == (Channel.WHOLESALE_QUOTE, 16_800_000)
    _shot(dist, "06-quote-order")

    # 6. Orders complete. The chốt đơn order on the real pages: desk confirm and ship, buyer's
    # receipt, vendor's payment, buyer's acknowledgement.
    number = chot.number
    vendor.goto(f"{base}/don-hang/ban-hang/")
    vendor.locator(f"[data-testid='pick-{number}']").check()
    vendor.get_by_test_id("bulk-confirm").click()
    expect(vendor.locator(".messages")).to_contain_text(f"1 đơn thành công ({number})")
    row = vendor.locator(f"[data-order='{number}']")
    row.locator(f"[data-testid='pick-{number}']").check()
    row.locator(f"input[name='carrier-{number}']").fill("Giao Hàng Tiết Kiệm")
    row.locator(f"input[name='tracking-{number}']").fill("GHTK-84512")
    vendor.get_by_test_id("bulk-ship").click()
    expect(vendor.locator(f"[data-order='{number}'] [data-testid=order-status]")).to_contain_text("Đang giao")
    buyer.goto(f"{base}/don-hang/{number}/")
    receipt = buyer.locator("form[data-action='confirm_receipt']")
    receipt.get_by_label("Có, hàng đúng mô tả").check()
    receipt.get_by_role("button", name="Xác nhận đã nhận hàng").click()
    expect(buyer.locator("[data-testid=order-status]").first).to_contain_text("Đã giao, chờ thanh toán")
    vendor.goto(f"{base}/don-hang/{number}/")
    pay = vendor.locator("form[data-action='record_payment']")
    pay.locator("select[name=method]").select_option("cash")
    pay.get_by_role("button", name="Ghi nhận đã thu tiền").click()
    expect(vendor.locator("[data-testid=order-status]").first).to_contain_text("Chờ người mua xác nhận thanh toán")
    buyer.reload()
    buyer.locator("form[data-action='acknowledge_payment']").get_by_role(
        "button", name="Tôi xác nhận đã thanh toán đủ"
    ).click()
    expect(buyer.locator("[data-testid=order-status]").first).to_contain_text("Hoàn thành")
    _shot(buyer, "07-order-completed")
    # The cart and quote orders take the same five steps through orders.services.order_transition.
    _complete_by_service(cart, vendor_user=other.user)
    _complete_by_service(quoted, vendor_user=seller.user)
    assert set(Order.objects.values_list("status", flat=True)) == {Status.COMPLETED}

    # 7. The organizer reads the session's dashboard: 3 orders, 240.000 + 150.000 + 16.800.000 ₫.
    org.goto(f"{base}/cho-dem/bang-dieu-khien/phien/{session.pk}/")
    kpis = org.get_by_test_id("kpis")
    expect(kpis.locator("[data-kpi='1']")).to_have_text("3")
    expect(kpis.locator("[data-kpi='2']")).to_have_text("17.190.000 ₫")
    expect(kpis.locator("[data-kpi='3']")).to_have_text("2")  # buyers: the consumer and the distributor
    expect(kpis.locator("[data-kpi='6']")).to_have_text("100,0 %")
    _shot(org, "08-dashboard")
    for context in (vendor_ctx, org_ctx, buyer_ctx, dist_ctx):
        context.close()
