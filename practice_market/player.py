"""The player: a scenario's audience as real WebSocket clients of a live room.

Nothing here touches the room's tables: every comment, purchase and reconnection goes
over the room protocol (docs/live-protocol.md) like a browser's, so the room's rules
(connection caps, rate limits, slow mode, mutes, bans, the show's end) apply to the
simulated viewers as to anyone. The only database work is the run's bookkeeping, done
by the caller through :class:`Control` (``practice_market.tasks`` and ``manage.py
practice_play``).

* One socket per simulated viewer, authenticated by the session cookie made for its
  account, with an ``Origin`` header the site accepts. The personas speak; the others
  watch. Sockets are opened at a pace the server's handshake budget allows, and against
  a server on this machine they are spread over loopback source addresses (127.0.0.2…,
  at most :data:`SOCKETS_PER_ADDRESS` each), as a real audience comes from many homes:
  the per-address caps (50 sockets, 10 handshakes/s) then hold as they would.
* Beats are played in order at ``speed``×: a beat waits for its moment, then for the
  previous comment's ``ack``, so the room gets the comments in the script's order.
  ``rate_limited`` and ``slow_mode`` are waited out and the comment typed again (a
  person would); ``muted``, ``banned_word``, ``show_ended``… are the room saying no: the
  beat is recorded as refused and the show goes on.
* A flash-sale beat (``sale_buy``) waits (beside the comments) for the host's sale to
  open and buys through ``sale.buy`` at the price shown, with one key per beat, so a
  retry after a lost socket never buys twice.
* A lost socket reconnects with jitter and ``?after=<last seq>`` (the protocol's resume);
  a comment whose ``ack`` was lost is found in the replay (its author, its text, after
  the moment it was sent) instead of being sent twice. 4401/4403/4404 end that viewer.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import random
import resource
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import websockets

logger = logging.getLogger(__name__)

SOCKETS_PER_ADDRESS = 40  # under the server's 50 per address
HANDSHAKES_PER_SECOND = 8.0  # per source address, under the server's 10
HANDSHAKE_BURST = 20
OPENING_AT_ONCE = 16
OPEN_TIMEOUT = 10.0
ACK_TIMEOUT = 10.0
RETRY_FOR = 60.0  # how long a comment refused for speed is typed again
FINAL_CLOSE = {4401, 4403, 4404}
WAIT_OUT = {"rate_limited", "slow_mode", "internal"}


class Disconnected(Exception):
    """The socket closed while a frame waited for its answer."""


@dataclass
class Stats:
    opened: int = 0  # handshakes that got a welcome
    reconnects: int = 0
    refused_handshakes: int = 0
    comments_sent: int = 0
    comments_acked: int = 0
    buys: int = 0
    refusals: Counter = field(default_factory=Counter)
    chat_events: int = 0  # chat events received, all viewers together (the fan-out)
    beats: list[dict] = field(default_factory=list)  # {"index", "outcome", "seq"}


def _token_bucket(rate: float, burst: int):
    state = {"tokens": float(burst), "at": time.monotonic()}
    lock = asyncio.Lock()

    async def take() -> None:
        async with lock:
            while True:
                now = time.monotonic()
                state["tokens"] = min(burst, state["tokens"] + (now - state["at"]) * rate)
                state["at"] = now
                if state["tokens"] >= 1:
                    state["tokens"] -= 1
                    return
                await asyncio.sleep((1 - state["tokens"]) / rate)

    return take


class Viewer:
    """One simulated viewer's socket, kept open (and resumed) until :meth:`close`."""

    def __init__(self, player: Player, *, user_id: int, session_key: str, local_addr: str | None, speaks: bool):
        self.player = player
        self.user_id = user_id
        self.cookie = f"{player.cookie_name}={session_key}"
        self.local_addr = local_addr
        self.speaks = speaks
        self.last: int | None = None  # highest seq applied
        self.welcome_seq: int | None = None
        self.ready = asyncio.Event()
        self.ws = None
        self.closed_for_good: int | None = None
        self.pending: dict[str, asyncio.Future] = {}
        self.own_chats: list[tuple[int, str]] = []  # (seq, text) this viewer wrote, as the room recorded them
        self.sale: dict | None = None
        self.parts: dict[str, list[str]] = {}
        self.refs = 0
        self.attempt = 0
        self.held_since: float | None = None
        self.task: asyncio.Task | None = None
        self._opening = False

    # -- the socket ---------------------------------------------------------

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name=f"viewer-{self.user_id}")

    async def _run(self) -> None:
        p = self.player
        while not p.stopping and self.closed_for_good is None:
            url = p.url + (f"?after={self.last}" if self.last is not None else "")
            kwargs = {"local_addr": (self.local_addr, 0)} if self.local_addr else {}
            code = None
            await p.opening.acquire()
            self._opening = True
            try:
                await p.handshake(self.local_addr)
                async with websockets.connect(
                    url,
                    origin=p.origin,
                    additional_headers={"Cookie": self.cookie},
                    open_timeout=OPEN_TIMEOUT,
                    compression=None,
                    proxy=None,
                    max_size=2**22,
                    max_queue=None,
                    user_agent_header="cho-dem-practice-player",
                    **kwargs,
                ) as ws:
                    self.ws = ws
                    async for raw in ws:
                        self._on_text(raw)
                    code = ws.close_code
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
            except websockets.InvalidStatus:
                p.stats.refused_handshakes += 1
            except (OSError, TimeoutError, websockets.InvalidHandshake, websockets.InvalidURI):
                pass
            except asyncio.CancelledError:
                self._opened()
                raise
            self._opened()
            self._lost()
            if code in FINAL_CLOSE:
                self.closed_for_good = code
                p.stats.refusals[f"close_{code}"] += 1
                return
            if p.stopping:
                return
            self.attempt += 1
            cap = 30.0 if code == 4429 else 15.0
            await asyncio.sleep(max(0.25, random.uniform(0, min(cap, 0.5 * 2**self.attempt))))
            p.stats.reconnects += 1

    def _opened(self) -> None:
        """The handshake is over (welcomed or failed): let the next socket open."""
        if self._opening:
            self._opening = False
            self.player.opening.release()

    def _lost(self) -> None:
        self.ws = None
        self.ready.clear()
        if self.held_since is not None:
            self.player.held -= 1
            self.held_since = None
        for future in self.pending.values():
            if not future.done():
                future.set_exception(Disconnected())
        self.pending.clear()

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 2)
        self._lost()

    def abort(self) -> None:
        """Drop the connection without a goodbye (as a network loss would)."""
        if self.ws is not None:
            self.ws.transport.abort()

    # -- what arrives ---------------------------------------------------------

    def _on_text(self, raw: str) -> None:
        try:
            frame = json.loads(raw)
        except ValueError:
            return
        kind = frame.get("type")
        if kind == "part":
            pieces = self.parts.setdefault(frame["id"], [])
            pieces.append(frame["data"])
            if frame.get("last"):
                self._on_text("".join(self.parts.pop(frame["id"])))
            return
        if kind == "welcome":
            self.welcome_seq = frame.get("seq", 0)
            if self.last is None:
                self.last = 0  # a fresh viewer: resume from the recent history it is about to get
            self.sale = (frame.get("selling") or {}).get("sale")
            self.attempt = 0
            self._opened()
            if self.held_since is None:
                self.held_since = time.monotonic()
                self.player.held += 1
                self.player.stats.opened += 1
            return
        if kind in ("replay", "batch"):
            self._apply(frame.get("events") or [])
            if kind == "replay" and frame.get("seq", 0) >= (self.welcome_seq or 0):
                self.last = max(self.last or 0, self.welcome_seq or 0)
                self.ready.set()
            return
        if kind in ("ack", "error"):
            future = self.pending.pop(frame.get("ref") or "", None)
            if future is not None and not future.done():
                future.set_result(frame)

    def _apply(self, events: list[dict]) -> None:
        last = self.last or 0
        for event in events:
            seq = event.get("seq")
            if seq is not None:
                if seq <= last:
                    continue
                last = seq
            kind = event.get("type")
            if kind == "chat":
                self.player.stats.chat_events += 1
                if self.speaks and event.get("user_id") == self.user_id:
                    self.own_chats.append((seq, event.get("text", "")))
                if self.player.observe is not None:
                    self.player.observe(self, event)
            elif self.speaks and kind == "sale.scheduled":
                self.sale = event.get("sale")
            elif self.speaks and kind == "sale.ended" and self.sale and self.sale.get("id") == event.get("sale_id"):
                self.sale = None
        self.last = last

    # -- what a persona does --------------------------------------------------

    async def request(self, frame: dict) -> dict:
        """Send one frame and wait for its ack or error (``Disconnected`` if the socket goes)."""
        await self.ready.wait()
        ws = self.ws
        if ws is None:
            raise Disconnected()
        self.refs += 1
        ref = f"{self.user_id}-{self.refs}"
        future = asyncio.get_running_loop().create_future()
        self.pending[ref] = future
        try:
            await ws.send(json.dumps({"v": 1, **frame, "ref": ref}, ensure_ascii=False))
        except websockets.ConnectionClosed as exc:
            self.pending.pop(ref, None)
            raise Disconnected() from exc
        try:
            return await asyncio.wait_for(future, ACK_TIMEOUT)
        finally:
            self.pending.pop(ref, None)

    def _landed(self, text: str, mark: int) -> int | None:
        for seq, said in self.own_chats:
            if seq > mark and said == text.strip():
                return seq
        return None

    async def say(self, text: str) -> tuple[str, int | None]:
        """Post ``text`` once; ("ok", seq) or (refusal code, None)."""
        p = self.player
        deadline = time.monotonic() + RETRY_FOR
        await self._wait_ready(deadline)
        mark = self.last or 0
        while time.monotonic() < deadline and not p.stopping:
            if not await self._wait_ready(deadline):
                break
            landed = self._landed(text, mark)
            if landed is not None:
                return "ok", landed
            try:
                p.stats.comments_sent += 1
                answer = await self.request({"type": "chat.send", "text": text})
            except (Disconnected, TimeoutError):
                continue
            if answer["type"] == "ack":
                p.stats.comments_acked += 1
                return "ok", answer.get("seq")
            code = answer.get("code", "error")
            if code in WAIT_OUT:
                p.stats.refusals[code] += 1
                await asyncio.sleep(1.0)
                continue
            return code, None
        return ("banned" if self.closed_for_good == 4403 else "timeout"), None

    async def buy(self, *, quantity: int, key: str, wait_for_sale: float) -> tuple[str, int | None]:
        """Buy ``quantity`` in the host's flash sale once it opens; ("ok", intent id) or (refusal code, None)."""
        p = self.player
        give_up = time.monotonic() + wait_for_sale
        while not p.stopping:
            if not await self._wait_ready(give_up):
                return "no_sale", None
            sale = self.sale
            if sale is None or sale.get("state") == "ended":
                if time.monotonic() > give_up:
                    return "no_sale", None
                await asyncio.sleep(0.2)
                continue
            give_up = max(give_up, time.monotonic() + 5)  # a sale is on: see it through its countdown
            try:
                answer = await self.request(
                    {
                        "type": "sale.buy",
                        "sale_id": sale["id"],
                        "quantity": quantity,
                        "unit_price": sale["sale_price"],
                        "key": key,
                    }
                )
            except (Disconnected, TimeoutError):
                continue
            if answer["type"] == "ack":
                p.stats.buys += 1
                return "ok", answer.get("intent_id")
            code = answer.get("code", "error")
            if code in ("sale_not_open", *WAIT_OUT):
                await asyncio.sleep(0.3)
                give_up = max(give_up, time.monotonic() + 5)
                continue
            return code, None
        return "stopped", None

    async def _wait_ready(self, deadline: float) -> bool:
        while not self.ready.is_set():
            if self.closed_for_good is not None or self.player.stopping or time.monotonic() > deadline:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ready.wait(), 0.5)
        return True


