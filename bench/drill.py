"""The attack-and-fault drill (issue 14): a show under attack and faults, on the production topology.

    make drill          # full: 1,000 viewers, a rush of 500 buyers, ~15 s per phase
    make drill-short    # .ci/run: 200 viewers, a rush of 100, ~4 s per phase; exit 1 if a target is missed

It starts its own ``deploy/run-prod.sh`` (nginx -> 2 ASGI workers -> PostgreSQL + a private
Redis, the task worker) under var/drill on 127.0.0.1:8090 with a fresh database, so it never
touches a running ``make run-prod``, and stops it at the end. Every client is on loopback; each
kind of client has its own 127.0.x.y source addresses (bound with ``local_addr``), so nginx and the
app see different clients: viewers 127.0.1.*, senders 127.0.2.*, buyers 127.0.3.*, attackers
127.0.9.*, the home-page prober 127.0.4.1.

The show runs through every phase: viewers (``live_bench.Viewer`` sockets that reconnect with
``?after=<seq>`` as the room's page does), 20 chat messages/s and reactions from logged-in
senders. Phases, one after the other: calm, the flash sale's opening rush (the buyers wait in the room
from the start, as buyers watching the countdown do; every buyer presses buy
within one second, half of them twice with the same key), a connection storm, spread ping and
signalling floods, a message flood, slowloris on HTTP, a login brute force on the host's account,
an HTTP flood on search and the room page; faults: kill -9 of one ASGI worker, a restart of the
private Redis, a restart of one of the two task workers. One JSON line per phase, a table, and a JSON summary
as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import http.client
import json
import multiprocessing as mp
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
from bench import flash_sale  # noqa: E402
from bench.live_bench import Viewer, percentile, raise_fd_limit  # noqa: E402

VAR = BASE / "var" / "drill"
HOST, PORT = "127.0.0.1", 8090
ORIGIN = f"http://{HOST}:{PORT}"
PASSWORD = "Drill-Pass-2026!"  # noqa: S105 - the host's password in the drill's own database
SEQ = re.compile(rb'"seq":\s*(\d+)')


def addr(block: int, i: int) -> str:
    return f"127.0.{block}.{i + 1}"


# ---------------------------------------------------------------------------
# Client agents (own processes): viewers that reconnect, senders, buyers, floods
# ---------------------------------------------------------------------------


class DrillViewer(Viewer):
    """A viewer that keeps the highest ``seq`` it saw, times every chat, and reports its close."""

    def __init__(self, *args, on_lost=None, **kw):
        super().__init__(*args, **kw)
        self.on_lost = on_lost

    def _frame(self, raw: bytes, now: float):
        state = self.state
        m = SEQ.search(raw)
        if m:
            state["seq"] = max(state["seq"], int(m.group(1)))
        if b'"chat"' not in raw:
            return
        chats = self.parsed.get(raw)
        if chats is None:
            frame = json.loads(raw)
            chats = []
            for ev in frame.get("events") or [frame]:
                if ev.get("type") == "chat" and ev.get("text", "").count(":") == 2:
                    sender, n, ts = ev["text"].split(":")
                    chats.append(((int(sender), int(n)), float(ts), frame.get("type") == "replay"))
            if len(self.parsed) > 256:
                self.parsed.clear()
            self.parsed[raw] = chats
        for key, ts, replayed in chats:
            state["got"].add(key)
            if self.sample and not replayed:
                state["lat"].append((now, (now - ts) * 1000))

    def connection_lost(self, exc):
        super().connection_lost(exc)
        if self.on_lost is not None:
            self.on_lost(self)


class HoldingSocket(DrillViewer):
    """A storm's socket: it opens as a browser would, then drains what the room sends unread.

    Until 7 Dec 2026 the storm's 1,000 held sockets parsed every frame as a viewer does
    (websockets' frame parser, UTF-8 checks): 57 % of a core in the attackers' two
    load-client processes (``top`` in the storm), taken from the same two cores as the
    server's. An attacker holding sockets pays for their frames on its own machines and has
    no reason to parse them; the server's cost (the fan-out to every held socket, nginx
    relaying it) is unchanged. A socket the server closes is still seen (``connection_lost``).
    """

    def data_received(self, data: bytes):
        if self.handshake.done():
            return  # read and dropped: the kernel's buffer stays empty, as a reading client's does
        super().data_received(data)


class Agent:
    """Runs in its own process: commands arrive on a pipe and run concurrently; answers carry their id."""

    def __init__(self, conn):
        self.conn = conn
        self.viewers: list[dict] = []
        self.parsed: dict = {}
        self.loop = asyncio.get_running_loop()
        self.stopped = False
        self.buyers_in = 0
        self.press_at: float | None = None  # set by buyers_press: when the buyers press (wall clock)

    async def run(self):
        while True:
            cid, cmd, arg = await self.loop.run_in_executor(None, self.conn.recv)
            if cmd == "exit":
                return
            self.loop.create_task(self._answer(cid, getattr(self, cmd), arg))

    async def _answer(self, cid, fn, arg):
        try:
            result = await fn(*arg)
        except Exception as exc:  # noqa: BLE001 - reported to the driver
            result = {"agent_error": repr(exc)[:200]}
        self.conn.send((cid, result))

    async def _open(self, url, src, state, sample=False, on_lost=None, cls=DrillViewer):
        from urllib.parse import urlsplit

        parts = urlsplit(url)

        def factory():
            return cls(url, ORIGIN, state, sample, self.parsed, on_lost=on_lost)

        _, proto = await asyncio.wait_for(
            self.loop.create_connection(factory, parts.hostname, parts.port, local_addr=(src, 0)), 15)
        await asyncio.wait_for(proto.handshake, 15)
        return proto

    # -- the audience ------------------------------------------------------
    async def viewers_connect(self, base_url, sources, count, rate):
        async def one(i):
            state = {"open": False, "measuring": True, "got": set(), "lat": [], "sale_lat": [], "sale_seen": {},
                     "error": None, "viewer_frames": 0, "seq": 0, "src": sources[i % len(sources)], "reconnects": 0}
            self.viewers.append(state)
            await self._viewer(base_url, state, sample=(i % 4 == 0))

        tasks = []
        for i in range(count):
            tasks.append(self.loop.create_task(one(i)))
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks, return_exceptions=True)
        return {"open": sum(v["open"] for v in self.viewers)}

    async def _viewer(self, base_url, state, sample):
        def lost(proto):
            if not state.get("closing"):
                self.loop.call_later(0.25 + 0.5 * (hash(state["src"]) % 4) / 4, lambda: self.loop.create_task(
                    self._viewer(base_url, state, sample)))
        url = base_url + (f"?after={state['seq']}" if state["seq"] else "")
        if state["seq"]:
            state["reconnects"] += 1
        state["error"] = None
        try:
            await self._open(url, state["src"], state, sample, on_lost=lost)
        except Exception as exc:  # noqa: BLE001 - try again, as the page does
            state["error"] = repr(exc)[:100]
            if not state.get("closing"):
                self.loop.call_later(1.0, lambda: self.loop.create_task(self._viewer(base_url, state, sample)))

    async def senders_stop(self):
        self.stopped = True
        return True

    async def viewers_open(self):
        return sum(v["open"] for v in self.viewers), len(self.viewers)

    async def viewers_collect(self, expected):
        lat = [x for v in self.viewers for x in v["lat"]]
        lost = sum(len(expected - v["got"]) for v in self.viewers)
        missing_viewers = sum(1 for v in self.viewers if expected - v["got"])
        return {"lat": lat, "lost": lost, "viewers_missing_some": missing_viewers,
                "reconnects": sum(v["reconnects"] for v in self.viewers)}

    async def viewers_close(self):
        for v in self.viewers:
            v["closing"] = True
        return True

    # -- senders: chat and reactions ----------------------------------------
    async def senders(self, url, cookies, sources, chat_per_s, reactions_per_s, seconds):
        import websockets

        sent, pending, refused = {}, {}, {}

        async def sender(idx, cookie):
            every_chat = len(cookies) / chat_per_s
            every_react = len(cookies) / reactions_per_s
            end = time.monotonic() + seconds
            while time.monotonic() < end and not self.stopped:
                try:
                    async with websockets.connect(url, origin=ORIGIN, additional_headers={"Cookie": cookie},
                                                  open_timeout=15, local_addr=(sources[idx % len(sources)], 0)) as ws:
                        async def drain():  # a message counts as sent once the room acked it
                            with contextlib.suppress(Exception):
                                async for raw in ws:
                                    if '"ref"' in raw:
                                        f = json.loads(raw)
                                        key = pending.pop(f.get("ref"), None)
                                        if key is None:
                                            continue
                                        if f.get("type") == "ack":
                                            sent[key[0]] = key[1]
                                        else:
                                            refused[f.get("code")] = refused.get(f.get("code"), 0) + 1
                        reader = self.loop.create_task(drain())
                        start = time.monotonic()
                        next_chat = start + (idx / len(cookies)) * every_chat
                        next_react = start + (idx / len(cookies)) * every_react
                        n = counters.get(idx, 0)
                        while time.monotonic() < end and not self.stopped:
                            now = time.monotonic()
                            if now >= next_chat:
                                n += 1
                                counters[idx] = n
                                t = time.time()
                                pending[f"c{idx}-{n}"] = ((idx, n), t)
                                await ws.send(json.dumps({"v": 1, "type": "chat.send", "ref": f"c{idx}-{n}",
                                                          "text": f"{idx}:{n}:{t:.6f}"}))
                                next_chat += every_chat
                            if now >= next_react:
                                await ws.send(json.dumps({"v": 1, "type": "reaction", "kind": "heart"}))
                                next_react += every_react
                            await asyncio.sleep(max(0.0, min(next_chat, next_react) - time.monotonic()))
                        reader.cancel()
                except Exception:  # noqa: BLE001 - a sender whose worker died reconnects, as the page does
                    await asyncio.sleep(0.5)

        counters = {}
        await asyncio.gather(*[sender(i, c) for i, c in enumerate(cookies)])
        return {"sent": sent, "refused": refused, "unanswered": len(pending)}

    # -- buyers: one socket each, one sale.buy at the same moment ------------
    async def buyers_press(self, at_wall):
        self.press_at = at_wall
        return self.buyers_in

    async def buyers_joined(self):
        return self.buyers_in

    async def buyers(self, url, cookies, sources, sale_id, price, double_every):
        """The buyers join now and wait in the room; they press when ``buyers_press`` says."""
        import websockets

        results = []

        async def buyer(i, cookie):
            try:
                async with websockets.connect(url, origin=ORIGIN, additional_headers={"Cookie": cookie}, open_timeout=30,
                                              local_addr=(sources[i % len(sources)], 0), max_queue=None) as ws:
                    self.buyers_in += 1
                    while self.press_at is None:
                        await asyncio.sleep(0.05)
                    await asyncio.sleep(max(0.0, self.press_at + (i % 100) / 100 - time.time()))  # within one second
                    key = f"drill-purchase-{i}"
                    frame = {"v": 1, "type": "sale.buy", "sale_id": sale_id, "quantity": 1, "unit_price": price, "key": key}
                    t0 = time.monotonic()
                    taps = 2 if i % double_every == 0 else 1
                    for tap in range(taps):
                        await ws.send(json.dumps({**frame, "ref": f"b{i}-{tap}"}))
                    answers = {}
                    async with asyncio.timeout(60):  # no answer within a minute: counted as unanswered
                        async for raw in ws:
                            if '"ref"' in raw:
                                f = json.loads(raw)
                                if f.get("ref", "").startswith(f"b{i}-"):
                                    answers[f["ref"]] = f
                                    if len(answers) == taps:
                                        break
                    ms = (time.monotonic() - t0) * 1000
                    kinds = [a["type"] if a["type"] == "ack" else a.get("code") for a in answers.values()]
                    results.append({"buyer": i, "ms": ms, "answers": kinds})
            except Exception as exc:  # noqa: BLE001 - a buyer with no answer is counted
                results.append({"buyer": i, "ms": None, "answers": [], "error": repr(exc)[:100]})

        await asyncio.gather(*[buyer(i, c) for i, c in enumerate(cookies)])
        return results

    # -- floods --------------------------------------------------------------
    async def flood(self, url, sources, sockets, frame, per_socket_rate, seconds, open_rate):
        """``sockets`` attacker sockets; each sends ``frame`` at ``per_socket_rate``/s (0: just holds)."""
        stats = {"tried": sockets, "opened": 0, "refused": 0, "closed_by_server": 0, "close_after_s": []}
        end = time.monotonic() + seconds
        holders = []

        async def attacker(i):
            state = {"open": False, "measuring": False, "got": set(), "lat": [], "sale_lat": [], "sale_seen": {},
                     "error": None, "viewer_frames": 0, "seq": 0}
            try:
                proto = await self._open(url, sources[i % len(sources)], state,
                                         cls=DrillViewer if per_socket_rate else HoldingSocket)
            except Exception:  # noqa: BLE001 - refused at the door (429 from nginx, 403/4429 from the app)
                stats["refused"] += 1
                return
            stats["opened"] += 1
            holders.append(proto)
            t0 = time.monotonic()
            payload = json.dumps(frame) if frame else None
            while time.monotonic() < end and state["open"]:
                if payload and per_socket_rate:
                    proto.ws.send_text(payload.encode())
                    proto._write()
                    await asyncio.sleep(1 / per_socket_rate)
                else:
                    await asyncio.sleep(0.2)
            if not state["open"] and not state.get("closing"):
                stats["closed_by_server"] += 1
                stats["close_after_s"].append(time.monotonic() - t0)

        tasks = []
        for i in range(sockets):
            tasks.append(self.loop.create_task(attacker(i)))
            if open_rate:
                await asyncio.sleep(1 / open_rate)
        await asyncio.gather(*tasks, return_exceptions=True)
        for p in holders:
            p.close()
        c = sorted(stats.pop("close_after_s"))
        stats["close_after_p50_s"] = round(c[len(c) // 2], 2) if c else None
        stats["close_after_max_s"] = round(c[-1], 2) if c else None
        return stats


def agent_main(conn):
    raise_fd_limit()

    async def main():
        await Agent(conn).run()

    asyncio.run(main())


class AgentProc:
    def __init__(self):
        ctx = mp.get_context("spawn")
        self.pipe, child = ctx.Pipe()
        self.proc = ctx.Process(target=agent_main, args=(child,), daemon=True)
        self.proc.start()
        self.ids, self.done = 0, {}
        self.lock = threading.Lock()

    def send(self, cmd, *arg) -> int:
        with self.lock:
            self.ids += 1
            self.pipe.send((self.ids, cmd, arg))
            return self.ids

    def wait(self, cid, timeout=300):
        deadline = time.monotonic() + timeout
        while True:  # several driver threads share the pipe: one reads at a time, answers go to their callers
            with self.lock:
                if cid in self.done:
                    return self.done.pop(cid)
                if self.pipe.poll(0.05):
                    k, v = self.pipe.recv()
                    self.done[k] = v
            if time.monotonic() > deadline:
                raise TimeoutError(f"agent command {cid}")

    def call(self, cmd, *arg, timeout=300):
        return self.wait(self.send(cmd, *arg), timeout)


# ---------------------------------------------------------------------------
# HTTP clients (threads in the driver): the home-page prober, slowloris, floods, log-in
# ---------------------------------------------------------------------------


def http_get(path, src, timeout=10.0, headers=None):
    c = http.client.HTTPConnection(HOST, PORT, timeout=timeout, source_address=(src, 0))
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        return r.status, body, r
    finally:
        c.close()


class Prober(threading.Thread):
    """A legitimate visitor loading the home page 4 times a second the whole drill."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples, self.stop = [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                status = http_get("/", addr(4, 0))[0]
            except OSError:
                status = 0
            self.samples.append((time.time(), (time.monotonic() - t0) * 1000, status))
            self.stop.wait(max(0.0, 0.25 - (time.monotonic() - t0)))


