from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    """How does the weekly session run? Sessions, the stall timetable, the lobby, carts,
    wholesale quotes, reviews and reliability, the organizers' dashboard.

    Owns the live rooms of ``owner_kind="market"``; places every order through
    ``orders.order_place``; learns who is promoted from ``practice_market.signals``.
    """

    name = "market"
    verbose_name = _("Chợ đêm trên mây")

    def ready(self):
        from market import receivers, room  # noqa: F401 - connect signals, register the room owner
        from market.flags import placement_check
        from orders import checks

        checks.register(placement_check)  # a blocked buyer places no order
        from market.pricing import chot_don_price, chot_don_tiers
        from selling import pricing

        pricing.register(chot_don_price)  # a verified business's chốt đơn at its wholesale tier
        pricing.register_tiers(chot_don_tiers)  # ... and the pinned card tells it so beforehand
        from market.pricing import tiers_for_viewer
        from vendors.permissions import tier_viewer_register

        tier_viewer_register(tiers_for_viewer)  # only verified businesses see a product's tiers