@dataclass
class Control:
    """What the player reports to its caller (all optional; each an async callable)."""

    started: Callable[[int], Awaitable[bool]] | None = None  # first_seq → keep going?
    progress: Callable[[int], Awaitable[bool]] | None = None  # beats done → keep going?
    every_second: Callable[[], Awaitable[None]] | None = None


def source_addresses(url: str, count: int) -> list[str | None]:
    """The local address each of ``count`` sockets binds to: loopback ones against a loopback server, else the default."""
    host = urlparse(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback or ":" in host:
        return [None] * count
    return [f"127.0.{(i // SOCKETS_PER_ADDRESS) // 250}.{2 + (i // SOCKETS_PER_ADDRESS) % 250}" for i in range(count)]


class Player:
    """Play a rendered script (``ScenarioRun.script``) into room ``room_id`` of the site at ``base_url``."""

    def __init__(
        self,
        *,
        base_url: str,
        room_id: int,
        script: list[dict],
        sessions: dict[int, str],
        watchers: list[int],
        speed: float,
        key_prefix: str,
        origin: str | None = None,
        cookie_name: str = "sessionid",
        chatter: float = 0.0,
        chatter_texts: list[str] | None = None,
        control: Control | None = None,
        observe: Callable[[Viewer, dict], None] | None = None,
    ):
        parsed = urlparse(base_url)
        scheme = {"http": "ws", "https": "wss"}.get(parsed.scheme, parsed.scheme)
        self.url = f"{scheme}://{parsed.netloc}/ws/rooms/{room_id}/"
        self.origin = origin or f"{'https' if scheme == 'wss' else 'http'}://{parsed.netloc}"
        self.script = sorted(script, key=lambda b: (b["at_seconds"], b["index"]))
        self.speed = speed
        self.key_prefix = key_prefix
        self.cookie_name = cookie_name
        self.chatter = chatter
        self.chatter_texts = chatter_texts or ["Hay quá shop ơi", "Hàng đẹp quá", "Shop ơi còn hàng không ạ", "❤️"]
        self.control = control or Control()
        self.observe = observe
        self.stats = Stats()
        self.held = 0
        self.stopping = False
        speakers = list(dict.fromkeys(b["user_id"] for b in self.script))
        order = speakers + [u for u in watchers if u not in speakers]
        addresses = source_addresses(base_url, len(order))
        self.viewers: dict[int, Viewer] = {}
        for user_id, address in zip(order, addresses, strict=True):
            if user_id in sessions:
                self.viewers[user_id] = Viewer(
                    self, user_id=user_id, session_key=sessions[user_id], local_addr=address, speaks=user_id in speakers
                )
        self._buckets: dict[str | None, Callable] = {}
        # Handshakes in flight at once: each costs the server its admission (session, roles,
        # bans) on its one database thread and a welcome; a crowd arriving all at once (or
        # coming back after a restart) would time out there and come back again and again.
        self.opening = asyncio.Semaphore(OPENING_AT_ONCE)
        self._tasks: list[asyncio.Task] = []

    async def handshake(self, address: str | None) -> None:
        take = self._buckets.get(address)
        if take is None:
            take = self._buckets[address] = _token_bucket(HANDSHAKES_PER_SECOND, HANDSHAKE_BURST)
        await take()

    def speaker(self, user_id: int) -> Viewer | None:
        return self.viewers.get(user_id)

    async def open(self, *, wait_seconds: float = 60.0) -> None:
        """Open every socket; return when the speakers are in (the watchers keep coming)."""
        for viewer in self.viewers.values():
            viewer.start()
        speakers = [v for v in self.viewers.values() if v.speaks]
        deadline = time.monotonic() + wait_seconds
        for viewer in speakers:
            await viewer._wait_ready(deadline)

    async def wait_all_open(self, *, wait_seconds: float) -> None:
        deadline = time.monotonic() + wait_seconds
        for viewer in self.viewers.values():
            await viewer._wait_ready(deadline)

    async def play(self) -> Stats:
        """Play every beat at ``speed``×; the stats. The sockets stay open until :meth:`close`."""
        started = [v.welcome_seq for v in self.viewers.values() if v.speaks and v.welcome_seq is not None]
        first_seq = (max(started) if started else 0) + 1
        if self.control.started is not None and not await self.control.started(first_seq):
            return self.stats
        self._tasks.append(asyncio.create_task(self._heartbeat()))
        if self.chatter > 0:
            self._tasks.append(asyncio.create_task(self._chatter()))
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        buys: list[asyncio.Task] = []
        done = 0
        for beat in self.script:
            if self.stopping:
                break
            delay = t0 + beat["at_seconds"] / self.speed - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            viewer = self.speaker(beat["user_id"])
            if viewer is None:
                self.stats.beats.append({"index": beat["index"], "outcome": "no_viewer", "seq": None})
            elif beat["action"] == "sale_buy":
                buys.append(asyncio.create_task(self._buy(viewer, beat)))
            else:
                outcome, seq = await viewer.say(beat["text"])
                if outcome != "ok":
                    self.stats.refusals[outcome] += 1
                if outcome == "show_ended":  # the host ended the show: the audience goes home
                    self.stopping = True
                self.stats.beats.append({"index": beat["index"], "outcome": outcome, "seq": seq})
            done += 1
            if self.control.progress is not None and not await self.control.progress(done):
                self.stopping = True
        if buys:
            await asyncio.gather(*buys, return_exceptions=True)
            if self.control.progress is not None:
                await self.control.progress(done)
        self.stats.beats.sort(key=lambda b: b["index"])
        return self.stats

    async def _buy(self, viewer: Viewer, beat: dict) -> None:
        wait = max(60, beat.get("expect_within_seconds") or 0) / self.speed
        outcome, intent_id = await viewer.buy(
            quantity=max(1, beat.get("quantity") or 1),
            key=f"{self.key_prefix}-{beat['index']}",
            wait_for_sale=max(5.0, wait),
        )
        if outcome != "ok":
            self.stats.refusals[outcome] += 1
        self.stats.beats.append({"index": beat["index"], "outcome": outcome, "intent_id": intent_id, "seq": None})

    async def _heartbeat(self) -> None:
        while not self.stopping:
            await asyncio.sleep(1.0)
            if self.control.every_second is not None:
                with contextlib.suppress(Exception):
                    await self.control.every_second()

    async def _chatter(self) -> None:
        """The watchers' own small talk, ``chatter`` comments a second in all (a load generator's option)."""
        watchers = [v for v in self.viewers.values() if not v.speaks]
        if not watchers:
            return
        rng = random.Random(7)
        while not self.stopping:
            await asyncio.sleep(1.0 / self.chatter)
            viewer = rng.choice(watchers)
            if viewer.ready.is_set():
                self._tasks.append(asyncio.create_task(self._one_chat(viewer, rng.choice(self.chatter_texts))))

    async def _one_chat(self, viewer: Viewer, text: str) -> None:
        with contextlib.suppress(Disconnected, TimeoutError):
            self.stats.comments_sent += 1
            answer = await viewer.request({"type": "chat.send", "text": text})
            if answer["type"] == "ack":
                self.stats.comments_acked += 1
            else:
                self.stats.refusals[answer.get("code", "error")] += 1

    async def close(self) -> None:
        self.stopping = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(v.close() for v in self.viewers.values()), return_exceptions=True)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ----------------------------------------------------------------------------- a run, start to end


