"""Wagtail hooks of the cms app: its pages join the site search like any other app."""

from wagtail import hooks

from cms.selectors import SITE_SEARCH_HOOK, page_search


@hooks.register(SITE_SEARCH_HOOK)
def search_pages(request, query):
    """Pages of every type (news, standard, courses…), diacritics ignored."""
    return page_search(request=request, query=query)
