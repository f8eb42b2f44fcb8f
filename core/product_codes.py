"""The one rule for a product's code: a code a vendor can save is a code a buyer can order by chat.

A code is the short thing a host reads out in a live show and a buyer types back in a
"chốt đơn" comment ("chốt B01 2"). The chốt parser (``live.order_parser``) reads codes
as letters followed by digits, so a code such as "BUOI" or "B01A" could be saved but
never ordered. The rule, used by the vendors' model validation (and so their form and
API), by the parser when a show's codes are given to it, and by selling when it picks
the codes on offer:

* 1–7 letters A–Z, then 1–7 digits, 2–8 characters in all (``B01``, ``SP12``, ``OCOP005``);
* the letters are not a word buyers write before a number that is not a quantity
  (``số 12``, ``giá 150``, ``quận 7``, ``lô 3``…): the parser drops such a "label and
  number" as noise before it looks for codes, so ``SO1`` or ``GIA5`` could never be
  ordered. Those words are :data:`NUMBER_LABELS`, defined here once; the parser builds
  its noise pattern from them.

Pure: no models, no I/O (``core`` is imported by every app, and imports none).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import fold

MAX_LENGTH = 8
MAX_LETTERS = 7
MAX_DIGITS = 7

#: Words (folded) that, right before a number, label it as something else than a quantity:
#: an address part, a price, a year, a time, a size, a rank. The chốt parser removes
#: "<label> <number>" before reading codes and quantities.
NUMBER_LABELS = frozenset(
    {
        "so nha", "so", "ngo", "ngach", "hem", "kiet", "duong", "phuong", "quan", "tang", "phong", "thon", "xom",
        "khu", "ap", "toa", "kiot", "lo", "gia", "nam", "vu", "hsd", "nsx", "sx", "doi", "lan", "dot", "luc",
        "truoc", "size", "sz", "ngay", "thang", "tuan", "km", "tap", "phien", "live", "stt", "tt",
    }
)  # fmt: skip

_SHAPE = re.compile(rf"([a-z]{{1,{MAX_LETTERS}}})([0-9]{{1,{MAX_DIGITS}}})")
_STORED = re.compile(rf"[A-Z]{{1,{MAX_LETTERS}}}[0-9]{{1,{MAX_DIGITS}}}")

SHAPE_MESSAGE = _(
    "Mã sản phẩm là chữ cái in hoa rồi đến chữ số, tối đa 8 ký tự, ví dụ B01 hay SP12, "
    "để người mua chốt đơn được bằng bình luận “chốt B01 2”."
)
LABEL_MESSAGE = _(
    "Mã %(code)s bắt đầu bằng “%(letters)s”, chữ người mua hay viết trước số nhà, giá hay ngày tháng, "
    "nên bình luận chốt đơn không đọc được mã này. Hãy chọn chữ cái khác, ví dụ B01."
)


def code_parts(code: str) -> tuple[str, str] | None:
    """``(letters, digits)`` of a code as a buyer types it (folded: lower case, no marks,
    separators such as ``-`` dropped), or ``None`` when no chat comment could order it."""
    compact = re.sub(r"[^a-z0-9]", "", fold(code or ""))
    if len(compact) > MAX_LENGTH:
        return None
    match = _SHAPE.fullmatch(compact)
    if match is None or match.group(1) in NUMBER_LABELS:
        return None
    return match.group(1), match.group(2)


def is_orderable(code: str) -> bool:
    """Can a buyer order this code by chat?"""
    return code_parts(code) is not None


def validate_product_code(value: str) -> None:
    """Model validator of ``Product.code`` as stored (upper case, no separators)."""
    value = value or ""
    if len(value) > MAX_LENGTH or not _STORED.fullmatch(value):
        raise ValidationError(SHAPE_MESSAGE, code="product_code_shape")
    letters = value.rstrip("0123456789")
    if letters.lower() in NUMBER_LABELS:
        raise ValidationError(
            LABEL_MESSAGE, code="product_code_label", params={"code": value, "letters": letters}
        )
