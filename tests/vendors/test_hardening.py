"""Defects found in review: each test failed before its fix."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/chu-the/san-pham/", "/chu-the/"])
def test_directory_searches_are_rate_limited_per_address_but_browsing_is_not(client, settings, url):
    """A flood of typed searches on the directories gets the 429 page, like the site search."""
    settings.SITE_SEARCH_RATE = "3/m"
    for _ in range(5):
        assert client.get(url).status_code == 200  # browsing without a query never counts
    for _ in range(3):
        assert client.get(url, {"q": "buoi do"}).status_code == 200
    limited = client.get(url, {"q": "buoi do"})
    assert limited.status_code == 429
    assert "Quá nhiều yêu cầu" in limited.content.decode()
    assert client.get(url, {"q": "buoi do"}, REMOTE_ADDR="10.0.0.9").status_code == 200
