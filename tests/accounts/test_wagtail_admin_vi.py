"""Instructors and organizers use the Wagtail admin in Vietnamese.

Wagtail 8.0.1 ships Vietnamese for only a fraction of its strings; the rest live in the
"Wagtail admin" section of site/locale/vi/LC_MESSAGES/django.po and in djangojs.po.
These tests render the screens every editor uses and read them as a person would
(visible text, the sidebar menu, the JavaScript catalog), and check that every string
of the everyday editing screens has a Vietnamese translation, so a Wagtail upgrade that
adds English text fails here with the list to translate.

Counts per catalog (translated / total Wagtail msgids):
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -m tests.accounts.test_wagtail_admin_vi
"""

import json
import re
from pathlib import Path
from types import SimpleNamespace

import polib
import pytest
import wagtail
from django.conf import settings
from django.db import transaction
from django.utils import translation

from accounts.roles import Role
from tests.accounts.pages import text_nodes

WAGTAIL = Path(wagtail.__file__).parent

# English labels of the everyday screens; none may be left as visible text.
ENGLISH_LABELS = {
    "Pages",
    "Save draft",
    "Publish",
    "Images",
    "Documents",
    "Settings",
    "Search",
    "Dashboard",
    "Help",
    "Reports",
    "Add child page",
    "Edit",
    "Content",
    "Promote",
    "Preview",
    "Status",
    "Add an image",
    "Add a document",
    "Choose which type of page you'd like to create.",
}

# The everyday editing screens (priority 1): page explorer, page editor with its panels,
# side panels and StreamField, the "add subpage" chooser, the page/image/document
# choosers and their upload forms, the dashboard and the sidebar menu. Paths are those
# in the "#:" references of Wagtail's English catalogs (relative to each app).
EVERYDAY_SOURCES = {
    "admin": (
        "templates/wagtailadmin/pages/",
        "templates/wagtailadmin/panels/",
        "templates/wagtailadmin/shared/",
        "templates/wagtailadmin/home/",
        "templates/wagtailadmin/chooser/",
        "templates/wagtailadmin/generic/chooser/",
        "templates/wagtailadmin/page_privacy/",
        "templates/wagtailadmin/bulk_actions/",
        "panels/",
        "views/pages/",
        "action_menu.py",
        "wagtail_hooks.py",
        "forms/pages.py",
        "forms/choosers.py",
        "ui/side_panels.py",
        "ui/tables/",
        "widgets/",
    ),
    "images": ("templates/wagtailimages/chooser/", "templates/wagtailimages/images/", "forms.py", "wagtail_hooks.py"),
    "documents": ("templates/wagtaildocs/chooser/", "templates/wagtaildocs/documents/", "forms.py", "wagtail_hooks.py"),
    ".": ("blocks/", "models/", "fields.py"),
}


def english_catalog(app: str, domain: str = "django") -> polib.POFile:
    return polib.pofile(str(WAGTAIL / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"))


def catalog_key(entry: polib.POEntry):
    """The key Python's gettext gives this entry in a compiled catalog."""
    msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    return (msgid, 0) if entry.msgid_plural else msgid


def untranslated_django_msgids(entries) -> list[str]:
    """Msgids with no Vietnamese in the catalogs Django merges (site/locale first, then Wagtail's)."""
    with translation.override("vi"):
        catalog = translation.trans_real.translation("vi")._catalog
        return sorted({e.msgid for e in entries if catalog_key(e) not in catalog})


def everyday_entries():
    for app, prefixes in EVERYDAY_SOURCES.items():
        for entry in english_catalog(app):
            if any(path.startswith(prefixes) for path, _line in entry.occurrences):
                yield entry


def all_wagtail_entries(domain: str):
    for po in sorted(WAGTAIL.rglob(f"locale/en/LC_MESSAGES/{domain}.po")):
        yield from (e for e in polib.pofile(str(po)) if not e.obsolete)


def js_catalog(client) -> dict:
    """The catalog Wagtail's admin JavaScript receives from /admin/jsi18n/."""
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    found = re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.DOTALL)
    return json.loads(found.group(1))


def sidebar_labels(response) -> set[str]:
    """The sidebar menu is drawn by JavaScript from a JSON script: read its labels."""
    found = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.DOTALL,
    )
    labels = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "label" and isinstance(value, str):
                    labels.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(found.group(1)))
    return labels


