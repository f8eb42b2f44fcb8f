"""Money is VND, whole đồng, shown Vietnamese style: 120.000 ₫."""

from decimal import Decimal


def format_vnd(amount) -> str:
    if amount is None or amount == "":
        return ""
    value = int(Decimal(str(amount)))
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,}".replace(",", ".") + " ₫"
