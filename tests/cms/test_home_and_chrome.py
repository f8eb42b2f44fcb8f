"""What a visitor sees on every page: home content, menus, footer settings, language switch."""

from datetime import timedelta

from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from cms.models import FooterMenuItem, HeaderMenuItem, NavigationSettings, SiteContactSettings
from tests.cms.builders import bare_home, seeded_site


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


class HomePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = seeded_site()

    def test_home_in_vietnamese_shows_next_session_program_and_latest_news(self):
        response = self.client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="vi">' in html
        assert "Phiên chợ đêm tới" in html
        assert "Phiên chợ đêm OCOP Hà Nội" in html
        starts_at = timezone.localtime(self.tree.home.next_session_starts_at)
        assert starts_at.strftime("%d/%m/%Y %H:%M") in html
        assert "Chương trình tóm tắt" in html
        assert "Phiên chợ đêm trực tuyến tháng 11: 1.000 đơn hàng" in html
        latest = [post.title for post in response.context["latest_news"]]
        assert latest == [post.title for post in self.tree.news[:3]]

    def test_home_in_english_through_the_language_cookie(self):
        html = in_english(self.client).get("/").content.decode()
        assert '<html lang="en">' in html
        assert "Next night market" in html
        assert "Latest news" in html
        assert "Phiên chợ đêm tới" not in html

    def test_a_session_long_past_is_not_announced_as_next(self):
        home = self.tree.home
        home.next_session_starts_at = timezone.now() - timedelta(days=2)
        home.save()
        html = self.client.get("/").content.decode()
        assert "Lịch phiên chợ tiếp theo sẽ được công bố sớm" in html
        assert "Phiên chợ đêm OCOP Hà Nội" not in html

    def test_a_market_app_can_supply_the_next_session_through_the_hook(self):
        starts_at = timezone.now() + timedelta(days=3)

        def market_session(request):
            return {"title": "Phiên chợ Tết Nguyên đán", "starts_at": starts_at, "place": "Sàn chính", "url": "/cho/"}

        with hooks.register_temporarily("next_market_session", market_session):
            html = self.client.get("/").content.decode()
        assert "Phiên chợ Tết Nguyên đán" in html and 'href="/cho/"' in html
        assert "Phiên chợ đêm OCOP Hà Nội" not in html

    def test_news_index_lists_posts_newest_first(self):
        response = self.client.get(self.tree.news_index.url)
        titles = [post.title for post in response.context["news_page"]]
        assert titles == [post.title for post in self.tree.news]

    def test_news_post_renders_its_body_blocks(self):
        post = next(p for p in self.tree.news if p.slug.startswith("mo-dang-ky"))
        html = self.client.get(post.url).content.decode()
        assert "<h2>Ai được đăng ký?</h2>" in html
        assert "Chị Nguyễn Thị Hoa, HTX Bưởi đỏ Tân Lạc" in html
        assert 'class="article__image"' in html

    def test_footer_shows_the_contact_settings(self):
        html = self.client.get(self.tree.about.url).content.decode()
        assert "Văn phòng Điều phối Nông thôn mới Hà Nội" in html
        assert 'href="tel:02433550000"' in html
        assert "https://zalo.me/chodemtrenmay" in html
        contact = SiteContactSettings.for_site(self.tree.site)
        contact.hotline = "0904 123 456"
        contact.save()
        assert 'href="tel:0904123456"' in self.client.get("/").content.decode()

    def test_header_and_footer_menus_follow_the_admin_order_and_language(self):
        response = self.client.get("/")
        html = response.content.decode()
        header = html[html.index('data-testid="header-menu"') :]
        header = header[: header.index("</ul>")]
        positions = [header.index(label) for label in ["Trang chủ", "Giới thiệu", "Khóa học", "Tin tức"]]
        assert positions == sorted(positions)
        assert f'href="{self.tree.about.url}"' in header
        footer = html[html.index('data-testid="footer-menu"') :]
        assert "Giới thiệu chương trình" in footer
        english = in_english(self.client).get("/").content.decode()
        assert ">About</a>" in english and ">News</a>" in english

    def test_menu_item_of_an_unpublished_page_disappears(self):
        self.tree.about.unpublish()
        html = self.client.get("/").content.decode()
        header = html[html.index('data-testid="header-menu"') :]
        assert self.tree.about.url_path not in header[: header.index("</ul>")]
        assert "Giới thiệu" not in header[: header.index("</ul>")]

    def test_language_switch_returns_to_the_same_page_in_english(self):
        post = self.tree.news[0]
        response = self.client.post(reverse("set_language"), {"language": "en", "next": post.url})
        assert response.status_code == 302
        assert response["Location"] == post.url
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        html = self.client.get(post.url).content.decode()
        assert '<html lang="en">' in html
        assert 'value="vi"' in html  # the switch now offers Vietnamese back
        back = self.client.post(reverse("set_language"), {"language": "vi", "next": post.url})
        assert back["Location"] == post.url
        assert '<html lang="vi">' in self.client.get(post.url).content.decode()

    def test_every_page_type_carries_the_language_switch_with_its_own_path(self):
        for url in ["/", self.tree.news_index.url, self.tree.news[0].url, self.tree.about.url, "/tim-kiem/?q=cho"]:
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                assert f'action="{reverse("set_language")}"' in html
                assert f'name="next" value="{url}"' in html.replace("&amp;", "&")

    def test_anonymous_pages_set_no_cookie_so_the_proxy_may_cache_them(self):
        """nginx's micro-cache never stores a response that sets a cookie (docs/operations.md)."""
        for url in ["/", self.tree.news[0].url, "/tim-kiem/?q=cho"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                assert response.status_code == 200
                assert not response.cookies, response.cookies

    def test_the_language_switch_needs_no_csrf_cookie(self):
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    def test_language_switch_refuses_to_send_visitors_off_site(self):
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]


class EmptyMenuFallbackTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from cms.models import StandardPage

        cls.home = bare_home()
        cls.about = StandardPage(title="Giới thiệu ngắn", slug="gioi-thieu", show_in_menus=True)
        cls.home.add_child(instance=cls.about)
        cls.hidden = StandardPage(title="Trang ẩn khỏi menu", slug="an", show_in_menus=False)
        cls.home.add_child(instance=cls.hidden)

    def test_without_menu_items_the_header_lists_home_and_menu_pages(self):
        html = self.client.get("/").content.decode()
        header = html[html.index('data-testid="header-menu"') :]
        header = header[: header.index("</ul>")]
        assert 'href="/"' in header and "Trang chủ" in header
        assert "Giới thiệu ngắn" in header
        assert "Trang ẩn khỏi menu" not in header
        assert 'data-testid="footer-menu"' not in html
        assert 'data-testid="footer-contact"' not in html  # no settings filled in: no empty box

    def test_admin_items_replace_the_fallback(self):
        navigation = NavigationSettings.objects.create(site_id=self.home.get_site().pk)
        HeaderMenuItem.objects.create(navigation=navigation, label="Học tập", link_url="/hoc-tap/", sort_order=0)
        FooterMenuItem.objects.create(navigation=navigation, label="Giới thiệu", link_page=self.about, sort_order=0)
        html = self.client.get("/").content.decode()
        header = html[html.index('data-testid="header-menu"') :]
        header = header[: header.index("</ul>")]
        assert "Học tập" in header and "Giới thiệu ngắn" not in header
        assert f'href="{self.about.url}"' in html[html.index('data-testid="footer-menu"') :]


class NewsIndexPaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from datetime import date

        from cms.models import NewsIndexPage, NewsPage

        home = bare_home()
        cls.index = NewsIndexPage(title="Tin tức", slug="tin-tuc")
        home.add_child(instance=cls.index)
        for day in range(1, 13):
            cls.index.add_child(
                instance=NewsPage(
                    title=f"Bản tin ngày {day:02d}", slug=f"ban-tin-{day}", date=date(2026, 11, day), intro="…"
                )
            )

    def test_ten_posts_per_page_newest_first_and_a_bad_page_number_is_harmless(self):
        first = self.client.get(self.index.url)
        assert [post.title for post in first.context["news_page"]][:2] == ["Bản tin ngày 12", "Bản tin ngày 11"]
        assert len(first.context["news_page"]) == 10
        assert 'href="?page=2"' in first.content.decode()
        second = self.client.get(self.index.url, {"page": 2})
        assert [post.title for post in second.context["news_page"]] == ["Bản tin ngày 02", "Bản tin ngày 01"]
        assert self.client.get(self.index.url, {"page": "abc"}).status_code == 200
