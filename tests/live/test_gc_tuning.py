"""The server's collections between ticks (``live.gc_tuning.collect_between_ticks``)."""

import gc
import weakref

from live import gc_tuning


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
