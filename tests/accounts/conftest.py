"""Fixtures for the account tests."""

import pytest
from django.utils import translation


@pytest.fixture
def english_client(client):
    """A browser that chose English with the language switch (Django's language cookie).

    LocaleMiddleware leaves the request's language active in the thread afterwards: put
    the site's default (Vietnamese) back so later tests are not read in English.
    """
    client.cookies["django_language"] = "en"
    yield client
    translation.deactivate()
