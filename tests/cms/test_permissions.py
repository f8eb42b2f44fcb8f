"""Who may edit the public site: organizers everything, instructors only the course catalogue."""

from django.test import TestCase

from accounts.roles import Role
from accounts.services import user_create
from courses.models import CourseIndexPage
from tests.cms.builders import seeded_site


class NewsEditingPermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = seeded_site()
        cls.catalogue = cls.tree.home.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
        cls.instructor = user_create(
            email="gv@example.vn", password="x-Mat-khau-2026", full_name="Nguyễn Văn Minh", roles=[Role.INSTRUCTOR],
            is_staff=True,
        )
        cls.organizer = user_create(
            email="btc@example.vn", password="x-Mat-khau-2026", full_name="Trần Thị Hà", roles=[Role.ORGANIZER],
            is_staff=True,
        )

    def test_an_instructor_cannot_edit_or_publish_a_news_page(self):
        news = self.tree.news[0]
        self.client.force_login(self.instructor)
        edit_url = f"/admin/pages/{news.pk}/edit/"
        assert self.client.get(edit_url, HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code == 403
        title_before = news.title
        self.client.post(edit_url, {"title": "Tin giả", "slug": news.slug, "action-publish": "publish"})
        news.refresh_from_db()
        assert news.title == title_before
        assert not news.has_unpublished_changes

    def test_an_instructor_can_edit_the_course_catalogue(self):
        self.client.force_login(self.instructor)
        assert self.client.get(f"/admin/pages/{self.catalogue.pk}/edit/").status_code == 200

    def test_an_organizer_can_edit_news_and_the_catalogue(self):
        self.client.force_login(self.organizer)
        for page in (self.tree.news[0], self.catalogue, self.tree.home):
            with self.subTest(page=page.title):
                assert self.client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
