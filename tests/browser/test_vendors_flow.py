"""The whole trust path in a browser, on a 360 px phone screen.

A vendor creates its profile and a product and uploads its documents; an organizer
rejects one with a reason; the vendor re-uploads; the organizer approves; the public
product page shows the badge, and a search typed without diacritics finds it.
"""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.conftest import PASSWORD
from tests.vendors.conftest import pdf_bytes

PHONE = {"viewport": {"width": 360, "height": 800}, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def _login(page, live_server, email):
    """Log in through the real form (the submit button inside <main>, not the header's language switch)."""
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.fill("main input[name=login]", email)
    page.fill("main input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("header")).to_contain_text("Đăng xuất")


def _upload(page, *, kind, product_label=None, expires_on=""):
    page.select_option("[data-testid=document-form] select[name=kind]", kind)
    if product_label:
        page.select_option("[data-testid=document-form] select[name=product]", label=product_label)
    page.fill("[data-testid=document-form] input[name=number]", "SO-2025")
    page.fill("[data-testid=document-form] input[name=issued_on]", "2025-01-15")
    if expires_on:
        page.fill("[data-testid=document-form] input[name=expires_on]", expires_on)
    page.set_input_files("[data-testid=document-form] input[name=file]", _pdf(f"{kind}.pdf"))
    page.click("[data-testid=document-form] button[type=submit]")
    expect(page.locator(".message--success")).to_be_visible()


def _review(page, live_server, *, kind, action, note=""):
    page.goto(f"{live_server.url}/chu-the/duyet/")
    row = page.locator("[data-testid=review-queue] tr", has_text=kind).first
    row.get_by_role("link").click()
    if note:
        page.fill("textarea[name=note]", note)
    page.click(f"[data-testid={action}]")
    expect(page.locator(".message--success")).to_be_visible()


@pytest.fixture
def organizer(make_user):
    # With a phone number: the shared organizer_user fixture has none, and allauth (phone
    # required at sign-up) sends such an account back to the log-in page.
    return make_user("duyet@example.vn", roles=[Role.ORGANIZER], full_name="Trần Thị Thu Hà", phone="+84904000001", is_staff=True)


@pytest.mark.django_db(transaction=True)
def test_vendor_documents_reviewed_and_badge_shown(browser, live_server, vendor_user, organizer):
    expires = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    vendor_ctx = browser.new_context(**PHONE)
    vendor_page = vendor_ctx.new_page()
    _login(vendor_page, live_server, vendor_user.email)

    # 1. The vendor creates its profile.
    vendor_page.goto(f"{live_server.url}/chu-the/cua-toi/")
    vendor_page.click("[data-testid=create-vendor]")
    form = "[data-testid=vendor-form]"
    vendor_page.fill(f"{form} input[name=legal_name]", "HTX Bưởi đỏ Đông Cao")
    vendor_page.select_option(f"{form} select[name=kind]", "cooperative")
    vendor_page.fill(f"{form} input[name=registration_number]", "0101234567")
    vendor_page.select_option(f"{form} select[name=district]", "me-linh")
    vendor_page.fill(f"{form} input[name=commune]", "Tráng Việt")
    vendor_page.fill(f"{form} input[name=address]", "Thôn Đông Cao, xã Tráng Việt")
    vendor_page.fill(f"{form} input[name=representative]", "Nguyễn Văn Hòa")
    vendor_page.click(f"{form} button[type=submit]")
    expect(vendor_page.locator("h1")).to_have_text("HTX Bưởi đỏ Đông Cao")

    # 2. ... and a product.
    vendor_page.get_by_role("link", name="Thêm sản phẩm").first.click()
    form = "[data-testid=product-form]"
    vendor_page.fill(f"{form} input[name=name]", "Bưởi đỏ Đông Cao")
    vendor_page.fill(f"{form} input[name=code]", "b01")
    vendor_page.select_option(f"{form} select[name=group]", "food")
    vendor_page.fill(f"{form} input[name=stars]", "4")
    vendor_page.fill(f"{form} input[name=price]", "120000")
    vendor_page.fill(f"{form} input[name=unit]", "quả")
    vendor_page.fill(f"{form} input[name=stock]", "300")
    vendor_page.click(f"{form} button[type=submit]")
    expect(vendor_page.locator("h1")).to_have_text("Bưởi đỏ Đông Cao")

    # 3. Documents: OCOP certificate for the product, origin and food safety for the whole vendor.
    vendor_page.get_by_role("link", name="Giấy tờ & trạng thái duyệt").first.click()
    _upload(vendor_page, kind="ocop_certificate", product_label="Bưởi đỏ Đông Cao (B01)")
    _upload(vendor_page, kind="origin")
    _upload(vendor_page, kind="food_safety", expires_on=expires)
    expect(vendor_page.locator("[data-testid=document-status]")).to_have_count(3)
    assert vendor_page.evaluate("document.documentElement.scrollWidth") <= 360

    # 4. The organizer rejects the food-safety certificate with a reason and approves the others.
    org_ctx = browser.new_context(**PHONE)
    org_page = org_ctx.new_page()
    _login(org_page, live_server, organizer.email)
    _review(org_page, live_server, kind="an toàn thực phẩm", action="reject", note="Ảnh mờ, không đọc được số giấy.")
    _review(org_page, live_server, kind="Giấy chứng nhận OCOP", action="approve")
    _review(org_page, live_server, kind="nguồn gốc", action="approve")

    # 5. The vendor sees why, and re-uploads.
    vendor_page.reload()
    rejected = vendor_page.locator("[data-testid=document][data-kind=food_safety]")
    expect(rejected.locator("[data-testid=review-note]")).to_contain_text("Ảnh mờ")
    expect(rejected.locator("[data-testid=document-status]")).to_have_text("Bị từ chối")
    rejected.locator("[data-testid=reupload]").click()
    vendor_page.fill("[data-testid=document-form] input[name=issued_on]", "2025-02-01")
    vendor_page.fill("[data-testid=document-form] input[name=expires_on]", expires)
    vendor_page.set_input_files("[data-testid=document-form] input[name=file]", _pdf("ban-moi.pdf"))
    vendor_page.click("[data-testid=document-form] button[type=submit]")
    expect(vendor_page.locator("[data-testid=document][data-kind=food_safety] [data-testid=document-status]")).to_have_text("Chờ duyệt")

    # 6. The organizer approves the new version.
    _review(org_page, live_server, kind="an toàn thực phẩm", action="approve")

    # 7. Anyone sees the badge on the product page at 360 px, and finds it typing without diacritics.
    public = browser.new_context(**PHONE).new_page()
    public.goto(f"{live_server.url}/chu-the/san-pham/")
    public.fill("input[name=q]", "buoi do dong cao")
    public.press("input[name=q]", "Enter")
    card = public.locator("[data-testid=product-card]").first
    expect(card).to_contain_text("Bưởi đỏ Đông Cao")
    expect(card.locator("[data-testid=verified-badge]")).to_be_visible()
    card.get_by_role("link", name="Bưởi đỏ Đông Cao", exact=True).click()
    badge = public.locator("[data-testid=verified-badge]")
    expect(badge).to_be_visible()
    badge.click()
    expect(public.locator("[data-testid=verification]")).to_contain_text("Giấy chứng nhận an toàn thực phẩm")
    assert public.evaluate("document.documentElement.scrollWidth") <= 360
    expect(public.locator("[data-testid=verification] a[href*='/ho-so/']")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_owner_adds_wholesale_price_photo_and_staff_then_buyers_browse_the_directory(browser, live_server, vendor_user, make_user):
    from tests.vendors.conftest import PRODUCT_DATA, VENDOR_DATA, png_bytes, verified_email
    from vendors import services

    vendor = services.vendor_create(user=vendor_user, **VENDOR_DATA)
    services.product_create(vendor=vendor, actor=vendor_user, **PRODUCT_DATA)
    staff = verified_email(make_user("nhanvien@example.vn", roles=[Role.VENDOR], full_name="Đỗ Văn Tài"))

    page = browser.new_context(**PHONE).new_page()
    _login(page, live_server, vendor_user.email)
    page.goto(f"{live_server.url}/chu-the/{vendor.slug}/quan-ly/")
    page.fill("form[action$='/thanh-vien/'] input[name=email]", staff.email)
    page.get_by_role("button", name="Mời làm nhân viên").click()
    expect(page.locator(".message--success")).to_contain_text("Đã thêm nhân viên")
    expect(page.locator("main")).to_contain_text("Đỗ Văn Tài · Nhân viên")

    page.get_by_role("link", name="Bưởi đỏ Đông Cao").click()
    page.select_option("select[name=buyer_kind]", "distributor")
    page.fill("input[name=min_quantity]", "100")
    page.fill("input[name=unit_price]", "95000")
    page.get_by_role("button", name="Thêm giá sỉ").click()
    expect(page.locator(".message--success")).to_contain_text("Đã lưu giá sỉ")
    page.set_input_files("form[action$='/anh/'] input[name=image]", {"name": "buoi.png", "mimeType": "image/png", "buffer": png_bytes((600, 400))})
    page.get_by_role("button", name="Thêm ảnh").click()
    expect(page.locator(".message--success")).to_contain_text("Đã thêm ảnh")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    buyer = browser.new_context(**PHONE).new_page()
    buyer.goto(f"{live_server.url}/chu-the/")
    buyer.fill("input[name=q]", "htx buoi do")
    buyer.press("input[name=q]", "Enter")
    buyer.get_by_role("link", name="HTX Bưởi đỏ Đông Cao").click()
    expect(buyer.locator("h1")).to_have_text("HTX Bưởi đỏ Đông Cao")
    buyer.get_by_role("link", name="Bưởi đỏ Đông Cao", exact=True).click()
    # The owner's wholesale tier is for verified businesses only (issue 13): a visitor is told how to see it.
    expect(buyer.locator("[data-testid=wholesale-terms]")).to_contain_text("đã được ban tổ chức xác minh mới xem được giá sỉ")
    expect(buyer.locator("main")).not_to_contain_text("95.000 ₫")
    expect(buyer.locator(".photo-strip img")).to_have_count(1)
    expect(buyer.locator("[data-testid=unverified]")).to_be_visible()
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 360
