"""The whole OpenAPI document, fuzzed: no 5xx and no response that breaks its schema (issue 14, hole 6).

Every operation of ``/api/schema/`` is called with examples generated from its own
schema by schemathesis, anonymously and logged in as each role, through Django's WSGI
handler (no server, no network). The checks: no server error, and every documented
response matches its schema. Examples are bounded (``API_FUZZ_EXAMPLES``, default 5 per
operation and role) so this stays well under two minutes; raise it locally to dig deeper.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from accounts.roles import Role

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))
ROLES = ["anonymous", Role.ORGANIZER, Role.INSTRUCTOR, Role.VENDOR, Role.CONSUMER]



class _InTestTransaction:
    """Django's WSGI handler, minus closing the database connection around each request.

    As in Django's test client: the requests share the test's connection and transaction,
    so what the fixtures made is there and what the requests write is rolled back.
    """

    def __init__(self):
        self.handler = get_wsgi_application()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = list(response)
            response.close()
            return body
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


# Read through the app itself (drf-spectacular's view: no database needed), at collection.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", _InTestTransaction())


def _headers_of(user) -> dict:
    """What a browser of ``user`` sends: its session cookie and the CSRF pair for unsafe methods."""
    client = Client()
    client.force_login(user)
    token = _get_new_csrf_string()
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}", "X-CSRFToken": token}


@pytest.fixture
def role_headers(db, make_user):
    """Each role's request headers; anonymous sends none."""
    headers = {"anonymous": {}}
    for role in ROLES[1:]:
        staff = role in (Role.ORGANIZER, Role.INSTRUCTOR)
        headers[role] = _headers_of(make_user(f"fuzz-{role}@example.vn", roles=[role], is_staff=staff, full_name="Kiểm Thử"))
    return headers


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_without_a_server_error_and_as_documented(case, role_headers):
    for role, headers in role_headers.items():
        try:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
        except Exception as exc:
            exc.add_note(f"as {role}")
            raise
