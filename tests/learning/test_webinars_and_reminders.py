"""Webinar join window and attendance; reminders sent once."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from learning.models import Webinar, WebinarAttendance

pytestmark = pytest.mark.django_db


@pytest.fixture
def webinar(run):
    start = timezone.now() + datetime.timedelta(minutes=10)
    return Webinar.objects.create(
        run=run, title="Hỏi đáp: chốt đơn", starts_at=start, ends_at=start + datetime.timedelta(hours=1),
        join_url="https://meet.example.vn/abc",
    )


def test_join_inside_the_window_records_attendance_and_redirects(client, registration, webinar):
    client.force_login(registration.user)
    response = client.get(reverse("learning:webinar_join", args=[webinar.pk]))
    assert response.status_code == 302 and response["Location"] == "https://meet.example.vn/abc"
    client.get(reverse("learning:webinar_join", args=[webinar.pk]))
    assert WebinarAttendance.objects.filter(webinar=webinar, user=registration.user).count() == 1


def test_join_too_early_or_after_says_why(client, registration, webinar):
    client.force_login(registration.user)
    webinar.starts_at = timezone.now() + datetime.timedelta(hours=2)
    webinar.ends_at = webinar.starts_at + datetime.timedelta(hours=1)
    webinar.save()
    html = client.get(reverse("learning:webinar_join", args=[webinar.pk])).content.decode()
    assert "Buổi học chưa mở" in html and "meet.example.vn" not in html
    webinar.starts_at = timezone.now() - datetime.timedelta(hours=3)
    webinar.ends_at = timezone.now() - datetime.timedelta(hours=2)
    webinar.recording_url = "https://video.example.vn/ghi-lai"
    webinar.save()
    html = client.get(reverse("learning:webinar_join", args=[webinar.pk])).content.decode()
    assert "Buổi học đã kết thúc." in html and "https://video.example.vn/ghi-lai" in html
    assert not WebinarAttendance.objects.exists()


def test_outsiders_cannot_join(client, webinar, buyer_user):
    client.force_login(buyer_user)
    assert client.get(reverse("learning:webinar_join", args=[webinar.pk])).status_code == 403


def test_reminders_are_sent_once(registration, webinar, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("learning_send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("learning_send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    subjects = [m.subject for m in mail.outbox]
    assert subjects == ["Nhắc lịch buổi học: Hỏi đáp: chốt đơn"]
    assert mail.outbox[0].to == [registration.user.email]


def test_attendance_shows_in_the_run_report(client, registration, webinar, organizer_user):
    client.force_login(registration.user)
    client.get(reverse("learning:webinar_join", args=[webinar.pk]))
    client.force_login(organizer_user)
    csv_text = client.get(reverse("learning:report", args=[webinar.run_id]) + "?format=csv").content.decode("utf-8-sig")
    assert "Điểm danh buổi học trực tuyến,Hỏi đáp: chốt đơn,1" in csv_text


def test_dashboard_shows_the_next_session_and_past_recordings(client, registration, webinar):
    Webinar.objects.create(
        run=webinar.run, title="Buổi 1: Ánh sáng", starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3, hours=-1), join_url="https://meet.example.vn/old",
        recording_url="https://video.example.vn/buoi-1",
    )
    client.force_login(registration.user)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "Hỏi đáp: chốt đơn" in html and "https://video.example.vn/buoi-1" in html
    assert "meet.example.vn" not in html  # join links only through the platform's redirect


def test_the_worker_sends_the_reminders_every_15_minutes(registration, webinar, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from core.scheduling import periodic_ensure
    from tests.tasks_worker import run_due_tasks

    name = "learning.tasks.learning_reminders"
    assert periodic_ensure(name)
    DBTaskResult.objects.filter(args_kwargs__kwargs__name=name).update(run_after=timezone.now())  # its slot has come
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_due_tasks()
    assert [m.subject for m in mail.outbox] == ["Nhắc lịch buổi học: Hỏi đáp: chốt đơn"]
    assert DBTaskResult.objects.get(args_kwargs__kwargs__name=name, status="SUCCESSFUL").return_value == 1
    [following] = DBTaskResult.objects.filter(args_kwargs__kwargs__name=name, status="READY")
    assert timezone.now() < following.run_after <= timezone.now() + datetime.timedelta(minutes=15)
