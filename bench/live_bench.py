"""Live-room benchmark: our room vs the Channels-tutorial baseline vs a bare websockets ceiling.

    make bench-live       # both profiles: 3 runs per level, ours (uvicorn and daphne) as 1 and 2 processes, baseline, ceiling
    .venv/bin/python bench/live_bench.py [--flash-sale]       # one profile, the same defaults
    .venv/bin/python bench/live_bench.py --servers ours,ceiling --processes 1 --levels 2000,4000 --repeat 5
    .venv/bin/python bench/live_bench.py --servers ours,ours-uvicorn,ceiling --processes 1   # daphne vs uvicorn
    .venv/bin/python bench/live_bench.py --servers ours --levels 1000,2000 --flash-sale --rush 200   # a sale's opening
    .venv/bin/python bench/live_bench.py --levels 100,200 --seconds 3 --storm-joins 100   # a quick check

Servers, all started at once and kept up for the whole run: ours (daphne +
``config.asgi``, as ``make run`` serves), ours as ``--processes 2`` (two daphne processes
sharing the room through Redis, as docs/operations.md runs them; the variant is named
``ours-2p``), on request ``ours-uvicorn`` (the same application under uvicorn, as
production runs it: ``config.servers``; with ``--processes`` too), the
baseline (``bench/baseline_asgi.py``) and the ceiling (``bench/ceiling_server.py``). Ours
and the baseline use a private redis-server (channels-redis; InMemoryChannelLayer is
never benchmarked); each variant of ours has its own room, channel-layer prefix and cache
prefix. The load client runs in its own processes (``--client-procs``; websockets'
sans-I/O protocol, see ``Viewer``): viewers connect (500/s, spread over the server's
processes), then for ``--seconds`` 10 senders post 20 chat messages/s in total and 50
reaction frames/s while every viewer measures each chat's delivery latency from the
timestamp in its text and which messages never arrived. With ``--flash-sale`` a flash
sale runs meanwhile (``bench/flash_sale.py``).

Repeatable and interleaved: at each level of the ladder every server still climbing is
measured ``--repeat`` times (3), run by run in turn, the order turning each run (ours,
baseline, ceiling; baseline, ceiling, ours; ...), and after each run the next server
waits for this one to be idle again. A level passes for a server only when every run
passes (p99 <= 300 ms, nothing lost, no failed connection, every purchase made); a
server leaves the climb at the first level it did not pass. So the ratio of ours to
the ceiling is taken over the same minutes of the same machine.

Output (``bench/live_report.py``): a JSON line per level (p99 min/median/max per server,
runs passed, p99 over the ceiling's run by run), a JSON line per server (``server``,
``max_viewers``, ``p99_ms``, ``lost``, ``ratio_to_ceiling``, ``connection_failures``,
``rss_mb_per_1000_viewers``, ``p99_spread``, ``next_level`` ...), a ``targets`` line per
variant of ours (issue 16), a table (lines starting with ``# ``; ``grep '^{'`` keeps
the JSON), and, steady profile, a presence storm per variant of ours (``--storm-joins``
joins in 10 s) checking that a room sends at most one count per tick.

The machine may be shared: every run reports ``other_cpu_pct``, the CPU that other jobs
(and the idle servers) used meanwhile, and a run that failed while they used more than
a quarter of a core is measured again (``--noise-retries``; the summary lists those
failures). ``steal_pct`` is the part of it the hypervisor took for other machines.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import gc
import itertools
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
from bench import flash_sale, live_report  # noqa: E402 - after the path
from bench.live_report import passes  # noqa: E402
from config.servers import command as asgi_command  # noqa: E402

PY = sys.executable
DEFAULT_LEVELS = [25, 50, 100, 250, 500, 1000, 2000, 3000, 4000, 5000, 6000, 8000]
CHAT_PER_S, REACTIONS_PER_S, SENDERS = 20, 50, 10
JOIN_RATE = 500  # viewers joining per second while a level connects (all client processes together)
NOISY_OTHER_CPU_PCT = 25.0  # other jobs on this (shared) machine above this: a failed level is measured again
BENCH_PASSWORD = "bench-Pass-2026"  # noqa: S105 - throw-away users in a temporary database
PURCHASE_NUMBERS = itertools.count(1)  # every purchase of a run has its own number (the order's key)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} never opened")


def origin_of(url: str) -> str:
    """The page's origin for a room socket's URL (what a browser on that server sends)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"http://{parts.hostname}:{parts.port}"


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# ---------------------------------------------------------------------------
# Load client worker (its own process): holds viewers, measures deliveries
# ---------------------------------------------------------------------------


def viewer_worker(conn, worker_id: int) -> None:
    raise_fd_limit()
    asyncio.run(_viewer_worker(conn, worker_id))


