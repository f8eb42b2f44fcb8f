"""Orders benchmark on PostgreSQL: the one order path under a rush, against pgbench.

    make bench-orders                                   # three runs
    .venv/bin/python bench/orders_bench.py --runs 1

Each run uses a database of its own (created, migrated, dropped; ``DATABASE_URL`` names
the server, default ``postgres://postgres@127.0.0.1:5432/``), and one daphne started on a
free port with ``bench.settings`` (in-memory channel layer: one process; e-mail off).

1. **Room socket**: 1,000 buyers, each on their own room socket, send ``sale.buy`` at the
   same moment to a flash sale of 100 units (one each). Exactly 100 are acknowledged;
   the host then accepts each purchase from the board (``board_confirm`` →
   ``order_place``): exactly 100 orders.
2. **Order API rush**: 1,000 buyers POST ``/api/v1/orders/`` (a stall-cart order of 1 unit)
   at once for a product with 100 units: exactly 100 are placed (201), the rest are told
   409 ``not_enough_stock``; the product reserves exactly 100.
3. **Throughput**: 1,000 buyers POST a placement each (enough stock for all):
   ``per_second`` = placements per second through the API (HTTP, session and CSRF, the
   service's checks, the reserve UPDATE and the INSERTs, the after-commit notifications
   and deadline tasks). ``pgbench`` then runs the same SQL statements (the reserve UPDATE
   and the order, line and event INSERTs, one transaction each) with the same number of
   clients for the same count: ``ratio_to_pgbench`` = ours / pgbench's.
4. **Naive baseline**: read the stock, then write ``reserved = read + 1`` (no condition),
   50 threads for 100 units: it oversells, which the conditional UPDATE never does.

One JSON line per run; with several runs a summary line gives min–median–max.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
from bench.live_bench import free_port, raise_fd_limit, wait_port  # noqa: E402 - after the path

PY = sys.executable
BUYERS, UNITS = 1000, 100
CONCURRENCY = 50  # HTTP connections (and pgbench clients) at once: PostgreSQL allows 100 connections in all
PASSWORD = "bench-Pass-2026"  # noqa: S105 - throw-away users in a throw-away database
DELIVERY = {"name": "Người Mua Bench", "phone": "0912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}


# ----------------------------------------------------------------------------- database


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith("postgres"):
        raise SystemExit("bench-orders needs PostgreSQL: DATABASE_URL must be postgres://…")
    return url


def psql(url: str, sql: str) -> None:
    p = urlparse(url)
    env = {**os.environ, "PGPASSWORD": p.password or ""}
    subprocess.run(
        ["psql", "-h", p.hostname or "127.0.0.1", "-p", str(p.port or 5432), "-U", p.username or "postgres", "-d", "postgres",
         "-qc", sql], env=env, check=True, stdout=subprocess.DEVNULL,
    )


def with_db(url: str, name: str) -> str:
    p = urlparse(url)
    return p._replace(path=f"/{name}").geturl()


# ----------------------------------------------------------------------------- setup (this process)


def setup(env: dict) -> dict:
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE, env=env, check=True)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_EMAIL_BACKEND")})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.services import user_create
    from live.models import Show
    from live.services import show_create
    from selling.models import FlashSale, ShowOffer
    from selling.offers import allocation_take
    from vendors.models import OcopGroup, Product, Vendor, VendorKind, VendorMember

    host = user_create(email="bench-host@example.vn", password=PASSWORD, full_name="Chủ Thể Bench")
    vendor = Vendor.objects.create(
        legal_name="HTX Bench", slug="htx-bench", kind=VendorKind.COOPERATIVE, registration_number="0999999999",
        district="me-linh", address="Bench", representative="Bench",
    )
    VendorMember.objects.create(vendor=vendor, user=host, role="owner")

    def product(code, stock):
        return Product.objects.create(
            vendor=vendor, name=f"Bưởi đỏ {code}", code=code, group=OcopGroup.FOOD, stars=4, price=120_000, unit="quả", stock=stock
        )

    on_sale, rush, plenty, naive = product("S01", UNITS), product("A01", UNITS), product("A02", 10**9), product("N01", UNITS)
    now = timezone.now()
    show = show_create(title="Bench", host=host, scheduled_start=now, scheduled_end=now + timedelta(days=1))
    Show.objects.filter(pk=show.pk).update(state=Show.State.LIVE, started_at=now)
    offer = ShowOffer.objects.create(show=show, product=on_sale, stock_left=allocation_take(product=on_sale, sandbox=False))
    sale = FlashSale.objects.create(
        offer=offer, sale_price=99_000, quantity=UNITS, per_buyer_cap=1, countdown_seconds=10,
        duration_seconds=1200, opens_at=now, closes_at=now + timedelta(days=1),
    )
    User = get_user_model()
    User.objects.bulk_create(
        [User(email=f"buyer{n}@example.vn", first_name=f"Người mua {n}", is_active=True) for n in range(BUYERS)]
    )
    from selling.models import DeliveryProfile

    buyers = list(User.objects.filter(email__startswith="buyer").order_by("pk"))
    DeliveryProfile.objects.bulk_create(
        [DeliveryProfile(user=u, name=DELIVERY["name"], phone="+84912000111", address=DELIVERY["address"]) for u in buyers]
    )
    cookies = []
    for user in buyers:
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    return {
        "host_id": host.pk, "vendor": vendor, "show": show, "room_id": show.room.pk, "sale": sale,
        "rush": rush, "plenty": plenty, "naive": naive, "cookies": cookies,
    }


# ----------------------------------------------------------------------------- clients


async def socket_rush(port: int, room_id: int, sale_id: int, price: int, cookies: list[str]) -> dict:
    """Every buyer's socket open, then one ``sale.buy`` each at the same moment."""
    import websockets

    url, origin = f"ws://127.0.0.1:{port}/ws/rooms/{room_id}/", f"http://127.0.0.1:{port}"
    go = asyncio.Event()
    opened = 0
    results: list[str] = []

    async def connect(cookie: str):
        for attempt in range(40):  # a handshake lost while 1,000 arrive is tried again, as a browser would
            try:
                return await websockets.connect(
                    url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"}, open_timeout=60, max_size=2**22
                )
            except (OSError, websockets.exceptions.InvalidHandshake):
                await asyncio.sleep(min(0.5 + attempt * 0.5, 3.0))
        raise RuntimeError("a buyer's socket never opened")

    async def buyer(n: int, cookie: str):
        nonlocal opened
        async with await connect(cookie) as ws:
            opened += 1
            await go.wait()
            ref = f"buy-{n}"
            await ws.send(json.dumps({"v": 1, "type": "sale.buy", "ref": ref, "sale_id": sale_id, "quantity": 1,
                                      "unit_price": price, "key": f"bench-buy-{n:06d}"}))
            try:
                async with asyncio.timeout(120):
                    async for raw in ws:
                        if f'"{ref}"' in raw:
                            frame = json.loads(raw)
                            if frame.get("ref") == ref:
                                results.append("ack" if frame["type"] == "ack" else frame.get("code", "error"))
                                return
            except TimeoutError:
                pass
            results.append("no_answer")

    tasks = []
    for n, cookie in enumerate(cookies):
        tasks.append(asyncio.create_task(buyer(n, cookie)))
        if n % 50 == 49:
            await asyncio.sleep(0.25)  # join in waves, as a room fills before a sale
    while opened < len(cookies):
        await asyncio.sleep(0.05)
        if any(t.done() and t.exception() for t in tasks):
            raise next(t.exception() for t in tasks if t.done() and t.exception())
    t0 = time.monotonic()
    go.set()
    await asyncio.gather(*tasks)
    return {"seconds": time.monotonic() - t0, "results": results}


