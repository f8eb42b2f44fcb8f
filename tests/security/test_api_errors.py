"""API errors a probe found (issue 14, hole 6): every answer is JSON, none is a 500."""

import json
import re

import pytest
from django.test import Client

from accounts.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**64 + 7
ROLES = [Role.ORGANIZER, Role.INSTRUCTOR, Role.VENDOR, Role.CONSUMER]


def _documented_paths() -> list[str]:
    from drf_spectacular.generators import SchemaGenerator

    return sorted(SchemaGenerator().get_schema(request=None, public=True)["paths"])


@pytest.fixture
def clients(make_user):
    """An anonymous browser and one logged in as each role."""
    out = {"anonymous": Client()}
    for role in ROLES:
        user = make_user(f"probe-{role}@example.vn", roles=[role], is_staff=role in (Role.ORGANIZER, Role.INSTRUCTOR))
        client = Client()
        client.force_login(user)
        out[role] = client
    return out


def _error_shape(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response["Content-Type"])
    body = json.loads(response.content)
    assert set(body) == {"error"} and body["error"]["message"], body
    return body["error"]


def test_options_on_every_documented_path_answers_for_every_role(clients, vendor_user):
    from vendors.models import Vendor

    slug = Vendor.objects.filter(members__user=vendor_user).values_list("slug", flat=True).first() or "htx-buoi-dien"
    failures = []
    for path in _documented_paths():
        concrete = re.sub(r"\{slug\}", slug, re.sub(r"\{code\}", "ABC123", re.sub(r"\{[a-z_]*id\}", "1", path)))
        for role, client in clients.items():
            response = client.options(concrete)
            if response.status_code >= 500:
                failures.append((role, concrete, response.status_code))
    assert failures == []


def test_the_vendor_documents_endpoint_answers_options_with_its_methods(clients, vendor_user):
    response = clients[Role.VENDOR].options("/api/v1/vendors/htx-buoi-dien/documents/")
    assert response.status_code in (200, 403, 404), response.status_code


def test_ids_beyond_64_bits_are_not_found_not_a_crash(clients):
    failures = []
    for path in _documented_paths():
        if not re.search(r"\{[a-z_]*id\}", path):
            continue
        concrete = re.sub(r"\{[a-z_]*id\}", str(BEYOND_64_BITS), path.replace("{slug}", "x").replace("{code}", "x"))
        for role, client in clients.items():
            response = client.get(concrete)
            if response.status_code >= 500 or response.status_code not in (401, 403, 404, 405):
                failures.append((role, concrete, response.status_code))
    assert failures == []


def test_query_ids_beyond_64_bits_are_refused_or_empty_not_a_crash(clients):
    for query in (f"?vendor={BEYOND_64_BITS}", f"?page={BEYOND_64_BITS}", f"?district={BEYOND_64_BITS}"):
        for role, client in clients.items():
            response = client.get("/api/v1/products/" + query)
            assert response.status_code < 500, (role, query, response.status_code)


def test_an_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert _error_shape(response)["code"] == "not_found"
    assert client.get("/api/khong-co-gi/").json()["error"]["code"] == "not_found"


def test_a_page_outside_the_api_still_answers_the_html_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_csrf_failure_on_the_api_answers_json_403(vendor_user):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/tai-khoan/login/", {"login": vendor_user.email, "password": PASSWORD}).status_code == 403
    client.force_login(vendor_user)
    response = client.post("/api/v1/learning/registrations/", {}, content_type="application/json")
    assert response.status_code == 403
    error = _error_shape(response)
    assert error["code"] in ("csrf_failed", "permission_denied")
    assert "CSRF" in error["message"]


def test_a_csrf_failure_outside_drf_on_the_api_prefix_is_json_too(rf, settings):
    """Django's CSRF middleware refuses before any DRF view runs: its failure view must speak JSON there."""
    from config.api import csrf_failure

    response = csrf_failure(rf.post("/api/v1/anything/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert _error_shape(response)["code"] == "csrf_failed"
    html = csrf_failure(rf.post("/tai-khoan/login/"), reason="CSRF cookie not set.")
    assert html.status_code == 403 and not html["Content-Type"].startswith("application/json")
