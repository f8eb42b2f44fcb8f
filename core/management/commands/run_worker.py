"""`manage.py run_worker`: the task worker with its periodic work scheduled.

First ensures every periodic task (``core.scheduling``) has its next run waiting in the
queue (idempotent: several workers starting at once schedule each run once), then runs
django-tasks-db's ``db_worker`` with the same options (``--interval``, ``--queue-name``,
``--batch``, ``--max-tasks``, ``--worker-id``…). Start one per machine or more: they
share the database queue (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL).
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core.scheduling import periodic_ensure_all


class Command(DbWorkerCommand):
    help = "Schedule the periodic tasks (once), then run the database task worker (options as db_worker)."

    def handle(self, *args, **options):
        scheduled = periodic_ensure_all()
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(f"periodic tasks scheduled: {', '.join(scheduled) or 'none (already waiting)'}")
        return super().handle(*args, **options)
