"""The server's collections between ticks (``live.gc_tuning.collect_between_ticks``)."""

import asyncio
import gc
import weakref

from live import gc_tuning
from tests.waiting import wait_until


class _Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cycle collector frees it


def test_a_ticks_cyclic_garbage_is_collected_right_after_the_flush(monkeypatch):
    monkeypatch.setattr(gc_tuning, "_between_ticks", True)
    gc.disable()  # only the call under test may collect
    try:
        gc.collect()
        garbage = [_Node() for _ in range(gc_tuning.BETWEEN_TICKS_MIN_OBJECTS)]
        refs = [weakref.ref(node) for node in garbage]
        del garbage
        assert all(ref() is not None for ref in refs)
        gc_tuning.collect_between_ticks()
        assert all(ref() is None for ref in refs)
    finally:
        gc.enable()


def test_a_quiet_tick_or_an_untuned_process_collects_nothing(monkeypatch):
    gc.disable()
    try:
        gc.collect()
        node = _Node()
        ref = weakref.ref(node)
        del node
        monkeypatch.setattr(gc_tuning, "_between_ticks", True)
        gc_tuning.collect_between_ticks()  # a few new objects: not worth a collection
        assert ref() is not None
        monkeypatch.setattr(gc_tuning, "_between_ticks", False)  # tests, commands: tuning never installed
        _ = [_Node() for _ in range(gc_tuning.BETWEEN_TICKS_MIN_OBJECTS * 2)]
        gc_tuning.collect_between_ticks()
        assert ref() is not None
    finally:
        gc.enable()
        gc.collect()


def _departed_socket_garbage(count: int) -> list:
    """Stand-ins for what daphne leaves of closed sockets: objects only the cycle collector frees."""
    garbage = [_Node() for _ in range(count)]
    refs = [weakref.ref(node) for node in garbage]
    del garbage
    return refs


async def test_when_as_many_sockets_left_as_remain_their_cyclic_garbage_is_freed(monkeypatch):
    monkeypatch.setattr(gc_tuning, "_between_ticks", True)
    monkeypatch.setattr(gc_tuning, "DEPARTED_BEFORE_FULL", 3)
    monkeypatch.setattr(gc_tuning, "FULL_AFTER_DEPARTURE_SECONDS", 0.01)
    monkeypatch.setattr(gc_tuning, "_open_sockets", 0)
    monkeypatch.setattr(gc_tuning, "_departed", 0)
    monkeypatch.setattr(gc_tuning, "_full_pending", False)
    gc.disable()
    try:
        gc.collect()
        for _ in range(6):
            gc_tuning.socket_opened()
        refs = _departed_socket_garbage(100)
        gc_tuning.socket_closed()
        gc_tuning.socket_closed()  # 2 left, 4 remain: not yet
        await asyncio.sleep(0.05)
        assert all(ref() is not None for ref in refs)
        gc_tuning.socket_closed()  # 3 left, 3 remain: a full collection shortly after
        assert all(ref() is not None for ref in refs)
        await wait_until(lambda: all(ref() is None for ref in refs))
        assert gc_tuning._departed == 0

        later = _departed_socket_garbage(100)
        gc_tuning.socket_closed()  # the count starts again from that collection
        await asyncio.sleep(0.05)
        assert all(ref() is not None for ref in later)
    finally:
        gc.enable()
        gc.collect()


async def test_an_untuned_process_never_collects_on_departures(monkeypatch):
    monkeypatch.setattr(gc_tuning, "_between_ticks", False)  # tests, commands: tuning never installed
    monkeypatch.setattr(gc_tuning, "DEPARTED_BEFORE_FULL", 1)
    monkeypatch.setattr(gc_tuning, "FULL_AFTER_DEPARTURE_SECONDS", 0.01)
    gc.disable()
    try:
        gc.collect()
        refs = _departed_socket_garbage(10)
        gc_tuning.socket_opened()
        gc_tuning.socket_closed()
        await asyncio.sleep(0.05)
        assert all(ref() is not None for ref in refs)
    finally:
        gc.enable()
        gc.collect()
