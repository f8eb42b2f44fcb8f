"""Orders benchmark on PostgreSQL: the one order path under a rush, against pgbench.

    make bench-orders                                   # three runs
    .venv/bin/python bench/orders_bench.py --runs 1

Each run uses a database of its own (created, migrated, dropped; ``DATABASE_URL`` names
the server, default ``postgres://postgres@127.0.0.1:5432/``), and daphne processes started on
free port with ``bench.settings`` (in-memory channel layer: one process; e-mail off).

1. **Room socket**: 1,000 buyers, each on their own room socket, send ``sale.buy`` at the
   same moment to a flash sale of 100 units (one each). Exactly 100 are acknowledged;
   the host then accepts each purchase from the board (``board_confirm`` →
   ``order_place``): exactly 100 orders.
2. **Order API rush**: 1,000 buyers POST ``/api/v1/orders/`` (a stall-cart order of 1 unit)
   at once for a product with 100 units: exactly 100 are placed (201), the rest are told
   409 ``not_enough_stock``; the product reserves exactly 100.
3. **Throughput**: 1,000 buyers POST a placement each (enough stock for all), first to
   one daphne (``per_second_one_worker``), then spread over ``WORKERS`` daphne processes,
   one per core, as ``deploy/run-prod.sh`` runs them behind nginx (``per_second``):
   placements per second through the API (HTTP, session and CSRF, the service's checks,
   the reserve UPDATE and the INSERTs, queueing the notifications and the deadline check
   for the task worker). ``pgbench`` then runs the same SQL statements (the reserve UPDATE
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
WORKERS = 2  # daphne processes in the production shape (deploy/run-prod.sh: one per core)
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
        [
            "psql",
            "-h",
            p.hostname or "127.0.0.1",
            "-p",
            str(p.port or 5432),
            "-U",
            p.username or "postgres",
            "-d",
            "postgres",
            "-qc",
            sql,
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
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
    from selling.services.offers import allocation_take
    from vendors.models import OcopGroup, Product, Vendor, VendorKind, VendorMember

    host = user_create(email="bench-host@example.vn", password=PASSWORD, full_name="Chủ Thể Bench")
    vendor = Vendor.objects.create(
        legal_name="HTX Bench",
        slug="htx-bench",
        kind=VendorKind.COOPERATIVE,
        registration_number="0999999999",
        district="me-linh",
        address="Bench",
        representative="Bench",
    )
    VendorMember.objects.create(vendor=vendor, user=host, role="owner")

    def product(code, stock):
        return Product.objects.create(
            vendor=vendor,
            name=f"Bưởi đỏ {code}",
            code=code,
            group=OcopGroup.FOOD,
            stars=4,
            price=120_000,
            unit="quả",
            stock=stock,
        )

    on_sale, rush, plenty, naive = (
        product("S01", UNITS),
        product("A01", UNITS),
        product("A02", 10**9),
        product("N01", UNITS),
    )
    now = timezone.now()
    show = show_create(title="Bench", host=host, scheduled_start=now, scheduled_end=now + timedelta(days=1))
    Show.objects.filter(pk=show.pk).update(state=Show.State.LIVE, started_at=now)
    offer = ShowOffer.objects.create(
        show=show, product=on_sale, stock_left=allocation_take(product_id=on_sale.pk, sandbox=False)
    )
    sale = FlashSale.objects.create(
        offer=offer,
        sale_price=99_000,
        quantity=UNITS,
        per_buyer_cap=1,
        countdown_seconds=10,
        duration_seconds=1200,
        opens_at=now,
        closes_at=now + timedelta(days=1),
    )
    User = get_user_model()
    User.objects.bulk_create(
        [User(email=f"buyer{n}@example.vn", first_name=f"Người mua {n}", is_active=True) for n in range(BUYERS)]
    )
    from selling.models import DeliveryProfile

    buyers = list(User.objects.filter(email__startswith="buyer").order_by("pk"))
    DeliveryProfile.objects.bulk_create(
        [
            DeliveryProfile(user=u, name=DELIVERY["name"], phone="+84912000111", address=DELIVERY["address"])
            for u in buyers
        ]
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
        "host_id": host.pk,
        "buyer_id": buyers[0].pk,
        "vendor": vendor,
        "show": show,
        "room_id": show.room.pk,
        "sale": sale,
        "rush": rush,
        "plenty": plenty,
        "naive": naive,
        "cookies": cookies,
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
                    url,
                    origin=origin,
                    additional_headers={"Cookie": f"sessionid={cookie}"},
                    open_timeout=60,
                    max_size=2**22,
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
            await ws.send(
                json.dumps(
                    {
                        "v": 1,
                        "type": "sale.buy",
                        "ref": ref,
                        "sale_id": sale_id,
                        "quantity": 1,
                        "unit_price": price,
                        "key": f"bench-buy-{n:06d}",
                    }
                )
            )
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


async def http_post_all(ports: list[int], product_id: int, vendor_slug: str, cookies: list[str], tag: str) -> dict:
    """Every buyer POSTs one placement; ``CONCURRENCY`` keep-alive connections, spread over
    the servers' ports in turn (as nginx's round robin would), share them."""
    queue: asyncio.Queue = asyncio.Queue()
    for n, cookie in enumerate(cookies):
        queue.put_nowait((n, cookie))
    statuses: list[int] = []
    codes: list[str] = []
    token = "b" * 32  # the CSRF secret the buyer's browser holds in its cookie and sends back

    async def connection(port: int):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not queue.empty():
                n, cookie = queue.get_nowait()
                body = json.dumps(
                    {
                        "vendor": vendor_slug,
                        "lines": [{"product_id": product_id, "quantity": 1}],
                        "delivery": DELIVERY,
                        "client_key": f"{tag}-{n:06d}",
                        "expected_total": 120_000,
                    }
                ).encode()
                writer.write(
                    (
                        f"POST /api/v1/orders/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\nCookie: sessionid={cookie}; csrftoken={token}\r\n"
                        f"X-CSRFToken: {token}\r\nConnection: keep-alive\r\n\r\n"
                    ).encode()
                    + body
                )
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                payload = json.loads(await reader.readexactly(length))
                statuses.append(status)
                if status >= 400:
                    codes.append(payload["error"]["code"])
        finally:
            writer.close()

    t0 = time.monotonic()
    await asyncio.gather(*[connection(ports[n % len(ports)]) for n in range(CONCURRENCY)])
    return {"seconds": time.monotonic() - t0, "statuses": statuses, "codes": codes}


# ----------------------------------------------------------------------------- pgbench

#: The write transaction of a placement alone: the stock's conditional UPDATE, the order, its
#: number, its line and its first history row.
PGBENCH_WRITES = """\\set n random(1, 1000000000)
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

