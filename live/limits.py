"""Rate limits and connection caps for live rooms (rules in ``settings.LIVE``).

Two kinds, following zulip's rate limiter: a token bucket per connection (in memory,
cheap, checked on every inbound frame) and fixed windows per user kept in the cache, so
that a user with several sockets on several processes shares one budget.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import Counter

from django.conf import settings
from django.core.cache import cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

logger = logging.getLogger(__name__)

DEFAULTS = {
    "TICK_SECONDS": 0.1,
    "MAX_FRAME_BYTES": 8192,
    "CONNECTION_BURST": 20,
    "CONNECTION_RATE": 10.0,
    "VIOLATIONS_BEFORE_CLOSE": 10,
    "ADDRESS_VIOLATIONS_BEFORE_CLOSE": 30,
    "USER_CHAT_RULES": [(5, 5), (30, 60)],
    "USER_REPORT_RULES": [(10, 60)],
    "MAX_CONNECTIONS_PER_USER": 5,
    "MAX_CONNECTIONS_PER_ADDRESS": 50,
    "OUTBOUND_QUEUE_MAX_EVENTS": 500,
    "OUTBOUND_BACKLOG_BYTES": 512 * 1024,
    "REPLAY_MAX_EVENTS": 1000,
    "HISTORY_EVENTS": 100,
    "RESYNC_SECONDS": 2.0,
    "PRESENCE_HEARTBEAT_SECONDS": 10.0,
    "DIRECT_WRITE": True,
    "EXTENSION_CALLS_IN_FLIGHT": 4,
    "ANONYMOUS_ADMISSION_SECONDS": 1.0,
    "DATABASE_THREADS": 1,
    "ADDRESS_BURST": 60,
    "ADDRESS_RATE": 30.0,
    "ROOM_BURST": 1500,
    "ROOM_RATE": 600.0,
    "HANDSHAKE_BURST": 30,
    "HANDSHAKE_RATE": 10.0,
    "BACKOFF_SECONDS": 10.0,
    "BACKOFF_MAX_SECONDS": 120.0,
}


def live_setting(name: str):
    return getattr(settings, "LIVE", {}).get(name, DEFAULTS[name])


class TokenBucket:
    """``burst`` tokens, refilled at ``rate`` per second; one token per inbound frame."""

    __slots__ = ("burst", "rate", "tokens", "stamp")

    def __init__(self, burst: int, rate: float):
        self.burst = burst
        self.rate = rate
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def user_rate_allow(scope_key: str, rules) -> bool:
    """Count one action against every ``(count, seconds)`` window; False if any is full.

    The cache is the source of truth across processes. If the cache is unreachable the
    action is allowed (fail open) and logged: the per-connection bucket still applies.
    """
    try:
        now = int(time.time())
        windows = [(f"live:rl:{scope_key}:{seconds}:{now // seconds}", count, seconds) for count, seconds in rules]
        counts = _count_in_windows([(key, seconds + 1) for key, _count, seconds in windows])
        return all(n <= count for n, (_key, count, _seconds) in zip(counts, windows, strict=True))
    except Exception:
        logger.warning("live: rate-limit cache unavailable, allowing %s", scope_key, exc_info=True)
        return True


def _count_in_windows(windows: list[tuple[str, int]]) -> list[int]:
    """Add one to each ``(key, timeout)`` window counter; their new values.

    On Redis, one round trip for all of them (``INCR`` and ``EXPIRE`` pipelined). Chat
    posts go through here on the room's database thread, and two round trips per window
    (``add`` then ``incr``) were half of a chat message's time there (py-spy during
    ``bench/live_bench.py --flash-sale``), time every other chat and purchase queued behind.
    """
    if not isinstance(caches["default"], RedisCache):  # the tests' local memory
        counts = []
        for key, timeout in windows:
            cache.add(key, 0, timeout=timeout)
            counts.append(cache.incr(key))
        return counts
    pipe = get_redis_connection("default").pipeline(transaction=False)
    for key, timeout in windows:
        name = cache.make_key(key)
        pipe.incr(name)
        pipe.expire(name, timeout, nx=True)
    return pipe.execute()[::2]


class ConnectionCaps:
    """Open connections per user and per address in this process."""

    def __init__(self):
        self.by_user: Counter = Counter()
        self.by_address: Counter = Counter()

    def acquire(self, *, user_id: int | None, address: str | None) -> bool:
        if user_id is not None and self.by_user[user_id] >= live_setting("MAX_CONNECTIONS_PER_USER"):
            return False
        if address and self.by_address[address] >= live_setting("MAX_CONNECTIONS_PER_ADDRESS"):
            return False
        if user_id is not None:
            self.by_user[user_id] += 1
        if address:
            self.by_address[address] += 1
        return True

    def address_full(self, address: str | None) -> bool:
        """True when ``address`` already holds its most sockets here: its next one is refused at the handshake."""
        return bool(address) and self.by_address[address] >= live_setting("MAX_CONNECTIONS_PER_ADDRESS")

    def release(self, *, user_id: int | None, address: str | None) -> None:
        if user_id is not None:
            self.by_user[user_id] -= 1
            if self.by_user[user_id] <= 0:
                del self.by_user[user_id]
        if address:
            self.by_address[address] -= 1
            if self.by_address[address] <= 0:
                del self.by_address[address]


caps = ConnectionCaps()


class AddressBuckets:
    """One token bucket per client address in this process (``burst``/``rate`` settings by name).

    A full bucket is the same as no bucket, so full ones are forgotten when the table grows:
    memory follows the number of addresses sending *now*, not of all addresses ever seen.
    """

    def __init__(self, burst_setting: str, rate_setting: str, *, max_addresses: int = 20_000):
        self.burst_setting, self.rate_setting = burst_setting, rate_setting
        self.max_addresses = max_addresses
        self.buckets: dict[str, TokenBucket] = {}

    def take(self, address: str | None) -> bool:
        if not address:
            return True
        bucket = self.buckets.get(address)
        if bucket is None:
            if len(self.buckets) >= self.max_addresses:
                self._forget_full()
            bucket = self.buckets[address] = TokenBucket(
                live_setting(self.burst_setting), live_setting(self.rate_setting)
            )
        return bucket.take()

    def _forget_full(self) -> None:
        now = time.monotonic()
        for address, b in list(self.buckets.items()):
            if b.tokens + (now - b.stamp) * b.rate >= b.burst:
                del self.buckets[address]
        if len(self.buckets) >= self.max_addresses:  # all busy: drop the oldest half rather than grow
            for address in list(self.buckets)[: self.max_addresses // 2]:
                del self.buckets[address]

    def clear(self) -> None:
        self.buckets.clear()


class Backoff:
    """Addresses whose socket was closed for flooding (4429/4413) may not open another for a while.

    The first close costs ``BACKOFF_SECONDS``; each further one within ten minutes doubles
    it, up to ``BACKOFF_MAX_SECONDS``. Without it a flooder reconnected 161 times in 20 s,
    each time with a fresh per-socket budget. Checked at the handshake
    (``live.security.ConnectionGuard``), before any database or session work.
    """

    MEMORY_SECONDS = 600.0

    def __init__(self):
        self.penalties: dict[str, tuple[float, int, float]] = {}  # address -> (until, strikes, last strike)

    def penalize(self, address: str | None) -> float:
        if not address:
            return 0.0
        now = time.monotonic()
        if len(self.penalties) > 20_000:
            self.penalties = {a: p for a, p in self.penalties.items() if now - p[2] < self.MEMORY_SECONDS}
        _until, strikes, last = self.penalties.get(address, (0.0, 0, 0.0))
        strikes = strikes + 1 if now - last < self.MEMORY_SECONDS else 1
        seconds = min(live_setting("BACKOFF_SECONDS") * 2 ** (strikes - 1), live_setting("BACKOFF_MAX_SECONDS"))
        self.penalties[address] = (now + seconds, strikes, now)
        return seconds

    def remaining(self, address: str | None) -> float:
        penalty = self.penalties.get(address) if address else None
        return max(0.0, penalty[0] - time.monotonic()) if penalty else 0.0

    def clear(self) -> None:
        self.penalties.clear()


class Offenders:
    """This process's sockets refused for flooding lately, by client address.

    A flood spread over many sockets, each under its own budget, is one address's flood: once
    the address's refusals within ``WINDOW_SECONDS`` reach ``ADDRESS_VIOLATIONS_BEFORE_CLOSE``,
    or one of its sockets is closed at its own count, every socket of the address refused in
    that window is closed (``RoomConsumer._violation``). Closed one by one, each at its own
    tenth refusal, the drill's ping flood (50 sockets an address) took 1.8 s at the median and
    6 s for the last, and every viewer's chat waited behind it. A socket of the address that
    was never refused (a neighbour behind the same NAT who only watches) stays open.
    """

    WINDOW_SECONDS = 10.0

    def __init__(self):
        self.by_address: dict[str, dict[object, float]] = {}
        self.refusals: dict[str, list[float]] = {}  # address -> [window start, refusals in it]

    def note(self, address: str | None, conn) -> bool:
        """Count one refusal of ``conn``; True when its address has now flooded enough to be closed."""
        if not address:
            return False
        now = time.monotonic()
        self.by_address.setdefault(address, {})[conn] = now
        window = self.refusals.get(address)
        if window is None or now - window[0] > self.WINDOW_SECONDS:
            window = self.refusals[address] = [now, 0]
        window[1] += 1
        return window[1] >= live_setting("ADDRESS_VIOLATIONS_BEFORE_CLOSE")

    def forget(self, address: str | None, conn) -> None:
        conns = self.by_address.get(address) if address else None
        if conns is not None:
            conns.pop(conn, None)
            if not conns:
                del self.by_address[address]
                self.refusals.pop(address, None)

    def take(self, address: str | None) -> list:
        """The address's sockets refused within the window, forgotten as they are handed out."""
        conns = self.by_address.pop(address, None) if address else None
        self.refusals.pop(address, None)
        since = time.monotonic() - self.WINDOW_SECONDS
        return [conn for conn, stamp in (conns or {}).items() if stamp >= since]

    def clear(self) -> None:
        self.by_address.clear()
        self.refusals.clear()


