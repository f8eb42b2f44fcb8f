"""A flash sale for the live-room benchmark (``bench/live_bench.py --flash-sale``).

Issue #6 asks that the engine still meets its targets "with a flash sale running". Each
purchase goes through the real buy service, ``selling.offers.sale_buy``: the sale's row
lock, the units taken from the sale and the show's stock, the order intent and its
idempotency record, the sequenced ``sale.progress`` event every viewer receives (and the
hubs' snapshot refresh it triggers), and the ``intent`` frames to the hosts and the
buyer. Buyers ``POST`` to a bench endpoint served by the same daphne process as the room
(the room socket's ``sale.buy`` handler calls the same service); in the same transaction
the endpoint appends one marker event, ``sale.order``, carrying the purchase's number and
send time, so that viewers can time every purchase and report any that never arrived.
So each purchase costs the room two sequenced events, as the stand-in before it did.

For the baseline and the ceiling, which have no database, the same two events per
purchase arrive as extra chat messages at the same rate, so all three servers fan out
the same load.
"""

from __future__ import annotations

import http.client
import json
import time

from django.db import transaction
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

PURCHASES = 50  # buyers' orders in one sale
SECONDS = 5.0  # over which they arrive: 10 purchases/s, i.e. 20 sequenced events/s
START_AFTER = 1.0  # seconds into the measured window
BUYERS = 5
STOCK = 10**9  # never sells out: every purchase must succeed
ORDER_KEY, STOCK_KEY = 1000, 1001  # the "sender" part of a sale event's key in the load client


def create_sale(show) -> None:
    """A live show selling one product, with a flash sale open for the whole run that never sells out."""
    from datetime import timedelta

    from django.utils import timezone

    from live.models import Show
    from selling.models import FlashSale, ShowOffer
    from vendors.models import OcopGroup, Product, Vendor, VendorKind

    now = timezone.now()
    Show.objects.filter(pk=show.pk).update(state=Show.State.LIVE, started_at=now)
    vendor = Vendor.objects.create(
        legal_name="HTX Bench", slug="htx-bench", kind=VendorKind.COOPERATIVE, registration_number="0999999999",
        district="me-linh", address="Bench", representative="Bench",
    )
    product = Product.objects.create(
        vendor=vendor, name="Bưởi đỏ", code="B01", group=OcopGroup.FOOD, stars=4, price=120_000, unit="quả", stock=STOCK
    )
    offer = ShowOffer.objects.create(show=show, product=product, stock_left=STOCK)
    FlashSale.objects.create(
        offer=offer, sale_price=99_000, quantity=STOCK, per_buyer_cap=STOCK, countdown_seconds=10,
        duration_seconds=1200, opens_at=now, closes_at=now + timedelta(days=1),
    )


@csrf_exempt
@require_POST
def flash_buy(request, room_id: int):
    """One purchase through ``selling.offers.sale_buy``, plus the bench's marker event, in one transaction."""
    from live.selectors import participant_for
    from live.services import event_append
    from selling import offers
    from selling.models import FlashSale

    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    body = json.loads(request.body)
    n, ts = int(body["n"]), float(body["ts"])
    sale = FlashSale.objects.select_related("offer__show").get(offer__show__room__pk=room_id, ended_at__isnull=True)
    buyer = participant_for(user=request.user, show=sale.offer.show)
    with transaction.atomic():
        outcome = offers.sale_buy(
            room_id=room_id, actor=buyer, sale_id=sale.pk, quantity=1, unit_price=sale.sale_price, key=f"bench-purchase-{n}"
        )
        marker = event_append(room_id=room_id, kind="sale.order", payload={"n": n, "ts": ts, "buyer": request.user.pk})
    return JsonResponse({"seq": marker.seq, "remaining": outcome["remaining"]})


def buy(conn: http.client.HTTPConnection, *, room_id: int, cookie: str, n: int) -> float:
    """POST one purchase (blocking; the load client runs it in a thread). Returns its send time."""
    ts = time.time()
    body = json.dumps({"n": n, "ts": round(ts, 6)})
    conn.request("POST", f"/bench/flash-buy/{room_id}/", body=body,
                 headers={"Cookie": cookie, "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"purchase {n}: HTTP {response.status}")
    return ts
