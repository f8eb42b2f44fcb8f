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

Nothing is disabled: cycles are still collected, only less often and over fewer objects.
"""

from __future__ import annotations

import gc
import os

YOUNG_THRESHOLD = int(os.environ.get("LIVE_GC_YOUNG_THRESHOLD", "10000"))


def tune_for_server() -> None:
    """Call once, at the end of the ASGI module's import (not in tests or commands)."""
    if os.environ.get("LIVE_GC_TUNING", "1") == "0":
        return
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
