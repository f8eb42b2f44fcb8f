"""/tai-khoan/ho-so/: people correct their name and phone themselves."""

import pytest
from django.urls import reverse

from tests.accounts.pages import visible_text

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def test_profile_shows_the_person(client, vendor_user):
    client.force_login(vendor_user)
    response = client.get(PROFILE)
    text = visible_text(response)
    assert "Hồ sơ của tôi" in text and "chuthe@example.vn" in text and "Chủ thể OCOP" in text
    content = response.content.decode()
    assert 'value="Lê Thị Hồng Nhung"' in content
    assert 'value="0912 345 678"' in content  # shown the way people write it, stored as +84…


def test_profile_saves_name_and_phone_typed_the_local_way(client, vendor_user):
    client.force_login(vendor_user)
    response = client.post(PROFILE, {"full_name": "  Lê   Thị Hồng  Nhung Mới ", "phone": "098.765.4321"}, follow=True)
    assert "Đã lưu hồ sơ của bạn." in visible_text(response)
    vendor_user.refresh_from_db()
    assert vendor_user.get_full_name() == "Lê Thị Hồng Nhung Mới"
    assert vendor_user.first_name == "Mới"
    assert vendor_user.phone == "+84987654321"


def test_profile_refuses_a_phone_of_another_account_in_vietnamese(client, vendor_user, make_user):
    make_user("khac@example.vn", phone="+84987654321")
    client.force_login(vendor_user)
    response = client.post(PROFILE, {"full_name": "Tên Khác", "phone": "0987 654 321"})
    assert response.status_code == 200
    assert "Số điện thoại này đã được dùng cho tài khoản khác." in visible_text(response)
    vendor_user.refresh_from_db()
    assert vendor_user.phone == "+84912345678"
    assert vendor_user.get_full_name() == "Lê Thị Hồng Nhung"


def test_profile_refuses_a_bad_phone_and_an_empty_name_in_vietnamese(client, vendor_user):
    client.force_login(vendor_user)
    text = visible_text(client.post(PROFILE, {"full_name": "", "phone": "12345"}))
    assert "Số điện thoại không hợp lệ. Ví dụ: 0912 345 678." in text
    assert "Trường này là bắt buộc." in text
    vendor_user.refresh_from_db()
    assert vendor_user.phone == "+84912345678"


def test_profile_can_remove_the_phone(client, vendor_user):
    client.force_login(vendor_user)
    client.post(PROFILE, {"full_name": "Lê Thị Hồng Nhung", "phone": ""})
    vendor_user.refresh_from_db()
    assert vendor_user.phone is None


def test_profile_is_english_for_english_readers(english_client, vendor_user):
    english_client.force_login(vendor_user)
    text = visible_text(english_client.post(reverse("accounts:profile"), {"full_name": "", "phone": "12345"}))
    assert "My profile" in text
    assert "Invalid phone number. Example: 0912 345 678." in text
