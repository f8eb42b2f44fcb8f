"""`manage.py learning_send_reminders`: e-mail due reminders, each exactly once.

The task worker runs the same work every 15 minutes (``learning.tasks``, started by
``manage.py run_worker``); this command runs it by hand. Reminders: a webinar starting within 24 hours, and a
run starting within 3 days, to every enrolled learner. ``ReminderLog`` remembers what was
sent, so running it again (or twice at once) sends nothing twice.
"""

from django.core.management.base import BaseCommand

from learning.services import reminders_send


class Command(BaseCommand):
    help = "Send due learning reminders (webinars within 24 h, runs starting within 3 days). Idempotent."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"learning: {sent} reminder(s) sent")
