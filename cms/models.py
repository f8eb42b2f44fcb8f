"""What the program says publicly: home, standard pages, news, site settings, menus.

Page types and why they are constrained:

- ``HomePage`` sits only directly under Wagtail's root (one per Site). Its children are
  left open on purpose: other apps hang their own trees under it (``courses``'
  CourseIndexPage, later the market's pages) and cms must not know them.
- ``StandardPage`` is any plain page ("Giới thiệu chương trình", rules, FAQ).
- ``NewsIndexPage`` → ``NewsPage``: announcements, each with a date, so the home page
  and the index can list the latest first.

Site settings hold what appears in every footer (organizer office, hotline, e-mail,
social links) and the header/footer menus, per Site, editable under Settings.

``PageSearchText`` is the diacritic-free copy of every live page's searchable text:
Wagtail's database search backend does not fold Vietnamese diacritics (on PostgreSQL
"khoa hoc" does not match "khóa học"), so cms keeps its own folded index, built from
each page type's own ``search_fields``. See ``cms.services`` and ``cms.selectors``.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import PARAGRAPH_FEATURES, BaseStreamBlock

COURSE_PAGE_MODEL = "courses.CoursePage"
HOME_FEATURED_COURSES = 3
HOME_LATEST_NEWS = 3
NEWS_PER_PAGE = 10


def installed_model(label: str):
    """The model named ``"app.Model"`` if that app defines it, else None.

    cms must not import other apps (they build on cms, not the reverse), yet the
    home page features courses: it looks the model up by name at run time.
    """
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


class InstalledPageTypeChooserPanel(PageChooserPanel):
    """A page chooser limited to ``page_type`` when that model exists, else any page.

    Wagtail resolves ``page_type`` when the edit form is built and fails when the
    model is missing; this keeps the HomePage editor working in a tree where the
    courses app has no CoursePage yet.
    """

    def get_form_options(self):
        if self.page_type and installed_model(self.page_type) is None:
            return super(PageChooserPanel, self).get_form_options()
        return super().get_form_options()


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------
class HomePage(Page):
    """The site's front door: the program in brief, the next night market, courses, news.

    The next weekly session is typed in by editors for now; when a market app exists it
    supplies the session through the ``next_market_session`` hook (see
    ``cms.selectors.next_market_session``) and these fields become the fallback.
    """

    hero_heading = models.CharField(_("tiêu đề chính"), max_length=200)
    hero_intro = models.TextField(_("giới thiệu ngắn"), max_length=600, blank=True)
    program_body = RichTextField(_("chương trình tóm tắt"), features=PARAGRAPH_FEATURES, blank=True)
    hero_cta_label = models.CharField(_("nhãn nút chính"), max_length=60, blank=True)
    hero_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("trang của nút chính"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    next_session_title = models.CharField(_("tên phiên chợ tới"), max_length=200, blank=True)
    next_session_starts_at = models.DateTimeField(_("thời gian bắt đầu"), null=True, blank=True)
    next_session_place = models.CharField(_("địa điểm / kênh"), max_length=200, blank=True)
    next_session_description = models.TextField(_("mô tả phiên chợ"), max_length=1000, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_intro"),
                FieldPanel("program_body"),
                FieldPanel("hero_cta_label"),
                PageChooserPanel("hero_cta_page"),
            ],
            heading=_("Giới thiệu chương trình"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("next_session_title"),
                FieldPanel("next_session_starts_at"),
                FieldPanel("next_session_place"),
                FieldPanel("next_session_description"),
            ],
            heading=_("Phiên chợ đêm tới"),
        ),
        InlinePanel("featured_courses", label=_("Khóa học nổi bật"), max_num=6),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_heading"),
        index.SearchField("hero_intro"),
        index.SearchField("program_body"),
    ]
    api_fields = [
        APIField("hero_heading"),
        APIField("hero_intro"),
        APIField("program_body"),
        APIField("next_session_title"),
        APIField("next_session_starts_at"),
        APIField("next_session_place"),
        APIField("next_session_description"),
        APIField("featured_courses"),
    ]

    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("trang chủ")
        verbose_name_plural = _("trang chủ")

    def featured_course_pages(self) -> list[Page]:
        """Chosen courses that are still live, else the latest live courses.

        Empty when the courses app has no CoursePage (cms does not depend on it).
        """
        chosen = [
            item.page.specific
            for item in self.featured_courses.select_related("page")
            if item.page is not None and item.page.live
        ]
        if chosen:
            return chosen
        course_model = installed_model(COURSE_PAGE_MODEL)
        if course_model is None:
            return []
        return list(course_model.objects.live().public().order_by("-first_published_at")[:HOME_FEATURED_COURSES])

    def latest_news(self) -> list["NewsPage"]:
        return list(
            NewsPage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("image")
            .prefetch_related("image__renditions")  # one query for every card's thumbnail, even on a cold cache
            .order_by("-date", "-first_published_at")[:HOME_LATEST_NEWS]
        )

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import next_market_session

        context = super().get_context(request, *args, **kwargs)
        context["next_session"] = next_market_session(home=self, request=request)
        context["featured_courses"] = self.featured_course_pages()
        context["latest_news"] = self.latest_news()
        context["news_index"] = NewsIndexPage.objects.live().child_of(self).first()
        return context


class HomeFeaturedCourse(Orderable):
    """One course the organizers put on the home page, in the order they chose."""

    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_courses")
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("khóa học"), on_delete=models.CASCADE, related_name="+")

    panels = [InstalledPageTypeChooserPanel("page", COURSE_PAGE_MODEL)]
    api_fields = [APIField("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("khóa học nổi bật")
        verbose_name_plural = _("khóa học nổi bật")

    def clean(self):
        super().clean()
        course_model = installed_model(COURSE_PAGE_MODEL)
        if self.page_id and course_model is not None and not issubclass(self.page.specific_class or Page, course_model):
            raise ValidationError({"page": _("Chỉ chọn được trang khóa học.")})


class StandardPage(Page):
    """A plain content page: about the program, rules for vendors, FAQ…"""

    intro = models.TextField(_("tóm tắt"), max_length=600, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh đại diện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("nội dung"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("image"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    api_fields = [APIField("intro"), APIField("image"), APIField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("trang nội dung")
        verbose_name_plural = _("trang nội dung")


class NewsIndexPage(Page):
    """The list of announcements, newest first, paginated."""

    intro = models.TextField(_("giới thiệu"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("chuyên mục tin tức")
        verbose_name_plural = _("chuyên mục tin tức")

    def news(self):
        return (
            NewsPage.objects.live()
            .public()
            .child_of(self)
            .select_related("image")
            .prefetch_related("image__renditions")  # one query for every card's thumbnail, even on a cold cache
            .order_by("-date", "-first_published_at")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news_page"] = Paginator(self.news(), NEWS_PER_PAGE).get_page(request.GET.get("page"))
        return context


class NewsPage(Page):
    """An announcement: "Mở đăng ký khóa tập huấn livestream lần 3", a session's results…"""

    date = models.DateField(_("ngày đăng"), default=timezone.localdate)
    intro = models.TextField(_("tóm tắt"), max_length=600)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("nội dung"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    api_fields = [APIField("date"), APIField("intro"), APIField("image"), APIField("body")]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("tin tức")
        verbose_name_plural = _("tin tức")


# ---------------------------------------------------------------------------
# Site settings: contact details and menus (per Site, under Settings)
# ---------------------------------------------------------------------------
hotline_validator = RegexValidator(
    r"^[0-9 +().-]{6,20}$", _("Số điện thoại chỉ gồm chữ số, dấu cách, +, (, ), . và -.")
)


@register_setting(icon="site")
class SiteContactSettings(BaseSiteSetting):
    """Who runs the program and how to reach them; shown in every page's footer."""

    office_name = models.CharField(_("tên văn phòng"), max_length=200, blank=True)
    office_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    hotline = models.CharField(_("đường dây nóng"), max_length=20, blank=True, validators=[hotline_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    zalo_url = models.URLField(_("Zalo"), blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("office_name"), FieldPanel("office_address"), FieldPanel("hotline"), FieldPanel("email")],
            heading=_("Văn phòng ban tổ chức"),
        ),
        MultiFieldPanel(
            [FieldPanel("facebook_url"), FieldPanel("youtube_url"), FieldPanel("zalo_url")],
            heading=_("Mạng xã hội"),
        ),
    ]

    class Meta:
        verbose_name = _("thông tin liên hệ")

    @property
    def hotline_href(self) -> str:
        """``tel:`` link without spaces or punctuation, so phones dial it directly."""
        return "tel:" + "".join(ch for ch in self.hotline if ch.isdigit() or ch == "+")

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [("Facebook", self.facebook_url), ("YouTube", self.youtube_url), ("Zalo", self.zalo_url)]
        return [(name, url) for name, url in links if url]


@register_setting(icon="list-ul")
class NavigationSettings(ClusterableModel, BaseSiteSetting):
    """The header and footer menus of a Site, ordered by editors."""

    panels = [
        InlinePanel("header_items", label=_("Mục menu đầu trang")),
        InlinePanel("footer_items", label=_("Mục menu chân trang")),
    ]

    class Meta:
        verbose_name = _("menu điều hướng")


class MenuItem(Orderable):
    """A label with either a page of the site (follows moves/renames) or a URL.

    ``label_en`` is optional: page content is Vietnamese only, but menu labels are
    short and an English visitor should not face a Vietnamese-only menu.
    """

    label = models.CharField(_("nhãn"), max_length=60)
    label_en = models.CharField(_("nhãn tiếng Anh"), max_length=60, blank=True)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("trang"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    link_url = models.CharField(
        _("hoặc đường dẫn"),
        max_length=300,
        blank=True,
        help_text=_("Đường dẫn trong trang (bắt đầu bằng /) hoặc địa chỉ đầy đủ https://…"),
    )

    panels = [FieldPanel("label"), FieldPanel("label_en"), PageChooserPanel("link_page"), FieldPanel("link_url")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        if bool(self.link_page_id) == bool(self.link_url):
            raise ValidationError({"link_url": _("Chọn một trang hoặc nhập một đường dẫn (chỉ một trong hai).")})
        if self.link_url and not self.link_url.startswith(("/", "https://", "http://")):
            raise ValidationError({"link_url": _("Đường dẫn phải bắt đầu bằng /, https:// hoặc http://.")})
        if self.link_url.startswith("//"):
            raise ValidationError({"link_url": _("Đường dẫn phải bắt đầu bằng /, https:// hoặc http://.")})

    @property
    def display_label(self) -> str:
        if self.label_en and (get_language() or "").startswith("en"):
            return self.label_en
        return self.label

    def url(self, request=None) -> str:
        """Where the item points; empty when its page is no longer live (then hidden)."""
        if self.link_page_id:
            page = self.link_page
            return (page.get_url(request) or "") if page.live else ""
        return self.link_url

    @property
    def is_external(self) -> bool:
        return self.link_url.startswith(("http://", "https://"))


class HeaderMenuItem(MenuItem):
    navigation = ParentalKey(NavigationSettings, on_delete=models.CASCADE, related_name="header_items")

    class Meta(MenuItem.Meta):
        verbose_name = _("mục menu đầu trang")


class FooterMenuItem(MenuItem):
    navigation = ParentalKey(NavigationSettings, on_delete=models.CASCADE, related_name="footer_items")

    class Meta(MenuItem.Meta):
        verbose_name = _("mục menu chân trang")


# ---------------------------------------------------------------------------
# Folded search text of pages
# ---------------------------------------------------------------------------
class PageSearchText(models.Model):
    """Diacritic-free searchable text of one page (any page type), kept by cms.services.

    ``title`` and ``text`` are ``core.text.fold``-ed so a plain ``contains`` match on
    SQLite and PostgreSQL finds "Khóa học livestream" from "khoa hoc livestream";
    ``summary`` keeps the original text shown under a result.
    """

    page = models.OneToOneField(
        "wagtailcore.Page", primary_key=True, on_delete=models.CASCADE, related_name="cms_search_text"
    )
    title = models.TextField()
    text = models.TextField()
    summary = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ mục tìm kiếm trang")

    def __str__(self):
        return self.title
