"""Every write of the weekly market (keyword-only ``<thing>_<verb>`` functions)."""

from __future__ import annotations

from django.utils import timezone

from market.models import Seller


def seller_admit(*, vendor_id: int, promotion_id: int) -> Seller:
    """A promoted vendor may apply for sessions (idempotent)."""
    seller, _created = Seller.objects.update_or_create(
        vendor_id=vendor_id,
        defaults={"promotion_id": promotion_id, "admitted_at": timezone.now(), "withdrawn_at": None},
    )
    return seller


def seller_withdraw(*, vendor_id: int) -> None:
    """The promotion was revoked: no new applications; slots already published stay visible."""
    Seller.objects.filter(vendor_id=vendor_id, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
