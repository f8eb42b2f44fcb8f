"""Vietnamese phone numbers, stored in E.164 (+84…) whatever way people type them."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile (03, 05, 07, 08, 09 + 8 digits) and landline (02x + 8 digits) numbers.
_NATIONAL = re.compile(r"^0([235789]\d{8}|2\d{9})$")


def normalize_phone(raw: str) -> str:
    """Return ``+84…`` for a Vietnamese number typed as 09…, 849…, +849… or with spaces.

    Raises ``ValidationError`` with a Vietnamese message when it is not a phone number.
    """
    value = _SEPARATORS.sub("", raw or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) >= 11:
        value = "0" + value[2:]
    if not _NATIONAL.match(value):
        raise ValidationError(_("Số điện thoại không hợp lệ. Ví dụ: 0912 345 678."), code="invalid_phone")
    return "+84" + value[1:]


def format_phone(e164: str) -> str:
    """``+84912345678`` → ``0912 345 678`` for display."""
    if not e164:
        return ""
    national = "0" + e164[3:] if e164.startswith("+84") else e164
    return f"{national[:4]} {national[4:7]} {national[7:]}".strip()


class VietnamesePhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Số điện thoại"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "placeholder": "0912 345 678", "inputmode": "tel"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value