class Viewer(asyncio.Protocol):
    """One viewer socket on websockets' sans-I/O protocol: frames are handled as they arrive.

    The high-level ``websockets.connect`` costs a reader task, a queue and a wake-up per
    message per socket; with 1,000 sockets per client process that queueing, not the
    server, made most of the measured latency (the ceiling's p50 went 96 -> 154 ms from
    1,000 to 2,000 viewers). Here a frame is handled in ``data_received`` and its arrival
    time is taken when its bytes are read. No compression is offered (daphne never
    negotiates it), so every server sends the same uncompressed frames.
    """

    def __init__(self, url: str, origin: str, state: dict, sample: bool, parsed: dict):
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self.ws = ClientProtocol(parse_uri(url), origin=origin, max_size=2**22)
        self.state, self.sample, self.parsed = state, sample, parsed
        state.setdefault("frames", 0)  # what it read while measuring (the drill's viewers count too)
        state.setdefault("bytes", 0)
        self.transport = None
        self.handshake = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):
        self.transport = transport
        self.ws.send_request(self.ws.connect())
        self._write()

    def _write(self):
        for data in self.ws.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def data_received(self, data: bytes):
        now = time.time()
        if self.state["measuring"]:
            self.state["bytes"] += len(data)
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if not self.handshake.done():
                if self.ws.handshake_exc is not None:
                    self.handshake.set_exception(self.ws.handshake_exc)
                else:
                    self.state["open"] = True
                    self.handshake.set_result(None)
                continue
            if event.opcode.name == "TEXT":
                self._frame(bytes(event.data), now)
        self._write()
        if self.ws.close_expected():
            self.transport.close()

    def _frame(self, raw: bytes, now: float):
        state = self.state
        state["frames"] += state["measuring"]
        if b'"viewers"' in raw:
            state["viewer_frames"] += 1
        if not state["measuring"] or (b'"chat"' not in raw and b'"sale.' not in raw):
            return
        # Every socket of a tick gets the same bytes: parse them once per client process
        # (a dict hit compares the whole frame, so each socket's own bytes are checked).
        chats = self.parsed.get(raw)
        if chats is None:
            frame = json.loads(raw)
            chats = []
            for ev in frame.get("events") or [frame]:
                kind = ev.get("type")
                if kind == "chat":
                    sender, n, ts = ev["text"].split(":")
                    chats.append(((int(sender), int(n)), float(ts)))
                elif kind == "sale.progress":  # timed at collection, from its buyer's send time
                    chats.append((SALE_PROGRESS, int(ev["sold"])))
            if len(self.parsed) > 256:
                self.parsed.clear()
            self.parsed[raw] = chats
        for key, ts in chats:
            if key is SALE_PROGRESS:  # which purchases it tells is worked out at collection
                state.setdefault("sale_events", []).append((ts, now))
                continue
            state["got"].add(key)
            if not self.sample:
                continue
            # The target is on chat; a purchase's latency (from the buyer's sale.buy, so
            # including the purchase itself) is reported on its own.
            if ts is None:
                state["sale_seen"][key] = now
            else:
                state["sale_lat" if key[0] >= flash_sale.ORDER_KEY else "lat"].append((now - ts) * 1000)

    def eof_received(self):
        self.ws.receive_eof()
        self._write()
        return False

    def connection_lost(self, exc):
        if self.state["open"] and not self.state.get("closing"):
            self.state["error"] = f"closed {self.ws.close_code} {exc!r}"[:120]
        elif not self.handshake.done():
            self.handshake.set_exception(exc or ConnectionError("closed during the handshake"))
        self.state["open"] = False

    def close(self):
        self.state["closing"] = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.abort()


