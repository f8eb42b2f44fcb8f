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


def test_api_upload_answers_outsiders_the_same_whether_or_not_a_document_id_is_the_vendors(
    client, vendor, make_user, upload_document
):
    """A non-member probing ``replaces_id`` must not learn which document ids belong to the vendor."""
    from tests.vendors.conftest import upload

    document = upload_document(vendor, "origin")
    client.force_login(make_user("ngoai@x.vn", roles=["vendor"]))
    url = f"/api/v1/vendors/{vendor.slug}/documents/"
    answers = {
        client.post(url, {"replaces_id": replaces_id, "issued_on": "2025-01-01", "file": upload()}).status_code
        for replaces_id in (document.pk, document.pk + 1000)
    }
    assert answers == {403}
