"""`seed_demo` for cms: the welcome page is replaced, and a second run changes nothing."""

import io

from django.core.management import call_command
from django.test import TestCase
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.models import (
    FooterMenuItem,
    HeaderMenuItem,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PageSearchText,
    SiteContactSettings,
    StandardPage,
)
from tests.cms.builders import wagtail_initial_tree


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Page,
            HomePage,
            NewsIndexPage,
            NewsPage,
            StandardPage,
            HeaderMenuItem,
            FooterMenuItem,
            SiteContactSettings,
            PageSearchText,
            Site,
            get_image_model(),
        )
    }


class SeedDemoTests(TestCase):
    def test_seed_replaces_the_welcome_page_and_is_idempotent(self):
        welcome = wagtail_initial_tree().root_page
        assert welcome.specific_class is Page

        call_command("seed_demo", only=["cms"], stdout=io.StringIO())
        first = counts()
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        assert isinstance(home, HomePage) and home.title == "Chợ Đêm Trên Mây"
        assert not Page.objects.filter(pk=welcome.pk).exists()
        assert first["NewsPage"] >= 4 and first["HeaderMenuItem"] and first["FooterMenuItem"]
        assert StandardPage.objects.get(title="Giới thiệu chương trình").live
        contact = SiteContactSettings.for_site(site)
        assert contact.office_name == "Văn phòng Điều phối Nông thôn mới Hà Nội" and contact.hotline
        assert NewsPage.objects.filter(title="Mở đăng ký khóa tập huấn livestream bán hàng lần 3", live=True).exists()

        call_command("seed_demo", only=["cms"], stdout=io.StringIO())
        assert counts() == first
        assert self.client.get("/").status_code == 200
