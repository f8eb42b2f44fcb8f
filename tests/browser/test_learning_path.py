"""The whole learning path in Chromium.

A vendor registers for a run, completes lessons, fails then passes a quiz and hands in
the assignment; the run's instructor grades it; the vendor downloads the certificate; an
anonymous visitor verifies its code.
"""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.roles import Role
from learning.models import Graduation
from tests.conftest import PASSWORD
from tests.learning.builders import build_course, build_run


def _login(page, live_server, email):
    """Log in through the real form (the submit button inside <main>, not the header's language switch)."""
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page).not_to_have_url(f"{live_server.url}/tai-khoan/login/")


@pytest.mark.django_db(transaction=True)
def test_vendor_learns_graduates_and_anyone_verifies(page, live_server, make_user, tmp_path):
    instructor = make_user(
        "gv@example.vn", roles=[Role.INSTRUCTOR], full_name="Nguyễn Văn Minh", phone="+84904000102", is_staff=True
    )
    vendor = make_user("nhung@example.vn", roles=[Role.VENDOR], full_name="Lê Thị Hồng Nhung", phone="+84912345678")
    course, lessons = build_course()
    run = build_run(course=course, instructors=[instructor])
    page.set_viewport_size({"width": 360, "height": 800})

    # The vendor registers.
    _login(page, live_server, vendor.email)
    page.goto(f"{live_server.url}/hoc-tap/lop/{run.pk}/")
    page.fill("input[name=organisation]", "HTX Bưởi Diễn Phú Diễn")
    page.select_option("select[name=district]", "Bắc Từ Liêm")
    page.fill("input[name=phone]", "0912 345 678")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Bạn đã được ghi danh")
    expect(page.get_by_test_id("dashboard-run")).to_contain_text("Đã học 0/3 bài")

    # Lesson 1, then lesson 2 with its quiz: fail first, then pass.
    page.get_by_role("link", name="Chuẩn bị trước buổi livestream").first.click()
    page.get_by_test_id("complete-lesson").click()
    expect(page.locator("h1")).to_contain_text("Chốt đơn trên livestream")
    quiz = page.get_by_test_id("quiz")
    quiz.get_by_label("Bỏ qua bình luận").check()
    quiz.get_by_label("Giới thiệu sản phẩm OCOP").check()
    page.get_by_test_id("submit-quiz").click()
    expect(page.get_by_test_id("quiz-result")).to_contain_text("Chưa đạt")
    expect(page.get_by_test_id("quiz-result")).to_contain_text("Khách sẽ mất niềm tin.")
    quiz.get_by_label("Xác nhận mã, số lượng và địa chỉ").check()
    quiz.get_by_label("Giới thiệu sản phẩm OCOP").check()
    quiz.get_by_label("Ưu đãi trong phiên").check()
    page.get_by_test_id("submit-quiz").click()
    expect(page.get_by_test_id("quiz-result")).to_contain_text("Lần 2: 100%")
    page.get_by_test_id("complete-lesson").click()

    # Lesson 3: hand in the assignment with a file.
    script = tmp_path / "kich-ban.txt"
    script.write_text("Kịch bản livestream bưởi Diễn: chào, giới thiệu, chốt đơn.", encoding="utf-8")
    assignment = page.get_by_test_id("assignment")
    assignment.locator("textarea").fill("Kịch bản 15 phút cho bưởi Diễn")
    assignment.locator("input[type=file]").set_input_files(str(script))
    page.get_by_test_id("submit-assignment").click()
    expect(page.get_by_test_id("submission-status")).to_have_text("Chờ chấm")
    page.get_by_test_id("complete-lesson").click()
    page.context.clear_cookies()

    # The instructor grades it from the gradebook.
    _login(page, live_server, instructor.email)
    page.goto(f"{live_server.url}/hoc-tap/lop/{run.pk}/so-diem/")
    expect(page.get_by_test_id("gradebook")).to_contain_text("Lê Thị Hồng Nhung")
    page.get_by_test_id("grade-link").click()
    page.fill("input[name=score_0]", "4")
    page.fill("input[name=score_1]", "5")
    page.fill("textarea[name=comment]", "Mở đầu tốt, chốt đơn rõ.")
    page.get_by_test_id("save-grade").click()
    expect(page.get_by_test_id("gradebook")).to_contain_text("Đạt (9)")
    page.context.clear_cookies()

    # The vendor downloads the certificate.
    _login(page, live_server, vendor.email)
    page.goto(f"{live_server.url}/hoc-tap/")
    with page.expect_download() as download_info:
        page.get_by_test_id("certificate-link").click()
    pdf_text = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes())).pages[0].extract_text()
    assert "Lê Thị Hồng Nhung" in pdf_text
    code = Graduation.objects.get(registration__user=vendor).code
    assert code in pdf_text
    page.context.clear_cookies()

    # Anyone verifies the code.
    page.goto(f"{live_server.url}/hoc-tap/xac-minh/")
    page.fill("input[name=code]", code.lower())
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("verify-result")).to_contain_text("Chứng nhận hợp lệ")
    expect(page.get_by_test_id("verify-name")).to_have_text("Lê Thị Hồng Nhung")
    page.goto(f"{live_server.url}/hoc-tap/xac-minh/CD-KHONGCO/")
    expect(page.get_by_test_id("verify-result")).to_contain_text("Không có chứng nhận nào với mã")
