"""The API's one error shape.

Every error leaves the API as ``{"error": {"code": ..., "message": ..., "fields": ...}}``
with the message in the user's language. Services raise ``ApplicationError`` (or
Django's ``ValidationError`` / ``PermissionDenied``); this handler turns all of them
into that shape, so views never build error responses by hand.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import ApplicationError


def _as_drf(exc):
    if isinstance(exc, ApplicationError):
        return exc
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
