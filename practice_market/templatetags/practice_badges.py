"""``{% load practice_badges %}{% vendor_badges vendor %}``: the badges of a vendor's people,
each linking to its public verification page (shown on the vendor's public profile)."""

from django import template

from practice_market.badges import badges_of_vendor

register = template.Library()


@register.inclusion_tag("practice_market/badges/_badges.html")
def vendor_badges(vendor):
    return {"badges": badges_of_vendor(vendor)}