async def _viewer_worker(conn, worker_id: int) -> None:
    from urllib.parse import urlsplit

    loop = asyncio.get_running_loop()
    viewers: list[dict] = []
    protocols: list[Viewer] = []
    tasks: list[asyncio.Task] = []
    parsed: dict = {}

    async def viewer(url: str, state: dict, sample: bool):
        parts = urlsplit(url)
        origin = origin_of(url)
        try:
            _, proto = await asyncio.wait_for(
                loop.create_connection(lambda: Viewer(url, origin, state, sample, parsed), parts.hostname, parts.port),
                30,
            )
            protocols.append(proto)
            await asyncio.wait_for(proto.handshake, 30)
        except Exception as exc:  # noqa: BLE001 - counted as a connection failure
            state["error"] = repr(exc)[:120]
            state["open"] = False

    while True:
        cmd, arg = await loop.run_in_executor(None, conn.recv)
        if cmd == "connect":
            # Viewers spread over the server's processes in turn; one in four of each
            # process's viewers records latencies.
            urls, count, rate = arg
            for i in range(count):
                state = {
                    "open": False,
                    "measuring": False,
                    "got": set(),
                    "lat": [],
                    "sale_lat": [],
                    "sale_seen": {},
                    "sale_events": [],  # (sold, when) of each sale.progress, in order
                    "error": None,
                    "viewer_frames": 0,
                    "sample": (i // len(urls)) % 4 == 0,  # one viewer in four times what it receives
                }
                viewers.append(state)
                url = urls[i % len(urls)]
                tasks.append(asyncio.create_task(viewer(url, state, sample=state["sample"])))
                if rate:
                    await asyncio.sleep(1 / rate)
                elif i % 50 == 49:
                    await asyncio.sleep(0.02)
            await asyncio.gather(*tasks, return_exceptions=True)
            conn.send({"open": sum(v["open"] for v in viewers), "failed": sum(v["error"] is not None for v in viewers)})
        elif cmd == "measure":
            # The load client's own collector must not pause its viewers in the measured
            # window: each closed Viewer leaves a reference cycle (websockets' parser
            # generator), and a full collection over the previous runs' thousands of them
            # landed in the next run (the first run after a level's warm-up round: the
            # client at 84-90 % of a core instead of 60 %, p99 291-332 ms instead of ~160).
            # Collected now, the connected viewers frozen, collections in the window walk
            # only what it allocates; "close" unfreezes and collects, between runs.
            gc.collect()
            gc.freeze()
            for v in viewers:
                v["measuring"] = True
                v["got"].clear()
                v["lat"].clear()
                v["sale_lat"].clear()
                v["sale_seen"].clear()
                v["sale_events"].clear()
                v["viewer_frames"] = 0
                v["frames"] = v["bytes"] = 0
            conn.send("ok")
        elif cmd == "collect":
            expected, purchase_sent = arg  # keys of everything sent; (ORDER_KEY, sold) -> its buyer's send time
            purchases = sorted(key for key in expected if key[0] == flash_sale.ORDER_KEY)
            for v in viewers:
                v["measuring"] = False
                told_purchases(v, purchases, sample=v["sample"])
                v["sale_lat"].extend(
                    (seen - purchase_sent[key]) * 1000 for key, seen in v["sale_seen"].items() if key in purchase_sent
                )
            lost = sum(len(expected - v["got"]) for v in viewers if v["error"] is None)
            lat = [x for v in viewers for x in v["lat"]]
            sale_lat = [x for v in viewers for x in v["sale_lat"]]
            failed = sum(v["error"] is not None for v in viewers)
            errors = list({v["error"] for v in viewers if v["error"]})[:3]
            conn.send(
                {
                    "lost": lost,
                    "lat": lat,
                    "sale_lat": sale_lat,
                    "failed": failed,
                    "errors": errors,
                    "viewer_frames": max((v["viewer_frames"] for v in viewers), default=0),
                    "frames": sum(v["frames"] for v in viewers),
                    "bytes": sum(v["bytes"] for v in viewers),
                }
            )
        elif cmd == "close":
            for proto in protocols:
                proto.close()
            await asyncio.sleep(0.2)
            viewers.clear()
            protocols.clear()
            tasks.clear()
            parsed.clear()
            gc.unfreeze()
            gc.collect()
            conn.send("ok")
        elif cmd == "exit":
            return


# ---------------------------------------------------------------------------
# Senders (in the driver process): 20 chat messages/s and 50 reactions/s in total
# ---------------------------------------------------------------------------


async def run_senders(server: Server, seconds: float, flash: bool, rush: int = 0) -> tuple[set, int, tuple]:
    """Chat and reactions for ``seconds``; with ``flash``, a flash sale's purchases meanwhile.

    With ``rush``, instead of the steady purchases, that many buyers (one socket each,
    connected first) all send one ``sale.buy`` at the same moment: a sale's opening.
    Senders and buyers spread over the server's processes as the viewers do, so with two
    processes every message crosses Redis to reach half of the room.

    Returns the keys of every chat message and purchase sent, the error frames the
    senders got back, and (purchases that failed, each purchase's ``ack`` time in ms, each
    purchase's send time by its key).
    """
    import websockets

    urls, cookies = server.urls, server.cookies

    def url_origin(idx: int) -> tuple[str, str]:
        url = urls[idx % len(urls)]
        return url, origin_of(url)

    sent: set = set()
    errors = 0
    sale_failures = 0
    purchase_ms: list[float] = []
    purchase_sent: dict = {}

    async def sender(idx: int, cookie: str | None):
        nonlocal errors
        headers = {"Cookie": cookie} if cookie else {}
        url, origin = url_origin(idx)
        async with websockets.connect(url, origin=origin, additional_headers=headers, open_timeout=30) as ws:

            async def drain():
                nonlocal errors
                async for raw in ws:
                    if '"error"' in raw:
                        errors += 1

            reader = asyncio.create_task(drain())
            chat_every = SENDERS / CHAT_PER_S
            react_every = SENDERS / REACTIONS_PER_S
            start = time.monotonic()
            next_chat = start + random.uniform(0, chat_every)
            next_react = start + random.uniform(0, react_every)
            n = 0
            while time.monotonic() - start < seconds:
                now = time.monotonic()
                if now >= next_chat:
                    n += 1
                    sent.add((idx, n))
                    await ws.send(json.dumps({"v": 1, "type": "chat.send", "text": f"{idx}:{n}:{time.time():.6f}"}))
                    next_chat += chat_every
                if now >= next_react:
                    await ws.send(json.dumps({"v": 1, "type": "reaction", "kind": "heart"}))
                    next_react += react_every
                await asyncio.sleep(max(0.0, min(next_chat, next_react) - time.monotonic()))
            await asyncio.sleep(0.2)
            reader.cancel()

    async def read_answers(ws, answers: dict) -> None:
        """A buyer's socket gets every frame of the room: hand each ``ack``/``error`` to its purchase."""
        async for raw in ws:
            if '"ref"' in raw:
                frame = json.loads(raw)
                future = answers.pop(frame.get("ref"), None)
                if future is not None and not future.done():
                    future.set_result(frame)

    async def buy_on(ws, answers: dict, n: int) -> None:
        """One ``sale.buy`` and its answer; a refusal or no answer fails the level."""
        nonlocal sale_failures
        ref = f"buy-{n}"
        answers[ref] = asyncio.get_running_loop().create_future()
        sent_at, t0 = time.time(), time.monotonic()
        frame = {
            "v": 1,
            "type": "sale.buy",
            "ref": ref,
            "sale_id": server.sale_id,
            "quantity": 1,
            "unit_price": server.sale_price,
            "key": f"bench-purchase-{n}",
        }
        await ws.send(json.dumps(frame))
        try:
            answer = await asyncio.wait_for(answers[ref], 15)
            if answer["type"] != "ack":
                raise RuntimeError(f"{answer.get('code')}: {answer.get('message')}")
        except Exception as exc:  # noqa: BLE001 - a failed purchase fails the level
            sale_failures += 1
            print(json.dumps({"server": server.name, "purchase_failed": repr(exc)[:160]}), file=sys.stderr)
            return
        purchase_ms.append((time.monotonic() - t0) * 1000)
        key = (flash_sale.ORDER_KEY, flash_sale.STOCK - answer["remaining"])  # the sold count it made
        sent.add(key)
        purchase_sent[key] = sent_at

    async def buyer(idx: int, numbers: list[int]):
        """Our server: purchases as the room's page makes them, ``sale.buy`` on the buyer's socket."""
        cookie = server.buyer_cookies[idx % len(server.buyer_cookies)]
        answers: dict[str, asyncio.Future] = {}
        url, origin = url_origin(idx)
        async with websockets.connect(url, origin=origin, additional_headers={"Cookie": cookie}, open_timeout=30) as ws:
            reader = asyncio.create_task(read_answers(ws, answers))
            began = time.monotonic()
            for i, n in enumerate(numbers):
                await asyncio.sleep(max(0.0, began + i * per_buyer_every - time.monotonic()))
                await buy_on(ws, answers, n)
            reader.cancel()

    async def rush_buyer(idx: int, n: int, at: float):
        """One buyer of the opening rush: its own socket, one sale.buy at ``at``, a viewer until the end."""
        cookie = server.buyer_cookies[idx % len(server.buyer_cookies)]
        answers: dict[str, asyncio.Future] = {}
        url, origin = url_origin(idx)
        async with websockets.connect(url, origin=origin, additional_headers={"Cookie": cookie}, open_timeout=30) as ws:
            reader = asyncio.create_task(read_answers(ws, answers))
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            await buy_on(ws, answers, n)
            await asyncio.sleep(max(0.0, start + seconds - time.monotonic()))
            reader.cancel()

    async def sale_as_chat(numbers: list[int], every: float):
        """Baseline and ceiling (no database): the same one event per purchase, as chat."""
        url, origin = url_origin(0)
        async with websockets.connect(url, origin=origin, open_timeout=30) as ws:
            began = time.monotonic()
            for i, n in enumerate(numbers):
                await asyncio.sleep(max(0.0, began + i * every - time.monotonic()))
                sent.add((flash_sale.ORDER_KEY, n))
                await ws.send(
                    json.dumps({"v": 1, "type": "chat.send", "text": f"{flash_sale.ORDER_KEY}:{n}:{time.time():.6f}"})
                )

    async def flash_sale_run():
        if rush and server.buyer_cookies:
            at = start + flash_sale.START_AFTER + 1.0  # the buyers' sockets are open by then
            await asyncio.gather(*[rush_buyer(b, next(PURCHASE_NUMBERS), at) for b in range(rush)])
            return
        await asyncio.sleep(flash_sale.START_AFTER)
        numbers = [next(PURCHASE_NUMBERS) for _ in range(rush or flash_sale.PURCHASES)]
        if rush:
            await sale_as_chat(numbers, 0.001)  # the baseline and ceiling get the rush's events as chat, at once
            return
        if server.buyer_cookies:
            await asyncio.gather(*[buyer(b, numbers[b :: flash_sale.BUYERS]) for b in range(flash_sale.BUYERS)])
        else:
            await sale_as_chat(numbers, every)

    every = flash_sale.SECONDS / flash_sale.PURCHASES
    per_buyer_every = every * flash_sale.BUYERS
    start = time.monotonic()
    jobs = [sender(i, cookies[i % len(cookies)]) for i in range(SENDERS)]
    if flash:
        jobs.append(flash_sale_run())
    await asyncio.gather(*jobs)
    return sent, errors, (sale_failures, purchase_ms, purchase_sent)


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


class Server:
    """One server under test: one process, or (ours, ``--processes 2``) several sharing the room through Redis.

    Its CPU and resident memory are those of all its processes together.
    """

    def __init__(
        self,
        name: str,
        cmds: list[list[str]],
        env: dict,
        ports: list[int],
        path: str,
        cookies: list,
        *,
        sale: tuple[int, int] | None = None,
        buyer_cookies: list | None = None,
    ):
        self.name, self.ports, self.cookies = name, ports, cookies
        self.processes = len(cmds)
        self.urls = [f"ws://127.0.0.1:{port}{path}" for port in ports]
        self.sale_id, self.sale_price = sale or (0, 0)
        self.buyer_cookies = buyer_cookies or []
        self.rss_base = 0  # resident memory after the warm-up
        self.procs = []
        for i, cmd in enumerate(cmds):
            log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-{i}-", suffix=".log", delete=False)  # noqa: SIM115
            self.procs.append(subprocess.Popen(cmd, cwd=BASE, env=env, stdout=log, stderr=subprocess.STDOUT))
        for proc, port in zip(self.procs, ports, strict=True):
            wait_port(port, proc)
        self.ps = [psutil.Process(p.pid) for p in self.procs]

    def cpu(self) -> float:
        return sum(sum(p.cpu_times()[:2]) for p in self.ps)

    def rss(self) -> int:
        return sum(p.memory_info().rss for p in self.ps)

    def settle(self, quiet_pct: float = 10.0, timeout: float = 5.0) -> float:
        """Wait until the processes are nearly idle (sockets closed, hubs done); returns the seconds waited.

        Servers are measured in turn: the next one must not share the machine with this
        one's teardown of thousands of sockets.
        """
        began = time.monotonic()
        time.sleep(0.5)
        while time.monotonic() - began < timeout:
            cpu0 = self.cpu()
            time.sleep(0.25)
            if 100 * (self.cpu() - cpu0) / 0.25 < quiet_pct:
                break
        return time.monotonic() - began

    def stop(self):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def setup_django_db(db_path: Path, env: dict, shows: int = 1) -> tuple[list[tuple[int, tuple[int, int]]], list[str]]:
    """``shows`` shows, each with its room and flash sale, and the senders' sessions.

    Returns ([(room id, (sale id, price)) per show], cookies). Every variant of our server
    gets a room of its own, so a hub left idle by one never sees the other's events.
    """
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE, env=env, check=True)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from accounts.services import user_create
    from live.services import show_create

    host = user_create(email="bench-host@example.vn", password=BENCH_PASSWORD, full_name="Chủ Thể Bench")
    now = timezone.now()
    rooms = []
    for i in range(shows):
        show = show_create(
            title=f"Bench {i + 1}", host=host, scheduled_start=now, scheduled_end=now + timedelta(days=1)
        )
        rooms.append((show.room.pk, flash_sale.create_sale(show)))
    cookies = []
    for i in range(SENDERS):
        user = user_create(email=f"bench{i}@example.vn", password=BENCH_PASSWORD, full_name=f"Người Xem {i}")
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    return rooms, cookies


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports (held open together while they are picked)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


