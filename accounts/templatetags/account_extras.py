"""Template helpers for the account pages."""

import math
from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(delta: timedelta | None) -> int:
    """A lock-out's remaining time in whole minutes, rounded up, so people never come back too early."""
    if not delta:
        return 0
    return max(1, math.ceil(delta.total_seconds() / 60))


@register.filter
def has_role(user, role: str) -> bool:
    """``{% if user|has_role:"organizer" %}``: the role's group, for links a role's work starts from."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(role)
