from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("courses.api_urls")),
    path("", include("learning.api_urls")),
    path("", include("vendors.api_urls")),
    path("", include("live.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("practice_market.api_urls")),
    path("", include("market.api_urls")),
]


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links: send them to the site's icon."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The header's language switch is on every page. With a CSRF token in it, every anonymous
    # page set a csrftoken cookie, and nginx's micro-cache never stores a response that sets
    # one: each anonymous view of the search or the room page rendered in Django, an HTTP
    # flood's too. The switch changes only the visitor's own language cookie (it still checks
    # ``next``), so a forged cross-site switch would do nothing worth the token.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("tai-khoan/", include("allauth.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("hoc-tap/", include("learning.urls")),
    path("chu-the/", include("vendors.urls")),
    path("phong-live/", include("live.urls")),
    path("ban-hang/", include("selling.urls")),
    path("don-hang/", include("orders.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("cho-thuc-hanh/", include("practice_market.urls")),
    path("cho-dem/", include("market.urls")),
    path("tim-kiem/", cms_views.search, name="search"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree last: it answers every path nobody else claimed.
urlpatterns += [path("", include(wagtail_urls))]

# Under /api/ the same JSON error shape as the API's own (config.api), the site's pages elsewhere.
handler403 = "config.api.permission_denied"
handler404 = "config.api.page_not_found"
handler500 = "config.api.server_error"
