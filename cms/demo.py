"""Demo content of the public site, idempotent (run by ``manage.py seed_demo``).

Replaces Wagtail's welcome page with the program's HomePage as the default Site's
root, then adds the news, the "about" page, contact settings and both menus. Things
that already exist are found by slug and left as editors changed them, so running
the seed twice changes nothing (apart from moving a past "next session" forward).
Images are drawn with Pillow at run time: no binary files in the repository.
"""

import io
from datetime import date, datetime, time, timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from cms.models import (
    FooterMenuItem,
    HeaderMenuItem,
    HomePage,
    NavigationSettings,
    NewsIndexPage,
    NewsPage,
    SiteContactSettings,
    StandardPage,
)
from cms.services import page_search_text_rebuild
from core.text import fold

HOME_SLUG = "trang-chu"
NEWS_SLUG = "tin-tuc"
ABOUT_SLUG = "gioi-thieu-chuong-trinh"

PROGRAM_BODY = (
    "<p>Chương trình giúp các hợp tác xã, doanh nghiệp nhỏ và hộ sản xuất có sản phẩm OCOP 3–5 sao "
    "của Hà Nội bán hàng trực tuyến qua livestream:</p>"
    "<ol><li>Học các khóa tập huấn livestream bán hàng do giảng viên biên soạn.</li>"
    "<li>Tốt nghiệp, luyện tập trong chợ thử với khán giả mô phỏng.</li>"
    "<li>Được ban tổ chức thẩm định hồ sơ và bán hàng trong phiên chợ đêm tối thứ Sáu hằng tuần.</li></ol>"
    "<p>Ban tổ chức là bên thứ ba đáng tin cậy: xác minh hồ sơ chủ thể, và trên mỗi đơn hoàn thành xác nhận "
    "người mua đã nhận đúng hàng, đúng chất lượng và đã thanh toán đủ — dấu xác nhận hiện trên đơn "
    "khi người mua báo hàng đúng mô tả, shop ghi nhận đã thu đủ tiền và người mua xác nhận đã thanh toán.</p>"
)

NEWS = [
    {
        "slug": "mo-dang-ky-khoa-tap-huan-livestream-lan-3",
        "title": "Mở đăng ký khóa tập huấn livestream bán hàng lần 3",
        "date": date(2026, 11, 2),
        "intro": (
            "Ban tổ chức mở đăng ký khóa tập huấn livestream bán hàng lần 3 dành cho chủ thể OCOP "
            "của 30 quận, huyện, thị xã. Khóa học miễn phí, học trực tuyến và thực hành tại chợ thử."
        ),
        "body": [
            ("heading_block", {"heading_text": "Ai được đăng ký?", "size": "h2"}),
            (
                "paragraph_block",
                "<p>Hợp tác xã, doanh nghiệp nhỏ và hộ sản xuất có sản phẩm đạt OCOP từ 3 sao trở lên. "
                "Mỗi chủ thể cử tối đa hai người tham gia.</p>",
            ),
            (
                "paragraph_block",
                "<ul><li>Hạn đăng ký: 20/11/2026.</li><li>Khai giảng: 25/11/2026.</li>"
                "<li>Thời lượng: 6 buổi tối, mỗi buổi 2 giờ.</li></ul>",
            ),
            (
                "block_quote",
                {
                    "text": "Sau hai khóa, hợp tác xã chúng tôi đã tự livestream mỗi tuần và có thêm khách ở TP.HCM.",
                    "attribute_name": "Chị Nguyễn Thị Hoa, HTX Bưởi đỏ Tân Lạc",
                },
            ),
        ],
        "color": (179, 38, 30),
    },
    {
        "slug": "phien-cho-dem-truc-tuyen-thang-11-1000-don-hang",
        "title": "Phiên chợ đêm trực tuyến tháng 11: 1.000 đơn hàng",
        "date": date(2026, 11, 14),
        "intro": (
            "Phiên chợ đêm tối thứ Sáu 13/11 ghi nhận hơn 1.000 đơn hàng từ 42 gian hàng OCOP, "
            "với hơn 500 người xem cùng lúc."
        ),
        "body": [
            (
                "paragraph_block",
                "<p>Các sản phẩm bán chạy nhất là bưởi đỏ Tân Lạc, gạo nếp cái hoa vàng và chè "
                "shan tuyết. Mọi đơn hàng đều được ban tổ chức xác nhận với người bán trước khi giao.</p>",
            ),
            ("heading_block", {"heading_text": "Phiên tới", "size": "h3"}),
            ("paragraph_block", "<p>Phiên chợ tiếp theo diễn ra lúc 19:30 thứ Sáu tuần sau.</p>"),
        ],
        "color": (28, 27, 46),
    },
    {
        "slug": "20-chu-the-ocop-tot-nghiep-khoa-livestream",
        "title": "20 chủ thể OCOP tốt nghiệp khóa học livestream cơ bản",
        "date": date(2026, 10, 28),
        "intro": (
            "Hai mươi học viên hoàn thành bài kiểm tra cuối khóa và buổi livestream thực hành, "
            "đủ điều kiện vào chợ thử trước khi bán trong phiên chợ đêm."
        ),
        "body": [
            (
                "paragraph_block",
                "<p>Các học viên đến từ Sóc Sơn, Đông Anh, Mê Linh, Ba Vì và Chương Mỹ. "
                "Giảng viên đánh giá cao kỹ năng giới thiệu nguồn gốc sản phẩm.</p>",
            ),
        ],
        "color": (30, 123, 52),
    },
    {
        "slug": "huong-dan-chuan-bi-ho-so-chu-the",
        "title": "Hướng dẫn chuẩn bị hồ sơ chủ thể trước khi lên sàn",
        "date": date(2026, 10, 15),
        "intro": (
            "Giấy chứng nhận OCOP, giấy phép kinh doanh và chứng nhận an toàn thực phẩm là ba giấy tờ "
            "bắt buộc để ban tổ chức thẩm định hồ sơ."
        ),
        "body": [
            (
                "paragraph_block",
                "<p>Chủ thể tải bản chụp rõ nét lên trang hồ sơ. Ban tổ chức phản hồi trong 3 ngày làm việc.</p>",
            ),
            (
                "call_to_action",
                {
                    "title": "Bắt đầu từ khóa học",
                    "text": "Hoàn thành khóa học là bước đầu tiên để được bán trong phiên chợ đêm.",
                    "button_label": "Xem khóa học",
                    "page": None,
                    "external_url": "https://chodemtrenmay.vn/hoc-tap/",
                },
            ),
        ],
        "color": (161, 92, 0),
    },
]

