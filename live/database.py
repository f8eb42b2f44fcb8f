"""Where a live room's database calls run: a few threads of their own on PostgreSQL.

Channels' ``database_sync_to_async`` runs every database call of a process on one
thread, one after the other. In a flash sale's opening rush (``make drill``) py-spy found
that thread busy for the whole rush, 42 % of it waiting for PostgreSQL: a buy queued for
the sale's row lock held up every viewer's admission and every chat message behind it,
and buyers waited 13-16 s (docs/benchmarks.md, "The drill"). On PostgreSQL a room's calls
therefore run on ``DATABASE_THREADS`` threads, each with its own connection (the psycopg
pool's in production): while one call waits for a lock or a round trip, the others go on.

SQLite takes one writer at a time whatever the threads, so there the setting is 1 and
the calls keep Channels' own thread.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from channels.db import DatabaseSyncToAsync, database_sync_to_async

from live.limits import live_setting

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_executor_size = 0


def room_db(func):
    """``func`` as an awaitable that runs on the room's database threads (old connections closed around it)."""
    size = live_setting("DATABASE_THREADS")
    if size <= 1:
        return database_sync_to_async(func)
    return DatabaseSyncToAsync(func, thread_sensitive=False, executor=_threads(size))


def _threads(size: int) -> ThreadPoolExecutor:
    global _executor, _executor_size
    with _lock:
        if _executor is None or _executor_size != size:  # a test may change the setting
            _executor, _executor_size = ThreadPoolExecutor(max_workers=size, thread_name_prefix="room-db"), size
        return _executor
