"""Registration rules: window, duplicates, seats, waiting list in order, withdrawal, roster import."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from config.errors import ApplicationError
from learning.models import Registration
from learning.services import registration_create, registration_withdraw, roster_import
from tests.learning.builders import build_run

pytestmark = pytest.mark.django_db


def test_vendor_registers_and_gets_a_confirmation_email(run, vendor_user, details, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(run=run, user=vendor_user, **details)
    assert registration.status == Registration.Status.ENROLLED
    assert registration.phone == "+84912345678"
    assert len(mail.outbox) == 1
    assert run.name in mail.outbox[0].subject
    assert mail.outbox[0].to == [vendor_user.email]
    assert "http://127.0.0.1:8000/hoc-tap/" in mail.outbox[0].body


def test_registering_twice_is_refused_and_changes_nothing(registration, run, vendor_user, details):
    with pytest.raises(ApplicationError) as exc:
        registration_create(run=run, user=vendor_user, **details)
    assert exc.value.code == "already_registered"
    assert "đã đăng ký" in str(exc.value.message)
    assert Registration.objects.filter(run=run).count() == 1


def test_registration_outside_the_window_is_refused(run, vendor_user, details):
    run.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    run.save()
    with pytest.raises(ApplicationError) as exc:
        registration_create(run=run, user=vendor_user, **details)
    assert exc.value.code == "registration_closed"
    run.registration_opens_at = timezone.now() + datetime.timedelta(days=1)
    run.registration_closes_at = timezone.now() + datetime.timedelta(days=2)
    run.save()
    with pytest.raises(ApplicationError) as exc:
        registration_create(run=run, user=vendor_user, **details)
    assert exc.value.code == "registration_not_open"
    assert not Registration.objects.exists()


def test_only_vendors_register_themselves(run, buyer_user, details):
    with pytest.raises(ApplicationError) as exc:
        registration_create(run=run, user=buyer_user, **details)
    assert exc.value.code == "not_vendor"


def test_bad_phone_is_refused(run, vendor_user, details):
    with pytest.raises(ApplicationError) as exc:
        registration_create(run=run, user=vendor_user, **{**details, "phone": "12345"})
    assert exc.value.code == "invalid_phone"
    assert not Registration.objects.exists()


def test_full_run_offers_waitlist_then_promotes_in_order(course, make_user, details):
    run = build_run(course=course, seat_limit=1)
    first, second, third = (make_user(roles=[Role.VENDOR]) for _ in range(3))
    seated = registration_create(run=run, user=first, **details)
    with pytest.raises(ApplicationError) as exc:
        registration_create(run=run, user=second, **details)
    assert exc.value.code == "run_full_waitlist_available"
    assert not Registration.objects.filter(user=second).exists()
    now = timezone.now()
    waiting_second = registration_create(run=run, user=second, join_waitlist=True, now=now, **details)
    waiting_third = registration_create(
        run=run, user=third, join_waitlist=True, now=now + datetime.timedelta(seconds=1), **details
    )
    assert waiting_second.status == waiting_third.status == Registration.Status.WAITLISTED

    registration_withdraw(registration=seated)
    waiting_second.refresh_from_db()
    waiting_third.refresh_from_db()
    assert waiting_second.status == Registration.Status.ENROLLED
    assert waiting_third.status == Registration.Status.WAITLISTED
    run.refresh_from_db()
    assert run.seats_taken == 1


def test_full_run_without_waitlist_is_refused(course, make_user, details):
    run = build_run(course=course, seat_limit=1, waitlist=False)
    registration_create(run=run, user=make_user(roles=[Role.VENDOR]), **details)
    with pytest.raises(ApplicationError) as exc:
        registration_create(run=run, user=make_user(roles=[Role.VENDOR]), join_waitlist=True, **details)
    assert exc.value.code == "run_full"
    assert run.registrations.count() == 1


def test_withdrawn_learner_may_register_again(registration, run, vendor_user, details):
    registration_withdraw(registration=registration)
    with pytest.raises(ApplicationError):
        registration_withdraw(registration=registration)
    again = registration_create(run=run, user=vendor_user, **details)
    assert again.pk == registration.pk and again.status == Registration.Status.ENROLLED


def test_organizer_can_enrol_outside_the_window(run, vendor_user, details):
    run.registration_closes_at = timezone.now() - datetime.timedelta(days=1)
    run.save()
    registration = registration_create(run=run, user=vendor_user, source=Registration.Source.MANUAL, **details)
    assert registration.is_enrolled


def test_roster_import_keeps_good_rows_and_reports_bad_ones(run, vendor_user):
    csv_text = (
        "email,ho_ten,dien_thoai,to_chuc,quan_huyen\n"
        "moi@example.vn,Đặng Thị Mai,0987 654 321,HTX Chè Ba Vì,Ba Vì\n"
        f"{vendor_user.email},Lê Thị Hồng Nhung,0912345678,HTX Bưởi,Bắc Từ Liêm\n"
        "khong-phai-email,Ai Đó,0987000000,HTX,Sóc Sơn\n"
        "sai.sdt@example.vn,Người Sai,123,HTX,Mê Linh\n"
    )
    result = roster_import(run=run, csv_text=csv_text)
    assert [r.user.email for r in result["created"]] == ["moi@example.vn", vendor_user.email]
    assert [e["line"] for e in result["errors"]] == [4, 5]
    assert all(e["message"] for e in result["errors"])
    new_user = result["created"][0].user
    assert new_user.get_full_name() == "Đặng Thị Mai" and new_user.has_role(Role.VENDOR)
    assert run.registrations.count() == 2


def test_roster_without_required_columns_is_refused(run):
    with pytest.raises(ApplicationError) as exc:
        roster_import(run=run, csv_text="email,name\nx@y.vn,X\n")
    assert exc.value.code == "csv_columns"


def test_course_prerequisites_must_be_passed_first(course, run, vendor_user, details):
    from learning.models import Graduation
    from tests.learning.builders import build_course

    advanced, _lessons = build_course(title="Tiếp thị số và xây dựng thương hiệu", slug="tiep-thi-so")
    advanced.prerequisites.add(course)
    advanced.save()
    advanced_run = build_run(course=advanced, name="Tiếp thị số lần 1")
    with pytest.raises(ApplicationError) as exc:
        registration_create(run=advanced_run, user=vendor_user, **details)
    assert exc.value.code == "prerequisites" and course.title in str(exc.value.message)
    assert not advanced_run.registrations.exists()
    Graduation.objects.create(registration=registration_create(run=run, user=vendor_user, **details))
    assert registration_create(run=advanced_run, user=vendor_user, **details).is_enrolled
