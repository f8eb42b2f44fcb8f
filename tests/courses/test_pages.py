"""The course tree: where pages may live, and what visitors see on each page."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from accounts.roles import Role
from accounts.services import user_create
from courses.models import CourseIndexPage, CoursePage, LessonPage
from tests.courses.trees import CORRECT_TEXT, EXPLANATION, FEEDBACK_RIGHT, FEEDBACK_WRONG, WRONG_TEXT, build_course_tree


class CourseTreeRulesTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = build_course_tree()

    def test_parent_and_subpage_types(self):
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, {})

    def test_courses_only_in_the_catalogue_and_lessons_only_in_a_course(self):
        self.assertCanCreateAt(CourseIndexPage, CoursePage)
        self.assertCanCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(Page, CoursePage)
        self.assertCanNotCreateAt(Page, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)

    def test_one_catalogue_per_parent(self):
        assert not CourseIndexPage.can_create_at(self.tree.site_root)

    def test_lesson_order_skips_drafts(self):
        tree = self.tree
        assert tree.first.previous_lesson is None
        assert tree.first.next_lesson.pk == tree.quiz_lesson.pk
        assert tree.quiz_lesson.next_lesson.pk == tree.last.pk  # the draft in between is skipped
        assert tree.last.previous_lesson.pk == tree.quiz_lesson.pk
        assert tree.last.next_lesson is None


class CoursePagesRenderTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.instructor = user_create(
            email="gv@example.vn", password=None, full_name="Nguyễn Văn Minh", roles=[Role.INSTRUCTOR]
        )
        cls.tree = build_course_tree(instructor=cls.instructor)

    def test_catalogue_lists_live_courses_only(self):
        response = self.client.get(self.tree.index.url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Livestream bán hàng" in html
        assert "Khóa nháp" not in html
        assert "3 bài học" in html  # the draft lesson is not counted

    def test_course_page_shows_outcomes_instructor_and_live_lessons(self):
        html = self.client.get(self.tree.course.url).content.decode()
        assert "Chốt đơn rõ ràng" in html
        assert "Nguyễn Văn Minh" in html and "Giảng viên thương mại điện tử" in html
        assert "12 giờ" in html and "Cơ bản" in html
        assert self.tree.first.url in html and self.tree.last.url in html
        assert "Bài nháp" not in html

    def test_draft_pages_are_not_served(self):
        assert self.client.get("/khoa-hoc/livestream/bai-nhap/").status_code == 404
        assert self.client.get("/khoa-hoc/khoa-nhap/").status_code == 404

    def test_lesson_page_has_breadcrumb_blocks_and_neighbours(self):
        html = self.client.get(self.tree.first.url).content.decode()
        assert 'aria-current="page">Chuẩn bị trước buổi live' in html
        assert f'href="{self.tree.course.url}"' in html
        assert "Lên danh sách sản phẩm" in html and "Chỉ chọn 3–5 sản phẩm." in html
        assert "youtube-nocookie.com/embed/Zq3X9b2fA1k" in html
        assert f'rel="next" href="{self.tree.quiz_lesson.url}"' in html
        assert 'rel="prev"' not in html

    def test_public_lesson_html_never_reveals_correct_answers_or_feedback(self):
        html = self.client.get(self.tree.quiz_lesson.url).content.decode()
        assert CORRECT_TEXT in html and WRONG_TEXT in html  # the learner sees the choices...
        for secret in (FEEDBACK_RIGHT, FEEDBACK_WRONG, EXPLANATION):  # ...but nothing that gives the key away
            assert secret not in html
        assert "correct" not in html.lower()
        assert "Viết kịch bản livestream 15 phút" in html and "Chốt đơn rõ ràng" in html
        assert "Đạt khi được từ 6/10 điểm." in html

    def test_english_visitors_get_english_labels(self):
        self.client.cookies["django_language"] = "en"
        html = self.client.get(self.tree.course.url).content.decode()
        assert "Course content" in html
