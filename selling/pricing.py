"""What a buyer pays per unit in a room: the catalogue price, unless a later app knows better.

``selling`` imports no app that comes after it (the weekly market's wholesale tiers live in
``market``), so those apps register a resolver here at start-up (their ``AppConfig.ready``)::

    selling.pricing.register(my_resolver)  # my_resolver(*, buyer_id, product, quantity) -> int | None

The first resolver that returns a price wins; ``None`` means "no opinion" and the catalogue
price (``product.price``) is charged. Flash sales keep their own sale price and never ask.
"""

from __future__ import annotations

from collections.abc import Callable

Resolver = Callable[..., "int | None"]

_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> Resolver:
    """Add a resolver once (registering the same function again changes nothing)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)
    return resolver


def unregister(resolver: Resolver) -> None:
    if resolver in _resolvers:
        _resolvers.remove(resolver)


def unit_price(*, buyer_id: int, product, quantity: int) -> int:
    """The unit price ``buyer_id`` pays for ``quantity`` of ``product`` ordered by chốt đơn."""
    for resolver in _resolvers:
        price = resolver(buyer_id=buyer_id, product=product, quantity=quantity)
        if price is not None:
            return price
    return product.price