#: Every statement one API placement sends, in its order (captured with Django's
#: ``CaptureQueriesContext``; ``bench/orders_bench.py --show-sql`` prints them): the session
#: and user, the vendor, the replay and block checks, the products, the write transaction
#: above (with its savepoint), the deadline check and the notifications queued for the
#: worker, and the order read back for the response with the caller's roles.
PGBENCH_PLACEMENT = """\\set n random(1, 1000000000)
SELECT session_key, session_data, expire_date FROM django_session WHERE expire_date > now() AND session_key = '{session}' LIMIT 21;
SELECT * FROM accounts_user WHERE id = {buyer} LIMIT 21;
SELECT * FROM vendors_vendor WHERE slug = '{vendor_slug}' LIMIT 21;
SELECT * FROM orders_order WHERE client_key = 'pgb-' || :client_id || '-' || :n AND placed_by_id = {buyer}
  ORDER BY placed_at DESC, id DESC LIMIT 1;
SELECT 1 AS a FROM market_buyerflag WHERE buyer_id = {buyer} AND level = 'blocked' LIMIT 1;
SELECT * FROM vendors_product WHERE id IN ({product}) ORDER BY name ASC;
BEGIN;
UPDATE vendors_product SET stock_reserved = stock_reserved + 1 WHERE id = {product} AND stock >= stock_reserved + 1;
SAVEPOINT s1;
INSERT INTO orders_order (number, buyer_id, vendor_id, placed_by_id, client_key, channel, source_kind, source_id,
  source_label, sandbox, status, total, delivery_name, delivery_phone, delivery_address, note, carrier, tracking_code,
  own_delivery, payment_method, placed_at, updated_at)
  VALUES ('pgb-' || :client_id || '-' || :n, {buyer}, {vendor}, {buyer}, 'pgb-' || :client_id || '-' || :n, 'stall_cart',
  'stall', {vendor}, 'HTX Bench', false, 'placed', 120000, 'Người Mua Bench', '+84912000111', '12 Hàng Bạc', '', '', '',
  false, '', now(), now()) RETURNING id;
RELEASE SAVEPOINT s1;
UPDATE orders_order SET number = 'CDM-26-' || currval('orders_order_id_seq') WHERE id = currval('orders_order_id_seq');
INSERT INTO orders_orderline (order_id, product_id, product_code, product_name, unit, unit_price, quantity)
  VALUES (currval('orders_order_id_seq'), {product}, 'A02', 'Bưởi đỏ A02', 'quả', 120000, 1) RETURNING id;
INSERT INTO orders_orderevent (order_id, action, actor_id, actor_role, from_status, to_status, reason, data, key, created_at)
  VALUES (currval('orders_order_id_seq'), 'place', {buyer}, 'buyer', '', 'placed', '', '{{}}', 'pgb-' || :client_id || '-' || :n, now())
  RETURNING id;
COMMIT;
SELECT * FROM orders_orderevent e JOIN orders_order o ON e.order_id = o.id
  WHERE e.order_id = currval('orders_order_id_seq') AND e.id = currval('orders_orderevent_id_seq') LIMIT 1;
INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at, args_kwargs, priority, task_path, worker_ids,
  queue_name, backend_name, run_after, exception_class_path, traceback)
  VALUES (gen_random_uuid(), 'READY', now(), '{{"args": [], "kwargs": {{"order_id": 0, "deadline": "confirm"}}}}', 0,
  'orders.tasks.order_deadline_check', '[]', 'default', 'default', now() + interval '1 day', '', '');
INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at, args_kwargs, priority, task_path, worker_ids,
  queue_name, backend_name, run_after, exception_class_path, traceback)
  VALUES (gen_random_uuid(), 'READY', now(), '{{"args": [], "kwargs": {{"order_id": 0, "event_id": 0}}}}', 0,
  'orders.notifications.order_notify_task', '[]', 'default', 'default', '9999-01-01', '', '');
SELECT * FROM orders_order o JOIN accounts_user u ON o.buyer_id = u.id JOIN vendors_vendor v ON o.vendor_id = v.id
  WHERE o.number = 'CDM-26-' || currval('orders_order_id_seq') LIMIT 21;
SELECT * FROM orders_orderline WHERE order_id IN (currval('orders_order_id_seq')) ORDER BY id ASC;
SELECT * FROM orders_orderevent WHERE order_id IN (currval('orders_order_id_seq')) ORDER BY created_at ASC, id ASC;
SELECT 1 AS a FROM vendors_vendormember WHERE user_id = {buyer} AND vendor_id = {vendor} LIMIT 1;
SELECT 1 AS a FROM auth_group g JOIN accounts_user_groups ug ON g.id = ug.group_id
  WHERE ug.user_id = {buyer} AND g.name = 'organizer' LIMIT 1;
"""


