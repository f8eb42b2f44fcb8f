"""Every page links the site's icon and /favicon.ico answers (browsers ask for it regardless)."""

from django.contrib.staticfiles import finders
from django.test import TestCase

from tests.cms.builders import seeded_site


class FaviconTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seeded_site()

    def test_favicon_ico_leads_to_a_real_icon(self):
        response = self.client.get("/favicon.ico")
        assert response.status_code == 301
        assert response["Location"] == "/static/favicon.ico"
        path = finders.find("favicon.ico")
        assert path is not None
        with open(path, "rb") as icon:
            assert icon.read(4) == b"\x00\x00\x01\x00"  # the ICO signature

    def test_pages_link_the_icon(self):
        html = self.client.get("/").content.decode()
        assert '<link rel="icon" href="/static/favicon.ico"' in html
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
        assert finders.find("favicon.svg") is not None
