"""Site-wide views: search and the error pages."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    return render(request, "cms/search.html", {"query": query, "results": []})


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@requires_csrf_token
def server_error(request):
    return render(request, "errors/500.html", status=500)
