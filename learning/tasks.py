"""Learning's periodic work on the task worker (``core.scheduling``).

The due reminders (a webinar starting within 24 hours, a run starting within 3 days)
go every 15 minutes; ``ReminderLog`` makes each one go once, so a late or repeated run
sends nothing twice. ``manage.py learning_send_reminders`` runs the same function by hand.
"""

from __future__ import annotations

from datetime import timedelta

from core.scheduling import periodic
from learning.services import reminders_send


@periodic(every=timedelta(minutes=15))
def learning_reminders() -> int:
    """Send the due learning reminders; how many went."""
    return reminders_send()
