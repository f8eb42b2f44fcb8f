"""A flash sale for the live-room benchmark (``bench/live_bench.py --flash-sale``).

Issue #6 asks that the engine still meets its targets "with a flash sale running". The
buyers buy as the room's page does: each purchase is a ``sale.buy`` frame on the buyer's
own room socket, so it runs the real buy service, ``selling.offers.sale_buy``, on the
consumers' database thread, beside the chat it competes with: the sale's row lock, the
units taken from the sale and the show's stock, the order intent and its idempotency
record, the sequenced ``sale.progress`` event every viewer receives (and the hubs'
snapshot refresh it triggers), the ``intent`` frame to the buyer, and the ``ack``.

The ``ack`` says how many units are left, so the load client knows which ``sold`` count
each purchase made; every viewer must receive the ``sale.progress`` of every purchase (a
miss is a loss), timed from the moment the buyer sent its ``sale.buy``.

For the baseline and the ceiling, which have no database, the same one event per
purchase arrives as an extra chat message at the same rate, so all three servers fan out
the same load.
"""

from __future__ import annotations

PURCHASES = 50  # buyers' orders in one sale
SECONDS = 5.0  # over which they arrive: 10 purchases/s, each one sequenced event
START_AFTER = 1.0  # seconds into the measured window
BUYERS = 5
STOCK = 10**9  # never sells out: every purchase must succeed
ORDER_KEY = 1000  # the "sender" part of a purchase's key in the load client: (ORDER_KEY, sold)


def create_sale(show) -> tuple[int, int]:
    """A live show selling one product, with a flash sale open for the whole run that never sells out.

    Returns the sale's id and price, which every ``sale.buy`` names.
    """
    from datetime import timedelta

    from django.utils import timezone

    from live.models import Show
    from selling.models import FlashSale, ShowOffer
    from vendors.models import OcopGroup, Product, Vendor, VendorKind

    now = timezone.now()
    Show.objects.filter(pk=show.pk).update(state=Show.State.LIVE, started_at=now)
    # One vendor and product for every show of a run (each server variant has a room of its own).
    vendor, _ = Vendor.objects.get_or_create(
        slug="htx-bench",
        defaults=dict(
            legal_name="HTX Bench",
            kind=VendorKind.COOPERATIVE,
            registration_number="0999999999",
            district="me-linh",
            address="Bench",
            representative="Bench",
        ),
    )
    product, _ = Product.objects.get_or_create(
        vendor=vendor,
        code="B01",
        defaults=dict(name="Bưởi đỏ", group=OcopGroup.FOOD, stars=4, price=120_000, unit="quả", stock=STOCK),
    )
    offer = ShowOffer.objects.create(show=show, product=product, stock_left=STOCK)
    sale = FlashSale.objects.create(
        offer=offer,
        sale_price=99_000,
        quantity=STOCK,
        per_buyer_cap=STOCK,
        countdown_seconds=10,
        duration_seconds=1200,
        opens_at=now,
        closes_at=now + timedelta(days=1),
    )
    return sale.pk, sale.sale_price
