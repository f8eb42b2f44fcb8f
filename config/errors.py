"""The one error type every service raises for a broken business rule."""

from rest_framework import status


class ApplicationError(Exception):
    """A business rule refused the request.

    ``message`` is shown to the user (wrap it in gettext); ``code`` is stable for
    clients; ``fields`` maps form fields to messages when the error is about input.
    """

    def __init__(self, message, *, code="invalid", fields=None, status=status.HTTP_400_BAD_REQUEST):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}
        self.status = status
