"""CSV downloads that Excel opens in Vietnamese and that cannot run formulas."""

from __future__ import annotations

import csv

from django.http import HttpResponse

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """A cell a spreadsheet shows as text: typed text starting like a formula is prefixed ``'``.

    Numbers pass through unchanged (a negative number is data, not a formula).
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_download(filename: str):
    """(response, writer) for a UTF-8 CSV with a BOM, so Excel shows diacritics."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response)
