"""Learning pages as users meet them: registration, study view, private files, gradebook, certificate."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from accounts.roles import Role
from learning.models import AssignmentSubmission, Graduation, Registration
from learning.services import assignment_grade, assignment_submit, lesson_complete, quiz_submit
from tests.learning.builders import ASSIGNMENT_ID, CORRECT, QUIZ_ID

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _graduate(registration, lessons, instructor):
    for lesson in lessons[:2]:
        lesson_complete(registration=registration, lesson=lesson)
    quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="Kịch bản",
        upload=SimpleUploadedFile("kich-ban.txt", "Xin chào cả nhà".encode()),
    )
    lesson_complete(registration=registration, lesson=lessons[2])
    assignment_grade(submission=submission, grader=instructor, scores=[4, 6])
    return Graduation.objects.get(registration=registration)


def test_register_page_enrols_a_vendor(client, run, vendor_user, details):
    _login(client, vendor_user)
    response = client.post(reverse("learning:run_detail", args=[run.pk]), details, follow=True)
    assert "Bạn đã được ghi danh" in response.content.decode()
    assert Registration.objects.get(user=vendor_user).is_enrolled
    again = client.post(reverse("learning:run_detail", args=[run.pk]), details, follow=True)
    assert Registration.objects.filter(user=vendor_user).count() == 1
    assert again.status_code == 200


def test_study_view_never_sends_correct_answers(client, registration, lessons):
    lesson_complete(registration=registration, lesson=lessons[0])
    _login(client, registration.user)
    url = reverse("learning:study", args=[registration.run_id, lessons[1].pk])
    html = client.get(url).content.decode()
    assert "Xác nhận mã, số lượng và địa chỉ" in html
    assert "correct" not in html.lower().replace("quiz-result--", "")
    assert "Chính xác." not in html  # per-answer feedback only after submitting
    response = client.post(url, {"action": "quiz", "block_id": QUIZ_ID, "q0": "1", "q1": "0"}, follow=True)
    html = response.content.decode()
    assert "Chưa đạt" in html and "Khách sẽ mất niềm tin." in html
    assert "còn 2 lần làm" in html


def test_study_view_of_a_locked_lesson_redirects_with_a_reason(client, registration, lessons):
    _login(client, registration.user)
    response = client.get(reverse("learning:study", args=[registration.run_id, lessons[2].pk]), follow=True)
    assert "Hoàn thành bài trước để mở bài này." in response.content.decode()


def test_forged_quiz_post_changes_nothing(client, registration, lessons):
    lesson_complete(registration=registration, lesson=lessons[0])
    _login(client, registration.user)
    url = reverse("learning:study", args=[registration.run_id, lessons[1].pk])
    response = client.post(url, {"action": "quiz", "block_id": QUIZ_ID, "q0": "abc"}, follow=True)
    assert "Bài nộp không hợp lệ." in response.content.decode()
    assert not registration.quiz_attempts.exists()


def test_submission_files_are_private(client, registration, lessons, make_user, run_instructor):
    for lesson in lessons[:2]:
        lesson_complete(registration=registration, lesson=lesson)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="x",
        upload=SimpleUploadedFile("kich-ban.txt", "Kịch bản bí mật".encode()),
    )
    url = reverse("learning:submission_file", args=[submission.pk])
    assert client.get(url).status_code == 302  # anonymous → log in
    _login(client, make_user(roles=[Role.VENDOR]))
    assert client.get(url).status_code == 403
    _login(client, registration.user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).decode() == "Kịch bản bí mật"
    _login(client, run_instructor)
    assert client.get(url).status_code == 200


def test_gradebook_is_for_staff_of_the_run_and_exports_csv(client, registration, lessons, run_instructor, make_user):
    lesson_complete(registration=registration, lesson=lessons[0])
    url = reverse("learning:gradebook", args=[registration.run_id])
    _login(client, registration.user)
    assert client.get(url).status_code == 403
    _login(client, make_user(roles=[Role.INSTRUCTOR]))
    assert client.get(url).status_code == 403
    _login(client, run_instructor)
    html = client.get(url + "?sort=progress").content.decode()
    assert "Lê Thị Hồng Nhung" in html and "HTX Bưởi Diễn Phú Diễn" in html
    csv_text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    header, row = csv_text.splitlines()[:2]
    assert "Chuẩn bị trước buổi livestream" in header and "Kiểm tra: chốt đơn trên livestream" in header
    assert row.startswith("Lê Thị Hồng Nhung,chuthe@example.vn,HTX Bưởi Diễn Phú Diễn,x,,")


def test_grading_page_refuses_another_instructor(client, registration, lessons, make_user):
    for lesson in lessons[:2]:
        lesson_complete(registration=registration, lesson=lesson)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="x", link="https://fb.com/v/1"
    )
    organizer = make_user(roles=[Role.ORGANIZER])
    _login(client, organizer)
    url = reverse("learning:grade", args=[submission.pk])
    response = client.post(url, {"score_0": 4, "score_1": 6, "comment": "ok"}, follow=True)
    assert "Chỉ giảng viên của lớp này mới được chấm bài." in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == AssignmentSubmission.Status.SUBMITTED


def test_certificate_pdf_shows_the_vietnamese_name_and_code(client, registration, lessons, run_instructor):
    graduation = _graduate(registration, lessons, run_instructor)
    _login(client, registration.user)
    response = client.get(reverse("learning:certificate", args=[graduation.code]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "Lê Thị Hồng Nhung" in text
    assert "Livestream bán hàng cho chủ thể OCOP" in text
    assert graduation.code in text
    assert len(reader.pages[0].images) == 1  # the QR code
    assert f"/hoc-tap/xac-minh/{graduation.code}/" in text
    assert any("DejaVu" in str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values())


def test_certificate_is_only_for_its_owner_or_staff(client, registration, lessons, run_instructor, make_user):
    graduation = _graduate(registration, lessons, run_instructor)
    _login(client, make_user(roles=[Role.VENDOR]))
    assert client.get(reverse("learning:certificate", args=[graduation.code])).status_code == 403


def test_public_verification_confirms_or_refuses(client, registration, lessons, run_instructor, organizer_user):
    graduation = _graduate(registration, lessons, run_instructor)
    html = client.get(reverse("learning:verify_code", args=[graduation.code])).content.decode()
    assert "Chứng nhận hợp lệ" in html and "Lê Thị Hồng Nhung" in html and registration.run.name in html
    html = client.get(reverse("learning:verify_code", args=["CD-KHONGCO"])).content.decode()
    assert "Không có chứng nhận nào với mã" in html
    _login(client, organizer_user)
    client.post(reverse("learning:revoke", args=[graduation.code]), {"reason": "Sao chép bài"})
    client.logout()
    html = client.get(reverse("learning:verify_code", args=[graduation.code])).content.decode()
    assert "đã bị thu hồi" in html and "Lê Thị Hồng Nhung" not in html


def test_report_page_shows_charts_and_csv(client, registration, lessons, organizer_user):
    lesson_complete(registration=registration, lesson=lessons[0])
    _login(client, organizer_user)
    url = reverse("learning:report", args=[registration.run_id])
    html = client.get(url).content.decode()
    for key in ("enrolment", "funnel", "quiz_distribution", "assignment_grades"):
        assert f'data-testid="chart-{key}"' in html
    csv_text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    assert "Hoàn thành theo bài,Chuẩn bị trước buổi livestream,1" in csv_text


def test_enrol_page_imports_a_roster(client, run, organizer_user, run_instructor):
    _login(client, run_instructor)
    assert client.get(reverse("learning:enrol", args=[run.pk])).status_code == 403
    _login(client, organizer_user)
    roster = SimpleUploadedFile(
        "ds.csv", "email,ho_ten,dien_thoai,to_chuc,quan_huyen\nan@example.vn,Ngô Văn An,0987111222,HTX,Sóc Sơn\nx,Y,1,H,Q\n".encode()
    )
    html = client.post(reverse("learning:enrol", args=[run.pk]), {"action": "import", "roster": roster}).content.decode()
    assert "Dòng 3" in html and "Ngô Văn An" in html
    assert run.registrations.count() == 1


def test_visitors_at_the_learning_entrance_see_open_runs(client, run):
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert run.name in html and "Lớp tập huấn đang mở đăng ký" in html
    assert "/tai-khoan/login/?next=/hoc-tap/" in html


def test_grading_page_is_closed_to_other_learners(client, registration, lessons, make_user):
    for lesson in lessons[:2]:
        lesson_complete(registration=registration, lesson=lesson)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="Bí mật", link="https://fb.com/v/1"
    )
    _login(client, make_user(roles=[Role.VENDOR]))
    response = client.get(reverse("learning:grade", args=[submission.pk]))
    assert response.status_code == 403 and "Bí mật" not in response.content.decode()


def test_staff_dashboard_lists_the_runs_they_look_after(client, run, run_instructor, make_user):
    _login(client, run_instructor)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert run.name in html and reverse("learning:gradebook", args=[run.pk]) in html
    _login(client, make_user(roles=[Role.INSTRUCTOR]))
    assert 'data-testid="managed-runs"' not in client.get(reverse("learning:dashboard")).content.decode()


def test_admin_shows_instructors_only_their_runs(client, run, run_instructor, make_user, organizer_user):
    from learning.models import CourseRun
    from tests.learning.builders import build_run

    other = build_run(course=run.course, name="Lớp khác của giảng viên khác")
    url = reverse("wagtailsnippets_learning_courserun:list")
    _login(client, run_instructor)
    html = client.get(url).content.decode()
    assert run.name in html and other.name not in html
    edit_other = reverse("wagtailsnippets_learning_courserun:edit", args=[other.pk])
    assert client.get(edit_other).status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_learning_courserun:edit", args=[run.pk])).status_code == 200
    _login(client, organizer_user)
    html = client.get(url).content.decode()
    assert run.name in html and other.name in html
    assert CourseRun.objects.count() == 2


def test_organizer_creates_a_run_with_a_webinar_in_the_admin(client, course, run_instructor, organizer_user):
    from learning.models import CourseRun

    _login(client, organizer_user)
    url = reverse("wagtailsnippets_learning_courserun:add")
    assert client.get(url).status_code == 200
    data = {
        "course": course.pk,
        "name": "Khóa tập huấn livestream lần 5",
        "registration_opens_at": "2026-12-01 08:00",
        "registration_closes_at": "2026-12-20 17:00",
        "starts_on": "2026-12-22",
        "ends_on": "2027-01-30",
        "seat_limit": 30,
        "waitlist_enabled": "on",
        "instructors": [run_instructor.pk],
        "webinars-TOTAL_FORMS": 1,
        "webinars-INITIAL_FORMS": 0,
        "webinars-MIN_NUM_FORMS": 0,
        "webinars-MAX_NUM_FORMS": 1000,
        "webinars-0-title": "Buổi 1: Khai giảng",
        "webinars-0-starts_at": "2026-12-22 19:30",
        "webinars-0-ends_at": "2026-12-22 21:00",
        "webinars-0-join_url": "https://meet.example.vn/khai-giang",
        "webinars-0-recording_url": "",
        "webinars-0-id": "",
        "webinars-0-ORDER": 1,
        "webinars-0-DELETE": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    run = CourseRun.objects.get(name="Khóa tập huấn livestream lần 5")
    assert list(run.instructors.all()) == [run_instructor]
    assert run.webinars.get().title == "Buổi 1: Khai giảng"


def test_learning_pages_speak_english_to_english_users(client, run):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "Training runs open for registration" in html and "verify a certificate" in html


def test_certificate_checks_are_rate_limited_per_address(client, settings):
    settings.LEARNING_VERIFY_RATE = "3/m"
    statuses = [client.get(reverse("learning:verify_code", args=[f"CD-THU{n}"])).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_graduations_are_read_only_in_the_admin(client, registration, lessons, run_instructor, organizer_user):
    graduation = _graduate(registration, lessons, run_instructor)
    _login(client, organizer_user)
    html = client.get(reverse("wagtailsnippets_learning_graduation:list")).content.decode()
    assert graduation.code in html
    inspect = client.get(reverse("wagtailsnippets_learning_graduation:inspect", args=[graduation.pk])).content.decode()
    assert graduation.code in inspect and "Kiểm tra: chốt đơn trên livestream" in inspect  # the evidence
    assert client.get(reverse("wagtailsnippets_learning_graduation:edit", args=[graduation.pk])).status_code in (302, 403)
    _login(client, run_instructor)
    assert client.get(reverse("wagtailsnippets_learning_graduation:list")).status_code in (302, 403)
