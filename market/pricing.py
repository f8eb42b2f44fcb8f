"""Wholesale prices: who sees the vendors' tiers and what each buyer is charged.

A *verified* business buyer (``BusinessProfile`` of kind distributor or retailer, state
verified) sees the tiers of its kind (``vendors.PriceTier``) and is charged, for a quantity,
the price of the highest tier whose minimum that quantity reaches (never more than the
retail price). Everyone else, an unverified or rejected business included, sees and pays the
retail price only.

The same rule prices the stall cart (``market.cart``) and chốt đơn in a room: ``selling``
asks ``selling.pricing.unit_price``, where ``market.apps`` registers ``chot_don_price``.
"""

from __future__ import annotations

from dataclasses import dataclass

from market.models import BusinessProfile
from vendors.models import PriceTier, Product


@dataclass(frozen=True)
class Price:
    """What one line costs this buyer: ``unit_price`` × quantity; ``tier_min`` when a tier applies."""

    unit_price: int
    retail: int
    tier_min: int | None = None

    @property
    def is_wholesale(self) -> bool:
        return self.tier_min is not None


def wholesale_kind(user_or_id) -> str | None:
    """The buyer kind whose tiers this user is charged ("distributor", "retailer"), or ``None``."""
    user_id = getattr(user_or_id, "pk", user_or_id)
    if not user_id:
        return None
    return (
        BusinessProfile.objects.filter(user_id=user_id, state=BusinessProfile.State.VERIFIED)
        .values_list("kind", flat=True)
        .first()
    )


def visible_tiers(user, product: Product, *, kind: str | None = None) -> list[PriceTier]:
    """The tiers this user may see for ``product`` (none for anyone but a verified business)."""
    kind = kind if kind is not None else wholesale_kind(user)
    if kind is None:
        return []
    return list(PriceTier.objects.filter(product=product, buyer_kind=kind).order_by("min_quantity"))


def price_for(*, product: Product, quantity: int, kind: str | None, tiers: list[PriceTier] | None = None) -> Price:
    """The price of ``quantity`` units for a buyer of ``kind`` (``None``: retail)."""
    retail = product.price
    if kind is None:
        return Price(unit_price=retail, retail=retail)
    if tiers is None:
        tiers = list(PriceTier.objects.filter(product=product, buyer_kind=kind).order_by("min_quantity"))
    best = None
    for tier in tiers:
        if (
            tier.buyer_kind == kind
            and tier.min_quantity <= quantity
            and (best is None or tier.min_quantity > best.min_quantity)
        ):
            best = tier
    if best is None or best.unit_price >= retail:
        return Price(unit_price=retail, retail=retail)
    return Price(unit_price=best.unit_price, retail=retail, tier_min=best.min_quantity)


def price_for_buyer(*, buyer, product: Product, quantity: int) -> Price:
    return price_for(product=product, quantity=quantity, kind=wholesale_kind(buyer))


def chot_don_price(*, buyer_id: int, product: Product, quantity: int) -> int | None:
    """``selling.pricing`` resolver: a verified business's tier price, else no opinion (retail)."""
    kind = wholesale_kind(buyer_id)
    if kind is None:
        return None
    price = price_for(product=product, quantity=quantity, kind=kind)
    return price.unit_price if price.is_wholesale else None


def chot_don_tiers(*, buyer_id: int, products: list[Product]) -> dict[int, list[dict]] | None:
    """``selling.pricing`` tier resolver: the tiers ``chot_don_price`` charges this verified
    business, per product (one query for a show's offers); no opinion for anyone else."""
    kind = wholesale_kind(buyer_id)
    if kind is None:
        return None
    retail = {product.pk: product.price for product in products}
    found: dict[int, list[dict]] = {}
    tiers = PriceTier.objects.filter(product_id__in=retail, buyer_kind=kind).order_by("product_id", "min_quantity")
    for tier in tiers:
        if tier.unit_price < retail[tier.product_id]:  # (price_for never charges a tier above retail)
            found.setdefault(tier.product_id, []).append(
                {"min_quantity": tier.min_quantity, "unit_price": tier.unit_price}
            )
    return found


def tiers_for_viewer(user, product: Product) -> list[PriceTier] | None:
    """``vendors.permissions`` resolver: a verified business sees its kind's tiers; others none."""
    if not (user and user.is_authenticated):
        return None
    kind = wholesale_kind(user)
    return visible_tiers(user, product, kind=kind) if kind else None