SALE_PROGRESS = "sale.progress"  # marks a sale.progress event's ``sold`` among a frame's parsed chats


def told_purchases(viewer: dict, purchases: list[tuple[int, int]], sample: bool) -> None:
    """Mark the purchases a viewer was told of, and when.

    Purchases that land together are told in one ``sale.progress`` (``selling.desk``): sold
    going from 3 to 5 tells the purchases that made sold 4 and 5. A purchase counts as told
    at the first event whose ``sold`` reached it.
    """
    events = viewer["sale_events"]
    solds = [sold for sold, _when in events]
    for key in purchases:
        at = bisect.bisect_left(solds, key[1])
        if at < len(events):
            viewer["got"].add(key)
            if sample:
                viewer["sale_seen"][key] = events[at][1]


def server_name(name: str, processes: int) -> str:
    return name if processes == 1 else f"{name}-{processes}p"


def start_server(
    name: str, processes: int, redis_url: str, db_url: str, room: tuple[int, tuple[int, int]], cookies: list
) -> Server:
    label = server_name(name, processes)
    ports = free_ports(processes)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": db_url, "PYTHONPATH": str(BASE)}
    # The processes of one server share their channel-layer groups and cache; no two servers do.
    env.update(REDIS_URL=redis_url, CHANNEL_LAYER_PREFIX=f"bench-{label}-{ports[0]}", CACHE_KEY_PREFIX=f"bench-{label}")

    def daphne(port: int, app: str) -> list[str]:
        return asgi_command("daphne", port, app, PY)

    if name in ("ours", "ours-uvicorn"):
        room_id, sale = room
        asgi = "uvicorn" if name == "ours-uvicorn" else "daphne"
        cmds = [asgi_command(asgi, port, python=PY) for port in ports]
        return Server(label, cmds, env, ports, f"/ws/rooms/{room_id}/", cookies, sale=sale, buyer_cookies=cookies)
    if processes != 1:
        raise ValueError(f"{name} runs as one process")
    if name == "baseline":
        return Server(label, [daphne(ports[0], "bench.baseline_asgi:application")], env, ports, "/ws/rooms/1/", [None])
    if name == "ceiling":
        return Server(label, [[PY, "bench/ceiling_server.py", str(ports[0])]], env, ports, "/ws/rooms/1/", [None])
    raise ValueError(f"unknown server {name!r}")


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


