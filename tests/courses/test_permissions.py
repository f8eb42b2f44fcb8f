"""Instructors edit the course catalogue in the Wagtail admin and nothing else; organizers edit everything."""

from django.contrib.auth.models import Group
from django.test import TestCase
from wagtail.models import GroupPagePermission

from accounts.roles import Role
from accounts.services import user_create
from tests.conftest import PASSWORD
from tests.courses.trees import build_course_tree


class InstructorPermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_course_tree()
        cls.instructor = user_create(
            email="gv@example.vn", password=PASSWORD, full_name="Nguyễn Văn Minh", roles=[Role.INSTRUCTOR], is_staff=True
        )
        cls.organizer = user_create(
            email="btc@example.vn", password=PASSWORD, full_name="Trần Thu Hà", roles=[Role.ORGANIZER], is_staff=True
        )

    def test_a_new_catalogue_grants_instructors_add_change_publish_on_it_only(self):
        group = Group.objects.get(name=Role.INSTRUCTOR.value)
        granted = GroupPagePermission.objects.filter(group=group)
        assert {p.page_id for p in granted} == {self.tree.index.pk}
        assert {p.permission.codename for p in granted} == {"add_page", "change_page", "publish_page"}

    def test_instructor_edits_and_publishes_lessons_under_the_catalogue(self):
        perms = self.tree.first.permissions_for_user(self.instructor)
        assert perms.can_edit() and perms.can_publish()
        assert self.tree.course.permissions_for_user(self.instructor).can_add_subpage()
        self.client.force_login(self.instructor)
        assert self.client.get(f"/admin/pages/{self.tree.first.pk}/edit/").status_code == 200
        assert self.client.get(f"/admin/pages/add/courses/lessonpage/{self.tree.course.pk}/").status_code == 200
        assert self.client.get(f"/admin/pages/add/courses/coursepage/{self.tree.index.pk}/").status_code == 200
        assert self.client.get("/admin/images/chooser/").status_code == 200
        assert self.client.get("/admin/documents/chooser/").status_code == 200

    def test_instructor_is_refused_the_home_page_and_pages_outside_the_catalogue(self):
        """Wagtail refuses with 403 to scripts and, for a browser, sends back to the dashboard with a message."""
        self.client.force_login(self.instructor)
        for page in (self.tree.site_root, self.tree.other):
            edit_url = f"/admin/pages/{page.pk}/edit/"
            assert self.client.get(edit_url, HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code == 403, page.title
            browser = self.client.get(edit_url, follow=True)
            assert browser.redirect_chain == [("/admin/", 302)]
            assert any("permission" in str(m) or "quyền" in str(m) for m in browser.context["messages"])
            posted = self.client.post(edit_url, {"title": "Bị sửa", "slug": page.slug, "action-publish": "1"})
            assert posted.status_code in (302, 403)
            page.refresh_from_db()
            assert page.title != "Bị sửa"
            assert not page.permissions_for_user(self.instructor).can_edit()
        assert not self.tree.site_root.permissions_for_user(self.instructor).can_add_subpage()
        add_at_home = f"/admin/pages/add/wagtailcore/page/{self.tree.site_root.pk}/"
        assert self.client.get(add_at_home, HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code == 403

    def test_organizer_edits_both(self):
        self.client.force_login(self.organizer)
        for page in (self.tree.site_root, self.tree.other, self.tree.first):
            assert self.client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200, page.title

    def test_a_learner_cannot_open_the_admin(self):
        vendor = user_create(email="ct@example.vn", password=PASSWORD, full_name="Lê Nhung", roles=[Role.VENDOR])
        self.client.force_login(vendor)
        response = self.client.get(f"/admin/pages/{self.tree.first.pk}/edit/")
        assert response.status_code in (302, 403)
        assert response.status_code != 200
