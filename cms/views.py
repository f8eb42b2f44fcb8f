"""Site-wide views: search and the error pages.

The error handlers are wired in ``config/urls.py`` (``handler403/404/500``). The 500
page renders its template without a RequestContext: when the server is failing,
context processors (site settings, menus) may need the very database that failed.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from cms.selectors import MAX_QUERY_LENGTH, site_search

logger = logging.getLogger(__name__)

RESULTS_PER_PAGE = 10


@require_GET
@ratelimit(key="ip", rate=lambda group, request: settings.SITE_SEARCH_RATE, block=False)
def search(request):
    """Site search. Searching is the most expensive public read, so it is rate limited per address."""
    if getattr(request, "limited", False):
        return render(request, "429.html", status=429)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = site_search(request=request, query=query) if query else []
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"query": query, "results": page, "result_count": len(results), "query_param": urlencode({"q": query})}
    return render(request, "cms/search.html", context)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    try:
        html = loader.get_template("errors/500.html").render()
    except Exception:  # the last resort must answer even if templates fail
        logger.exception("The 500 page itself failed to render")
        html = "<!DOCTYPE html><title>500</title><h1>500 — Đã có lỗi xảy ra / Server error</h1>"
    return HttpResponseServerError(html)
