"""Live shows on any page: the header's badge and the home page's list (``{% load live_tags %}``)."""

from django import template

from live import selectors

register = template.Library()


@register.simple_tag
def live_now_count() -> int:
    """``{% live_now_count as n %}``: public shows on air."""
    return selectors.shows_live_count()


@register.simple_tag(takes_context=True)
def shows_on_air(context) -> selectors.OnAir:
    """``{% shows_on_air as on_air %}``: ``on_air.live`` and ``on_air.upcoming`` the visitor may watch."""
    request = context.get("request")
    return selectors.shows_on_air(user=getattr(request, "user", None))
