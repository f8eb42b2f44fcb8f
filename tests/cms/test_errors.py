"""403, 404 and 500 pages: the site's look, both languages, never a stack trace (DEBUG=False)."""

from django.conf import settings
from django.test import Client, TestCase, override_settings
from django.test.client import RequestFactory
from django.utils import translation

from cms import views
from config import urls as site_urls
from tests.cms.builders import seeded_site


def test_error_handlers_are_the_cms_views_outside_the_api():
    # config.api's handlers answer JSON under /api/ and hand every other path to the cms views.
    assert site_urls.handler403 == "config.api.permission_denied"
    assert site_urls.handler404 == "config.api.page_not_found"
    assert site_urls.handler500 == "config.api.server_error"


@override_settings(DEBUG=False, ROOT_URLCONF="tests.cms.urls_errors")
class ErrorPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seeded_site()

    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def english(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_404_in_vietnamese_with_the_site_chrome_and_a_search_box(self):
        response = self.client.get("/khong-co-trang-nay/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Không tìm thấy trang bạn cần" in html
        assert 'data-testid="header-menu"' in html and "Văn phòng Điều phối Nông thôn mới Hà Nội" in html
        assert 'action="/tim-kiem/"' in html

    def test_404_in_english(self):
        self.english()
        html = self.client.get("/khong-co-trang-nay/").content.decode()
        assert "We could not find that page" in html
        assert '<html lang="en">' in html

    def test_403_in_both_languages(self):
        response = self.client.get("/__thu-loi__/403/")
        assert response.status_code == 403
        assert "Bạn không có quyền xem trang này" in response.content.decode()
        self.english()
        assert "You are not allowed to see this page" in self.client.get("/__thu-loi__/403/").content.decode()

    def test_500_in_both_languages_without_a_trace(self):
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.get("/__thu-loi__/500/")
        assert response.status_code == 500
        html = response.content.decode()
        assert "Đã có lỗi xảy ra" in html
        assert "Traceback" not in html and "lỗi thử nghiệm" not in html
        self.english()
        with self.assertLogs("django.request", "ERROR"):
            assert "Something went wrong" in self.client.get("/__thu-loi__/500/").content.decode()


def test_500_renders_without_any_request_context():
    """A bare request (no session, user or site) still gets the page: no context processors run."""
    request = RequestFactory().get("/")
    with translation.override("en"):
        response = views.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert 'href="/static/css/site.css"' in response.content.decode()
