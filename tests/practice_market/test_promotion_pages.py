"""The organizers' decision pages on the promotion queue: decline and revoke say what was decided,
a refusal says why and changes nothing, only a signed-in organizer may POST."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from practice_market.models import Promotion
from tests.practice_market.promotion_helpers import make_eligible

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(make_user):
    return make_user("btc.trang@example.vn", roles=[Role.ORGANIZER], full_name="Đỗ Minh Trang", is_staff=True)


@pytest.fixture
def eligible(trainee, practice_courses, organizer):
    make_eligible(trainee, instructor=practice_courses.instructor, organizer=organizer)
    return trainee


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_decline_then_approve_then_revoke_say_what_was_decided(eligible, organizer, client):
    client.force_login(organizer)
    name = eligible.user.get_full_name()
    decline = reverse("practice_market:promotion_decline", kwargs={"user_id": eligible.user.pk})

    response = client.post(decline, {"reason": "Cần thêm một buổi tập"}, follow=True)
    assert response.redirect_chain == [(reverse("practice_market:promotion_queue"), 302)]
    assert _messages(response) == [f"Đã ghi quyết định chưa đồng ý cho {name}."]
    assert Promotion.objects.get().state == Promotion.State.DECLINED

    approve = reverse("practice_market:promotion_approve", kwargs={"user_id": eligible.user.pk})
    response = client.post(approve, {"reason": ""}, follow=True)
    approved = Promotion.objects.get(state=Promotion.State.APPROVED)
    assert _messages(response) == [f"Đã duyệt {name} ({approved.vendor.legal_name}) lên chợ đêm."]

    # Approving again is refused by the service: its message, nothing new.
    response = client.post(approve, {"reason": ""}, follow=True)
    assert _messages(response) == ["Học viên này đã được lên chợ đêm."]
    assert Promotion.objects.count() == 2

    revoke = reverse("practice_market:promotion_revoke", kwargs={"promotion_id": approved.pk})
    response = client.post(revoke, {"reason": ""}, follow=True)
    assert _messages(response) == ["Hãy ghi lý do."]
    response = client.post(revoke, {"reason": "Bán hàng chưa xác minh"}, follow=True)
    assert _messages(response) == [f"Đã thu hồi quyết định lên chợ đêm của {name}."]
    approved.refresh_from_db()
    assert approved.state == Promotion.State.REVOKED and approved.reason == "Bán hàng chưa xác minh"


def test_decisions_need_a_signed_in_organizer_and_a_post(eligible, organizer, client):
    decline = reverse("practice_market:promotion_decline", kwargs={"user_id": eligible.user.pk})
    response = client.post(decline, {"reason": "Chưa"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))

    client.force_login(eligible.user)
    assert client.post(decline, {"reason": "Chưa"}).status_code == 403

    client.force_login(organizer)
    assert client.get(decline).status_code == 405
    assert client.options(decline).status_code == 405
    assert not Promotion.objects.exists()
