"""What a buyer pays per unit in a room: the catalogue price, unless a later app knows better.

``selling`` imports no app that comes after it (the weekly market's wholesale tiers live in
``market``), so those apps register a resolver here at start-up (their ``AppConfig.ready``)::

    selling.pricing.register(my_resolver)  # my_resolver(*, buyer_id, product, quantity) -> int | None

The first resolver that returns a price wins; ``None`` means "no opinion" and the catalogue
price (``product.price``) is charged. Flash sales keep their own sale price and never ask.

The pinned card shows a buyer the same rule before they order: a tier resolver, registered
the same way (``register_tiers``), tells the quantities from which that buyer pays less.
"""

from __future__ import annotations

from collections.abc import Callable

Resolver = Callable[..., "int | None"]

_resolvers: list[Resolver] = []
_tier_resolvers: list[Resolver] = []


def register(resolver: Resolver, *, registry: list[Resolver] = _resolvers) -> Resolver:
    """Add a resolver once (registering the same function again changes nothing)."""
    if resolver not in registry:
        registry.append(resolver)
    return resolver


def unregister(resolver: Resolver, *, registry: list[Resolver] = _resolvers) -> None:
    if resolver in registry:
        registry.remove(resolver)


def register_tiers(resolver: Resolver) -> Resolver:
    """``resolver(*, buyer_id, products)`` -> ``{product_id: [{"min_quantity", "unit_price"}, ...]}`` or None."""
    return register(resolver, registry=_tier_resolvers)


def unit_price(*, buyer_id: int, product, quantity: int) -> int:
    """The unit price ``buyer_id`` pays for ``quantity`` of ``product`` ordered by chốt đơn."""
    for resolver in _resolvers:
        price = resolver(buyer_id=buyer_id, product=product, quantity=quantity)
        if price is not None:
            return price
    return product.price


def tiers_for(*, buyer_id: int, products: list) -> dict[int, list[dict]]:
    """Per product id, the quantities from which ``buyer_id``'s chốt đơn costs less than the
    catalogue price, and that unit price, smallest quantity first ({} for a retail buyer)."""
    for resolver in _tier_resolvers:
        tiers = resolver(buyer_id=buyer_id, products=products)
        if tiers is not None:
            return tiers
    return {}