async def http_post_all(port: int, product_id: int, vendor_slug: str, cookies: list[str], tag: str) -> dict:
    """Every buyer POSTs one placement; ``CONCURRENCY`` keep-alive connections share them."""
    queue: asyncio.Queue = asyncio.Queue()
    for n, cookie in enumerate(cookies):
        queue.put_nowait((n, cookie))
    statuses: list[int] = []
    codes: list[str] = []
    token = "b" * 32  # the CSRF secret the buyer's browser holds in its cookie and sends back

    async def connection():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not queue.empty():
                n, cookie = queue.get_nowait()
                body = json.dumps({
                    "vendor": vendor_slug, "lines": [{"product_id": product_id, "quantity": 1}], "delivery": DELIVERY,
                    "client_key": f"{tag}-{n:06d}", "expected_total": 120_000,
                }).encode()
                writer.write(
                    (f"POST /api/v1/orders/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(body)}\r\nCookie: sessionid={cookie}; csrftoken={token}\r\n"
                     f"X-CSRFToken: {token}\r\nConnection: keep-alive\r\n\r\n").encode() + body
                )
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
                payload = json.loads(await reader.readexactly(length))
                statuses.append(status)
                if status >= 400:
                    codes.append(payload["error"]["code"])
        finally:
            writer.close()

    t0 = time.monotonic()
    await asyncio.gather(*[connection() for _ in range(CONCURRENCY)])
    return {"seconds": time.monotonic() - t0, "statuses": statuses, "codes": codes}


