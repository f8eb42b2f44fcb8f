"""The organizers' session pages: the list with its create form, editing a session, declining;
sellers hear when they get no slot."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from market import timetable
from market.models import Application, Session
from notifications.models import Notification
from tests.market.conftest import next_market_day

pytestmark = pytest.mark.django_db


def test_the_list_shows_each_audience_its_sessions(client, published_session, organizer_user, buyer_user):
    draft = timetable.session_create(
        actor=organizer_user, title="Phiên nháp", day=next_market_day() + timedelta(days=7)
    )
    page = client.get(reverse("market:session_list")).content.decode()
    assert "Chợ đêm thứ Sáu" in page and "Phiên nháp" not in page and "Tạo phiên chợ" not in page
    client.force_login(organizer_user)
    page = client.get(reverse("market:session_list")).content.decode()
    assert "Phiên nháp" in page and "Tạo phiên chợ" in page
    assert reverse("market:editor", kwargs={"session_id": draft.pk}) in page
    client.force_login(buyer_user)
    assert client.post(reverse("market:session_create"), {"title": "X"}).status_code == 403


def test_an_organizer_creates_a_special_session_from_the_list(client, organizer_user):
    client.force_login(organizer_user)
    day = next_market_day() + timedelta(days=2)  # a Sunday
    response = client.post(
        reverse("market:session_create"),
        {"title": "Chợ Tết", "theme": "Tết", "day": day.isoformat(), "start": "18:00", "end": "21:00", "stages": 4,
         "slot_minutes": 20},
    )  # fmt: skip
    session = Session.objects.get(title="Chợ Tết")
    assert response.status_code == 302 and response["Location"] == reverse(
        "market:editor", kwargs={"session_id": session.pk}
    )
    start = timezone.localtime(session.starts_at, timetable.MARKET_TZ)
    assert (start.date(), start.hour, session.stages, session.slot_minutes, session.is_special) == (
        day,
        18,
        4,
        20,
        True,
    )
    assert session.ends_at - session.starts_at == timedelta(hours=3)
    # Closing before opening is not a session: 20:00 → 20:00 the next day is refused as too long.
    refused = client.post(
        reverse("market:session_create"),
        {"title": "Sai giờ", "day": day.isoformat(), "start": "20:00", "end": "20:00", "stages": 1, "slot_minutes": 30},
    )
    assert refused.status_code == 400 and "tối đa 12 giờ" in refused.content.decode()
    assert not Session.objects.filter(title="Sai giờ").exists()


def test_editing_hours_is_refused_once_a_slot_is_placed(client, open_session, promoted_stall, organizer_user):
    client.force_login(organizer_user)
    url = reverse("market:session_edit", kwargs={"session_id": open_session.pk})
    start = timezone.localtime(open_session.starts_at)
    body = {"title": "Chợ đêm cuối năm", "theme": "Quà Tết", "day": start.date().isoformat(), "start": "20:00",
            "end": "22:00", "stages": 2, "slot_minutes": 30}  # fmt: skip
    assert client.post(url, body).status_code == 302
    open_session.refresh_from_db()
    assert (open_session.title, open_session.theme) == ("Chợ đêm cuối năm", "Quà Tết")
    application = timetable.application_submit(
        actor=promoted_stall.user, session=open_session, vendor=promoted_stall.vendor,
        product_ids=[promoted_stall.products["B01"].pk],
    )  # fmt: skip
    timetable.slot_assign(actor=organizer_user, application=application, stage=1, starts_at=open_session.starts_at)
    response = client.post(url, {**body, "stages": 1})
    assert response.status_code == 400 and "Đã có lượt được xếp" in response.content.decode()
    assert Session.objects.get(pk=open_session.pk).stages == 2


def test_sellers_hear_when_they_get_no_slot(
    client, open_session, promoted_stall, second_stall, organizer_user, django_capture_on_commit_callbacks
):
    first = timetable.application_submit(
        actor=promoted_stall.user, session=open_session, vendor=promoted_stall.vendor,
        product_ids=[promoted_stall.products["B01"].pk],
    )  # fmt: skip
    second = timetable.application_submit(
        actor=second_stall.user, session=open_session, vendor=second_stall.vendor,
        product_ids=[second_stall.products["C01"].pk],
    )  # fmt: skip
    client.force_login(organizer_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("market:application_decline", kwargs={"session_id": open_session.pk, "application_id": second.pk}),
            {"reason": "Trùng mặt hàng với gian khác"},
        )
    assert Application.objects.get(pk=second.pk).state == Application.State.DECLINED
    assert Notification.objects.get(user=second_stall.user).body == "Trùng mặt hàng với gian khác"
    # Publishing without placing the other one leaves it out, and says so.
    other = timetable.session_create(actor=organizer_user, title="Khác", day=next_market_day() + timedelta(days=7))
    timetable.session_open(actor=organizer_user, session=other)
    placed = timetable.application_submit(
        actor=second_stall.user,
        session=other,
        vendor=second_stall.vendor,
        product_ids=[second_stall.products["C01"].pk],
    )
    timetable.slot_assign(actor=organizer_user, application=placed, stage=1, starts_at=other.starts_at)
    assert first.session_id != other.pk
    left_out = timetable.application_submit(
        actor=promoted_stall.user, session=other, vendor=promoted_stall.vendor,
        product_ids=[promoted_stall.products["B01"].pk],
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        timetable.session_publish(actor=organizer_user, session=other)
    assert Application.objects.get(pk=left_out.pk).state == Application.State.DECLINED
    assert Notification.objects.filter(user=promoted_stall.user, title__contains="chưa có lượt ở Khác").exists()
