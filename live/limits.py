"""Rate limits and connection caps for live rooms (rules in ``settings.LIVE``).

Two kinds, following zulip's rate limiter: a token bucket per connection (in memory,
cheap, checked on every inbound frame) and fixed windows per user kept in the cache, so
that a user with several sockets on several processes shares one budget.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

DEFAULTS = {
    "TICK_SECONDS": 0.1,
    "MAX_FRAME_BYTES": 8192,
    "CONNECTION_BURST": 20,
    "CONNECTION_RATE": 10.0,
    "VIOLATIONS_BEFORE_CLOSE": 10,
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
        for count, seconds in rules:
            key = f"live:rl:{scope_key}:{seconds}:{now // seconds}"
            cache.add(key, 0, timeout=seconds + 1)
            if cache.incr(key) > count:
                return False
        return True
    except Exception:
        logger.warning("live: rate-limit cache unavailable, allowing %s", scope_key, exc_info=True)
        return True


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
