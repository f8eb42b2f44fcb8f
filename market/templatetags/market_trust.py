"""Trust on other apps' pages: a buyer's record on the order desk, reviews on a vendor's or a
product's page, the review link on a buyer's completed order.

    {% load market_trust %}
    {% buyer_records_for rows as buyer_records %}        (rows: orders, or dicts with "order")
    {% buyer_record_badge buyer_records order.buyer_id %}
    {% vendor_reviews vendor %}   {% product_reviews product %}
    {% order_review_link order %}
"""

from __future__ import annotations

from django import template

from market import reviews
from market.models import Review
from market.reliability import buyer_records

register = template.Library()

LATEST = 5


def _order_of(item):
    return item.get("order") if isinstance(item, dict) else item


@register.simple_tag
def buyer_records_for(items) -> dict:
    """The records of every buyer of these orders, in a few queries for the whole page."""
    orders = [o for o in (_order_of(item) for item in items or []) if o is not None]
    return buyer_records(o.buyer_id for o in orders if not o.sandbox)


@register.inclusion_tag("market/trust/_buyer_record.html")
def buyer_record_badge(records, buyer_id):
    record = (records or {}).get(buyer_id)
    if record is None and buyer_id:
        record = buyer_records([buyer_id])[buyer_id]
    return {"record": record}


def _reviews_context(*, vendor=None, product=None) -> dict:
    vendor_id = vendor.pk if vendor is not None else None
    product_id = product.pk if product is not None else None
    latest = list(reviews.visible_reviews(vendor_id=vendor_id, product_id=product_id)[:LATEST])
    for review in latest:
        review.reviewer = reviews.reviewer_name(review.buyer)
    return {
        "summary": reviews.rating_summary(vendor_id=vendor_id, product_id=product_id),
        "latest": latest,
        "vendor": vendor if vendor is not None else product.vendor,
        "product": product,
    }


@register.inclusion_tag("market/trust/_reviews.html")
def vendor_reviews(vendor):
    return _reviews_context(vendor=vendor)


@register.inclusion_tag("market/trust/_reviews.html")
def product_reviews(product):
    return _reviews_context(product=product)


@register.inclusion_tag("market/trust/_review_link.html")
def order_review_link(order):
    """For the order's buyer: the way to the review form once the order is completed."""
    if order.sandbox or order.status != "completed":
        return {"show": False}
    products = {line.product_id for line in order.lines.all()}
    written = set(Review.objects.filter(order=order).values_list("product_id", flat=True))
    return {"show": True, "order": order, "left": len(products - written), "done": len(written & products)}
