"""A flash sale for the live-room benchmark (``bench/live_bench.py --flash-sale``).

Issue #6 asks that the engine still meets its targets "with a flash sale running". The
selling app is not in this tree yet, so the bench plays its part with the same kind of
work on the server: buyers ``POST`` to a buy endpoint of the server under test (served
by the same daphne process as the room, through Django's whole middleware stack), and
each purchase, in one transaction, takes the stock row's write lock and decrements it,
stores an order, and appends two sequenced room events with
``live.services._event_append`` (a ``sale.order`` and the ``sale.stock`` left); both are
saved with their room sequence before they are broadcast, exactly as chat is. Viewers
must receive every one of them (a loss fails the level) and their latency counts with
the chat's. When the selling app lands, ``flash_buy`` can call its real buy service.

For the baseline and the ceiling, which have no database, the same events arrive as
extra chat messages at the same rate, so all three servers fan out the same load.
"""

from __future__ import annotations

import http.client
import json
import time

from django.db import connection, transaction
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

PURCHASES = 50  # buyers' orders in one sale
SECONDS = 5.0  # over which they arrive: 10 purchases/s, i.e. 20 sequenced events/s
START_AFTER = 1.0  # seconds into the measured window
BUYERS = 5
STOCK = 10**9  # never sells out: every purchase must become two events
ORDER_KEY, STOCK_KEY = 1000, 1001  # the "sender" part of a sale event's key in the load client


def create_tables() -> None:
    """A stock row and an order table in the bench's throw-away database."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_flash_stock (id integer PRIMARY KEY, left_count integer NOT NULL)")
        cursor.execute("CREATE TABLE bench_flash_order (n integer PRIMARY KEY, buyer_id integer NOT NULL, sent_at varchar(32))")
        cursor.execute("INSERT INTO bench_flash_stock (id, left_count) VALUES (1, %s)", [STOCK])


@csrf_exempt
@require_POST
def flash_buy(request, room_id: int):
    """One purchase: lock and decrement the stock, store the order, append and publish two events."""
    from live.services import _event_append

    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    body = json.loads(request.body)
    n, ts = int(body["n"]), float(body["ts"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE bench_flash_stock SET left_count = left_count - 1 WHERE id = 1 AND left_count > 0")
        if cursor.rowcount != 1:
            return JsonResponse({"sold_out": True}, status=409)
        cursor.execute("SELECT left_count FROM bench_flash_stock WHERE id = 1")
        left = cursor.fetchone()[0]
        cursor.execute("INSERT INTO bench_flash_order (n, buyer_id, sent_at) VALUES (%s, %s, %s)", [n, request.user.pk, str(ts)])
        order = _event_append(room_id=room_id, kind="sale.order", payload={"n": n, "ts": ts, "buyer": request.user.pk},
                              author_id=request.user.pk)
        _event_append(room_id=room_id, kind="sale.stock", payload={"n": n, "ts": ts, "left": left})
    return JsonResponse({"seq": order.seq, "left": left})


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
