"""Page trees for the cms tests, built once per class (setUpTestData) or per browser test."""

from types import SimpleNamespace

from wagtail.models import Collection, Locale, Page, Site

from cms import demo
from cms.models import HomePage, NewsIndexPage, NewsPage, StandardPage


def wagtail_initial_tree() -> Site:
    """Wagtail's state after its migrations: root, welcome page, default Site.

    A browser test's flush empties every table, and ``--reuse-db`` may hand that empty
    database to the next run, so tests rebuild what the migrations would have made.
    """
    Locale.objects.get_or_create(language_code="vi")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    welcome = root.add_child(instance=Page(title="Welcome to your new Wagtail site!", slug="home"))
    return Site.objects.create(hostname="localhost", port=80, root_page=welcome, is_default_site=True)


def seeded_site() -> SimpleNamespace:
    """The demo site (``cms.demo.seed``): home, news, about page, settings, menus."""
    wagtail_initial_tree()
    demo.seed(lambda message: None)
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    news_index = NewsIndexPage.objects.child_of(home).get()
    return SimpleNamespace(
        site=site,
        home=home,
        news_index=news_index,
        news=list(NewsPage.objects.child_of(news_index).order_by("-date")),
        about=StandardPage.objects.child_of(home).get(slug=demo.ABOUT_SLUG),
    )


def bare_home(**fields) -> HomePage:
    """A HomePage as the default site's root, with no children, settings or menus."""
    wagtail_initial_tree()
    root = Page.get_first_root_node()
    home = HomePage(title="Chợ Đêm Trên Mây", slug="home-test", hero_heading="Chợ Đêm Trên Mây", **fields)
    root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    return home