def slowloris(sockets, seconds):
    """Connections that send their headers one byte at a time, every 2 s: how soon nginx drops them."""
    conns, started = [], time.monotonic()
    for i in range(sockets):
        try:
            s = socket.create_connection((HOST, PORT), timeout=2, source_address=(addr(14, i % 5), 0))
            s.setblocking(False)
            conns.append([s, time.monotonic(), None])
        except OSError:
            pass
    payload = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: " + b"b" * 10000
    pos = 0
    while time.monotonic() - started < seconds and any(c[2] is None for c in conns):
        for c in conns:
            if c[2] is not None:
                continue
            try:
                c[0].send(payload[pos:pos + 1])
                try:
                    if c[0].recv(1024) == b"":
                        c[2] = time.monotonic() - c[1]
                except BlockingIOError:
                    pass
            except OSError:
                c[2] = time.monotonic() - c[1]
        pos += 1
        time.sleep(2.0)
    closed = [c[2] for c in conns if c[2] is not None]
    for c in conns:
        c[0].close()
    return {"sockets": len(conns), "closed_by_server": len(closed),
            "close_after_max_s": round(max(closed), 1) if closed else None}


def http_flood(paths, sources, requests, concurrency):
    """``requests`` GETs as fast as ``concurrency`` threads go; counts what nginx and the app refused."""
    counts: dict[int, int] = {}
    lock = threading.Lock()
    it = iter(range(requests))

    def work(k):
        while True:
            with lock:
                i = next(it, None)
            if i is None:
                return
            try:
                status = http_get(paths[i % len(paths)], sources[k % len(sources)], timeout=5)[0]
            except OSError:
                status = 0
            with lock:
                counts[status] = counts.get(status, 0) + 1

    threads = [threading.Thread(target=work, args=(k,)) for k in range(concurrency)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"requests": requests, "seconds": round(time.monotonic() - t0, 1), "status": {str(k): v for k, v in sorted(counts.items())}}


