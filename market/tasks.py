"""The weekly market's timed work, on the task worker (never an in-process timer).

Publishing a session queues (``session_schedule``): the announcement to vendors and buyers
(now), each stall's reminder to its vendor ``REMIND_BEFORE`` its slot, the buyers' reminder
``REMIND_BEFORE`` the opening, the go-live at the opening and the end at the closing. Moving a
slot queues a new reminder; the old one finds the slot moved and does nothing (each reminder
carries the start it was queued for).

The net: a task queued after commit is lost if the process dies in between, so
``market_sessions_sweep`` (periodic, ``core.scheduling``) moves every session whose state is
behind the clock.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from core.scheduling import periodic

logger = logging.getLogger(__name__)

REMIND_BEFORE = timedelta(minutes=30)


@task
def session_announce_task(*, session_id: int) -> int:
    """Tell vendors and buyers the published timetable (e-mail with .ics, notification)."""
    from market import notifications

    return notifications.session_published(session_id=session_id)


@task
def session_go_live_task(*, session_id: int) -> bool:
    from market.timetable import session_go_live

    return session_go_live(session_id=session_id)


@task
def session_end_task(*, session_id: int) -> bool:
    from market.timetable import session_end

    return session_end(session_id=session_id)


@task
def session_reminder_task(*, session_id: int, starts_at: str) -> int:
    """Remind buyers shortly before the opening (nothing if the session moved or was not published)."""
    from market import notifications
    from market.models import Session

    session = Session.objects.filter(pk=session_id).first()
    if session is None or session.state != Session.State.PUBLISHED or session.starts_at.isoformat() != starts_at:
        return 0
    return notifications.session_reminder(session_id=session_id)


@task
def slot_reminder_task(*, slot_id: int, starts_at: str) -> int:
    """Remind a stall's vendor shortly before its slot (nothing if the slot moved since)."""
    from market import notifications
    from market.models import Slot

    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None or slot.starts_at.isoformat() != starts_at:
        return 0
    return notifications.slot_reminder(slot_id=slot_id)


def _later(at: datetime, now: datetime) -> datetime:
    return at if at > now else now


def slot_reminders_schedule(*, slot_id: int, now: datetime | None = None) -> bool:
    """Queue the vendor's reminder before the slot (if it is still ahead); True if queued."""
    from market.models import Slot

    now = now or timezone.now()
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None or slot.starts_at <= now:
        return False
    slot_reminder_task.using(run_after=_later(slot.starts_at - REMIND_BEFORE, now)).enqueue(
        slot_id=slot.pk, starts_at=slot.starts_at.isoformat()
    )
    return True


def session_schedule(*, session_id: int, now: datetime | None = None) -> None:
    """Everything a publication starts: announcement, reminders, go-live and end."""
    from market.models import Session, Slot

    now = now or timezone.now()
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return
    session_announce_task.enqueue(session_id=session.pk)
    session_reminder_task.using(run_after=_later(session.starts_at - REMIND_BEFORE, now)).enqueue(
        session_id=session.pk, starts_at=session.starts_at.isoformat()
    )
    session_go_live_task.using(run_after=session.starts_at).enqueue(session_id=session.pk)
    session_end_task.using(run_after=session.ends_at).enqueue(session_id=session.pk)
    for slot_id in Slot.objects.filter(session=session).values_list("pk", flat=True):
        slot_reminders_schedule(slot_id=slot_id, now=now)


@periodic(every=timedelta(minutes=5))
def market_sessions_sweep() -> int:
    """Move every session whose state is behind the clock (a lost go-live or end task)."""
    from market.models import Session
    from market.timetable import session_end, session_go_live, sessions_due

    now = timezone.now()
    moved = 0
    for session in Session.objects.filter(sessions_due(now=now)).only("pk", "state", "ends_at"):
        if session.ends_at <= now:
            moved += session_end(session_id=session.pk, now=now)
        else:
            moved += session_go_live(session_id=session.pk, now=now)
    return moved