async def play_run(
    run_id: int,
    *,
    base_url: str,
    origin: str | None = None,
    chatter: float = 0.0,
    observe: Callable[[Viewer, dict], None] | None = None,
    report: Callable[[Player], None] | None = None,
    hold_seconds: float = 0.0,
    on_player: Callable[[Player], None] | None = None,
) -> Stats:
    """Play ``ScenarioRun`` ``run_id`` into its room: sessions made, sockets opened, beats played, all closed.

    The run goes queued → running → finished (or failed with the reason; a run stopped
    from the console stays stopped and the player leaves within a second).
    """
    from asgiref.sync import sync_to_async
    from django.conf import settings
    from django.utils.translation import gettext as _

    from practice_market import scenarios
    from practice_market.models import ScenarioRun

    def prepare():
        run = ScenarioRun.objects.select_related("practice_show__show__room", "scenario").get(pk=run_id)
        if run.state != ScenarioRun.State.QUEUED:
            return None
        speakers = list(dict.fromkeys(b["user_id"] for b in run.script))
        watchers = scenarios.watcher_accounts(count=max(0, run.viewers - len(speakers)))
        room_id = run.practice_show.show.room.pk
        scenarios.simulated_guests_add(room_id=room_id, user_ids=speakers + watchers)
        sessions = scenarios.simulated_sessions_create(
            user_ids=speakers + watchers, hours=scenarios.run_session_hours(run)
        )
        return run, room_id, watchers, sessions

    prepared = await sync_to_async(prepare, thread_sensitive=True)()
    if prepared is None:
        return Stats()
    run, room_id, watchers, sessions = prepared
    beats_done = 0

    async def started(first_seq: int) -> bool:
        return await sync_to_async(scenarios.run_mark_running)(run_id=run_id, first_seq=first_seq)

    async def progress(done: int) -> bool:
        nonlocal beats_done
        beats_done = done
        state = await sync_to_async(scenarios.run_progress)(run_id=run_id, beats_done=done)
        return state == ScenarioRun.State.RUNNING

    async def every_second() -> None:
        state = await sync_to_async(scenarios.run_progress)(run_id=run_id, beats_done=beats_done)
        if state != ScenarioRun.State.RUNNING:
            player.stopping = True

    player = Player(
        base_url=base_url,
        origin=origin,
        room_id=room_id,
        script=run.script,
        sessions=sessions,
        watchers=watchers,
        speed=run.speed,
        key_prefix=f"kichban-{run_id}",
        cookie_name=settings.SESSION_COOKIE_NAME,
        chatter=chatter,
        control=Control(started=started, progress=progress, every_second=every_second),
        observe=observe,
    )
    if on_player is not None:
        on_player(player)
    error = ""

    async def reporting() -> None:
        while True:
            report(player)
            await asyncio.sleep(1.0)

    reporter = asyncio.create_task(reporting()) if report is not None else None
    try:
        await player.open()
        if not any(v.ready.is_set() for v in player.viewers.values() if v.speaks):
            error = _("Không vào được phòng: không khán giả mô phỏng nào kết nối được.")
        else:
            await player.play()
            if hold_seconds > 0 and not player.stopping:
                end = time.monotonic() + hold_seconds
                while time.monotonic() < end and not player.stopping:
                    await asyncio.sleep(0.5)
    except Exception as exc:
        logger.exception("practice player: run %s failed", run_id)
        error = f"{type(exc).__name__}: {exc}"
    finally:
        if reporter is not None:
            reporter.cancel()
            report(player)
        await player.close()
        await sync_to_async(scenarios.run_finish)(run_id=run_id, beats_done=beats_done, error=error)
        await sync_to_async(scenarios.simulated_sessions_delete)(session_keys=list(sessions.values()))
        await sync_to_async(scenarios.simulated_guests_remove)(room_id=room_id)
    return player.stats
