"""A new learner's and a new instructor's first look at the learning pages (issue 15, items 7–11)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_create
from learning.models import Registration
from learning.services import assignment_submit, lesson_complete, registration_create
from tests.learning.builders import ASSIGNMENT_ID, QUIZ_ID

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_grading_page_states_the_pass_mark(registration, lessons, run_instructor):
    for lesson in lessons[:2]:
        lesson_complete(registration=registration, lesson=lesson)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="Kịch bản", link="https://fb.com/v/1"
    )
    html = _as(run_instructor).get(reverse("learning:grade", args=[submission.pk])).content.decode()
    assert "<h1>Viết kịch bản livestream 15 phút</h1>" in html
    assert "Đạt từ 6 điểm; thấp hơn thì học viên được yêu cầu nộp lại." in html


def test_a_multiple_choice_question_says_its_hint_once(registration, lessons):
    lesson_complete(registration=registration, lesson=lessons[0])
    quiz_page = reverse("learning:study", args=[registration.run_id, lessons[1].pk])
    client = _as(registration.user)
    html = client.get(quiz_page).content.decode()
    assert html.count("(chọn mọi đáp án đúng)") == 1  # the builders' quiz has one multiple-choice question

    # An author who already wrote the hint into the question does not get it twice.
    lesson = lessons[1]
    body = lesson.body.raw_data
    quiz = next(block for block in body if block["id"] == QUIZ_ID)
    original = quiz["value"]["questions"][1]["prompt"]
    quiz["value"]["questions"][1]["prompt"] = original + " (chọn tất cả đáp án đúng)"
    lesson.body = body
    lesson.save_revision().publish()
    try:
        html = client.get(quiz_page).content.decode()
        assert "(chọn tất cả đáp án đúng)" in html
        assert "(chọn mọi đáp án đúng)" not in html
    finally:
        quiz["value"]["questions"][1]["prompt"] = original
        lesson.body = body
        lesson.save_revision().publish()


def test_a_runs_registration_window_reads_date_to_date(client, run):
    run.registration_opens_at = timezone.make_aware(datetime.datetime(2026, 12, 3, 8, 0))
    run.registration_closes_at = timezone.make_aware(datetime.datetime(2026, 12, 19, 23, 59))
    run.save()
    html = client.get(reverse("learning:run_detail", args=[run.pk])).content.decode()
    assert "03/12/2026 – 19/12/2026 (đóng lúc 23:59)" in html


def test_registration_fills_in_the_vendors_organisation_and_district_from_a_list(stall, vendor_user, run):
    client = _as(vendor_user)
    response = client.get(reverse("learning:run_detail", args=[run.pk]))
    form = response.context["form"]
    assert form["organisation"].value() == "HTX Bưởi đỏ Đông Cao"
    assert form["district"].value() == "Mê Linh"
    html = response.content.decode()
    assert '<select name="district"' in html
    assert '<option value="Mê Linh" selected>Mê Linh</option>' in html

    # A district that is not one of Hanoi's is refused next to the field, nothing is registered.
    bad = client.post(
        reverse("learning:run_detail", args=[run.pk]),
        {"organisation": "HTX Bưởi đỏ Đông Cao", "district": "Quận 1", "phone": "0912 345 678"},
    )
    assert "Quận 1 không phải là một trong các lựa chọn" in str(bad.context["form"].errors["district"])
    assert not Registration.objects.filter(user=vendor_user).exists()

    client.post(
        reverse("learning:run_detail", args=[run.pk]),
        {"organisation": "HTX Bưởi đỏ Đông Cao", "district": "Mê Linh", "phone": "0912 345 678"},
    )
    registration = Registration.objects.get(user=vendor_user)
    assert (registration.organisation, registration.district) == ("HTX Bưởi đỏ Đông Cao", "Mê Linh")


def test_the_run_list_says_which_runs_i_am_already_in(run, course, make_user, details):
    type(run).objects.create(
        course=course, name="Khóa tập huấn livestream lần 4",
        registration_opens_at=run.registration_opens_at, registration_closes_at=run.registration_closes_at,
        starts_on=run.starts_on, ends_on=run.ends_on, seat_limit=30,
    )
    learner = make_user("hocvien.moi@example.vn", roles=[Role.VENDOR])
    registration_create(run=run, user=learner, **details)
    html = _as(learner).get(reverse("learning:run_list")).content.decode()
    cards = {("lần 3" if "lần 3" in card else "lần 4"): card for card in html.split('data-testid="run-card"')[1:]}
    assert "Bạn đã được ghi danh" in cards["lần 3"] and ">Đăng ký</a>" not in cards["lần 3"]
    assert "Bạn đã được ghi danh" not in cards["lần 4"] and ">Đăng ký</a>" in cards["lần 4"]


def test_graduations_admin_speaks_vietnamese(client):
    admin = user_create(email="quantri@example.vn", password=None, full_name="Quản trị", is_staff=True, is_superuser=True)
    client.force_login(admin)
    html = client.get("/admin/snippets/learning/graduation/").content.decode()
    assert "Đăng ký học" in html
    assert ">Registration<" not in html
