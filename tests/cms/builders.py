"""Page trees for the cms tests, built once per class (setUpTestData) or per browser test."""

from types import SimpleNamespace

from wagtail.models import Page, Site

from cms import demo
from cms.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from tests.wagtail_site import ensure_default_site


def wagtail_initial_tree() -> Site:
    """Wagtail's state after its migrations: root, welcome page, default Site."""
    return ensure_default_site()


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
