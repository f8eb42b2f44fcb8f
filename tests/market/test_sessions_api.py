"""The sessions API: a seller applies, an organizer places, moves and publishes; the lobby; refusals
keep the error shape and change nothing; who sees what."""

from datetime import timedelta

import pytest

from market.models import Application, Session, Slot
from tests.market.conftest import unverified_product

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_every_endpoint_refuses_anonymous_callers(client, published_session):
    s = published_session.session.pk
    slot = published_session.stalls[0].slot
    for method, url in [
        ("get", "/api/v1/market/sessions/"),
        ("get", f"/api/v1/market/sessions/{s}/"),
        ("get", f"/api/v1/market/sessions/{s}/lobby/"),
        ("get", f"/api/v1/market/sessions/{s}/applications/"),
        ("post", f"/api/v1/market/sessions/{s}/slots/"),
        ("patch", f"/api/v1/market/slots/{slot.pk}/"),
        ("post", f"/api/v1/market/applications/{slot.application_id}/withdraw/"),
    ]:
        assert getattr(client, method)(url).status_code in (401, 403), url


def test_a_seller_applies_the_organizer_places_and_publishes(client, open_session, promoted_stall, organizer_user):
    s = open_session.pk
    client.force_login(promoted_stall.user)
    b01 = promoted_stall.products["B01"]
    odd = unverified_product(promoted_stall.vendor, promoted_stall.user)
    refused = _post(
        client,
        f"/api/v1/market/sessions/{s}/applications/",
        {"vendor": promoted_stall.vendor.slug, "product_ids": [b01.pk, odd.pk]},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "product_unverified" and "X09" in refused.json()["error"]["message"]
    assert not Application.objects.exists()
    created = _post(
        client,
        f"/api/v1/market/sessions/{s}/applications/",
        {"vendor": promoted_stall.vendor.slug, "product_ids": [b01.pk]},
    )
    assert (
        created.status_code == 201 and created.json()["products"] == ["B01"] and created.json()["state"] == "submitted"
    )
    # The seller cannot place a slot.
    assert _post(client, f"/api/v1/market/sessions/{s}/slots/", {"application": created.json()["id"], "stage": 1,
                 "starts_at": open_session.starts_at.isoformat()}).status_code == 403  # fmt: skip

    client.force_login(organizer_user)
    assert [a["vendor"] for a in client.get(f"/api/v1/market/sessions/{s}/applications/").json()] == [
        "HTX Bưởi đỏ Đông Cao"
    ]
    slot = _post(client, f"/api/v1/market/sessions/{s}/slots/", {"application": created.json()["id"], "stage": 2,
                 "starts_at": open_session.starts_at.isoformat()})  # fmt: skip
    assert slot.status_code == 201 and slot.json()["stage"] == 2
    later = (open_session.starts_at + timedelta(minutes=30)).isoformat()
    moved = client.patch(
        f"/api/v1/market/slots/{slot.json()['id']}/", {"stage": 1, "starts_at": later}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["stage"] == 1
    published = _post(client, f"/api/v1/market/sessions/{s}/state/", {"action": "publish"})
    assert published.status_code == 200 and published.json()["state"] == "published"
    detail = client.get(f"/api/v1/market/sessions/{s}/").json()
    assert [(x["vendor"], x["stage"]) for x in detail["slots"]] == [("HTX Bưởi đỏ Đông Cao", 1)] and detail["slots"][0][
        "show"
    ]


def test_an_overlap_through_the_api_is_refused_with_a_message(client, published_session, organizer_user):
    first, second = published_session.stalls
    client.force_login(organizer_user)
    response = client.patch(
        f"/api/v1/market/slots/{second.slot.pk}/", {"stage": 1, "starts_at": first.slot.starts_at.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["error"]["code"] == "stage_taken"
    assert Slot.objects.get(pk=second.slot.pk).stage == 2


def test_the_lobby_api_and_who_sees_which_session(client, published_session, buyer_user, organizer_user):
    from market import timetable

    draft = timetable.session_create(
        actor=organizer_user, title="Nháp bí mật", day=published_session.session.starts_at.date() + timedelta(days=7)
    )
    client.force_login(buyer_user)
    titles = [x["title"] for x in client.get("/api/v1/market/sessions/").json()]
    assert titles == ["Chợ đêm thứ Sáu"]
    assert client.get(f"/api/v1/market/sessions/{draft.pk}/").status_code == 404
    lobby = client.get(f"/api/v1/market/sessions/{published_session.session.pk}/lobby/?q=tra sen").json()
    assert lobby["matches"] == 1 and lobby["upcoming"][0]["vendor"] == "HTX Bưởi đỏ Đông Cao"
    assert lobby["upcoming"][0]["room_url"] == f"/phong-live/{published_session.stalls[0].slot.show_id}/"
    client.force_login(organizer_user)
    assert "Nháp bí mật" in [x["title"] for x in client.get("/api/v1/market/sessions/").json()]
    created = _post(client, "/api/v1/market/sessions/", {"title": "Chợ đêm tuần sau", "theme": "Trái cây mùa hè"})
    assert created.status_code == 201 and created.json()["state"] == "draft"
    assert Session.objects.filter(title="Chợ đêm tuần sau", theme="Trái cây mùa hè").exists()
