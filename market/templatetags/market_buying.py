"""Buying on other apps' pages: a product's wholesale terms, shown only to whom may see them.

    {% load market_buying %}
    {% wholesale_terms product %}

A verified distributor or retailer sees the tiers of its kind and a link to ask the stall for
a quote; the vendor's own members see every tier; anyone else sees no wholesale price, only
how to get them (send a business profile), as the issue's rules ask.
"""

from __future__ import annotations

from django import template

from market import pricing
from market.models import BusinessProfile
from vendors.models import PriceTier, VendorMember

register = template.Library()


@register.inclusion_tag("market/buying/_wholesale_terms.html", takes_context=True)
def wholesale_terms(context, product):
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    member = signed_in and VendorMember.objects.filter(user=user, vendor_id=product.vendor_id).exists()
    kind = pricing.wholesale_kind(user) if signed_in and not member else None
    if member:
        tiers = list(PriceTier.objects.filter(product=product).order_by("buyer_kind", "min_quantity"))
    elif kind:
        tiers = pricing.visible_tiers(user, product, kind=kind)
    else:
        tiers = []
    profile_state = (
        BusinessProfile.objects.filter(user=user).values_list("state", flat=True).first()
        if signed_in and not member
        else None
    )
    return {
        "product": product,
        "tiers": tiers,
        "member": member,
        "verified": bool(kind),
        "kind_label": BusinessProfile.Kind(kind).label if kind else "",
        "pending": profile_state == BusinessProfile.State.PENDING,
        "signed_in": signed_in,
    }
