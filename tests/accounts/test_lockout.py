"""Wrong passwords lock the address that sends them, never the right person elsewhere (issue 14, hole 4)."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOST = "chuthe@example.vn"


def _login(client, password, **meta):
    return client.post(reverse("account_login"), {"login": HOST, "password": password}, **meta)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_from_one_address_do_not_lock_the_host_out_elsewhere(client, vendor_user):
    from django.test import Client

    for _ in range(5):
        _login(client, "sai-mat-khau", REMOTE_ADDR="198.51.100.66")
    # The attacker's address is locked, even with the right password ...
    _login(client, PASSWORD, REMOTE_ADDR="198.51.100.66")
    assert not _logged_in(client)
    # ... but the host, from home, logs in at once.
    host = Client()
    response = _login(host, PASSWORD, REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 302, response.content.decode()[:500]
    assert _logged_in(host)


def test_behind_the_proxy_each_client_is_judged_by_its_own_address(client, vendor_user, settings):
    """Through one proxy every request has the proxy's REMOTE_ADDR: the lock must follow the forwarded client."""
    from django.test import Client

    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        # A forged left-hand entry does not give the attacker a fresh address.
        _login(client, "sai-mat-khau", HTTP_X_FORWARDED_FOR=f"6.6.6.{_}, 198.51.100.66", **proxy)
    _login(client, PASSWORD, HTTP_X_FORWARDED_FOR="7.7.7.7, 198.51.100.66", **proxy)
    assert not _logged_in(client)
    host = Client()
    assert _login(host, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy).status_code == 302
    assert _logged_in(host)


def test_guessing_across_many_accounts_from_one_address_is_slowed(client, make_user, vendor_user):
    """Password spraying: one address trying one password on many accounts is refused after 10 a minute."""
    for n in range(12):
        make_user(f"nan-nhan{n}@example.vn")
    refused = 0
    for n in range(12):
        response = client.post(
            reverse("account_login"), {"login": f"nan-nhan{n}@example.vn", "password": "123456"}, REMOTE_ADDR="198.51.100.77"
        )
        refused += "quá nhiều" in response.content.decode().lower() or response.status_code == 429
    assert refused >= 2
    # Meanwhile the host, elsewhere, is not affected.
    from django.test import Client

    host = Client()
    assert _login(host, PASSWORD, REMOTE_ADDR="203.0.113.10").status_code == 302
