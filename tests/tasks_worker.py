"""Run the task queue's due tasks in this process, the way ``manage.py db_worker`` does.

``db_worker`` itself installs signal handlers, which only the main thread may do; the
worker's loop (``Worker.run`` in batch mode: every ready task, then return) runs in any
thread, including Channels' database thread under the socket tests. Its calls to
``close_old_connections`` are skipped: inside a test's transaction they would close the
test's own connection (Django's test client skips them too).
"""

from unittest import mock

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_due_tasks() -> list[str]:
    """Run every task that is due now; the dotted paths of those that ran (Wagtail's index
    updates included: Wagtail queues them on the same backend)."""
    before = set(DBTaskResult.objects.finished().values_list("pk", flat=True))
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest",
        excluded_queue_names=[],
    )
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
    return list(DBTaskResult.objects.finished().exclude(pk__in=before).values_list("task_path", flat=True))
