"""The site's URLs plus two views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401 - Django reads them from ROOT_URLCONF
from config.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("lỗi thử nghiệm")


urlpatterns = [path("__thu-loi__/403/", forbidden), path("__thu-loi__/500/", broken), *site_urlpatterns]
