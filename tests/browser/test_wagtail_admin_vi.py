"""An organizer edits a page in the Wagtail admin and reads it in Vietnamese.

The sidebar menu and the StreamField (add-block button, block picker, block actions)
are drawn by Wagtail's JavaScript from the /admin/jsi18n/ catalog, so only a browser
shows whether site/locale/vi/LC_MESSAGES/djangojs.po reaches the editor.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.conftest import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def content_page(live_server):
    from cms.models import StandardPage
    from tests.cms.builders import bare_home

    home = bare_home()
    return home.add_child(
        instance=StandardPage(
            title="Giới thiệu chương trình",
            slug="gioi-thieu",
            body=[("heading_block", {"heading_text": "Mục tiêu", "size": "h2"})],
        )
    )


def test_organizer_edits_a_page_in_vietnamese(page, live_server, make_user, content_page):
    make_user("bantochuc.bt@example.vn", roles=[Role.ORGANIZER], is_staff=True)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/pages/{content_page.pk}/edit/")
    page.fill("input[name=username]", "bantochuc.bt@example.vn")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server.url}/admin/pages/{content_page.pk}/edit/")

    sidebar = page.locator("#wagtail-sidebar")
    for label in ("Trang", "Hình ảnh", "Tài liệu", "Báo cáo", "Cài đặt"):
        expect(sidebar.get_by_text(label, exact=True).first).to_be_visible()

    expect(page.get_by_role("tab", name="Nội dung")).to_be_visible()
    expect(page.get_by_role("tab", name="Quảng bá")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu bản nháp")).to_be_visible()

    # The StreamField block already on the page: its actions speak Vietnamese.
    expect(page.get_by_role("button", name="Nhân bản").first).to_be_attached()
    expect(page.get_by_role("button", name="Chuyển xuống").first).to_be_attached()

    # Add a block: the "+" button and the block picker.
    page.get_by_role("button", name="Chèn một khối").first.click()
    picker = page.get_by_placeholder("Tìm lựa chọn…")
    expect(picker).to_be_visible()
    expect(page.get_by_role("option", name="Đoạn văn")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "wagtail-admin-vi-block-picker.png"))
    assert "Insert a block" not in page.content()
