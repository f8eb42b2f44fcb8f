"""The practice shows API under /api/v1/practice/: access, list/create, invite, history, and the OpenAPI document."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from live.models import Show
from practice_market.models import PracticeInvite, PracticeShow


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(products, **extra):
    start = timezone.now() + timedelta(hours=3)
    body = {"title": "Tập live qua API", "scheduled_start": start.isoformat(), "product_ids": [p.pk for p in products]}
    body.update(extra)
    return body


def test_access_says_what_is_missing_then_open(enrol, graduate, vendor_user):
    enrol(vendor_user)
    data = _api(vendor_user).get("/api/v1/practice/access/").json()
    assert data["state"] == "in_progress" and data["certificate"] is None
    assert data["missing"] == ["3 bài học", "bài kiểm tra", "bài tập thực hành"]
    graduation = graduate(vendor_user)
    data = _api(vendor_user).get("/api/v1/practice/access/").json()
    assert data["state"] == "open" and data["certificate"] == graduation.code


def test_a_graduate_creates_lists_and_invites(trainee, classmates, outsider):
    api = _api(trainee.user)
    response = api.post(
        "/api/v1/practice/shows/", _body([trainee.products["B01"], trainee.products["B03"]]), format="json"
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["practice"] is True and created["state"] == "scheduled" and created["is_host"] is True
    assert [o["code"] for o in created["offers"]] == ["B01", "B03"]
    assert Show.objects.get(pk=created["show_id"]).owner_kind == "practice"

    url = f"/api/v1/practice/shows/{created['id']}/invites/"
    refused = api.post(url, {"user_ids": [outsider.pk]}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_classmate"
    invited = api.post(url, {"user_ids": [classmates[0].pk]}, format="json")
    assert invited.status_code == 200
    assert [i["user_id"] for i in invited.json()["invites"]] == [classmates[0].pk]

    listed = api.get("/api/v1/practice/shows/").json()
    assert [s["id"] for s in listed["hosted"]] == [created["id"]] and listed["invited"] == []
    mine = _api(classmates[0]).get("/api/v1/practice/shows/").json()
    assert [s["id"] for s in mine["invited"]] == [created["id"]]
    seen = _api(classmates[0]).get(f"/api/v1/practice/shows/{created['id']}/").json()
    assert seen["is_host"] is False and seen["invites"] == []  # a guest does not see who else was invited
    assert _api(outsider).get(f"/api/v1/practice/shows/{created['id']}/").status_code == 404


def test_refusals_change_nothing(trainee, classmate, make_user):
    response = _api(classmate).post("/api/v1/practice/shows/", _body([trainee.products["B01"]]), format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "practice_locked"
    response = _api(trainee.user).post("/api/v1/practice/shows/", _body([]), format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "no_products"
    response = _api(trainee.user).post("/api/v1/practice/shows/", {"title": "x"}, format="json")
    assert response.status_code == 400 and "scheduled_start" in response.json()["error"]["fields"]
    assert not PracticeShow.objects.exists() and not PracticeInvite.objects.exists()
    assert APIClient().get("/api/v1/practice/shows/").status_code in (401, 403)


def test_history_lists_joined_shows(practice_show, classmate):
    Show.objects.filter(pk=practice_show.show_id).update(state=Show.State.ENDED, started_at=timezone.now())
    data = _api(classmate).get("/api/v1/practice/history/").json()
    assert [(h["id"], h["role"], h["orders"]) for h in data] == [(practice_show.pk, "buyer", 0)]


def test_the_openapi_document_has_the_practice_shows(client, db):
    schema = client.get("/api/schema/").content.decode()
    for operation in (
        "practice_access",
        "practice_shows_list",
        "practice_shows_create",
        "practice_show_invite",
        "practice_history",
    ):
        assert operation in schema
