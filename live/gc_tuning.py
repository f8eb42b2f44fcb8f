"""Garbage-collector settings for the server process that holds the live rooms.

CPython's full (generation-2) collection walks every tracked object of the process.
With ~1,000 sockets open, a daphne process holds some 300,000 of them (Django and
Wagtail's own import-time objects, plus a few hundred per connection: protocol,
transport, consumer, scope, task ...), and one full collection stopped the event loop
for 120-230 ms: measured with ``gc.callbacks`` during ``bench/live_bench.py`` at 1,000
viewers, these pauses were the whole of the p99 tail. Two changes remove most of them:

* ``gc.freeze()`` once the application is imported: the import-time objects never
  become garbage, so full collections stop walking them;
* a larger young-generation threshold: a tick's flush allocates a few objects per
  socket that live until the reactor writes them; with the default threshold (700)
  young collections run in the middle of every flush and promote those short-lived
  objects to the old generation, which then fills up and triggers full collections
  every few seconds. With a larger threshold they die young.

A third change puts the young and middle collections *between* ticks: a collection
that starts in the middle of a flush holds back every socket after it, and with one
frame per socket per tick a single pause of 20-70 ms (measured: middle collections
during a flash sale's HTTP requests at 2,000 viewers) lands on every viewer's copy of
that tick's messages, which is the whole p99 of a measurement. ``collect_between_ticks``
runs them right after a flush, when the loop waits for the next tick anyway. Full
collections stay with CPython's own rule (they start from an automatic collection,
i.e. a burst of allocations such as a join storm), with at most ``FULL_EVERY_SECONDS``
between two full collections so that long-lived garbage is not kept indefinitely.

Collections between ticks never include a full one, so a fourth rule frees what sockets
leave behind: under daphne each closed socket leaves ~50 objects (~16 KB) in reference
cycles (its Twisted transport, HTTP channel and request, autobahn's protocol and
deferreds) that only a full collection frees. Measured with ``gc.DEBUG_SAVEALL`` after
rounds of 2,000 viewers of ``bench/live_bench.py``: 100,000 such objects per round, and
the process grew by 33 MB a round until the ten-minute full collection. uvicorn's sockets
leave none. ``socket_closed`` asks for a full collection once as many sockets have left
as are still open (and at least ``DEPARTED_BEFORE_FULL``), so the garbage never outgrows
the live sockets and the collection, which walks the live objects too, comes once per
that many departures: right after a crowd leaves, when it is cheap.

Nothing is disabled: cycles are still collected, only less often and over fewer objects.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time

YOUNG_THRESHOLD = int(os.environ.get("LIVE_GC_YOUNG_THRESHOLD", "10000"))
BETWEEN_TICKS_MIN_OBJECTS = 2000  # fewer new objects than this: not worth a collection yet
FULL_EVERY_SECONDS = 600.0
DEPARTED_BEFORE_FULL = 500  # fewer departed sockets than this: their garbage can wait
# daphne drops a closed socket's protocol from its table on its next check, once a second:
# only then is that socket's cycle garbage.
FULL_AFTER_DEPARTURE_SECONDS = 2.0

_between_ticks = False
_last_full = time.monotonic()
_open_sockets = 0
_departed = 0  # sockets closed since the last full collection
_full_pending = False


def tune_for_server() -> None:
    """Call once, at the end of the ASGI module's import (not in tests or commands)."""
    global _between_ticks
    if os.environ.get("LIVE_GC_TUNING", "1") == "0":
        return
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    _between_ticks = os.environ.get("LIVE_GC_BETWEEN_TICKS", "1") != "0"
    gc.callbacks.append(_note_full_collections)


def collect_between_ticks() -> None:
    """After a flush: the young collection now (the middle one when it is due), not mid-flush."""
    global _last_full
    if not _between_ticks:
        return
    young, middle, old = gc.get_count()
    if young < BETWEEN_TICKS_MIN_OBJECTS:
        return
    _, middle_threshold, old_threshold = gc.get_threshold()
    if old >= old_threshold and time.monotonic() - _last_full > FULL_EVERY_SECONDS:
        gc.collect(2)
    elif middle + 1 >= middle_threshold:
        gc.collect(1)
    else:
        gc.collect(0)


def socket_opened() -> None:
    global _open_sockets
    _open_sockets += 1


def socket_closed() -> None:
    """Count a departure; once as many sockets have left as remain, a full collection shortly after."""
    global _open_sockets, _departed, _full_pending
    _open_sockets = max(0, _open_sockets - 1)
    _departed += 1
    if not _between_ticks or _full_pending or _departed < max(DEPARTED_BEFORE_FULL, _open_sockets):
        return
    _full_pending = True
    asyncio.get_running_loop().call_later(FULL_AFTER_DEPARTURE_SECONDS, _collect_departed)


def _collect_departed() -> None:
    global _full_pending, _departed
    _full_pending = False
    _departed = 0
    gc.collect(2)


def _note_full_collections(phase: str, info: dict) -> None:
    global _last_full, _departed
    if phase == "stop" and info.get("generation") == 2:
        _last_full = time.monotonic()
        _departed = 0
