"""Periodic work on the worker (``core.scheduling``): each registered task has exactly one
next run waiting, at a slot every worker agrees on, and every run queues the next."""

import io
import signal
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import scheduling
from tests.tasks_worker import run_due_tasks

RUN = "core.scheduling.periodic_run"
NAMES = [
    "learning.tasks.learning_reminders",
    "market.tasks.market_sessions_sweep",
    "orders.tasks.orders_overdue_sweep",
    "vendors.tasks.vendors_expiry_reminders",
]


def waiting():
    return sorted(
        (row["args_kwargs"]["kwargs"]["name"], row["run_after"])
        for row in DBTaskResult.objects.filter(task_path=RUN, status="READY").values("args_kwargs", "run_after")
    )


def test_slots_are_aligned_so_every_worker_computes_the_same_one():
    at = datetime(2026, 12, 5, 10, 7, 30, tzinfo=UTC)
    assert scheduling.next_slot(timedelta(minutes=15), now=at) == datetime(2026, 12, 5, 10, 15, tzinfo=UTC)
    assert scheduling.next_slot(timedelta(minutes=15), now=datetime(2026, 12, 5, 10, 15, tzinfo=UTC)) == datetime(
        2026, 12, 5, 10, 30, tzinfo=UTC
    )
    # Daily at 00:00 UTC: 7 o'clock in the morning in Hanoi.
    assert scheduling.next_slot(timedelta(days=1), now=at) == datetime(2026, 12, 6, tzinfo=UTC)


def test_the_registry_holds_the_reminders_and_the_overdue_sweep():
    assert {name: entry.every for name, entry in scheduling.registry().items() if name in NAMES} == {
        "learning.tasks.learning_reminders": timedelta(minutes=15),
        "market.tasks.market_sessions_sweep": timedelta(minutes=5),
        "orders.tasks.orders_overdue_sweep": timedelta(minutes=15),
        "vendors.tasks.vendors_expiry_reminders": timedelta(days=1),
    }


@pytest.mark.django_db
def test_ensuring_twice_schedules_each_task_once():
    at = datetime(2026, 12, 5, 10, 7, 30, tzinfo=UTC)
    assert scheduling.periodic_ensure_all(now=at) == NAMES
    assert scheduling.periodic_ensure_all(now=at) == []
    assert waiting() == [
        ("learning.tasks.learning_reminders", datetime(2026, 12, 5, 10, 15, tzinfo=UTC)),
        ("market.tasks.market_sessions_sweep", datetime(2026, 12, 5, 10, 10, tzinfo=UTC)),
        ("orders.tasks.orders_overdue_sweep", datetime(2026, 12, 5, 10, 15, tzinfo=UTC)),
        ("vendors.tasks.vendors_expiry_reminders", datetime(2026, 12, 6, tzinfo=UTC)),
    ]


@pytest.mark.django_db
def test_a_run_does_its_work_and_queues_the_next_one(monkeypatch):
    calls = []
    name = "tests.orders.test_tasks_periodic.probe"
    monkeypatch.setitem(
        scheduling.REGISTRY, name, scheduling.Periodic(name=name, every=timedelta(minutes=5), func=lambda: calls.append(1) or 42)
    )
    assert scheduling.periodic_ensure(name)
    DBTaskResult.objects.filter(task_path=RUN).update(run_after=timezone.now() - timedelta(seconds=1))  # make it due
    assert run_due_tasks().count(RUN) == 1  # the next run is not due yet: it does not run in the same batch
    assert calls == [1]
    done = DBTaskResult.objects.get(task_path=RUN, status="SUCCESSFUL")
    assert done.return_value == 42
    [(waiting_name, run_after)] = waiting()
    assert waiting_name == name and run_after == scheduling.next_slot(timedelta(minutes=5), now=done.started_at)
    assert not scheduling.periodic_ensure(name)  # the next one is already there


@pytest.mark.django_db
def test_a_failing_run_keeps_the_schedule(monkeypatch):
    name = "tests.orders.test_tasks_periodic.broken"

    def broken():
        raise RuntimeError("the mail server is down")

    monkeypatch.setitem(scheduling.REGISTRY, name, scheduling.Periodic(name=name, every=timedelta(minutes=5), func=broken))
    scheduling.periodic_ensure(name)
    DBTaskResult.objects.filter(task_path=RUN).update(run_after=timezone.now() - timedelta(seconds=1))
    run_due_tasks()
    assert DBTaskResult.objects.get(task_path=RUN, status="FAILED").exception_class_path == "builtins.RuntimeError"
    assert [n for n, _at in waiting()] == [name]


@pytest.mark.django_db(transaction=True)
def test_workers_starting_at_once_schedule_each_task_once():
    name = "orders.tasks.orders_overdue_sweep"
    start = threading.Barrier(6)
    results, errors = [], []

    def worker_start():
        try:
            start.wait(timeout=10)
            results.append(scheduling.periodic_ensure(name))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker_start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(results) == [False] * 5 + [True]
    assert [n for n, _at in waiting()] == [name]


@pytest.fixture
def keep_signal_handlers():
    """The worker installs its own SIGINT/SIGTERM handlers: give the test run its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("keep_signal_handlers")
def test_run_worker_schedules_the_periodic_tasks_then_works_the_queue():
    out = io.StringIO()
    call_command("run_worker", batch=True, reload=False, startup_delay=False, interval=0, stdout=out)
    assert "periodic tasks scheduled: " + ", ".join(NAMES) in out.getvalue()
    assert [n for n, _at in waiting()] == NAMES
    out = io.StringIO()
    call_command("run_worker", batch=True, reload=False, startup_delay=False, interval=0, stdout=out)  # a second worker
    assert "none (already waiting)" in out.getvalue()
    assert [n for n, _at in waiting()] == NAMES
