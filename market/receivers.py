"""The market learns who may sell from the practice market's announcements."""

from __future__ import annotations

from django.dispatch import receiver

from practice_market.signals import vendor_promoted, vendor_promotion_revoked


@receiver(vendor_promoted, dispatch_uid="market_seller_admit")
def _admit(sender, promotion, **kwargs):
    from market import services

    services.seller_admit(vendor_id=promotion.vendor_id, promotion_id=promotion.pk)


@receiver(vendor_promotion_revoked, dispatch_uid="market_seller_withdraw")
def _withdraw(sender, promotion, **kwargs):
    from market import services

    services.seller_withdraw(vendor_id=promotion.vendor_id)
