"""Staff pages in Chromium at phone width: roster import, report charts, revocation; the run list and waiting list."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from learning.services import (
    assignment_grade,
    assignment_submit,
    lesson_complete,
    quiz_submit,
    registration_create,
)
from tests.conftest import PASSWORD
from tests.learning.builders import ASSIGNMENT_ID, CORRECT, QUIZ_ID, build_course, build_run

DETAILS = {"organisation": "HTX Chè Ba Vì", "district": "Ba Vì", "phone": "0987 000 111"}


def _login(page, live_server, email):
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page).not_to_have_url(f"{live_server.url}/tai-khoan/login/")


@pytest.mark.django_db(transaction=True)
def test_organizer_imports_reads_report_and_revokes(page, live_server, make_user, tmp_path):
    organizer = make_user("btc@example.vn", roles=[Role.ORGANIZER], full_name="Trần Thị Thu Hà", phone="+84904000101")
    instructor = make_user("gv@example.vn", roles=[Role.INSTRUCTOR], phone="+84904000102")
    learner = make_user("an@example.vn", roles=[Role.VENDOR], full_name="Ngô Văn An", phone="+84904000103")
    course, lessons = build_course()
    run = build_run(course=course, instructors=[instructor], seat_limit=3)
    registration = registration_create(run=run, user=learner, **DETAILS)
    for lesson in lessons[:2]:
        lesson_complete(registration=registration, lesson=lesson)
    quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="Kịch bản", link="https://fb.com/v/1"
    )
    lesson_complete(registration=registration, lesson=lessons[2])
    assignment_grade(submission=submission, grader=instructor, scores=[4, 6])
    page.set_viewport_size({"width": 360, "height": 800})

    _login(page, live_server, organizer.email)
    page.goto(f"{live_server.url}/hoc-tap/lop/{run.pk}/ghi-danh/")
    roster = tmp_path / "danh-sach.csv"
    roster.write_text(
        "email,ho_ten,dien_thoai,to_chuc,quan_huyen\n"
        "mai@example.vn,Đặng Thị Mai,0987 654 321,HTX Miến dong,Ba Vì\n"
        "sai-email,Ai Đó,0987000000,HTX,Sóc Sơn\n",
        encoding="utf-8",
    )
    page.set_input_files("input[name=roster]", str(roster))
    page.get_by_role("button", name="Nhập").click()
    expect(page.get_by_test_id("import-errors")).to_contain_text("Dòng 3")
    expect(page.locator("main table")).to_contain_text("Đặng Thị Mai")

    page.goto(f"{live_server.url}/hoc-tap/lop/{run.pk}/bao-cao/")
    expect(page.get_by_test_id("chart-funnel")).to_contain_text("Chốt đơn trên livestream")
    expect(page.get_by_test_id("chart-assignment_grades")).to_contain_text("Đạt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(f"{live_server.url}/hoc-tap/lop/{run.pk}/so-diem/")
    page.get_by_role("link", name="Thu hồi").click()
    page.fill("textarea[name=reason]", "Bài thực hành sao chép")
    page.get_by_role("button", name="Thu hồi").click()
    expect(page.locator(".messages")).to_contain_text("Đã thu hồi chứng nhận")
    code = registration.__class__.objects.get(pk=registration.pk).graduation.code
    page.context.clear_cookies()

    page.goto(f"{live_server.url}/hoc-tap/xac-minh/{code}/")
    expect(page.get_by_test_id("verify-result")).to_contain_text("đã bị thu hồi")
    expect(page.get_by_test_id("verify-result")).not_to_contain_text("Ngô Văn An")


@pytest.mark.django_db(transaction=True)
def test_vendor_joins_the_waiting_list_of_a_full_run(page, live_server, make_user):
    course, _lessons = build_course()
    run = build_run(course=course, seat_limit=1)
    seated = make_user("ngoi@example.vn", roles=[Role.VENDOR], phone="+84904000104")
    registration_create(run=run, user=seated, **DETAILS)
    vendor = make_user("cho@example.vn", roles=[Role.VENDOR], full_name="Bùi Thị Yến", phone="+84904000105")
    page.set_viewport_size({"width": 360, "height": 800})
    _login(page, live_server, vendor.email)
    page.goto(f"{live_server.url}/hoc-tap/lop/")
    page.get_by_role("link", name=run.name).click()
    expect(page.get_by_test_id("seats-left")).to_have_text("0/1")
    page.fill("input[name=organisation]", "HTX Mật ong Mê Linh")
    page.select_option("select[name=district]", "Mê Linh")
    page.fill("input[name=phone]", "0904 000 105")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Lớp đã đủ chỗ")
    page.check("input[name=join_waitlist]")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("danh sách chờ")
    expect(page.get_by_test_id("dashboard-run")).to_contain_text("vị trí số 1")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Rút khỏi lớp").click()
    expect(page.locator(".messages")).to_contain_text("Bạn đã rút khỏi lớp")
