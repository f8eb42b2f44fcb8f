"""Log-in by e-mail or phone, roles, and brute-force protection."""

import pytest
from django.urls import reverse

from accounts.phones import normalize_phone
from accounts.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0912 345 678", "+84912345678"), ("+84 912.345.678", "+84912345678"), ("84912345678", "+84912345678")],
)
def test_phone_numbers_are_stored_in_one_form(typed, stored):
    assert normalize_phone(typed) == stored


def test_a_non_number_is_refused_in_vietnamese():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Số điện thoại không hợp lệ"):
        normalize_phone("12345")


def test_log_in_with_email(client, vendor_user):
    response = client.post(reverse("account_login"), {"login": "chuthe@example.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).context["user"] == vendor_user


def test_log_in_with_phone_typed_the_local_way(client, vendor_user):
    response = client.post(reverse("account_login"), {"login": "0912 345 678", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).context["user"] == vendor_user


def test_wrong_password_is_refused_in_vietnamese(client, vendor_user):
    response = client.post(reverse("account_login"), {"login": "chuthe@example.vn", "password": "sai"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


def test_brute_force_locks_out_on_the_fifth_failure(client, vendor_user):
    for _ in range(4):
        client.post(reverse("account_login"), {"login": "chuthe@example.vn", "password": "sai-mat-khau"})
    fifth = client.post(reverse("account_login"), {"login": "chuthe@example.vn", "password": "sai-mat-khau"})
    assert fifth.status_code == 429
    assert "Tạm khóa đăng nhập" in fifth.content.decode()
    # Even the right password is refused now.
    client.post(reverse("account_login"), {"login": "chuthe@example.vn", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_wagtail_admin_login_is_protected_too(client, organizer_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": "bantochuc@example.vn", "password": "sai-mat-khau"})
    client.post("/admin/login/", {"username": "bantochuc@example.vn", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_sign_up_keeps_vietnamese_name_and_role(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "hoa@example.vn",
            "phone": "0987 654 321",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Đặng Thị Hoà",
            "role": Role.VENDOR,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from accounts.models import User

    user = User.objects.get(email="hoa@example.vn")
    assert user.get_full_name() == "Đặng Thị Hoà"
    assert user.phone == "+84987654321"
    assert user.role_names == ["vendor"]


def test_role_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}
    assert Group.objects.get(name=Role.INSTRUCTOR).permissions.filter(codename="access_admin").exists()


def test_profile_needs_log_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_current_user_api(client, vendor_user):
    client.force_login(vendor_user)
    data = client.get("/api/v1/me/").json()
    assert data["full_name"] == "Lê Thị Hồng Nhung"
    assert data["roles"] == ["vendor"]


def test_current_user_api_refuses_anonymous_in_json(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["error"]["message"]


def test_an_account_without_a_phone_logs_in_with_its_email(client, make_user):
    """Staff created in the admin may have no phone: they must still be able to log in."""
    user = make_user("khongdienthoai@example.vn", phone=None)
    response = client.post(reverse("account_login"), {"login": "khongdienthoai@example.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_still_requires_a_phone(client):
    from accounts.models import User

    response = client.post(
        reverse("account_signup"),
        {"email": "a@example.vn", "phone": "", "password1": PASSWORD, "password2": PASSWORD,
         "full_name": "Ngô Văn Ba", "role": Role.CONSUMER},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="a@example.vn").exists()