def pgbench(url: str, script: str, *, clients: int, transactions: int) -> float:
    """Transactions per second of ``script`` (one placement each) run by ``clients`` at once."""
    p = urlparse(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    cmd = [
        "pgbench",
        "-n",
        "-h",
        p.hostname or "127.0.0.1",
        "-p",
        str(p.port or 5432),
        "-U",
        p.username or "postgres",
        "-c",
        str(clients),
        "-j",
        "2",
        "-t",
        str(max(1, transactions // clients)),
        "-f",
        f.name,
        p.path.lstrip("/"),
    ]
    out = subprocess.run(cmd, env={**os.environ, "PGPASSWORD": p.password or ""}, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"pgbench failed: {out.stderr[-2000:]}")
    os.unlink(f.name)
    line = next(x for x in out.stdout.splitlines() if x.startswith("tps ="))
    return float(line.split()[2])


def placement_statements(world: dict) -> list[str]:
    """The SQL one API placement sends, captured in this process through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies["sessionid"] = world["cookies"][0]
    body = json.dumps(
        {
            "vendor": world["vendor"].slug,
            "lines": [{"product_id": world["plenty"].pk, "quantity": 1}],
            "delivery": DELIVERY,
            "client_key": "captured-1",
            "expected_total": 120_000,
        }
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/orders/", body, content_type="application/json", HTTP_HOST="127.0.0.1")
    if response.status_code != 201:
        raise RuntimeError(f"the captured placement answered {response.status_code}")
    return [query["sql"] for query in queries.captured_queries]


def script_statements(script: str) -> int:
    """Statements in a pgbench script (each ends its line with ``;``)."""
    return sum(1 for line in script.splitlines() if line.rstrip().endswith(";"))


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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.orders_settings",
        "DATABASE_URL": db_url,
        "PYTHONPATH": str(BASE),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        # every buyer of the bench comes from 127.0.0.1: lift the per-address handshake budget
        "LIVE_HANDSHAKE_BURST": "100000",
        "LIVE_HANDSHAKE_RATE": "100000",
        "LIVE_ADDRESS_BURST": "100000",
        "LIVE_ADDRESS_RATE": "100000",
    }
    env.pop("REDIS_URL", None)
    servers: list[tuple[int, subprocess.Popen]] = []
    try:
        world = setup(env)
        log = tempfile.NamedTemporaryFile(prefix="bench-orders-", suffix=".log", delete=False)  # noqa: SIM115
        for _n in range(WORKERS):
            port = free_port()
            server = subprocess.Popen(
                [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                cwd=BASE,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            servers.append((port, server))
            wait_port(port, server)
        return measure(db_url, servers, world)
    finally:
        stop(servers)
        from django.db import connections

        connections.close_all()
        psql(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def stop(servers: list[tuple[int, subprocess.Popen]]) -> None:
    for _port, server in servers:
        server.terminate()
    for _port, server in servers:
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def measure(db_url: str, servers: list[tuple[int, subprocess.Popen]], world: dict) -> dict:
    """Phases 1 and 2 and the one-worker throughput on the first server; then every server."""
    from django.db.models import Sum

    from live.selectors import Participant
    from orders.models import Order, OrderLine
    from selling.models import OrderIntent
    from selling.services import intents as board
    from vendors.models import Product

    port, ports = servers[0][0], [p for p, _server in servers]
    # 1. the room socket (one process: the bench's channel layer is in memory)
    sale = world["sale"]
    sock = asyncio.run(socket_rush(port, world["room_id"], sale.pk, sale.sale_price, world["cookies"]))
    acks = sock["results"].count("ack")
    host = Participant(user_id=world["host_id"], name="Chủ Thể Bench", role="host")
    for intent_id in OrderIntent.objects.filter(flash_sale=sale).values_list("pk", flat=True):
        board.board_confirm(room_id=world["room_id"], actor=host, intent_id=intent_id, key=f"bench-accept-{intent_id}")
    socket_orders = Order.objects.filter(source_kind="show", source_id=world["show"].pk).count()
    socket_units = OrderLine.objects.filter(product=sale.offer.product).aggregate(n=Sum("quantity"))["n"] or 0

    # 2. the order API, 1,000 buyers for 100 units
    rush = asyncio.run(http_post_all(ports, world["rush"].pk, world["vendor"].slug, world["cookies"], "rush"))
    placed = rush["statuses"].count(201)
    rush_product = Product.objects.get(pk=world["rush"].pk)
    api_units = OrderLine.objects.filter(product=rush_product).aggregate(n=Sum("quantity"))["n"] or 0

    # 3. throughput against pgbench (same clients, same count): one worker, then all of them
    alone = asyncio.run(http_post_all([port], world["plenty"].pk, world["vendor"].slug, world["cookies"], "alone"))
    per_second_one = alone["statuses"].count(201) / alone["seconds"]
    flow = asyncio.run(http_post_all(ports, world["plenty"].pk, world["vendor"].slug, world["cookies"], "flow"))
    flow_placed = flow["statuses"].count(201)
    per_second = flow_placed / flow["seconds"]
    stop(servers)  # their pooled connections go back before pgbench opens its own
    from django.db import connections

    connections.close_all()
    statements = placement_statements(world)
    if "--show-sql" in sys.argv:
        sys.stderr.write("\n".join(statements) + "\n")
    ids = {
        "product": world["plenty"].pk,
        "buyer": world["buyer_id"],
        "vendor": world["vendor"].pk,
        "vendor_slug": world["vendor"].slug,
        "session": world["cookies"][0],
    }
    pg_tps = pgbench(db_url, PGBENCH_PLACEMENT.format(**ids), clients=CONCURRENCY, transactions=BUYERS)
    pg_writes_tps = pgbench(db_url, PGBENCH_WRITES.format(**ids), clients=CONCURRENCY, transactions=BUYERS)

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
        "workers": len(servers),
        "per_second_one_worker": round(per_second_one, 1),
        "flow_placed": flow_placed,
        "pgbench_per_second": round(pg_tps, 1),
        "ratio_to_pgbench": round(per_second / pg_tps, 3),
        "pgbench_writes_per_second": round(pg_writes_tps, 1),
        "ratio_to_pgbench_writes": round(per_second / pg_writes_tps, 3),
        "statements_per_placement": len(statements),
        "pgbench_statements": script_statements(PGBENCH_PLACEMENT),
        "naive_oversold": oversold_naive,
        "concurrency": CONCURRENCY,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--run", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--show-sql", action="store_true", help="print the statements of one placement (with --run 0)")
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

        print(
            json.dumps(
                {
                    "summary": "min, median, max",
                    "per_second": mmm("per_second"),
                    "per_second_one_worker": mmm("per_second_one_worker"),
                    "pgbench_per_second": mmm("pgbench_per_second"),
                    "ratio_to_pgbench": mmm("ratio_to_pgbench"),
                    "ratio_to_pgbench_writes": mmm("ratio_to_pgbench_writes"),
                    "naive_oversold": mmm("naive_oversold"),
                    "all_exact": ok,
                }
            )
        )
    if not ok:
        raise SystemExit("not exactly 100 placed, or oversold")


if __name__ == "__main__":
    main()
