"""The API's one error shape.

Every error leaves the API as ``{"error": {"code": ..., "message": ..., "fields": ...}}``
with the message in the user's language. Services raise ``ApplicationError`` (or
Django's ``ValidationError`` / ``PermissionDenied``); this handler turns all of them
into that shape, so views never build error responses by hand.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import ApplicationError

logger = logging.getLogger(__name__)
API_PREFIX = "/api/"


def _as_drf(exc):
    if isinstance(exc, ApplicationError):
        return exc
    if isinstance(exc, OverflowError):
        # An id beyond 64 bits (path, query or body) reaching SQLite's driver, which cannot bind it:
        # nothing can have that id. (PostgreSQL compares it as a numeric and finds nothing too.)
        logger.info("api: an integer beyond 64 bits was looked up: %s", exc)
        return exceptions.NotFound(_("Không tìm thấy."))
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail=detail)
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("Không tìm thấy."))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    return exc


def exception_handler(exc, context):
    exc = _as_drf(exc)
    if isinstance(exc, ApplicationError):
        body = {"error": {"code": exc.code, "message": str(exc.message), "fields": exc.fields}}
        return Response(body, status=exc.status)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler logs it, the user sees no trace

    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = _("Dữ liệu không hợp lệ.")
        code = "invalid"
    else:
        fields = {}
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        code = getattr(exc, "default_code", "error")
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


def schema_error_response(status_code=status.HTTP_400_BAD_REQUEST):
    """Marker used in ``extend_schema(responses=...)`` for documented errors."""
    return {status_code: {"type": "object", "properties": {"error": {"type": "object"}}}}


def only_public_api(endpoints):
    """drf-spectacular hook: document /api/v1/ only (not Wagtail's internal admin API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


# ---------------------------------------------------------------------------
# Errors Django answers before (or without) a DRF view: the same JSON shape under /api/,
# the site's HTML pages elsewhere (config/urls.py's handlers, CSRF_FAILURE_VIEW).
# ---------------------------------------------------------------------------


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_error(code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(message), "fields": {}}}, status=status_code)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json_error("not_found", _("Không tìm thấy."), 404)
    from cms.views import page_not_found as html_page_not_found

    return html_page_not_found(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json_error("permission_denied", _("Bạn không có quyền thực hiện thao tác này."), 403)
    from cms.views import permission_denied as html_permission_denied

    return html_permission_denied(request, exception)


def server_error(request):
    if _is_api(request):
        return _json_error("error", _("Có lỗi, hãy thử lại."), 500)
    from cms.views import server_error as html_server_error

    return html_server_error(request)


def csrf_failure(request, reason=""):
    """CsrfViewMiddleware's refusal (a form or a non-DRF view); DRF's own CSRF check already answers JSON."""
    if _is_api(request):
        return _json_error("csrf_failed", _("Thiếu hoặc sai mã CSRF: hãy tải lại trang rồi thử lại."), 403)
    from django.views.csrf import csrf_failure as html_csrf_failure

    return html_csrf_failure(request, reason=reason)
