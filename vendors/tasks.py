"""Vendors' periodic work on the task worker (``core.scheduling``).

Once a day, each approved dossier document that expires within
``VENDORS_EXPIRY_REMINDER_DAYS`` is reminded to its vendor, once (the time is stored on
the document). ``manage.py vendors_send_expiry_reminders`` runs the same function by hand.
"""

from __future__ import annotations

from datetime import timedelta

from core.scheduling import periodic
from vendors.services import documents_send_expiry_reminders


@periodic(every=timedelta(days=1))
def vendors_expiry_reminders() -> int:
    """Remind vendors of documents about to expire; how many documents were reminded."""
    return documents_send_expiry_reminders()