@pytest.fixture(scope="module")
def page_tree(django_db_setup, django_db_blocker):
    """A home page with a content page (title, intro, a StreamField body), built once for the module."""
    from wagtail.models import Page

    from cms.models import StandardPage
    from tests.cms.builders import bare_home

    with django_db_blocker.unblock(), transaction.atomic():
        home = bare_home()
        about = home.add_child(
            instance=StandardPage(
                title="Giới thiệu chương trình",
                slug="gioi-thieu",
                intro="Chương trình đưa sản phẩm OCOP lên sàn livestream.",
                body=[("heading_block", {"heading_text": "Mục tiêu", "size": "h2"})],
            )
        )
        yield SimpleNamespace(root=Page.get_first_root_node(), home=home, about=about)
        transaction.set_rollback(True)


@pytest.fixture
def staff_client(client, make_user, page_tree):
    """``staff_client(Role.X)``: the test client logged in as staff with that role.

    The admin activates the user's language in the thread: put the site default back after.
    """

    def log_in(role):
        client.force_login(make_user(f"{role}.admin@example.vn", roles=[role], is_staff=True))
        return client

    yield log_in
    translation.deactivate()


@pytest.fixture
def organizer_client(staff_client):
    return staff_client(Role.ORGANIZER)


def assert_reads_vietnamese(response, *vietnamese):
    assert response.status_code == 200
    text = text_nodes(response)
    left_in_english = sorted(ENGLISH_LABELS & text)
    assert not left_in_english, f"English left on {response.request['PATH_INFO']}: {left_in_english}"
    page_text = " | ".join(text)
    missing = [label for label in vietnamese if label not in page_text]
    assert not missing, f"Vietnamese missing on {response.request['PATH_INFO']}: {missing}"


def test_dashboard_and_sidebar_menu_are_vietnamese(organizer_client):
    response = organizer_client.get("/admin/")
    assert_reads_vietnamese(response, "Trang tổng quan", "Tóm tắt trang web", "Hướng dẫn biên tập Wagtail")
    labels = sidebar_labels(response)
    assert {"Trang", "Hình ảnh", "Tài liệu", "Trợ giúp"} <= labels
    assert not (ENGLISH_LABELS & labels), sorted(ENGLISH_LABELS & labels)


def test_page_explorer_of_the_root_is_vietnamese(organizer_client, page_tree):
    response = organizer_client.get(f"/admin/pages/{page_tree.root.pk}/")
    assert_reads_vietnamese(response, "Chợ Đêm Trên Mây", "Trạng thái", "đang hiển thị", "Cấu hình trang web ngay.")


def test_page_explorer_of_a_section_shows_vietnamese_actions(organizer_client, page_tree):
    response = organizer_client.get(f"/admin/pages/{page_tree.home.pk}/")
    assert_reads_vietnamese(response, "Giới thiệu chương trình", "Thêm trang con", "Sắp xếp thứ tự menu")


def test_page_editor_is_vietnamese(organizer_client, page_tree):
    response = organizer_client.get(f"/admin/pages/{page_tree.about.pk}/edit/")
    assert_reads_vietnamese(
        response, "Nội dung", "Quảng bá", "Lưu bản nháp", "Xuất bản", "Hủy xuất bản", "Xem trước", "Trạng thái"
    )


def test_add_subpage_chooser_is_vietnamese(organizer_client, page_tree):
    response = organizer_client.get(f"/admin/pages/{page_tree.home.pk}/add_subpage/")
    assert_reads_vietnamese(response, "Tạo trang trong", "Chọn loại trang bạn muốn tạo.")


def test_images_and_documents_libraries_are_vietnamese(organizer_client):
    images = organizer_client.get("/admin/images/")
    assert_reads_vietnamese(images, "Hình ảnh", "Thêm hình ảnh", "Bạn chưa tải lên hình ảnh nào")
    documents = organizer_client.get("/admin/documents/")
    assert_reads_vietnamese(documents, "Tài liệu", "Thêm tài liệu", "Bạn chưa tải lên tài liệu nào")


