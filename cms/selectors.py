"""Reads of the cms app: site search, menus, the next market session.

Site search hook
================

The search page at ``/tim-kiem/`` lists Wagtail pages (news, standard pages, course
pages… found through cms's diacritic-free page index) and whatever other apps
contribute. An app contributes results by registering a function in its
``wagtail_hooks.py``::

    from wagtail import hooks

    @hooks.register("register_site_search")
    def search_products(request, query):
        return [
            {"title": "Bưởi đỏ Tân Lạc", "url": "/chu-the/san-pham/12/",
             "summary": "Hợp tác xã …, OCOP 4 sao", "kind": "Sản phẩm OCOP"},
        ]

The function receives the request (for permissions, language, site) and the query
as typed (stripped, at most 200 characters). It must fold diacritics itself
(``core.text.fold``) so "buoi do" finds "Bưởi đỏ", return public items only, and
return at most ``MAX_RESULTS_PER_HOOK`` dicts (more are cut). ``title`` and ``url``
are required; ``summary`` and ``kind`` (a short translated label) are optional.
A hook that raises is logged and skipped: one app's fault does not take the
search page down. cms's own page search is registered the same way.

Next market session hook
========================

``@hooks.register("next_market_session")`` functions receive ``(request)`` and
return ``None`` or a dict ``{"title", "starts_at", "place", "description", "url"}``;
the first non-empty answer replaces the session typed on the HomePage.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from wagtail import hooks
from wagtail.models import Page, Site

from cms.models import FooterMenuItem, HeaderMenuItem, HomePage, NavigationSettings, PageSearchText
from core.text import fold_words

logger = logging.getLogger(__name__)

SITE_SEARCH_HOOK = "register_site_search"
NEXT_SESSION_HOOK = "next_market_session"
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
MAX_RESULTS_PER_HOOK = 100
#: A session stays "next" until this long after it started (it is on air).
SESSION_ON_AIR_FOR = timedelta(hours=4)


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    summary: str = ""
    kind: str = ""


def page_search(*, request, query: str, limit: int = MAX_RESULTS_PER_HOOK) -> list[dict]:
    """Live, public pages of the request's site whose folded text holds every word.

    Ranked: pages whose title holds more of the words first, then the newest.
    """
    words = fold_words(query)[:MAX_QUERY_WORDS]
    if not words:
        return []
    pages = Page.objects.live().public()
    site = Site.find_for_request(request)
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    entries = PageSearchText.objects.filter(page__in=pages)
    for word in words:
        entries = entries.filter(text__contains=word)
    entries = entries.select_related("page").order_by("-page__first_published_at")[: limit * 2]

    phrase = " ".join(words)

    def rank(entry):
        title_words = sum(word in entry.title for word in words)
        return (phrase in entry.title, title_words)

    results = []
    for entry in sorted(entries, key=rank, reverse=True):
        page = entry.page
        url = page.get_url(request)
        if not url:
            continue
        kind = page.specific_class._meta.verbose_name if page.specific_class else ""
        results.append({"title": page.title, "url": url, "summary": entry.summary, "kind": str(kind).capitalize()})
        if len(results) >= limit:
            break
    return results


def _clean_result(item) -> SearchResult | None:
    if not isinstance(item, dict) or not item.get("title") or not item.get("url"):
        return None
    url = str(item["url"])
    if url.startswith("//") or not url.startswith(("/", "https://", "http://")):
        return None  # never render a javascript: or protocol-relative link from a hook
    return SearchResult(
        title=str(item["title"]),
        url=url,
        summary=str(item.get("summary") or ""),
        kind=str(item.get("kind") or ""),
    )


def site_search(*, request, query: str) -> list[SearchResult]:
    """Every registered search hook's results for ``query``, in hook order."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not fold_words(query):
        return []
    results: list[SearchResult] = []
    seen_urls: set[str] = set()
    for search_function in hooks.get_hooks(SITE_SEARCH_HOOK):
        try:
            items = list(search_function(request, query) or [])[:MAX_RESULTS_PER_HOOK]
        except Exception:  # one app's failing search must not break the page
            logger.exception("Site search hook %r failed", search_function)
            continue
        for item in items:
            result = _clean_result(item)
            if result is not None and result.url not in seen_urls:
                seen_urls.add(result.url)
                results.append(result)
    return results


def next_market_session(*, home: HomePage, request=None) -> dict | None:
    """The weekly session to announce: from a market app's hook, else the home page's fields."""
    for provider in hooks.get_hooks(NEXT_SESSION_HOOK):
        session = provider(request)
        if session:
            return session
    if not home.next_session_title:
        return None
    starts_at = home.next_session_starts_at
    if starts_at is not None and starts_at + SESSION_ON_AIR_FOR < timezone.now():
        # The typed session is over and nobody updated it: say so rather than show a past date.
        return {"title": home.next_session_title, "starts_at": None, "place": "", "description": "", "is_past": True}
    return {
        "title": home.next_session_title,
        "starts_at": starts_at,
        "place": home.next_session_place,
        "description": home.next_session_description,
        "is_past": False,
    }


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    is_external: bool = False
    is_current: bool = False


def _menu_links(items, request) -> list[MenuLink]:
    path = request.path if request is not None else ""
    links = []
    for item in items:
        url = item.url(request)
        if url:
            is_current = url == path or (url != "/" and not item.is_external and path.startswith(url))
            links.append(MenuLink(item.display_label, url, item.is_external, is_current))
    return links


def _navigation(request) -> NavigationSettings | None:
    """The menus of the request's site, or None when no Wagtail site answers this host."""
    if request is None or Site.find_for_request(request) is None:
        return None
    return NavigationSettings.for_request(request)


def header_menu(*, request) -> list[MenuLink]:
    """The editors' header menu; when empty, the home page and its menu children."""
    navigation = _navigation(request)
    if navigation is not None:
        items = HeaderMenuItem.objects.filter(navigation=navigation).select_related("link_page")
        links = _menu_links(items, request)
        if links:
            return links
    return fallback_menu(request=request)


def fallback_menu(*, request) -> list[MenuLink]:
    from django.utils.translation import gettext

    site = Site.find_for_request(request) if request is not None else None
    path = request.path if request is not None else ""
    links = [MenuLink(gettext("Trang chủ"), "/", is_current=path == "/")]
    if site is not None:
        for page in site.root_page.get_children().live().public().in_menu():
            url = page.get_url(request)
            if url:
                links.append(MenuLink(page.title, url, is_current=path.startswith(url)))
    return links


def footer_menu(*, request) -> list[MenuLink]:
    navigation = _navigation(request)
    if navigation is None:
        return []
    items = FooterMenuItem.objects.filter(navigation=navigation).select_related("link_page")
    return _menu_links(items, request)