# ----------------------------------------------------------------------------- pgbench

PGBENCH_SCRIPT = """\\set n random(1, 1000000000)
BEGIN;
UPDATE vendors_product SET stock_reserved = stock_reserved + 1 WHERE id = {product} AND stock >= stock_reserved + 1;
INSERT INTO orders_order (number, buyer_id, vendor_id, placed_by_id, client_key, channel, source_kind, source_id,
  source_label, sandbox, status, total, delivery_name, delivery_phone, delivery_address, note, carrier, tracking_code,
  own_delivery, payment_method, placed_at, updated_at)
  VALUES ('pgb-' || :client_id || '-' || :n, {buyer}, {vendor}, {buyer}, 'pgb-' || :client_id || '-' || :n, 'stall_cart',
  'stall', {vendor}, 'HTX Bench', false, 'placed', 120000, 'Người Mua Bench', '+84912000111', '12 Hàng Bạc', '', '', '',
  false, '', now(), now());
UPDATE orders_order SET number = 'CDM-26-' || currval('orders_order_id_seq') WHERE id = currval('orders_order_id_seq');
INSERT INTO orders_orderline (order_id, product_id, product_code, product_name, unit, unit_price, quantity)
  VALUES (currval('orders_order_id_seq'), {product}, 'A02', 'Bưởi đỏ A02', 'quả', 120000, 1);
INSERT INTO orders_orderevent (order_id, action, actor_id, actor_role, from_status, to_status, reason, data, key, created_at)
  VALUES (currval('orders_order_id_seq'), 'place', {buyer}, 'buyer', '', 'placed', '', '{{}}', 'pgb-' || :client_id || '-' || :n, now());
COMMIT;
"""


