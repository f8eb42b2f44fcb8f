"""Editors manage the public site in the Wagtail admin: page editor, contact settings, menus."""

import io

from django.core.management import call_command
from django.test import TestCase

from accounts.services import user_create
from cms.models import PageSearchText
from tests.cms.builders import seeded_site


class AdminEditingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = seeded_site()
        cls.admin = user_create(
            email="quantri@example.vn",
            password="Mat-khau-an-toan-2026",
            full_name="Quản Trị",
            phone=None,
            is_staff=True,
            is_superuser=True,
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def test_home_page_editor_opens_with_its_sections(self):
        response = self.client.get(f"/admin/pages/{self.tree.home.pk}/edit/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Phiên chợ đêm tới" in html and "Khóa học nổi bật" in html

    def test_news_and_standard_page_editors_open(self):
        for page in (self.tree.news[0], self.tree.about, self.tree.news_index):
            with self.subTest(page=page.title):
                assert self.client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200

    def test_contact_and_menu_settings_are_editable_per_site(self):
        site_id = self.tree.site.pk
        contact = self.client.get(f"/admin/settings/cms/sitecontactsettings/{site_id}/")
        assert contact.status_code == 200
        assert "Văn phòng Điều phối Nông thôn mới Hà Nội" in contact.content.decode()
        menus = self.client.get(f"/admin/settings/cms/navigationsettings/{site_id}/")
        assert menus.status_code == 200
        assert "Mục menu đầu trang" in menus.content.decode()

    def test_a_bad_hotline_is_refused_and_nothing_changes(self):
        site_id = self.tree.site.pk
        response = self.client.post(
            f"/admin/settings/cms/sitecontactsettings/{site_id}/",
            {"office_name": "Văn phòng mới", "hotline": "gọi tôi nhé", "email": "khong-phai-email"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Số điện thoại chỉ gồm chữ số" in html
        assert "Văn phòng mới" not in self.client.get("/").content.decode()

    def test_rebuild_command_indexes_pages_saved_without_signals(self):
        PageSearchText.objects.all().delete()
        out = io.StringIO()
        call_command("rebuild_site_search", stdout=out)
        assert PageSearchText.objects.filter(page=self.tree.news[0]).exists()
        assert "pages indexed" in out.getvalue()
