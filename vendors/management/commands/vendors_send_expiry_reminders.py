"""`manage.py vendors_send_expiry_reminders`: e-mail vendors whose approved documents expire within 30 days.

The task worker runs the same work daily (``vendors.tasks``, started by ``manage.py
run_worker``); this command runs it by hand. Each document is reminded once (the time is
stored on the document), so running it again the same day sends nothing.
"""

import datetime

from django.core.management.base import BaseCommand

from vendors.services import documents_send_expiry_reminders


class Command(BaseCommand):
    help = "E-mail vendors about approved dossier documents expiring within 30 days (each document once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Pretend today is YYYY-MM-DD.")

    def handle(self, *args, today=None, **options):
        count = documents_send_expiry_reminders(today=today)
        self.stdout.write(self.style.SUCCESS(f"{count} document(s) reminded."))
