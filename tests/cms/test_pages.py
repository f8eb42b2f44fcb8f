"""Page types: where each may be created, what the home page shows, block validation."""

from django.core.exceptions import ValidationError
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Page, get_page_models
from wagtail.test.utils import WagtailPageTestCase

from cms.blocks import BaseStreamBlock, CallToActionBlock
from cms.models import (
    HeaderMenuItem,
    HomeFeaturedCourse,
    HomePage,
    NavigationSettings,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    installed_model,
)
from tests.cms.builders import seeded_site


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_only_under_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_news_only_inside_a_news_index_under_home(self):
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(NewsPage, set())
        self.assertCanCreateAt(HomePage, NewsIndexPage)
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(StandardPage, NewsIndexPage)

    def test_standard_pages_under_home_and_each_other(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(NewsIndexPage, StandardPage)

    def test_home_page_accepts_every_page_type_other_apps_place_under_it(self):
        """Other apps (courses' CourseIndexPage…) hang their trees under the home page."""
        wants_home = {model for model in get_page_models() if HomePage in model.allowed_parent_page_models()}
        assert wants_home <= set(HomePage.allowed_subpage_models())
        course_index = installed_model("courses.CourseIndexPage")
        if course_index is not None:
            self.assertCanCreateAt(HomePage, course_index)


class HomePageContentTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = seeded_site()

    def test_latest_news_newest_first_and_only_live(self):
        newest = self.tree.news[0]
        assert [post.pk for post in self.tree.home.latest_news()][:1] == [newest.pk]
        newest.unpublish()
        assert newest.pk not in [post.pk for post in self.tree.home.latest_news()]

    def test_chosen_featured_courses_in_editor_order_skipping_unpublished(self):
        home, first, second = self.tree.home, self.tree.news[1], self.tree.about
        HomeFeaturedCourse.objects.create(home=home, page=second, sort_order=0)
        HomeFeaturedCourse.objects.create(home=home, page=first, sort_order=1)
        assert [page.pk for page in home.featured_course_pages()] == [second.pk, first.pk]
        second.unpublish()
        assert [page.pk for page in home.featured_course_pages()] == [first.pk]

    def test_without_chosen_courses_the_latest_live_courses_are_featured(self):
        course_model = installed_model("courses.CoursePage")
        expected = [] if course_model is None else list(course_model.objects.live().public()[:3])
        assert sorted(page.pk for page in self.tree.home.featured_course_pages()) == sorted(p.pk for p in expected)

    def test_only_course_pages_can_be_featured_when_courses_exist(self):
        item = HomeFeaturedCourse(home=self.tree.home, page=self.tree.about)
        if installed_model("courses.CoursePage") is None:
            item.clean()  # any page is accepted while no course model exists
        else:
            with self.assertRaises(ValidationError):
                item.clean()

    def test_pages_render_in_their_templates(self):
        self.assertPageIsRenderable(self.tree.home)
        self.assertPageIsRenderable(self.tree.news_index)
        self.assertPageIsRenderable(self.tree.news[0])
        self.assertPageIsRenderable(self.tree.about)


class BlockAndMenuValidationTests(WagtailPageTestCase):
    def test_call_to_action_needs_exactly_one_target(self):
        block = CallToActionBlock()
        base = {"title": "Đăng ký", "text": "", "button_label": "Đăng ký ngay", "page": None}
        with self.assertRaises(StructBlockValidationError):
            block.clean(block.to_python({**base, "external_url": ""}))
        block.clean(block.to_python({**base, "external_url": "https://chodemtrenmay.vn/"}))

    def test_stream_rejects_unknown_blocks_content(self):
        stream = BaseStreamBlock()
        value = stream.to_python([{"type": "heading_block", "value": {"heading_text": "", "size": "h2"}}])
        with self.assertRaises(StreamBlockValidationError):
            stream.clean(value)

    def test_menu_item_needs_a_page_or_a_safe_url(self):
        navigation = NavigationSettings(site_id=1)
        for bad in ["", "javascript:alert(1)", "//evil.example", "tin-tuc"]:
            with self.subTest(url=bad), self.assertRaises(ValidationError):
                HeaderMenuItem(navigation=navigation, label="X", link_url=bad).clean()
        HeaderMenuItem(navigation=navigation, label="Khóa học", link_url="/hoc-tap/").clean()
