"""Periodic work on the task worker (django-tasks has no "beat": this is ours).

django-tasks runs a task once, when it is due (``run_after``). Work that recurs (the
learning reminders every 15 minutes, the dossier expiry reminders every day, the sweep
of overdue orders) is registered here with its interval, and keeps itself going:

* ``periodic(every=…)`` registers a plain function under its dotted name::

      @periodic(every=timedelta(minutes=15))
      def learning_reminders() -> int: ...

  The function stays callable as it is (tests call it directly).
* One task, ``periodic_run(name=…)``, runs any registered function. Before doing the
  work, a run enqueues the next run at the next *slot*: the next multiple of the interval
  since the epoch (so every worker, wherever it runs, computes the same slot). If the
  work fails, the next run is already in the queue; a killed worker loses one run at most
  (the row stays "running"), never the schedule.
* Idempotent: ``periodic_ensure(name)`` enqueues a run only if none is waiting (a READY
  row of ``periodic_run`` for that name in the queue's table, ``DBTaskResult``). The
  check and the insert are serialised: on PostgreSQL by a transaction-level advisory lock
  per name (``pg_advisory_xact_lock``), on SQLite by the write lock every transaction
  takes at its start (``transaction_mode = IMMEDIATE``). So two workers started at once,
  or a run and a starting worker, never schedule the same work twice.
* ``manage.py run_worker`` (``core/management/commands/run_worker.py``) ensures every
  registered task has its next run enqueued, then is ``db_worker`` (same options).
  ``make run`` starts it beside daphne.

The registry is filled by importing the modules that declare periodic work
(``PERIODIC_MODULES``), so a worker and a web process see the same list.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

#: Modules whose ``@periodic`` functions make up the schedule.
PERIODIC_MODULES = ("learning.tasks", "vendors.tasks", "orders.tasks", "market.tasks")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    func: Any


REGISTRY: dict[str, Periodic] = {}


def periodic(*, every: timedelta):
    """Register ``func`` to run every ``every`` on the worker (at slots aligned to the epoch)."""
    if every < timedelta(seconds=1):
        raise ValueError("a periodic task runs at most once a second")

    def register(func):
        name = f"{func.__module__}.{func.__qualname__}"
        REGISTRY[name] = Periodic(name=name, every=every, func=func)
        return func

    return register


def registry() -> dict[str, Periodic]:
    """Every registered periodic task (importing the modules that declare them)."""
    for module in PERIODIC_MODULES:
        import_module(module)
    return REGISTRY


def next_slot(every: timedelta, *, now: datetime | None = None) -> datetime:
    """The first multiple of ``every`` since the epoch strictly after ``now``."""
    now = now or timezone.now()
    elapsed = (now - _EPOCH) // every
    return _EPOCH + (elapsed + 1) * every


def _lock(name: str) -> None:
    """Serialise ``periodic_ensure`` for one name until the transaction ends."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.blake2b(f"periodic:{name}".encode(), digest_size=8).digest(), "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    # SQLite: the transaction already holds the database's write lock (BEGIN IMMEDIATE).


def pending(name: str):
    """The waiting (READY) runs of one periodic task."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=periodic_run.module_path, status="READY", args_kwargs__kwargs__name=name
    )


def periodic_ensure(name: str, *, now: datetime | None = None) -> bool:
    """Enqueue the next run of ``name`` unless one is already waiting; True if this call did."""
    entry = registry()[name]
    with transaction.atomic():
        _lock(name)
        if pending(name).exists():
            return False
        periodic_run.using(run_after=next_slot(entry.every, now=now)).enqueue(name=name)
    return True


def periodic_ensure_all(*, now: datetime | None = None) -> list[str]:
    """Make sure every registered task has its next run waiting; the names this call scheduled."""
    return [name for name in sorted(registry()) if periodic_ensure(name, now=now)]


@task
def periodic_run(*, name: str) -> Any:
    """Run one periodic task: schedule its next run first, then do the work."""
    entry = registry().get(name)
    if entry is None:  # removed from the code since it was scheduled: let it lapse
        logger.warning("scheduling: no periodic task %s any more; not rescheduled", name)
        return None
    periodic_ensure(name)
    return entry.func()