class Workers:
    def __init__(self, count: int):
        ctx = mp.get_context("spawn")
        self.pipes, self.procs = [], []
        for i in range(count):
            parent, child = ctx.Pipe()
            p = ctx.Process(target=viewer_worker, args=(child, i), daemon=True)
            p.start()
            self.pipes.append(parent)
            self.procs.append(p)
        self.ps = [psutil.Process(p.pid) for p in self.procs]

    def ask(self, cmd, args):
        for pipe, arg in zip(self.pipes, args, strict=True):
            pipe.send((cmd, arg))
        return [pipe.recv() for pipe in self.pipes]

    def cpu(self) -> float:
        return sum(sum(p.cpu_times()[:2]) for p in self.ps)

    def exit(self):
        for pipe in self.pipes:
            pipe.send(("exit", None))
        for p in self.procs:
            p.join(5)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run_level(server: Server, workers: Workers, n: int, seconds: float, flash: bool = False, rush: int = 0) -> dict:
    # Against the server's size after the warm-up, not before this level: memory freed by
    # an earlier level is reused here, which made bigger levels look nearly free.
    rss_idle = server.rss_base or server.rss()
    k = len(workers.pipes)
    shares = [n // k + (1 if i < n % k else 0) for i in range(k)]
    # Viewers arrive at JOIN_RATE: an audience gathers over minutes, and a burst of joins is
    # what the presence storm checks; at thousands per second, daphne's 5 s opening
    # handshake timeout reset a few sockets queued behind the joins before them.
    opened = workers.ask("connect", [(server.urls, s, JOIN_RATE / k) for s in shares])
    failed_connect = sum(o["failed"] for o in opened)
    time.sleep(1.0)
    rss_loaded = server.rss()
    workers.ask("measure", [None] * k)
    me = psutil.Process()
    cpu_s0, cpu_c0, wall0 = server.cpu(), workers.cpu(), time.monotonic()
    cpu_d0, machine0, steal0 = sum(me.cpu_times()[:2]), machine_busy(), psutil.cpu_times().steal
    try:
        sent, send_errors, (sale_failures, purchase_ms, purchase_sent) = asyncio.run(
            run_senders(server, seconds, flash, rush)
        )
    except Exception as exc:  # noqa: BLE001 - a sender that cannot connect fails the level
        sent, send_errors, sale_failures, purchase_ms, purchase_sent = set(), 1, 0, [], {}
        print(json.dumps({"server": server.name, "viewers": n, "sender_failed": repr(exc)[:160]}), file=sys.stderr)
    time.sleep(1.5)  # in-flight deliveries
    wall = time.monotonic() - wall0
    cpu_s, cpu_c = server.cpu() - cpu_s0, workers.cpu() - cpu_c0
    cpu_d, machine = sum(me.cpu_times()[:2]) - cpu_d0, machine_busy() - machine0
    steal = psutil.cpu_times().steal - steal0
    results = workers.ask("collect", [(sent, purchase_sent)] * k)
    workers.ask("close", [None] * k)
    settle_s = server.settle()
    lat = [x for r in results for x in r["lat"]]
    sale_lat = [x for r in results for x in r["sale_lat"]]
    failed = failed_connect + sum(r["failed"] for r in results)
    client_pct = 100 * cpu_c / wall
    row = {
        "viewers": n,
        "p50_ms": round(percentile(lat, 0.50), 1),
        "p99_ms": round(percentile(lat, 0.99), 1),
        "lost": sum(r["lost"] for r in results),
        "connection_failures": failed,
        "sent": len(sent),
        "send_errors": send_errors,
        "server_cpu_pct": round(100 * cpu_s / wall, 1),
        "client_cpu_pct": round(client_pct, 1),
        "client_saturated": client_pct / len(workers.pipes) > 90,
        # Everything else the machine ran meanwhile (redis, the idle servers, other users' jobs),
        # % of one core: the noise behind a figure on a shared machine.
        "other_cpu_pct": round(100 * max(0.0, machine - cpu_s - cpu_c - cpu_d) / wall, 1),
        # Of that, the time the hypervisor gave this machine's cores to other machines: a
        # "slow day" with no other job running here shows up in this figure alone.
        "steal_pct": round(100 * steal / wall, 1),
        "rss_mb_per_1000_viewers": round((rss_loaded - rss_idle) / 2**20 * 1000 / n, 1),
        "rss_mb": round(rss_loaded / 2**20, 1),
        "errors": [e for r in results for e in r["errors"]][:3],
        "settle_s": round(settle_s, 1),  # until the server was idle again after its viewers left
        # What each viewer read in the measured window: more than the room's ticks means the
        # load client had more to do in this run (a run's slowness is then not the server's alone).
        "frames_per_viewer_s": round(sum(r["frames"] for r in results) / n / wall, 1),
        "bytes_per_viewer_s": round(sum(r["bytes"] for r in results) / n / wall),
    }
    if flash:
        row["flash_sale"] = {
            "events": sum(1 for key in sent if key[0] >= flash_sale.ORDER_KEY),
            "purchase_failures": sale_failures,
            "p50_ms": round(percentile(sale_lat, 0.50), 1),
            "p99_ms": round(percentile(sale_lat, 0.99), 1),
        }
        if rush:
            row["flash_sale"]["rush"] = rush
        if purchase_ms:  # our server: from the buyer's sale.buy to its ack
            row["flash_sale"]["purchase_p50_ms"] = round(percentile(purchase_ms, 0.50), 1)
            row["flash_sale"]["purchase_p99_ms"] = round(percentile(purchase_ms, 0.99), 1)
    return row


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), since boot."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + t.steal