CONTACT = {
    "office_name": "Văn phòng Điều phối Nông thôn mới Hà Nội",
    "office_address": "Số 38 Tô Hiệu, phường Hà Đông, Hà Nội",
    "hotline": "024 3355 0000",
    "email": "chodem@nongthonmoi.hanoi.gov.vn",
    "facebook_url": "https://www.facebook.com/chodemtrenmay",
    "youtube_url": "https://www.youtube.com/@chodemtrenmay",
    "zalo_url": "https://zalo.me/chodemtrenmay",
}


def seed(log):
    site = _default_site()
    home = _home_page(site)
    news_index = _child(
        home,
        NewsIndexPage,
        slug=NEWS_SLUG,
        title="Tin tức",
        intro="Thông báo của ban tổ chức, kết quả các phiên chợ và câu chuyện của chủ thể OCOP.",
        show_in_menus=True,
    )
    for post in NEWS:
        if not NewsPage.objects.filter(slug=post["slug"]).child_of(news_index).exists():
            _child(
                news_index,
                NewsPage,
                slug=post["slug"],
                title=post["title"],
                date=post["date"],
                intro=post["intro"],
                body=_stream(post["body"]),
                image=_demo_image(post["title"], post["color"]),
            )
    about = _child(
        home,
        StandardPage,
        slug=ABOUT_SLUG,
        title="Giới thiệu chương trình",
        intro="Chợ Đêm Trên Mây đưa sản phẩm OCOP Hà Nội đến người mua khắp cả nước qua livestream.",
        body=_stream(
            [
                ("heading_block", {"heading_text": "Hành trình của một chủ thể OCOP", "size": "h2"}),
                ("paragraph_block", PROGRAM_BODY),
                ("heading_block", {"heading_text": "Vì sao người mua tin tưởng?", "size": "h2"}),
                (
                    "paragraph_block",
                    "<p>Ban tổ chức kiểm tra hồ sơ, giấy chứng nhận OCOP của từng chủ thể và xác nhận "
                    "đơn hàng như một bên thứ ba trung lập.</p>",
                ),
            ]
        ),
        show_in_menus=True,
    )
    if home.hero_cta_page_id is None:
        home.hero_cta_page = about
        home.save_revision().publish()

    SiteContactSettings.objects.update_or_create(site=site, defaults=CONTACT)
    navigation, _created = NavigationSettings.objects.get_or_create(site=site)
    if not HeaderMenuItem.objects.filter(navigation=navigation).exists():
        for order, (label, label_en, page, url) in enumerate(
            [
                ("Trang chủ", "Home", None, "/"),
                ("Giới thiệu", "About", about, ""),
                ("Khóa học", "Courses", None, "/khoa-hoc/"),
                ("Học tập", "Learning", None, "/hoc-tap/"),
                ("Sản phẩm OCOP", "OCOP products", None, "/chu-the/san-pham/"),
                ("Chủ thể OCOP", "Producers", None, "/chu-the/"),
                ("Tin tức", "News", news_index, ""),
            ]
        ):
            HeaderMenuItem.objects.create(
                navigation=navigation, sort_order=order, label=label, label_en=label_en, link_page=page, link_url=url
            )
    if not FooterMenuItem.objects.filter(navigation=navigation).exists():
        for order, (label, label_en, page, url) in enumerate(
            [
                ("Giới thiệu chương trình", "About the program", about, ""),
                ("Tin tức", "News", news_index, ""),
                ("Tìm kiếm", "Search", None, "/tim-kiem/"),
            ]
        ):
            FooterMenuItem.objects.create(
                navigation=navigation, sort_order=order, label=label, label_en=label_en, link_page=page, link_url=url
            )
    indexed = page_search_text_rebuild()
    log(f"cms: home page, {NewsPage.objects.live().count()} news posts, menus, settings; {indexed} pages searchable")


