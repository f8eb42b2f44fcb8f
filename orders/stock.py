"""The one truth of a product's stock: ``Product.stock`` on hand, ``Product.stock_reserved`` held.

Every channel sells from ``stock - stock_reserved``. An order reserves its units when it
is placed, a cancellation or decline releases them, shipment consumes them (they leave
on-hand stock and the reservation together), a parcel returned to the shop restocks.
A show's offers hold *allocations* reserved the same way (``stock_allocate``), and an
order placed from an allocation takes over units already held (``order_place(held=True)``).

Each move is one conditional UPDATE, so concurrent sellers (two shows, a show and a
stall cart) can never reserve more than exists: the losing UPDATE matches no row. A
check constraint (``stock_reserved <= stock``) is the net under it. Sandbox (practice)
orders never come here.
"""

from __future__ import annotations

from django.db.models import F

from vendors.models import Product


def stock_reserve(*, product_id: int, quantity: int) -> bool:
    """Hold ``quantity`` units; False (nothing held) when fewer are available."""
    if quantity <= 0:
        return quantity == 0
    return bool(
        Product.objects.filter(pk=product_id, stock__gte=F("stock_reserved") + quantity).update(
            stock_reserved=F("stock_reserved") + quantity
        )
    )


def stock_release(*, product_id: int, quantity: int) -> None:
    """Give held units back to what can be sold (a cancelled order, an allocation no longer needed)."""
    if quantity > 0:
        Product.objects.filter(pk=product_id, stock_reserved__gte=quantity).update(
            stock_reserved=F("stock_reserved") - quantity
        )


def stock_consume(*, product_id: int, quantity: int) -> None:
    """Held units leave the shop (the order is shipped)."""
    if quantity > 0:
        Product.objects.filter(pk=product_id, stock_reserved__gte=quantity).update(
            stock=F("stock") - quantity, stock_reserved=F("stock_reserved") - quantity
        )


def stock_restock(*, product_id: int, quantity: int) -> None:
    """Units come back on hand (a parcel refused at the door returned to the shop)."""
    if quantity > 0:
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)


# A show's offer holds an allocation exactly like an order holds its units.
stock_allocate = stock_reserve
allocation_release = stock_release


def stock_available(*, product_id: int) -> int:
    stock, reserved = Product.objects.filter(pk=product_id).values_list("stock", "stock_reserved").get()
    return stock - reserved
