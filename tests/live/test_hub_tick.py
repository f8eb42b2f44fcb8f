"""The hub's tick: a full tick of rest after each flush (``RoomHub._tick_loop``)."""

import asyncio
import time

import pytest

from live.hub import RoomHub


class _QuietLayer:
    async def group_send(self, group, message):
        pass


def _hub_with_a_viewer(monkeypatch, flush_seconds: float) -> tuple[RoomHub, list[tuple[float, float]]]:
    hub = RoomHub(7)
    hub.layer = _QuietLayer()
    hub.tick = 0.03
    hub.subscribers.add(object())
    hub.last_sample = hub.last_resync = float("inf")  # no database work in these ticks
    flushes: list[tuple[float, float]] = []

    async def flush():
        started = time.monotonic()
        time.sleep(flush_seconds)  # a fan-out holds the loop, as writing to thousands of sockets does
        flushes.append((started, time.monotonic()))

    monkeypatch.setattr(hub, "_flush", flush)
    return hub, flushes


async def _run_ticks(hub: RoomHub, seconds: float) -> None:
    ticking = asyncio.create_task(hub._tick_loop())
    await asyncio.sleep(seconds)
    ticking.cancel()
    with pytest.raises(asyncio.CancelledError):
        await ticking


async def test_a_slow_flush_is_followed_by_a_full_tick_for_inbound_work(monkeypatch):
    hub, flushes = _hub_with_a_viewer(monkeypatch, flush_seconds=0.025)
    await _run_ticks(hub, 0.6)
    rests = [nxt[0] - prev[1] for prev, nxt in zip(flushes, flushes[1:], strict=False)]
    assert len(rests) >= 5
    # On a fixed 30 ms cadence a 25 ms flush left the loop 5 ms for everything else.
    assert min(rests) >= 0.9 * hub.tick


async def test_a_quiet_room_flushes_every_tick(monkeypatch):
    hub, flushes = _hub_with_a_viewer(monkeypatch, flush_seconds=0.0)
    await _run_ticks(hub, 0.6)
    # 20 ticks fit in 0.6 s; a busy test machine may wake the loop late, never early.
    assert 0.6 / hub.tick / 2 <= len(flushes) <= 0.6 / hub.tick + 1