def _stream(blocks: list[tuple[str, object]]) -> list[dict]:
    """StreamField data in its stored (JSON) form: values as the blocks keep them."""
    return [{"type": block_type, "value": value} for block_type, value in blocks]


def _default_site() -> Site:
    """The default Site, creating Wagtail's roots (pages, collections, locale) if a flushed database has none."""
    if not Locale.objects.exists():
        Locale.objects.create(language_code="vi")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    return Site.objects.create(
        hostname="localhost", port=80, root_page=root, is_default_site=True, site_name="Chợ Đêm Trên Mây"
    )


def _home_page(site: Site) -> HomePage:
    """The site's HomePage, replacing Wagtail's welcome page the first time."""
    current_root = site.root_page.specific
    if isinstance(current_root, HomePage):
        home = current_root
    else:
        root = Page.get_first_root_node()
        home = HomePage.objects.child_of(root).first()
        if home is None:
            home = HomePage(
                title="Chợ Đêm Trên Mây",
                slug=HOME_SLUG,
                hero_heading="Chợ Đêm Trên Mây — phiên chợ livestream của sản phẩm OCOP Hà Nội",
                hero_intro=(
                    "Học livestream, luyện tập trong chợ thử và bán sản phẩm OCOP 3–5 sao trong phiên chợ đêm "
                    "tối thứ Sáu hằng tuần, với ban tổ chức là bên thứ ba: trên mỗi đơn hoàn thành, ban tổ chức "
                    "xác nhận người mua đã nhận đúng hàng, đúng chất lượng và đã thanh toán đủ."
                ),
                program_body=PROGRAM_BODY,
                hero_cta_label="Tìm hiểu chương trình",
                next_session_title="Phiên chợ đêm OCOP Hà Nội",
                next_session_place="Trực tuyến trên Chợ Đêm Trên Mây",
                next_session_description=(
                    "Các gian hàng OCOP livestream: bưởi đỏ Đông Cao, gạo thơm và ổi lê Mê Linh…"
                ),
                seo_title="Chợ Đêm Trên Mây",
            )
            root.add_child(instance=home)
            home.save_revision().publish()
        old_root_id = site.root_page_id
        site.root_page = home
        site.site_name = site.site_name or "Chợ Đêm Trên Mây"
        site.save()
        _delete_welcome_page(old_root_id)
    starts_at = home.next_session_starts_at
    if starts_at is None or starts_at < timezone.now():
        home.next_session_starts_at = _next_friday_evening()
        home.save_revision().publish()
    return home


def _delete_welcome_page(page_id: int) -> None:
    """Remove Wagtail's "Welcome to your new Wagtail site!": a plain Page at depth 2, no children.

    Read fresh from the database: a stale instance's ``numchild`` would call a
    parent of pages a leaf, and deleting it would take the whole tree with it.
    """
    page = Page.objects.filter(pk=page_id, depth=2).first()
    if page is None or page.specific_class is not Page or page.get_children().exists():
        return
    if Site.objects.filter(root_page_id=page_id).exists():
        return
    page.delete()


def _next_friday_evening() -> datetime:
    """19:30 on the next Friday: the live demo schedules its night-market show at this very time
    (``live.demo.next_friday_evening``; cms imports no other app, so the rule is written twice)."""
    today = timezone.localdate()
    days_ahead = (4 - today.weekday()) % 7 or 7
    return timezone.make_aware(datetime.combine(today + timedelta(days=days_ahead), time(19, 30)))


def _child(parent: Page, model, *, slug: str, **fields):
    """The live child page of ``parent`` with ``slug``, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _demo_image(title: str, color: tuple[int, int, int]):
    """A small generated banner (title on a coloured band), stored once per title."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    canvas = PILImage.new("RGB", (960, 540), color)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 380, 960, 540), fill=(251, 250, 247))
    draw.ellipse((760, 60, 900, 200), fill=(242, 183, 5))
    draw.text((40, 420), "Cho Dem Tren May", fill=color, font_size=48)
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=80)
    file_name = f"{slugify(fold(title))[:60]}.jpg"
    return image_model.objects.create(title=title, file=ImageFile(buffer, name=file_name))
