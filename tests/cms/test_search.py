"""Site search at /tim-kiem/: diacritics ignored, hook-contributed results, only public pages."""

from django.contrib.auth.models import Group
from django.test import TestCase
from wagtail import hooks
from wagtail.models import PageViewRestriction

from cms.models import NewsPage, PageSearchText
from cms.selectors import SITE_SEARCH_HOOK
from cms.views import RESULTS_PER_PAGE
from tests.cms.builders import seeded_site


def result_titles(response):
    return [result.title for result in response.context["results"]]


class SiteSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = seeded_site()

    def search(self, query, **params):
        return self.client.get("/tim-kiem/", {"q": query, **params})

    def test_news_found_with_and_without_diacritics(self):
        title = "Mở đăng ký khóa tập huấn livestream bán hàng lần 3"
        for query in ["khóa tập huấn livestream", "khoa tap huan livestream", "KHOA TAP HUAN", "mo dang ky lan 3"]:
            with self.subTest(query=query):
                assert title in result_titles(self.search(query))

    def test_d_with_stroke_folds_to_d(self):
        assert "Phiên chợ đêm trực tuyến tháng 11: 1.000 đơn hàng" in result_titles(self.search("cho dem 1.000 don"))

    def test_body_text_of_a_page_is_searchable(self):
        # "shan tuyết" only appears in a paragraph block of the November post.
        assert result_titles(self.search("che shan tuyet")) == ["Phiên chợ đêm trực tuyến tháng 11: 1.000 đơn hàng"]

    def test_title_matches_rank_first(self):
        titles = result_titles(self.search("khoa hoc livestream"))
        assert titles[0] == "20 chủ thể OCOP tốt nghiệp khóa học livestream cơ bản"

    def test_results_show_kind_summary_and_link(self):
        html = self.search("huong dan ho so").content.decode()
        post = NewsPage.objects.get(slug="huong-dan-chuan-bi-ho-so-chu-the")
        assert f'href="{post.url}"' in html
        assert "Giấy chứng nhận OCOP, giấy phép kinh doanh" in html
        assert '<span class="badge">Tin tức</span>' in html

    def test_unpublished_and_private_pages_are_not_found(self):
        post = NewsPage.objects.get(slug="20-chu-the-ocop-tot-nghiep-khoa-livestream")
        post.unpublish()
        assert post.title not in result_titles(self.search("tot nghiep"))
        other = NewsPage.objects.get(slug="huong-dan-chuan-bi-ho-so-chu-the")
        restriction = PageViewRestriction.objects.create(page=other, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.add(Group.objects.get_or_create(name="organizer")[0])
        assert other.title not in result_titles(self.search("huong dan ho so"))

    def test_a_saved_draft_is_not_searchable_until_published(self):
        post = NewsPage.objects.get(slug="huong-dan-chuan-bi-ho-so-chu-the")
        post.title = "Bản nháp bí mật về mận hậu Mộc Châu"
        post.save_revision()
        assert result_titles(self.search("man hau moc chau")) == []
        post.get_latest_revision().publish()
        assert result_titles(self.search("man hau moc chau")) == ["Bản nháp bí mật về mận hậu Mộc Châu"]

    def test_results_contributed_by_other_apps_through_the_hook(self):
        def products(request, query):
            if "buoi do" in query.lower():
                return [
                    {
                        "title": "Bưởi đỏ Tân Lạc",
                        "url": "/chu-the/san-pham/1/",
                        "summary": "OCOP 4 sao",
                        "kind": "Sản phẩm",
                    },
                    {"title": "no url"},
                    {"title": "script link", "url": "javascript:alert(1)"},
                ]
            return []

        with hooks.register_temporarily(SITE_SEARCH_HOOK, products):
            response = self.search("buoi do")
        html = response.content.decode()
        assert "Bưởi đỏ Tân Lạc" in result_titles(response)
        assert 'href="/chu-the/san-pham/1/"' in html and "OCOP 4 sao" in html
        assert "no url" not in html and "script link" not in html  # malformed or unsafe items are dropped
        # The news post that mentions "Bưởi đỏ" in a quote is found alongside.
        assert "Mở đăng ký khóa tập huấn livestream bán hàng lần 3" in result_titles(response)

    def test_a_failing_hook_does_not_break_search(self):
        def broken(request, query):
            raise RuntimeError("product index down")

        with hooks.register_temporarily(SITE_SEARCH_HOOK, broken), self.assertLogs("cms.selectors", "ERROR"):
            response = self.search("phien cho")
        assert response.status_code == 200
        assert "Phiên chợ đêm trực tuyến tháng 11: 1.000 đơn hàng" in result_titles(response)

    def test_results_are_paginated(self):
        many = [{"title": f"Sản phẩm {n}", "url": f"/sp/{n}/", "kind": "Sản phẩm"} for n in range(25)]
        with hooks.register_temporarily(SITE_SEARCH_HOOK, lambda request, query: many):
            first = self.search("xoai cat hoa loc")
            third = self.search("xoai cat hoa loc", page=3)
            beyond = self.search("xoai cat hoa loc", page=99)
        assert len(result_titles(first)) == RESULTS_PER_PAGE
        assert first.context["result_count"] == 25
        assert result_titles(third) == [f"Sản phẩm {n}" for n in range(20, 25)]
        assert result_titles(beyond) == result_titles(third)  # out of range: the last page
        assert 'href="?q=xoai+cat+hoa+loc&amp;page=2"' in first.content.decode()

    def test_empty_punctuation_and_overlong_queries(self):
        assert self.client.get("/tim-kiem/").status_code == 200
        for query in ["", "   ", "!!!", "%", "_"]:
            with self.subTest(query=query):
                response = self.search(query)
                assert response.status_code == 200
                assert result_titles(response) == []
        long_query = "khoa " * 200
        response = self.search(long_query)
        assert response.status_code == 200
        assert len(response.context["query"]) <= 200

    def test_search_only_answers_get(self):
        assert self.client.post("/tim-kiem/", {"q": "cho"}).status_code == 405

    def test_no_result_message_in_both_languages(self):
        assert "Không có kết quả cho “xyzxyz”" in self.search("xyzxyz").content.decode()
        self.client.cookies["django_language"] = "en"
        assert "No results for “xyzxyz”" in self.search("xyzxyz").content.decode()

    def test_every_page_has_a_folded_search_entry(self):
        entry = PageSearchText.objects.get(page=self.tree.about)
        assert entry.title == "gioi thieu chuong trinh"
        assert "ban to chuc kiem tra ho so" in entry.text


def test_search_is_rate_limited_per_address(client, settings, db):
    """A flood of searches from one address gets a polite 429 page, not the database's time."""
    settings.SITE_SEARCH_RATE = "3/m"
    for _ in range(3):
        assert client.get("/tim-kiem/", {"q": "cho dem"}).status_code == 200
    response = client.get("/tim-kiem/", {"q": "cho dem"})
    assert response.status_code == 429
    assert "Quá nhiều yêu cầu" in response.content.decode()
    other_address = client.get("/tim-kiem/", {"q": "cho dem"}, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200
