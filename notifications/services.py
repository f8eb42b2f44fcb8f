"""Every write to notifications (keyword-only, ``<thing>_<verb>``)."""

from __future__ import annotations

from django.utils import timezone

from notifications.models import Notification


def notification_create(*, user_id: int, title: str, body: str = "", url: str = "") -> Notification:
    """One notification for one person (texts cut to their columns, never refused)."""
    return Notification.objects.create(user_id=user_id, title=title[:200], body=body[:1000], url=url[:300])


def notification_mark_read(*, user, notification_id: int) -> bool:
    """Mark one of ``user``'s notifications read; False if it is not theirs (or already read)."""
    return bool(
        Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(read_at=timezone.now())
    )


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