def pgbench(url: str, *, product: int, buyer: int, vendor: int, clients: int, transactions: int) -> float:
    p = urlparse(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(PGBENCH_SCRIPT.format(product=product, buyer=buyer, vendor=vendor))
    cmd = ["pgbench", "-n", "-h", p.hostname or "127.0.0.1", "-p", str(p.port or 5432), "-U", p.username or "postgres",
           "-c", str(clients), "-j", "2", "-t", str(max(1, transactions // clients)), "-f", f.name, p.path.lstrip("/")]
    out = subprocess.run(cmd, env={**os.environ, "PGPASSWORD": p.password or ""}, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"pgbench failed: {out.stderr[-2000:]}")
    os.unlink(f.name)
    line = next(x for x in out.stdout.splitlines() if x.startswith("tps ="))
    return float(line.split()[2])


# ----------------------------------------------------------------------------- naive baseline


def naive_oversell(product_id: int) -> int:
    """Read-then-write with no condition, 50 threads × 10 tries for 100 units: units sold beyond stock."""
    from django.db import connections, transaction

    from vendors.models import Product

    sold = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def worker():
        try:
            start.wait(30)
            for _ in range(10):
                with transaction.atomic():
                    stock, reserved = Product.objects.values_list("stock", "stock_reserved").get(pk=product_id)
                    if reserved >= stock:
                        continue
                    time.sleep(0.001)  # the request does its other work between the read and the write
                    Product.objects.filter(pk=product_id).update(stock_reserved=min(reserved + 1, stock))
                with lock:
                    sold.append(1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return max(0, len(sold) - UNITS)


# ----------------------------------------------------------------------------- one run


def one_run(url: str, run: int) -> dict:
    name = f"bench_orders_{os.getpid()}_{run}"
    psql(url, f"DROP DATABASE IF EXISTS {name}")
    psql(url, f"CREATE DATABASE {name}")
    db_url = with_db(url, name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.orders_settings", "DATABASE_URL": db_url, "PYTHONPATH": str(BASE),
           "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
           # every buyer of the bench comes from 127.0.0.1: lift the per-address handshake budget
           "LIVE_HANDSHAKE_BURST": "100000", "LIVE_HANDSHAKE_RATE": "100000",
           "LIVE_ADDRESS_BURST": "100000", "LIVE_ADDRESS_RATE": "100000"}
    env.pop("REDIS_URL", None)
    server = None
    try:
        world = setup(env)
        port = free_port()
        log = tempfile.NamedTemporaryFile(prefix="bench-orders-", suffix=".log", delete=False)  # noqa: SIM115
        server = subprocess.Popen([PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                                  cwd=BASE, env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_port(port, server)
        return measure(db_url, port, world, server)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        from django.db import connections

        connections.close_all()
        psql(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def measure(db_url: str, port: int, world: dict, server: subprocess.Popen) -> dict:
    from django.db.models import Sum

    from live.selectors import Participant
    from orders.models import Order, OrderLine
    from selling import orders as board
    from selling.models import OrderIntent
    from vendors.models import Product

    # 1. the room socket
    sale = world["sale"]
    sock = asyncio.run(socket_rush(port, world["room_id"], sale.pk, sale.sale_price, world["cookies"]))
    acks = sock["results"].count("ack")
    host = Participant(user_id=world["host_id"], name="Chủ Thể Bench", role="host")
    for intent_id in OrderIntent.objects.filter(flash_sale=sale).values_list("pk", flat=True):
        board.board_confirm(room_id=world["room_id"], actor=host, intent_id=intent_id, key=f"bench-accept-{intent_id}")
    socket_orders = Order.objects.filter(source_kind="show", source_id=world["show"].pk).count()
    socket_units = OrderLine.objects.filter(product=sale.offer.product).aggregate(n=Sum("quantity"))["n"] or 0

    # 2. the order API, 1,000 buyers for 100 units
    rush = asyncio.run(http_post_all(port, world["rush"].pk, world["vendor"].slug, world["cookies"], "rush"))
    placed = rush["statuses"].count(201)
    rush_product = Product.objects.get(pk=world["rush"].pk)
    api_units = OrderLine.objects.filter(product=rush_product).aggregate(n=Sum("quantity"))["n"] or 0

    # 3. throughput against pgbench (same clients, same count)
    flow = asyncio.run(http_post_all(port, world["plenty"].pk, world["vendor"].slug, world["cookies"], "flow"))
    flow_placed = flow["statuses"].count(201)
    per_second = flow_placed / flow["seconds"]
    server.terminate()  # its pooled connections (CONN_MAX_AGE) go back before pgbench opens its own
    server.wait(10)
    from django.db import connections

    connections.close_all()
    pg_tps = pgbench(db_url, product=world["plenty"].pk, buyer=world["host_id"], vendor=world["vendor"].pk,
                     clients=CONCURRENCY, transactions=BUYERS)

    # 4. the naive read-then-write
    oversold_naive = naive_oversell(world["naive"].pk)

    return {
        "buyers": BUYERS,
        "quantity": UNITS,
        "placed": placed,
        "oversold": max(0, api_units - UNITS) + max(0, socket_units - UNITS),
        "api_reserved": rush_product.stock_reserved,
        "api_refusals": sorted(set(rush["codes"])),
        "api_rush_seconds": round(rush["seconds"], 3),
        "socket_acks": acks,
        "socket_orders": socket_orders,
        "socket_refusals": sorted(set(sock["results"]) - {"ack"}),
        "socket_rush_seconds": round(sock["seconds"], 3),
        "per_second": round(per_second, 1),
        "flow_placed": flow_placed,
        "pgbench_per_second": round(pg_tps, 1),
        "ratio_to_pgbench": round(per_second / pg_tps, 3),
        "naive_oversold": oversold_naive,
        "concurrency": CONCURRENCY,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--run", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    raise_fd_limit()
    url = server_url()
    if args.run is not None:  # one run, in its own process (Django is set up once per process)
        print(json.dumps(one_run(url, args.run), ensure_ascii=False), flush=True)
        return
    lines = []
    for run in range(args.runs):
        out = subprocess.run([PY, __file__, "--run", str(run)], cwd=BASE, capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stderr[-4000:])
            raise SystemExit(out.returncode)
        line = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps(line, ensure_ascii=False), flush=True)
        lines.append(line)
    ok = all(r["placed"] == UNITS and r["socket_orders"] == UNITS and r["oversold"] == 0 for r in lines)
    if len(lines) > 1:
        def mmm(key):
            values = sorted(r[key] for r in lines)
            return [values[0], statistics.median(values), values[-1]]

        print(json.dumps({"summary": "min, median, max", "per_second": mmm("per_second"),
                          "pgbench_per_second": mmm("pgbench_per_second"), "ratio_to_pgbench": mmm("ratio_to_pgbench"),
                          "naive_oversold": mmm("naive_oversold"), "all_exact": ok}))
    if not ok:
        raise SystemExit("not exactly 100 placed, or oversold")


if __name__ == "__main__":
    main()
