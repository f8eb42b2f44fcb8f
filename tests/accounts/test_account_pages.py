"""Every account page a person meets speaks Vietnamese by default and English on request.

django-allauth ships no Vietnamese: these strings come from site/locale/vi (hand-curated).
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.accounts.pages import visible_text
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Bong-sen-Ho-Tay-2027"


def _signup_data(**overrides):
    data = {
        "full_name": "Đặng Thị Hoà",
        "email": "hoa@example.vn",
        "phone": "0987 654 321",
        "role": Role.VENDOR,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return {**data, **overrides}


# --- Log-in -----------------------------------------------------------------


def test_login_page_is_vietnamese(client):
    text = visible_text(client.get(reverse("account_login")))
    assert "Đăng nhập" in text
    assert "E-mail hoặc số điện thoại" in text
    assert "Quên mật khẩu?" in text
    assert "Ghi nhớ đăng nhập" in text
    assert "Sign In" not in text


def test_login_page_uses_the_site_look(client):
    content = client.get(reverse("account_login")).content.decode()
    assert '<body class="account-page">' in content  # the card look, see allauth/layouts/base.html
    assert '<form class="account-form"' in content
    assert '<button class="button" type="submit">' in content
    assert "css/accounts.css" in content


def test_login_page_is_english_for_english_readers(english_client):
    text = visible_text(english_client.get(reverse("account_login")))
    assert "Sign In" in text
    assert "Forgot your password?" in text
    assert "Đăng nhập" not in text


def test_wrong_phone_password_is_refused_in_vietnamese(client, vendor_user):
    response = client.post(reverse("account_login"), {"login": "0912 345 678", "password": "sai"})
    text = visible_text(response)
    assert "Số điện thoại hoặc mật khẩu không đúng." in text
    assert 'class="errorlist nonfield"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_in_english_for_english_readers(english_client, vendor_user):
    response = english_client.post(reverse("account_login"), {"login": "chuthe@example.vn", "password": "sai"})
    assert "The email address and/or password you specified are not correct." in visible_text(response)


def test_successful_login_greets_in_vietnamese(client, vendor_user):
    response = client.post(reverse("account_login"), {"login": "chuthe@example.vn", "password": PASSWORD}, follow=True)
    assert "Đăng nhập thành công." in visible_text(response)


def test_log_out_asks_and_confirms_in_vietnamese(client, vendor_user):
    client.force_login(vendor_user)
    assert "Bạn có chắc muốn đăng xuất?" in visible_text(client.get(reverse("account_logout")))
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    assert "Bạn đã đăng xuất." in visible_text(client.get(reverse("account_login")))


# --- Lock-out (django-axes) ---------------------------------------------------


def _fail_five_times(client):
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": "chuthe@example.vn", "password": "sai-mat-khau"})
    return response


def test_lockout_page_is_vietnamese_and_says_how_long(client, vendor_user, settings):
    response = _fail_five_times(client)
    assert response.status_code == 429
    text = visible_text(response)
    assert "Tạm khóa đăng nhập" in text
    assert "Vui lòng thử lại sau 15 phút" in text  # AXES_COOLOFF_TIME = 0.25 h
    assert "Đặt lại mật khẩu" in text


def test_lockout_page_is_english_for_english_readers(english_client, vendor_user):
    response = _fail_five_times(english_client)
    assert response.status_code == 429
    text = visible_text(response)
    assert "Login temporarily locked" in text
    assert "try again in 15 minutes" in text


# --- Sign-up ------------------------------------------------------------------


def test_signup_page_is_vietnamese_with_every_field_in_order(client):
    response = client.get(reverse("account_signup"))
    text = visible_text(response)
    labels = ["Họ và tên", "E-mail", "Số điện thoại", "Bạn là", "Mật khẩu", "Nhập lại mật khẩu"]
    positions = [text.index(label) for label in labels]
    assert positions == sorted(positions)
    for role in ("Chủ thể OCOP", "Người tiêu dùng", "Nhà phân phối", "Nhà bán lẻ"):
        assert role in text
    assert "Giảng viên" not in text and "Ban tổ chức" not in text  # not self-service roles
    assert "Đã có tài khoản?" in text


def test_signup_page_is_english_for_english_readers(english_client):
    text = visible_text(english_client.get(reverse("account_signup")))
    assert "Sign Up" in text
    assert "Password (again)" in text
    assert "Full name" in text


def test_signup_errors_are_vietnamese_and_create_nobody(client, vendor_user):
    response = client.post(
        reverse("account_signup"),
        _signup_data(phone="0912 345 678", password2="khac-mat-khau", email="chuthe@example.vn"),
    )
    assert response.status_code == 200
    text = visible_text(response)
    assert "Số điện thoại này đã được dùng để đăng ký một tài khoản khác." in text
    assert "Hai lần nhập mật khẩu không khớp nhau." in text
    assert User.objects.count() == 1


def test_signup_refuses_a_non_phone_in_vietnamese(client):
    text = visible_text(client.post(reverse("account_signup"), _signup_data(phone="12345")))
    assert "Số điện thoại không hợp lệ. Ví dụ: 0912 345 678." in text
    assert not User.objects.exists()


def test_signup_refuses_a_weak_password_in_vietnamese(client):
    text = visible_text(client.post(reverse("account_signup"), _signup_data(password1="123", password2="123")))
    assert "Mật khẩu quá ngắn." in text
    assert not User.objects.exists()


def test_signup_refuses_a_phone_of_another_account_in_vietnamese(client, vendor_user):
    """No pretend success (allauth's enumeration guard would strand the person on an SMS page)."""
    response = client.post(reverse("account_signup"), _signup_data(email="moi@example.vn", phone="0912 345 678"))
    assert response.status_code == 200
    assert "Số điện thoại này đã được dùng để đăng ký một tài khoản khác." in visible_text(response)
    assert not User.objects.filter(email="moi@example.vn").exists()


def test_signup_sends_a_vietnamese_confirmation_email_that_confirms(client):
    response = client.post(reverse("account_signup"), _signup_data(), follow=True)
    assert response.redirect_chain, visible_text(response)
    assert "Đã gửi e-mail xác nhận tới hoa@example.vn." in visible_text(response)

    (message,) = mail.outbox
    assert message.subject == "[Chợ Đêm Trên Mây] Vui lòng xác nhận địa chỉ e-mail của bạn"
    assert "đã dùng địa chỉ e-mail của bạn để đăng ký tài khoản" in message.body
    link = re.search(r"https?://\S+/tai-khoan/confirm-email/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    page = client.get("/" + path)
    assert "Xác nhận địa chỉ e-mail" in visible_text(page)
    confirmed = client.post("/" + path, follow=True)
    assert "Bạn đã xác nhận địa chỉ hoa@example.vn." in visible_text(confirmed)
    assert User.objects.get(email="hoa@example.vn").emailaddress_set.get().verified


# --- Password reset -------------------------------------------------------------


def test_password_reset_request_page_is_vietnamese(client):
    text = visible_text(client.get(reverse("account_reset_password")))
    assert "Quên mật khẩu? Hãy nhập địa chỉ e-mail của bạn" in text
    assert "Đặt lại mật khẩu" in text


def test_password_reset_request_page_is_english_for_english_readers(english_client):
    text = visible_text(english_client.get(reverse("account_reset_password")))
    assert "Reset My Password" in text


def test_password_reset_end_to_end_in_vietnamese(client, vendor_user):
    response = client.post(reverse("account_reset_password"), {"email": "chuthe@example.vn"}, follow=True)
    assert "Chúng tôi đã gửi e-mail cho bạn." in visible_text(response)

    (message,) = mail.outbox
    assert message.to == ["chuthe@example.vn"]
    assert message.subject == "[Chợ Đêm Trên Mây] Hướng dẫn đặt lại mật khẩu"
    assert "vừa yêu cầu đặt lại mật khẩu cho tài khoản của bạn" in message.body
    assert "Cảm ơn bạn đã sử dụng" in message.body
    assert "You're receiving" not in message.body
    link = re.search(r"https?://\S+/tai-khoan/password/reset/key/\S+/", message.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    form_page = client.get(path, follow=True)
    assert "Mật khẩu mới" in visible_text(form_page)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    mismatch = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert "Hai lần nhập mật khẩu không khớp nhau." in visible_text(mismatch)

    done = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    vendor_user.refresh_from_db()
    assert vendor_user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(vendor_user.pk)  # ACCOUNT_LOGIN_ON_PASSWORD_RESET
    assert "Đăng nhập thành công." in visible_text(done)
    # The owner is told by e-mail, in Vietnamese, where the change came from.
    notice = mail.outbox[-1]
    assert notice.subject == "[Chợ Đêm Trên Mây] Đặt lại mật khẩu"
    assert "Mật khẩu của bạn đã được đặt lại." in notice.body
    assert "Địa chỉ IP:" in notice.body


def test_password_reset_link_used_twice_is_refused_in_vietnamese(client, vendor_user):
    client.post(reverse("account_reset_password"), {"email": "chuthe@example.vn"})
    link = re.search(r"https?://\S+/tai-khoan/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    vendor_user.set_password(NEW_PASSWORD)  # the token is tied to the old password
    vendor_user.save()
    text = visible_text(client.get(path, follow=True))
    assert "Liên kết không hợp lệ" in text
    assert "yêu cầu đặt lại mật khẩu lần nữa" in text


def test_password_reset_email_is_english_for_english_readers(english_client, vendor_user):
    english_client.post(reverse("account_reset_password"), {"email": "chuthe@example.vn"})
    (message,) = mail.outbox
    assert message.subject == "[Chợ Đêm Trên Mây] Password Reset Email"
    assert "You're receiving this email because you or someone else has requested a password reset" in message.body


def test_password_reset_for_an_unknown_address_reveals_nothing_and_writes_vietnamese(client):
    response = client.post(reverse("account_reset_password"), {"email": "ai-do@example.vn"}, follow=True)
    assert "Chúng tôi đã gửi e-mail cho bạn." in visible_text(response)
    (message,) = mail.outbox
    assert message.subject == "[Chợ Đêm Trên Mây] Tài khoản không tồn tại"
    assert "hệ thống không có tài khoản nào dùng địa chỉ này" in message.body


def test_too_many_reset_requests_get_a_vietnamese_429(client, vendor_user):
    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": "chuthe@example.vn"})
    response = client.post(reverse("account_reset_password"), {"email": "chuthe@example.vn"})
    assert response.status_code == 429
    assert "Quá nhiều yêu cầu" in visible_text(response)


# --- Password change --------------------------------------------------------------


def test_password_change_in_vietnamese(client, vendor_user):
    client.force_login(vendor_user)
    page = visible_text(client.get(reverse("account_change_password")))
    assert "Mật khẩu hiện tại" in page and "Nhập lại mật khẩu mới" in page

    wrong = client.post(
        reverse("account_change_password"), {"oldpassword": "sai", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert "Vui lòng nhập mật khẩu hiện tại của bạn." in visible_text(wrong)

    done = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Đã đổi mật khẩu thành công." in visible_text(done)
    assert mail.outbox[-1].subject == "[Chợ Đêm Trên Mây] Đã đổi mật khẩu"
    assert "Mật khẩu của bạn đã được thay đổi." in mail.outbox[-1].body


def test_email_management_page_is_vietnamese(client, vendor_user):
    client.force_login(vendor_user)
    text = visible_text(client.get(reverse("account_email")))
    assert "Địa chỉ e-mail" in text
    assert "Thêm e-mail" in text or "Đổi e-mail" in text


# --- API (Django REST framework) ----------------------------------------------------


def test_api_refuses_anonymous_in_vietnamese(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Bạn cần đăng nhập để thực hiện thao tác này."


def test_api_refuses_anonymous_in_english_for_english_readers(english_client):
    response = english_client.get("/api/v1/me/")
    assert response.json()["error"]["message"] == "Authentication credentials were not provided."


# --- Wagtail admin log-in (instructors, organizers) ------------------------------------


def test_wagtail_admin_login_is_vietnamese(client, organizer_user):
    text = visible_text(client.get("/admin/login/"))
    assert "Đăng nhập trang quản trị" in text
    assert "Mật khẩu" in text and "Quên mật khẩu?" in text and "Ghi nhớ đăng nhập" in text
    refused = visible_text(client.post("/admin/login/", {"username": "bantochuc@example.vn", "password": "sai"}))
    assert "Sai e-mail hoặc mật khẩu. Vui lòng thử lại." in refused


def test_wagtail_admin_lockout_shows_the_vietnamese_lockout_page(client, organizer_user):
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "bantochuc@example.vn", "password": "sai-mat-khau"})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in visible_text(response)
