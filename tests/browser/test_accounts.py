"""A vendor signs up, logs out and logs back in by phone, on a 360 px phone screen."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

PHONE_WIDTH = {"width": 360, "height": 740}


def _has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.django_db(transaction=True)
def test_vendor_signs_up_logs_out_and_back_in_by_phone(page, live_server, login):
    from accounts.models import User

    page.set_viewport_size(PHONE_WIDTH)

    page.goto(f"{live_server.url}/tai-khoan/signup/")
    expect(page.locator("main h1")).to_have_text("Đăng ký")
    assert _has_no_horizontal_scroll(page), "sign-up page scrolls sideways at 360 px"
    page.get_by_label("Họ và tên").fill("Đặng Thị Hoà")
    page.get_by_label("E-mail", exact=True).fill("hoa@example.vn")
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Bạn là").select_option(label="Chủ thể OCOP")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    # Lands logged in, on their profile, greeted in Vietnamese.
    expect(page).to_have_url(f"{live_server.url}/tai-khoan/ho-so/")
    expect(page.locator(".messages")).to_contain_text("Đăng nhập thành công.")
    expect(page.locator(".site-header")).to_contain_text("Hoà")
    assert _has_no_horizontal_scroll(page), "profile page scrolls sideways at 360 px"
    user = User.objects.get(email="hoa@example.vn")
    assert (user.get_full_name(), user.phone, user.role_names) == ("Đặng Thị Hoà", "+84987654321", ["vendor"])

    page.locator(".site-header").get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{live_server.url}/")  # LOGOUT_REDIRECT_URL (the "Bạn đã đăng xuất." message: unit tests)
    page.goto(f"{live_server.url}/tai-khoan/login/")
    expect(page.locator(".site-header")).not_to_contain_text("Hoà")
    expect(page.locator(".site-header").get_by_role("link", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_label("E-mail hoặc số điện thoại")).to_be_visible()
    assert _has_no_horizontal_scroll(page), "log-in page scrolls sideways at 360 px"

    # A wrong password first: a clear Vietnamese error, still logged out.
    login(page, "0987 654 321", "sai-mat-khau")
    expect(page.locator("main .errorlist")).to_have_text("Số điện thoại hoặc mật khẩu không đúng.")
    assert _has_no_horizontal_scroll(page), "log-in error scrolls sideways at 360 px"

    login(page, "0987 654 321", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/tai-khoan/ho-so/")
    expect(page.locator(".site-header")).to_contain_text("Hoà")
    expect(page.locator("main")).to_contain_text("hoa@example.vn")
