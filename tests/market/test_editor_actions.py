"""The organizers' timetable editor page, action by action: place, move, take off and decline say
what was done; a refusal says why and changes nothing; only a signed-in organizer may POST, and
only to a row of that session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from market import timetable
from market.models import Application, Slot

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _at(moment) -> str:
    return timezone.localtime(moment, timetable.MARKET_TZ).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def applications(open_session, promoted_stall, second_stall):
    return [
        timetable.application_submit(
            actor=st.user, session=open_session, vendor=st.vendor, product_ids=[p.pk for p in st.products.values()]
        )
        for st in (promoted_stall, second_stall)
    ]


def test_place_move_take_off_and_decline_from_the_editor(client, open_session, applications, organizer_user):
    first, second = applications
    session_id = open_session.pk
    editor = reverse("market:editor", kwargs={"session_id": session_id})
    client.force_login(organizer_user)

    assign = reverse("market:slot_assign", kwargs={"session_id": session_id, "application_id": first.pk})
    response = client.post(assign, {"stage": "1", "starts_at": _at(open_session.starts_at)}, follow=True)
    assert response.redirect_chain == [(editor, 302)]
    assert _messages(response) == ["Đã xếp lượt cho HTX Bưởi đỏ Đông Cao."]
    slot = Slot.objects.get(application=first)
    assert (slot.stage, slot.starts_at) == (1, open_session.starts_at)

    # A form without a stage is refused before the service; a clash is refused by it.
    response = client.post(
        reverse("market:slot_assign", kwargs={"session_id": session_id, "application_id": second.pk}),
        {"starts_at": _at(open_session.starts_at)},
        follow=True,
    )
    assert _messages(response) == ["Chọn sân khấu và giờ bắt đầu."]
    response = client.post(
        reverse("market:slot_assign", kwargs={"session_id": session_id, "application_id": second.pk}),
        {"stage": "1", "starts_at": _at(open_session.starts_at)},
        follow=True,
    )
    assert _messages(response) == ["Sân khấu 1 đã có HTX Bưởi đỏ Đông Cao vào giờ này."]
    assert not Slot.objects.filter(application=second).exists()

    later = open_session.starts_at + timedelta(minutes=30)
    move = reverse("market:slot_move", kwargs={"session_id": session_id, "slot_id": slot.pk})
    response = client.post(move, {"stage": "2", "starts_at": _at(later)}, follow=True)
    assert _messages(response) == ["Đã dời lượt của HTX Bưởi đỏ Đông Cao."]
    slot.refresh_from_db()
    assert (slot.stage, slot.starts_at) == (2, later)

    unassign = reverse("market:slot_unassign", kwargs={"session_id": session_id, "slot_id": slot.pk})
    response = client.post(unassign, follow=True)
    assert _messages(response) == ["Đã bỏ lượt; đăng ký trở lại danh sách chờ."]
    assert not Slot.objects.filter(pk=slot.pk).exists()
    assert Application.objects.get(pk=first.pk).state == Application.State.SUBMITTED

    decline = reverse("market:application_decline", kwargs={"session_id": session_id, "application_id": second.pk})
    response = client.post(decline, {"reason": "Trùng mặt hàng"}, follow=True)
    assert _messages(response) == ["Đã từ chối đăng ký."]
    assert Application.objects.get(pk=second.pk).state == Application.State.DECLINED
    # Placing a declined application is refused.
    response = client.post(
        reverse("market:slot_assign", kwargs={"session_id": session_id, "application_id": second.pk}),
        {"stage": "2", "starts_at": _at(open_session.starts_at)},
        follow=True,
    )
    assert _messages(response) == ["Đăng ký này đã rút hoặc bị từ chối."]


def test_editor_actions_need_a_signed_in_organizer_a_post_and_a_row_of_the_session(
    client, open_session, applications, organizer_user, buyer_user
):
    first = applications[0]
    assign = reverse("market:slot_assign", kwargs={"session_id": open_session.pk, "application_id": first.pk})
    body = {"stage": "1", "starts_at": _at(open_session.starts_at)}
    response = client.post(assign, body)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(buyer_user)
    assert client.post(assign, body).status_code == 403
    client.force_login(organizer_user)
    assert client.get(assign).status_code == 405
    other = timetable.session_create(actor=organizer_user, title="Phiên khác", day=open_session.starts_at.date())
    elsewhere = reverse("market:slot_assign", kwargs={"session_id": other.pk, "application_id": first.pk})
    assert client.post(elsewhere, body).status_code == 404
    assert not Slot.objects.exists()
