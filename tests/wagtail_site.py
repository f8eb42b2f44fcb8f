"""The rows migrations create that every page needs: Wagtail's root page, a home page,
the default Site, the default Locale, the root Collection, and the role groups.

A transactional test (browser tests, live servers, WebSocket tests with
``transactional_db``) flushes the whole database when it ends, so whichever such test
runs next would find none of them; ``ensure_default_site`` rebuilds what is missing.
"""

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site


def ensure_default_site() -> Site:
    from accounts.services import roles_ensure

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        # Exactly what Wagtail's migrations make; cms's seed replaces it with the HomePage.
        welcome = root.get_children().first() or root.add_child(
            instance=Page(title="Welcome to your new Wagtail site!", slug="home")
        )
        site = Site.objects.create(hostname="localhost", port=80, root_page=welcome, is_default_site=True)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    roles_ensure()
    return site
