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


def test_behind_one_trusted_proxy_each_client_has_its_own_search_budget(client, settings, db):
    """Through a proxy every request shares REMOTE_ADDR: the limit must follow the address the proxy appended."""
    settings.SITE_SEARCH_RATE = "2/m"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(2):
        assert client.get("/tim-kiem/", {"q": "cho dem"}, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy).status_code == 200
    assert client.get("/tim-kiem/", {"q": "cho dem"}, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy).status_code == 429
    # Another client behind the same proxy, and a forged left-hand address does not help the first one.
    assert client.get("/tim-kiem/", {"q": "cho dem"}, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 200
    forged = client.get("/tim-kiem/", {"q": "cho dem"}, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9", **proxy)
    assert forged.status_code == 429


def test_without_a_proxy_the_forwarded_header_is_ignored():
    from core.http import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.7"
