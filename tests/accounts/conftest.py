"""Fixtures for the account tests."""

import pytest


@pytest.fixture
def english_client(client):
    """A browser that chose English with the language switch (Django's language cookie)."""
    client.cookies["django_language"] = "en"
    return client
