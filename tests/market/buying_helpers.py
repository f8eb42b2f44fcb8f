"""Data for the buying tests (carts, wholesale prices, quotes): business buyers and price tiers."""

from __future__ import annotations

from accounts.roles import Role
from market.models import BusinessProfile
from vendors.models import PriceTier

DELIVERY = {"name": "Phạm Quốc Bảo", "phone": "0987654321", "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội"}


def business_buyer(
    make_user,
    email,
    *,
    kind="distributor",
    state="verified",
    company="Công ty TNHH Phân phối Sen Vàng",
    tax_code="0312345678",
):
    """A buyer with a business profile already in ``state`` (the review has its own tests)."""
    role = Role.DISTRIBUTOR if kind == "distributor" else Role.RETAILER
    user = make_user(email, roles=[role], full_name="Võ Minh Tâm")
    BusinessProfile.objects.create(
        user=user, kind=kind, company=company, tax_code=tax_code, address="45 Nguyễn Huệ, Quận 1", state=state
    )
    return user


def tiers(product, *rows, kind="distributor"):
    """``tiers(b01, (20, 100_000), (100, 86_000))``: the vendor's wholesale tiers for ``kind``."""
    for min_quantity, unit_price in rows:
        PriceTier.objects.create(product=product, buyer_kind=kind, min_quantity=min_quantity, unit_price=unit_price)