#: inbound frames per client address, over all its sockets in this process
address_frames = AddressBuckets("ADDRESS_BURST", "ADDRESS_RATE")
#: socket handshakes per client address in this process
address_handshakes = AddressBuckets("HANDSHAKE_BURST", "HANDSHAKE_RATE")
backoff = Backoff()
offenders = Offenders()


class DatabaseLane:
    """At most ``size`` calls of one kind queued on (or running in) the database thread at a time.

    Channels runs every database call of a process on one thread, first come, first
    served. At a flash sale's opening hundreds of ``sale.buy`` arrive within a second, and
    every chat message behind them waited for all of them: 200 buys at once put the chat's
    p99 at 1.0-2.6 s (docs/benchmarks.md, "A sale's opening rush"). Calls of a lane wait
    their turn here, on the event loop, so a chat message finds at most ``size`` of them
    ahead of it; a few in flight keep the thread busy between two turns of the loop. The
    total work is the same: the rush is spread, not dropped.
    """

    def __init__(self, setting: str):
        self.setting = setting
        self._semaphores: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # one per event loop

    async def run(self, call, /, **kwargs):
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(live_setting(self.setting))
        async with semaphore:
            return await call(**kwargs)


#: the room extensions' database calls (selling: buys, the order board, offers)
extension_lane = DatabaseLane("EXTENSION_CALLS_IN_FLIGHT")
