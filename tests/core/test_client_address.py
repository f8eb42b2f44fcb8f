"""API throttles count requests per real client, not per whatever X-Forwarded-For a client sends."""

from django.test import RequestFactory
from rest_framework.throttling import AnonRateThrottle


def test_anonymous_throttle_ignores_a_forged_forwarded_for_header():
    request = RequestFactory().get("/api/v1/products/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert AnonRateThrottle().get_ident(request) == "203.0.113.7"


def test_behind_one_trusted_proxy_the_address_it_appended_counts(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = RequestFactory().get(
        "/api/v1/products/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9"
    )
    assert AnonRateThrottle().get_ident(request) == "198.51.100.9"
