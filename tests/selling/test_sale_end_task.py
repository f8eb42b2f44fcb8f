"""A flash sale ends on time when the process that started it is killed.

The end is a task in the database queue (``selling.tasks.sale_close``), queued with the
sale; a separate worker process (``manage.py run_worker``) ends it. Nobody reads the room
or buys in between (either would end it lazily, ``sales_close_due``): only the worker can.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from live.models import RoomEvent
from selling.models import FlashSale, ShowOffer
from tests.live import servers
from tests.selling.helpers import go_live

pytestmark = pytest.mark.django_db(transaction=True)

DURATION = 3  # seconds the sale is open
ON_TIME = timedelta(seconds=2)  # how late the worker may end it (it polls every 0.2 s)


def _env() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": servers.test_database_url()}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def test_the_sale_ends_on_time_after_the_process_that_started_it_is_killed(selling_show, vendor_user, tmp_path):
    go_live(selling_show)
    offer = ShowOffer.objects.get(show=selling_show, product__code="B01")
    worker_log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - the worker writes into it until stopped
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload", "-v", "0"],
        cwd=servers.BASE_DIR, env=_env(), stdout=worker_log, stderr=subprocess.STDOUT,
    )
    starter = subprocess.Popen(
        [sys.executable, "tests/selling/sale_starter.py", str(selling_show.pk), str(vendor_user.pk), str(offer.pk), str(DURATION)],
        cwd=servers.BASE_DIR, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        ready, _w, _x = select.select([starter.stdout], [], [], 60)  # bounded: a stuck starter fails the test
        line = starter.stdout.readline() if ready else ""
        assert line, "the starter printed no sale" + ("" if starter.poll() is None else ": " + starter.stderr.read()[-3000:])
        started = json.loads(line)
        os.kill(starter.pid, signal.SIGKILL)  # the process that started the sale is gone, its timers with it
        assert starter.wait(timeout=5) == -signal.SIGKILL
        closes_at = datetime.fromisoformat(started["closes_at"])
        assert timezone.now() < closes_at, "the starter took longer than the sale: raise DURATION"

        sale = FlashSale.objects.get(pk=started["sale_id"])
        deadline = time.monotonic() + DURATION + 10
        while sale.ended_at is None and time.monotonic() < deadline:
            time.sleep(0.1)
            sale.refresh_from_db()
        worker_log.flush()
        assert sale.ended_at is not None, (tmp_path / "worker.log").read_text()[-3000:]
        late = sale.ended_at - sale.closes_at
        print(f"\nsale ended {late.total_seconds():.3f} s after closes_at (worker polling every 0.2 s)")
        assert timedelta(0) <= late <= ON_TIME
        assert sale.end_reason == FlashSale.EndReason.TIME
        ended = RoomEvent.objects.filter(room=selling_show.room, kind="sale.ended")
        assert [(e.payload["sale_id"], e.payload["reason"]) for e in ended] == [(sale.pk, "time")]
        assert worker.poll() is None  # the worker is still serving
    finally:
        if starter.poll() is None:
            starter.kill()
            starter.wait(timeout=5)
        _stop(worker)
        worker_log.close()


@pytest.mark.django_db
def test_the_sale_and_its_end_are_written_together(selling_show, vendor_user):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from tests.selling.helpers import start_sale

    go_live(selling_show)
    offer = ShowOffer.objects.get(show=selling_show, product__code="B01")
    ends = DBTaskResult.objects.filter(task_path="selling.tasks.sale_close")
    with pytest.raises(RuntimeError), transaction.atomic():
        start_sale(selling_show, vendor_user, offer)
        assert ends.count() == 1
        raise RuntimeError("the request fails after the sale was written")
    assert not FlashSale.objects.exists() and not ends.exists()  # rolled back together: no orphan task
    sale = start_sale(selling_show, vendor_user, offer)
    assert list(ends.values_list("run_after", "args_kwargs")) == [(sale.closes_at, {"args": [], "kwargs": {"sale_id": sale.pk}})]
