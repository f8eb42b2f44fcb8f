"""What is taught: the course catalogue as Wagtail pages.

CourseIndexPage → CoursePage → LessonPage. A lesson's body is a StreamField of
``LessonStreamBlock``; quizzes and assignments are blocks, addressed elsewhere by the
lesson page and the block's stable ``id``. This app knows nothing of learners: runs,
progress, attempts and grades live in ``learning``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import LessonStreamBlock


class CourseLevel(models.TextChoices):
    BEGINNER = "beginner", _("Cơ bản")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    ADVANCED = "advanced", _("Nâng cao")


class CourseIndexPage(Page):
    """The catalogue. Instructors may edit this section of the tree and nothing else."""

    intro = RichTextField(_("giới thiệu"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("danh mục khóa học")
        verbose_name_plural = _("danh mục khóa học")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_list

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = course_list(index=self)
        return context


class CoursePage(Page):
    summary = models.TextField(_("tóm tắt"), max_length=600)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh bìa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.CharField(_("trình độ"), max_length=20, choices=CourseLevel.choices, default=CourseLevel.BEGINNER)
    duration_hours = models.PositiveSmallIntegerField(_("thời lượng (giờ)"), default=8)
    learning_outcomes = RichTextField(
        _("kết quả đầu ra"), features=["ul", "ol", "bold", "italic"], help_text=_("Học viên làm được gì sau khóa học")
    )
    description = RichTextField(_("mô tả chi tiết"), blank=True)
    sequential = models.BooleanField(
        _("học tuần tự"), default=False, help_text=_("Bài sau chỉ mở khi đã hoàn thành bài trước")
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("khóa học tiên quyết"), blank=True, symmetrical=False, related_name="unlocks"
    )
    opens_practice_market = models.BooleanField(
        _("mở chợ thực hành"),
        default=False,
        help_text=_("Học viên tốt nghiệp khóa này được vào chợ thực hành livestream."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("level"),
                FieldPanel("duration_hours"),
                FieldPanel("sequential"),
                FieldPanel("prerequisites"),
                FieldPanel("opens_practice_market"),
            ],
            heading=_("Tổ chức khóa học"),
        ),
        FieldPanel("learning_outcomes"),
        FieldPanel("description"),
        InlinePanel("course_instructors", label=_("Giảng viên")),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
        index.SearchField("description"),
        index.FilterField("level"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("level"),
        APIField("duration_hours"),
        APIField("learning_outcomes"),
        APIField("cover_image"),
    ]

    class Meta:
        verbose_name = _("khóa học")
        verbose_name_plural = _("khóa học")

    @property
    def lessons(self):
        return LessonPage.objects.child_of(self).live().specific().order_by("path")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_lessons

        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = course_lessons(course=self)
        context["instructors"] = list(self.course_instructors.select_related("instructor"))
        return context

    @property
    def instructors(self):
        return [ci.instructor for ci in self.course_instructors.select_related("instructor")]


class CourseInstructor(Orderable):
    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="course_instructors")
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("giảng viên"),
        on_delete=models.CASCADE,
        related_name="taught_courses",
        limit_choices_to={"groups__name": "instructor"},
    )
    bio = models.CharField(_("giới thiệu ngắn"), max_length=255, blank=True)

    panels = [FieldPanel("instructor"), FieldPanel("bio")]

    class Meta(Orderable.Meta):
        verbose_name = _("giảng viên của khóa")
        verbose_name_plural = _("giảng viên của khóa")
        constraints = [models.UniqueConstraint(fields=["course", "instructor"], name="unique_course_instructor")]


class LessonPage(Page):
    intro = models.TextField(_("mở đầu"), max_length=600, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("thời lượng (phút)"), default=30)
    required = models.BooleanField(
        _("bắt buộc để tốt nghiệp"), default=True, help_text=_("Bài bắt buộc phải hoàn thành để được cấp chứng nhận")
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("nội dung"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("duration_minutes"), FieldPanel("required")], heading=_("Thiết lập bài học")),
        FieldPanel("body"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("bài học")
        verbose_name_plural = _("bài học")

    @property
    def course(self) -> CoursePage:
        return CoursePage.objects.ancestor_of(self).specific().first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course = self.course
        context["course"] = course
        context["course_index"] = course.get_parent().specific if course else None
        return context

    def _live_siblings(self):
        return LessonPage.objects.sibling_of(self, inclusive=False).live().public()

    @property
    def previous_lesson(self):
        """The live lesson just before this one in the course's order, or None."""
        return self._live_siblings().filter(path__lt=self.path).order_by("-path").first()

    @property
    def next_lesson(self):
        """The live lesson just after this one in the course's order, or None."""
        return self._live_siblings().filter(path__gt=self.path).order_by("path").first()

    def blocks_of_type(self, block_type: str):
        return [block for block in self.body if block.block_type == block_type]

    @property
    def quizzes(self):
        return self.blocks_of_type("quiz")

    @property
    def assignments(self):
        return self.blocks_of_type("assignment")

    def get_block(self, block_id: str, block_type: str | None = None):
        """The body block with this stable id (and type), or None."""
        for block in self.body:
            if str(block.id) == str(block_id) and (block_type is None or block.block_type == block_type):
                return block
        return None
