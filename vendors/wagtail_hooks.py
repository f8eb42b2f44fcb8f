"""Wagtail hooks: products and vendors in the site search page (``/tim-kiem/``).

cms's search view calls every ``register_site_search`` function with
``(request, query)`` and shows the dicts it returns.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.money import format_vnd
from vendors import selectors
from vendors.permissions import is_organizer

SITE_SEARCH_PRODUCTS = 10
SITE_SEARCH_VENDORS = 5


@hooks.register("register_site_search")
def search_products_and_vendors(request, query: str) -> list[dict]:
    """Products first (what people look for), then producers; same ranking as the directory."""
    results = []
    products = selectors.product_search(selectors.ProductFilters(query=query))[:SITE_SEARCH_PRODUCTS]
    for product in products:
        badge = _("đã xác minh") if product.is_verified else _("chưa xác minh")
        results.append({
            "title": product.name,
            "url": product.get_absolute_url(),
            "summary": f"{product.stars}★ OCOP · {format_vnd(product.price)} · {product.vendor.legal_name} "
                       f"({product.vendor.get_district_display()}) · {badge}",
            "kind": _("Sản phẩm OCOP"),
        })
    if query.strip():
        for vendor in selectors.vendor_search(query=query)[:SITE_SEARCH_VENDORS]:
            results.append({
                "title": vendor.legal_name,
                "url": vendor.get_absolute_url(),
                "summary": f"{vendor.get_kind_display()} · {vendor.get_district_display()}",
                "kind": _("Chủ thể OCOP"),
            })
    return results


class _OrganizerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_organizer(request.user)


@hooks.register("register_admin_menu_item")
def review_queue_menu_item():
    """Organizers working in the Wagtail admin reach the dossier review queue from its menu."""
    return _OrganizerMenuItem(gettext_lazy("Duyệt hồ sơ chủ thể"), reverse("vendors:review_queue"), icon_name="tasks", order=250)