def test_instructor_sees_the_admin_in_vietnamese(staff_client):
    client = staff_client(Role.INSTRUCTOR)
    dashboard = client.get("/admin/")
    assert_reads_vietnamese(dashboard, "Trang tổng quan")
    assert {"Hình ảnh", "Tài liệu", "Trợ giúp"} <= sidebar_labels(dashboard)
    assert_reads_vietnamese(client.get("/admin/images/"), "Hình ảnh", "Thêm hình ảnh")


def test_javascript_catalog_carries_the_streamfield_and_comment_strings(organizer_client):
    catalog = js_catalog(organizer_client)
    assert catalog["Insert a block"] == "Chèn một khối"
    assert catalog["Duplicate"] == "Nhân bản"
    assert catalog["Enter your comments..."] == "Nhập bình luận của bạn..."
    assert catalog["%(num)s error"] == ["%(num)s lỗi"]
    assert catalog["Settings"] == "Cài đặt"  # ours overrides Wagtail's own ("Tùy chỉnh")


def test_every_javascript_string_has_vietnamese(organizer_client):
    catalog = js_catalog(organizer_client)
    missing = sorted({e.msgid for e in english_catalog("admin", "djangojs") if e.msgid not in catalog})
    assert not missing, "Untranslated Wagtail admin JavaScript strings:\n" + "\n".join(missing)


def test_every_string_of_the_everyday_editing_screens_has_vietnamese():
    entries = list(everyday_entries())
    assert len(entries) > 600  # the selection really reads Wagtail's catalogs
    missing = untranslated_django_msgids(entries)
    assert not missing, "Untranslated Wagtail strings on the editing screens:\n" + "\n".join(missing)


# What a translation must carry over unchanged: HTML tags (with their attributes),
# {brace} and %(named)s / %s / %d placeholders. msgfmt --check only checks entries flagged
# python-format, and Wagtail's JavaScript strings carry no flag at all.
KEPT_VERBATIM = re.compile(r"</?[a-zA-Z][^>]*>|\{[a-z_]*\}|%(?:\([a-z_]+\))?[sd]")


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_translations_keep_tags_and_placeholders(domain):
    catalog = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / f"{domain}.po"))
    broken = []
    for entry in catalog.translated_entries():
        kept = set(KEPT_VERBATIM.findall(entry.msgstr or entry.msgstr_plural[0]))
        sources = (entry.msgid, entry.msgid_plural or entry.msgid)
        if all(kept != set(KEPT_VERBATIM.findall(source)) for source in sources):
            broken.append(entry.msgid)
    assert not broken, "Translations that lose or invent a tag or placeholder:\n" + "\n".join(broken)


def coverage() -> dict[str, tuple[int, int]]:
    """Translated / total Wagtail msgids, per Wagtail catalog and per gettext domain (merged)."""
    from django.views.i18n import JavaScriptCatalog

    view = JavaScriptCatalog(packages=["wagtail.admin"])
    with translation.override("vi"):
        view.translation = translation.trans_real.DjangoTranslation(
            "vi", domain="djangojs", localedirs=view.get_paths(view.packages)
        )
        js = view.get_catalog()
    counts = {}
    for domain in ("django", "djangojs"):
        for po in sorted(WAGTAIL.rglob(f"locale/en/LC_MESSAGES/{domain}.po")):
            entries = [e for e in polib.pofile(str(po)) if not e.obsolete]
            missing = (
                untranslated_django_msgids(entries) if domain == "django" else [e for e in entries if e.msgid not in js]
            )
            counts[str(po.relative_to(WAGTAIL.parent))] = (len(entries) - len(missing), len(entries))
        entries = list(all_wagtail_entries(domain))
        total = {e.msgid for e in entries}
        missing = untranslated_django_msgids(entries) if domain == "django" else total - set(js)
        counts[f"all {domain} (distinct msgids)"] = (len(total) - len(missing), len(total))
    everyday = list(everyday_entries())
    counts["editing screens (test selection)"] = (
        len(everyday) - len(untranslated_django_msgids(everyday)),
        len(everyday),
    )
    return counts


if __name__ == "__main__":
    import django

    django.setup()
    for catalog, (done, total) in coverage().items():
        print(f"{catalog}: {done} of {total} translated")