def presence_storm(
    server: Server, workers: Workers, joins: int = 1000, seconds: float = 10.0, tick: float = 0.1
) -> dict:
    """One observer counts viewer-count frames while ``joins`` sockets join over ``seconds``.

    With several processes the observer is on the first; its hub sends at most one count per tick too.
    """
    k = len(workers.pipes)
    first = server.urls[:1]
    workers.ask("connect", [(first, 1, 0)] + [(first, 0, 0)] * (k - 1))
    workers.ask("measure", [None] * k)
    started = time.monotonic()
    rate = joins / seconds / k
    workers.ask("connect", [(server.urls, joins // k, rate) for _ in range(k)])
    elapsed = time.monotonic() - started
    time.sleep(0.5)
    results = workers.ask("collect", [(set(), {})] * k)
    workers.ask("close", [None] * k)
    frames = results[0]["viewer_frames"]
    ticks = (elapsed + 0.5) / tick
    return {
        "check": "presence_storm",
        "server": server.name,
        "joins": joins,
        "seconds": round(elapsed, 1),
        "count_frames_seen_by_one_viewer": frames,
        "ticks": int(ticks),
        "at_most_one_per_tick": frames <= ticks + 1,
    }


WARMUP_SECONDS = 2.0  # the senders' part of a level's unmeasured round (the joins come first)


def measure_interleaved(servers: list[Server], workers: Workers, args, profile: str) -> dict[str, dict[int, list]]:
    """Climb the levels with every server at once: at each level, run after run, each server in turn.

    Each level starts with one unmeasured round at that size (``--no-level-warmup`` skips it).
    Round r measures every server still climbing once, the order turned by one each round
    (ours, baseline, ceiling; then baseline, ceiling, ours; ...), so each server meets the
    machine in each position and the ratio between two servers is taken over the same
    minutes. A server leaves the climb after the first level it did not pass every run of.
    """
    runs: dict[str, dict[int, list]] = {s.name: {} for s in servers}
    active = list(servers)
    for n in args.levels:
        if not active:
            break
        if args.level_warmup:
            # One unmeasured round at the new size first. The first round at a level was the
            # slowest for every server, whichever went first (client and server processes
            # growing their memory and the kernel its socket buffers for the new sockets):
            # at 4,000 viewers the ceiling 266 ms then 212, ours 279 then 166
            # (docs/benchmarks.md), so a level's verdict depended on which server met it first.
            for server in active:
                run_level(server, workers, n, WARMUP_SECONDS, args.flash_sale, args.rush)
        for rep in range(args.repeat):
            turn = rep % len(active)
            for server in active[turn:] + active[:turn]:
                row = run_level(server, workers, n, args.seconds, args.flash_sale, args.rush)
                for _retry in range(args.noise_retries):
                    if passes(row) or row["other_cpu_pct"] <= NOISY_OTHER_CPU_PCT:
                        break
                    # Failed while the machine was busy with other jobs: say so, measure again.
                    server.noisy.append({k: row[k] for k in ("viewers", "p99_ms", "lost", "other_cpu_pct")})
                    if args.verbose:
                        note = {
                            "server": server.name,
                            "profile": profile,
                            "run": rep + 1,
                            "level": row,
                            "noisy_retry": True,
                        }
                        print(json.dumps(note, ensure_ascii=False), flush=True)
                    row = run_level(server, workers, n, args.seconds, args.flash_sale, args.rush)
                runs[server.name].setdefault(n, []).append(row)
                if args.verbose:
                    note = {"server": server.name, "profile": profile, "run": rep + 1, "level": row}
                    print(json.dumps(note, ensure_ascii=False), flush=True)
        at_level = {s.name: runs[s.name][n] for s in active}
        print(json.dumps(live_report.level_line(profile, n, at_level), ensure_ascii=False), flush=True)
        active = [s for s in active if all(map(passes, runs[s.name][n]))]
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", default="ours-uvicorn,ours,baseline,ceiling")
    parser.add_argument(
        "--processes",
        default="1,2",
        help="our server as this many processes sharing the room through Redis, one variant per "
        "number (default 1,2: one process, and two beside it; viewers, senders and buyers spread over them)",
    )
    parser.add_argument("--levels", default=",".join(map(str, DEFAULT_LEVELS)))
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument(
        "--no-level-warmup",
        dest="level_warmup",
        action="store_false",
        help="skip the unmeasured round every server gets at each new level before its measured runs",
    )
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="print every run as well")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run our server on PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432 "
        "(a database chodem_livebench is dropped and created); default: a temporary SQLite file",
    )
    parser.add_argument(
        "--rush",
        type=int,
        default=0,
        metavar="N",
        help="with --flash-sale: instead of the steady purchases, N buyers (a socket each) all send one "
        "sale.buy at the same moment, as at a sale's opening",
    )
    parser.add_argument(
        "--flash-sale",
        action="store_true",
        help="with a flash sale running in the measured window (bench/flash_sale.py): "
        f"{flash_sale.PURCHASES} purchases over {flash_sale.SECONDS:g} s, sale.buy on the buyers' room sockets "
        "(selling.offers.sale_buy), one sequenced event each",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of every level per server (default 3); it passes only if all do"
    )
    parser.add_argument(
        "--noise-retries",
        type=int,
        default=2,
        help=f"measure a failed run again (at most this many times) when other jobs used more than "
        f"{NOISY_OTHER_CPU_PCT:g} %% of a core meanwhile; every try is reported",
    )
    parser.add_argument(
        "--storm-joins",
        type=int,
        default=1000,
        help="joins of the presence storm, steady profile only, after the climb (0: none)",
    )
    args = parser.parse_args()
    if args.rush and not args.flash_sale:
        parser.error("--rush needs --flash-sale")
    args.levels = [int(x) for x in args.levels.split(",")]
    names = args.servers.split(",")
    counts = [int(x) for x in args.processes.split(",")]
    specs = [(name, p) for name in names for p in (counts if name.startswith("ours") else [1])]
    profile = ("rush_" + str(args.rush) if args.rush else "flash_sale") if args.flash_sale else "steady"
    ours_variants = [spec for spec in specs if spec[0].startswith("ours")]

    raise_fd_limit()
    # Terminated (a timeout, a CI job cancelled): unwind through the finally below, so the
    # servers and redis-server it started stop with it instead of being left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="live-bench-"))
    redis_port = free_port()
    redis_bin = shutil.which("redis-server") or "/usr/bin/redis-server"
    redis_proc = subprocess.Popen(
        [redis_bin, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    servers: list[Server] = []
    workers = None
    try:
        wait_port(redis_port, redis_proc)
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        db_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        if args.postgres:
            import psycopg

            with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as pg:
                pg.execute("DROP DATABASE IF EXISTS chodem_livebench")
                pg.execute("CREATE DATABASE chodem_livebench")
            db_url = f"{args.postgres}/chodem_livebench"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": db_url}
        env.pop("REDIS_URL", None)
        rooms, cookies = setup_django_db(tmp / "bench.sqlite3", env, shows=max(1, len(ours_variants)))
        workers = Workers(args.client_procs)
        room_of = dict(zip(ours_variants, rooms, strict=False))
        for spec in specs:
            servers.append(start_server(*spec, redis_url, db_url, room_of.get(spec, rooms[0]), cookies))
        print(
            json.dumps(
                {
                    "bench": "live",
                    "profile": profile,
                    "servers": {s.name: s.processes for s in servers},
                    "levels": args.levels,
                    "repeat": args.repeat,
                    "seconds": args.seconds,
                    "order": "interleaved: each run of a level measures every server in turn, the order turning",
                    "level_warmup": args.level_warmup,
                }
            ),
            flush=True,
        )
        for server in servers:
            server.noisy = []
            # Warm-up, not measured: first requests import code, open connections, fill caches.
            run_level(server, workers, 10, 3.0, args.flash_sale, args.rush)
            server.rss_base = server.rss()
        runs = measure_interleaved(servers, workers, args, profile)

        ceiling_max = None
        if live_report.CEILING in runs:
            ceiling_max = live_report.climb(runs[live_report.CEILING])[0]
        lines = {}
        for server in servers:
            line = live_report.server_line(server.name, profile, server.processes, runs[server.name], ceiling_max)
            single = server.name.removesuffix(f"-{server.processes}p")
            if server.processes > 1 and single in runs:
                one = live_report.climb(runs[single])[0]
                line["ratio_to_one_process"] = round(line["max_viewers"] / one, 2) if one else None
            if server.noisy:
                line["failed_while_noisy_then_retried"] = server.noisy
            lines[server.name] = line
            print(json.dumps(line, ensure_ascii=False), flush=True)
        for server in servers:
            if server.name.startswith("ours"):
                print(json.dumps(live_report.targets_line(lines[server.name], ceiling_max), ensure_ascii=False))
        for text in live_report.table(profile, [s.name for s in servers], runs, lines):
            print(text)
        sys.stdout.flush()
        if profile == "steady" and args.storm_joins:
            for server in servers:
                if server.name.startswith("ours"):
                    storm = presence_storm(server, workers, joins=args.storm_joins)
                    print(json.dumps(storm, ensure_ascii=False), flush=True)
    finally:
        for server in servers:
            server.stop()
        if workers is not None:
            workers.exit()
        redis_proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