def login_attempt(email, password, src):
    """allauth's log-in form, as a browser posts it; True when it logged in."""
    c = http.client.HTTPConnection(HOST, PORT, timeout=15, source_address=(src, 0))
    try:
        c.request("GET", "/tai-khoan/login/")
        r = c.getresponse()
        body = r.read().decode()
        cookie = "; ".join(h.split(";", 1)[0] for k, h in r.getheaders() if k.lower() == "set-cookie")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not token:
            return False, r.status
        from urllib.parse import urlencode

        form = urlencode({"csrfmiddlewaretoken": token.group(1), "login": email, "password": password})
        c.request("POST", "/tai-khoan/login/", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Referer": ORIGIN + "/tai-khoan/login/"})
        r = c.getresponse()
        r.read()
        ok = r.status == 302 and any(k.lower() == "set-cookie" and "sessionid=" in h for k, h in r.getheaders())
        return ok, r.status
    finally:
        c.close()


# ---------------------------------------------------------------------------
# The topology and the data
# ---------------------------------------------------------------------------


def print_timeline(lat, home_samples, phases) -> None:
    """One JSON line per second: which seconds of a phase make its p99 (a join's backlog, a pause)."""
    if not lat:
        return
    by_second, home_by_second = {}, {}
    for t, ms in lat:
        by_second.setdefault(int(t), []).append(ms)
    for t, ms, _status in home_samples:
        home_by_second.setdefault(int(t), []).append(ms)
    first = min(by_second)
    for row in phases:
        print(json.dumps({"timeline_phase": row["phase"], "from_s": round(row["t0"] - first, 1),
                          "to_s": round(row["t1"] - first, 1)}), flush=True)
    for second in sorted(by_second):
        chat, home = by_second[second], home_by_second.get(second, [])
        print(json.dumps({"second": second - first, "chat_n": len(chat), "chat_p50_ms": round(percentile(chat, 0.5), 1),
                          "chat_p99_ms": round(percentile(chat, 0.99), 1),
                          "home_max_ms": round(max(home), 1) if home else None}), flush=True)


def prod(cmd: str, env: dict) -> None:
    subprocess.run([str(BASE / "deploy" / "run-prod.sh"), cmd], cwd=BASE, env=env, check=True)


def prod_env() -> dict:
    return {**os.environ, "PROD_DIR": str(VAR), "PROD_LISTEN": f"{HOST}:{PORT}", "PROD_APP_PORT": "8191",
            "PROD_WORKERS": "2", "DATABASE_URL": os.environ.get("DRILL_DATABASE_URL",
                                                                "postgres://postgres@127.0.0.1:5432/chodem_drill")}


def pid_of(name: str) -> int | None:
    try:
        return int((VAR / "run" / f"{name}.pid").read_text())
    except (OSError, ValueError):
        return None


def workers_rss_mb() -> float:
    total = 0
    for i in (1, 2):
        pid = pid_of(f"asgi-{i}")
        with contextlib.suppress(psutil.Error):
            total += psutil.Process(pid).memory_info().rss if pid else 0
    return round(total / 2**20, 1)


def setup_data(senders: int, buyers: int, quantity: int, sale_closes_in: float):
    """The host, the live show with its flash sale, the senders' and buyers' sessions (database sessions)."""
    for line in (VAR / "env").read_text().splitlines():
        k, _, v = line.partition("=")
        os.environ[k] = v
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # axes logs every session the drill opens
    from datetime import timedelta

    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import user_create
    from live.services import show_create
    from selling.models import FlashSale
    from selling.tasks import sale_close_schedule

    host = user_create(email="drill-host@example.vn", password=PASSWORD, full_name="Chủ Thể Diễn Tập")
    now = timezone.now()
    show = show_create(title="Diễn tập", host=host, scheduled_start=now, scheduled_end=now + timedelta(days=1))
    sale_id, price = flash_sale.create_sale(show)
    with transaction.atomic():
        closes = timezone.now() + timedelta(seconds=sale_closes_in)
        FlashSale.objects.filter(pk=sale_id).update(quantity=quantity, per_buyer_cap=1, closes_at=closes)
        sale_close_schedule(sale_id=sale_id, at=closes)

    def sessions(prefix, n):
        users = [User(email=f"{prefix}{i}@example.vn") for i in range(n)]
        for i, u in enumerate(users):
            u.set_full_name(f"Người xem {i}")
            u.set_unusable_password()
        User.objects.bulk_create(users)
        cookies = []
        for u in User.objects.filter(email__startswith=prefix).order_by("pk"):
            client = Client()
            client.force_login(u)
            cookies.append(f"sessionid={client.cookies['sessionid'].value}")
        return cookies

    return {"room": show.room.pk, "show": show.pk, "sale": (sale_id, price), "closes_at": closes.timestamp(),
            "senders": sessions("drill-sender", senders), "buyers": sessions("drill-buyer", buyers)}


# ---------------------------------------------------------------------------
# The drill
# ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="a few seconds per phase, 200 viewers (CI)")
    parser.add_argument("--viewers", type=int, help="viewers in the room (default 1,000; short: 200)")
    parser.add_argument("--rush", type=int, help="buyers in the sale's opening rush (default 500; short: 100)")
    parser.add_argument("--phases", help="comma-separated subset of the phases, in the drill's order (default: all)")
    parser.add_argument("--timeline", action="store_true",
                        help="also print chat p50/p99 and the home page's worst load for every second of the drill")
    args = parser.parse_args()
    short = args.short
    viewers = args.viewers or (200 if short else 1000)
    rush = args.rush or (100 if short else 500)
    quantity = rush * 3 // 5  # the rush sells out: 40 % of the buyers are told "sold out"
    phase_s = 4.0 if short else 15.0
    storm = 1000 if short else 5000
    raise_fd_limit()

    env = prod_env()
    if (VAR / "nginx" / "nginx.pid").exists():
        prod("stop", env)
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as pg:
        pg.execute("DROP DATABASE IF EXISTS chodem_drill WITH (FORCE)")
    prod("start", env)
    results, phases = {}, []
    agents = []
    try:
        data = setup_data(senders=50, buyers=rush, quantity=quantity, sale_closes_in=10_000)
        url = f"ws://{HOST}:{PORT}/ws/rooms/{data['room']}/"
        # Each kind of client in its own processes, as on separate machines: an agent's event
        # loop busy opening 2,500 attacker sockets would delay the frames of the viewers it
        # also held, and their chat p99 would measure the load client, not the server.
        agents = [AgentProc() for _ in range(6)]
        a, b, c, d, e, f = agents  # viewers a and b; senders c; buyers d; attackers e and f
        t_conn = time.monotonic()
        half = viewers // 2
        sources = [addr(1, i) for i in range(max(10, viewers // 20))]  # 20 viewers per address
        ids = [(a, a.send("viewers_connect", url, sources[0::2], half, 100.0)),
               (b, b.send("viewers_connect", url, sources[1::2], viewers - half, 100.0))]
        opened = sum(ag.wait(i)["open"] for ag, i in ids)
        print(json.dumps({"phase": "join", "viewers": viewers, "open": opened, "seconds": round(time.monotonic() - t_conn, 1)}),
              flush=True)
        prober = Prober()
        prober.start()
        plan = ["calm", "flash_sale_rush", "connection_storm", "ping_flood", "signalling_flood", "message_flood",
                "slowloris", "login_brute_force", "http_flood", "kill_worker", "restart_redis", "restart_task_worker"]
        if args.phases:
            wanted = set(args.phases.split(","))
            if wanted - set(plan):
                parser.error(f"unknown phases: {', '.join(sorted(wanted - set(plan)))}")
            plan = [name for name in plan if name in wanted]
        # The senders chat until ``senders_stop`` at the end; this is only their upper bound. A fixed
        # time ran out before the last phases when one phase ran long (the HTTP flood once took
        # 172 s), and those phases then had no chat to measure.
        total = phase_s * len(plan) + 900
        senders_id = c.send("senders", url, data["senders"], [addr(2, i) for i in range(10)], 20.0, 50.0, total)
        rush_id = None
        if "flash_sale_rush" in plan:
            # The buyers are in the room before the sale opens, as real buyers are (they watch the
            # countdown): they join with the viewers, before the calm phase, and press in the rush.
            # (Joining at the press measured a join storm, which the connection storm phase does.)
            rush_id = d.send("buyers", url, data["buyers"], [addr(3, i) for i in range(20)], data["sale"][0],
                             data["sale"][1], 2)
            joined_by = time.monotonic() + 60
            while d.call("buyers_joined") < rush and time.monotonic() < joined_by:
                time.sleep(0.2)
            print(json.dumps({"phase": "join", "buyers": rush, "open": d.call("buyers_joined")}), flush=True)
        time.sleep(1.0)

        def in_room():
            n = [ag.call("viewers_open") for ag in (a, b)]
            return 100.0 * sum(x[0] for x in n) / max(1, sum(x[1] for x in n))

        def watch(seconds, extra=None):
            """Sample the share in the room every 0.5 s for ``seconds`` (while ``extra`` runs)."""
            samples = []
            end = time.monotonic() + seconds
            while time.monotonic() < end or (extra is not None and extra.is_alive()):
                samples.append((time.monotonic(), in_room()))
                time.sleep(0.5)
            return samples

        def run_phase(name, action=None):
            t0 = time.time()
            rss0 = workers_rss_mb()
            out = {}
            th = None
            if action is not None:
                th = threading.Thread(target=lambda: out.update(action() or {}))
                th.start()
            samples = watch(phase_s, th)
            if th is not None:
                th.join()
            row = {"phase": name, "t0": t0, "t1": time.time(), "in_room_min_pct": round(min(s[1] for s in samples), 1),
                   "rss_mb_start": rss0, "rss_mb": workers_rss_mb(), **out}
            if "back_at" in out:  # a fault: from the fault until >= 99 % are back in the room (after the dip)
                at = row.pop("back_at")
                dip = next((i for i, x in enumerate(samples) if x[0] >= at and x[1] < 99.0), None)
                back = None if dip is None else next((x[0] for x in samples[dip:] if x[1] >= 99.0), None)
                row["back_in_room_s"] = 0.0 if dip is None else (round(back - at, 1) if back else None)
            phases.append(row)
            print(json.dumps({k: v for k, v in row.items() if k not in ("t0", "t1")}, ensure_ascii=False), flush=True)
            return row

        def do_rush():
            d.call("buyers_press", time.time() + 2.0)
            res = d.wait(rush_id, timeout=60)
            if isinstance(res, dict):
                return {"buyers_error": res}
            ms = [r["ms"] for r in res if r["ms"] is not None]
            acks = sum(r["answers"].count("ack") for r in res)
            results["rush"] = res
            return {"buyers": len(res), "answered": len(ms), "buyer_p99_ms": round(percentile(ms, 0.99), 1),
                    "acks": acks, "refused": {k: sum(r["answers"].count(k) for r in res)
                                              for k in {x for r in res for x in r["answers"] if x != "ack"}}}

        def flood(name, frame, sockets, rate, open_rate):
            block = {"storm": 9, "ping": 10, "rtc": 11, "chat": 12}[name]
            attackers = [addr(block, i) for i in range(10 if name == "storm" else 6)]

            def go():
                ids = [(ag, ag.send("flood", url, attackers[k::2], sockets // 2, frame, rate, phase_s, open_rate / 2))
                       for k, ag in enumerate((e, f))]
                parts = [ag.wait(i) for ag, i in ids]
                return {"attack": {k: (sum(p[k] or 0 for p in parts) if "p50" not in k else max(p[k] or 0 for p in parts))
                                   for k in parts[0]}}
            return go

        def do_login():
            wrong = 30 if short else 100
            codes = {}
            for i in range(wrong):
                ok, status = login_attempt("drill-host@example.vn", f"wrong-{i}", addr(15, 0))
                codes[str(status)] = codes.get(str(status), 0) + 1
            ok, status = login_attempt("drill-host@example.vn", PASSWORD, addr(5, 1))
            again, _ = login_attempt("drill-host@example.vn", PASSWORD, addr(15, 0))
            return {"wrong_passwords": wrong, "answers": codes, "host_logs_in_elsewhere": ok,
                    "attacker_address_locked": not again}

        def do_http_flood():
            paths = ["/tim-kiem/?q=buoi", f"/phong-live/{data['show']}/"]
            return {"attack": http_flood(paths, [addr(13, 0), addr(13, 1)], 600 if short else 3000, 20)}

        def do_kill():
            pid = pid_of("asgi-1")
            os.kill(pid, signal.SIGKILL)
            return {"killed_pid": pid, "back_at": time.monotonic()}

        def do_redis():
            subprocess.run([str(BASE / "deploy" / "run-prod.sh"), "restart-redis"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            return {"redis_restarted": True, "back_at": time.monotonic()}

        def do_task_worker():
            # The sale ends during this phase: its end task must still run on the restarted worker.
            # The rush's sale sold out; a second sale (one at a time) is open and due in 3 s, so its
            # end task runs on the worker restarted meanwhile.
            from django.db import transaction
            from django.utils import timezone

            from selling.models import FlashSale
            from selling.tasks import sale_close_schedule

            first = FlashSale.objects.get(pk=data["sale"][0])
            now = timezone.now()
            closes = now + datetime.timedelta(seconds=3)
            with transaction.atomic():
                FlashSale.objects.filter(pk=first.pk, ended_at__isnull=True).update(ended_at=now, end_reason="cancelled")
                second = FlashSale.objects.create(
                    offer_id=first.offer_id, sale_price=first.sale_price, quantity=10, per_buyer_cap=1, countdown_seconds=0,
                    duration_seconds=3, opens_at=now, closes_at=closes)
                sale_close_schedule(sale_id=second.pk, at=closes)
            data["timed_sale"], data["closes_at"] = second.pk, closes.timestamp()
            subprocess.run([str(BASE / "deploy" / "run-prod.sh"), "restart-worker"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            return {"task_worker_restarted": True}

        actions = {
            "calm": None,
            "flash_sale_rush": do_rush,
            "connection_storm": flood("storm", None, storm, 0, 2000),
            "ping_flood": flood("ping", {"v": 1, "type": "ping", "ref": "p"}, 300, 9, 300),
            "signalling_flood": flood("rtc", {"v": 1, "type": "rtc.answer", "to": "x", "sdp": "v=0" + "a" * 2000}, 50, 9, 100),
            "message_flood": flood("chat", {"v": 1, "type": "chat.send", "text": "spam " * 40}, 100, 15, 100),
            "slowloris": lambda: {"attack": slowloris(300 if short else 1000, max(phase_s, 14.0))},
            "login_brute_force": do_login,
            "http_flood": do_http_flood,
            "kill_worker": do_kill,
            "restart_redis": do_redis,
            "restart_task_worker": do_task_worker,
        }
        for name in plan:
            run_phase(name, actions[name])
            time.sleep(0.5)

        c.call("senders_stop")
        chat = c.wait(senders_id, timeout=120)
        sent = chat["sent"]
        print(json.dumps({"phase": "chat", "acked": len(sent), "refused": chat["refused"], "unanswered": chat["unanswered"]}),
              flush=True)
        time.sleep(2.0)
        expected = set(sent)
        collected = [ag.call("viewers_collect", expected) for ag in (a, b)]
        prober.stop.set()
        prober.join()
        lat = [x for r in collected for x in r["lat"]]
        if args.timeline:
            print_timeline(lat, prober.samples, phases)
        for row in phases:
            pl = [ms for t, ms in lat if row["t0"] <= t <= row["t1"] + 0.5]
            row["chat_p99_ms"] = round(percentile(pl, 0.99), 1) if pl else None
            hp = [ms for t, ms, st in prober.samples if row["t0"] <= t <= row["t1"]]
            row["home_p99_ms"] = round(percentile(hp, 0.99), 1) if hp else None
            row["home_failed"] = sum(1 for t, ms, st in prober.samples if row["t0"] <= t <= row["t1"] and st != 200)

        # The sale, from the database: units sold, orders, duplicates, the end.
        from django.db.models import Count

        from selling.models import FlashSale, OrderIntent

        sale = FlashSale.objects.get(pk=data["sale"][0])
        timed = FlashSale.objects.filter(pk=data.get("timed_sale")).first()  # None when its phase did not run
        deadline = time.time() + 15
        while timed is not None and timed.ended_at is None and time.time() < deadline:
            time.sleep(0.5)
            timed.refresh_from_db()
        intents = OrderIntent.objects.filter(flash_sale_id=sale.pk)
        buyers_with_two = intents.values("buyer_id").annotate(n=Count("id")).filter(n__gt=1).count()
        rush_res = results.get("rush", [])
        acked_buyers = sum(1 for r in rush_res if "ack" in r["answers"])
        double_ack_mismatch = sum(1 for r in rush_res if r["answers"].count("ack") not in (0, len(r["answers"])))
        sale_row = {
            "quantity": sale.quantity, "sold": sale.sold, "orders": intents.count(),
            "units_sold_eq_quantity": sale.sold == sale.quantity,
            "lost_orders": max(0, acked_buyers - intents.count()),
            "duplicated_orders": buyers_with_two + max(0, intents.count() - acked_buyers) + double_ack_mismatch,
            "oversold": max(0, sale.sold - sale.quantity),
            "unanswered_buyers": sum(1 for r in rush_res if not r["answers"]),
            "rush_sale_end": sale.end_reason,
            "timed_sale_end": timed and timed.end_reason,
            "ended_late_s": round(timed.ended_at.timestamp() - data["closes_at"], 1) if timed and timed.ended_at else None,
        }
        # On time: the second sale ended by its end task at closes_at, within the worker's poll and its restart.
        sale_row["ended_on_time"] = (sale_row["ended_late_s"] is not None and 0 <= sale_row["ended_late_s"] <= 5.0
                                     and timed.end_reason == "time")
        lost = sum(r["lost"] for r in collected)
        print(json.dumps({"phase": "sale", **sale_row}), flush=True)

        # The table
        print()
        print(f"{'phase':22} {'chat p99':>9} {'in room':>8} {'back in':>8} {'home p99':>9} {'RSS MB':>7}  attackers")
        for row in phases:
            att = row.get("attack") or {}
            if "closed_by_server" in att:
                who = (f"{att.get('opened', att.get('sockets', 0))} opened, {att.get('refused', 0)} refused, "
                       f"{att['closed_by_server']} closed (max {att.get('close_after_max_s')} s)")
            elif "status" in att:
                who = " ".join(f"{k}:{v}" for k, v in att["status"].items())
            elif row["phase"] == "login_brute_force":
                who = f"host elsewhere ok={row['host_logs_in_elsewhere']}, attacker locked={row['attacker_address_locked']}"
            elif row["phase"] == "flash_sale_rush":
                who = f"buyers {row.get('answered')}/{row.get('buyers')} answered, p99 {row.get('buyer_p99_ms')} ms"
            else:
                who = ""
            back = f"{row['back_in_room_s']} s" if row.get("back_in_room_s") is not None else ("never" if "back_in_room_s" in row else "")
            print(f"{row['phase']:22} {row['chat_p99_ms']!s:>9} {row['in_room_min_pct']:>7}% {back:>8} "
                  f"{row['home_p99_ms']!s:>9} {row['rss_mb']:>7}  {who}")
        print(f"sale: {sale_row['sold']}/{sale_row['quantity']} sold, orders {sale_row['orders']}, lost {sale_row['lost_orders']}, "
              f"duplicated {sale_row['duplicated_orders']}, oversold {sale_row['oversold']}, ended {sale_row['ended_late_s']} s "
              f"after closes_at; chat messages sent {len(sent)}, lost {lost}")
        print()

        chat_p99 = max((r["chat_p99_ms"] or 0) for r in phases)
        non_fault = [r for r in phases if "back_in_room_s" not in r]
        faults = [r for r in phases if "back_in_room_s" in r]
        summary = {
            "mode": "short" if short else "full", "viewers": viewers, "rush": rush,
            "legit_chat_p99_ms": chat_p99,
            "legit_in_room_min_pct": min(r["in_room_min_pct"] for r in phases),
            "legit_in_room_min_pct_outside_faults": min(r["in_room_min_pct"] for r in non_fault),
            "back_in_room_max_s": max(((r["back_in_room_s"] if r["back_in_room_s"] is not None else 999) for r in faults),
                                      default=None),
            "lost_messages": lost, "chat_acked": len(sent), "chat_refused": chat["refused"],
            "lost_orders": sale_row["lost_orders"], "duplicated_orders": sale_row["duplicated_orders"],
            "oversold": sale_row["oversold"], "units_sold_eq_quantity": sale_row["units_sold_eq_quantity"],
            "sale_ended_on_time": sale_row["ended_on_time"],
            "buyer_p99_ms": next((r.get("buyer_p99_ms") for r in phases if r["phase"] == "flash_sale_rush"), None),
            "home_p99_ms": max((r["home_p99_ms"] or 0) for r in phases),
            "workers_rss_mb_max": max(r["rss_mb"] for r in phases),
        }
        targets = {
            "legit_chat_p99_ms": summary["legit_chat_p99_ms"] <= 500,
            "in_room_99_outside_faults": summary["legit_in_room_min_pct_outside_faults"] >= 99.0,
            "back_within_10_s": summary["back_in_room_max_s"] is not None and summary["back_in_room_max_s"] <= 10,
            "no_lost_messages": lost == 0,
            "no_lost_or_duplicated_orders": sale_row["lost_orders"] == 0 and sale_row["duplicated_orders"] == 0,
            "not_oversold": sale_row["oversold"] == 0 and sale_row["units_sold_eq_quantity"],
            "sale_ended_on_time": sale_row["ended_on_time"],
            "buyers_answered_p99_2s": (summary["buyer_p99_ms"] or 1e9) <= 2000 and sale_row["unanswered_buyers"] == 0,
            "memory_bounded": summary["workers_rss_mb_max"] <= 1500,
        }
        ran = {r["phase"] for r in phases}
        not_run = {  # a subset of the phases (--phases) is held only to the targets of what ran
            "not_oversold": "flash_sale_rush", "buyers_answered_p99_2s": "flash_sale_rush",
            "no_lost_or_duplicated_orders": "flash_sale_rush", "sale_ended_on_time": "restart_task_worker",
        }
        targets = {k: ok for k, ok in targets.items() if not_run.get(k, next(iter(ran))) in ran}
        if not faults:
            targets.pop("back_within_10_s")
        summary["targets_missed"] = [k for k, ok in targets.items() if not ok]
        print(json.dumps(summary, ensure_ascii=False), flush=True)
        return 1 if summary["targets_missed"] else 0
    finally:
        for ag in agents:
            try:
                ag.pipe.send((0, "exit", ()))
                ag.proc.join(3)
            except Exception:  # noqa: BLE001, S110 - best effort
                pass
            if ag.proc.is_alive():
                ag.proc.terminate()
        prod("stop", env)


if __name__ == "__main__":
    sys.exit(main())
