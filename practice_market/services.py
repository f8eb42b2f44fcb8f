"""Every write of the practice market (keyword-only ``<thing>_<verb>`` functions)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import Graduation
from practice_market.models import Badge, PracticeAccess


def _opens_practice(graduation: Graduation) -> bool:
    course = graduation.registration.run.course
    return bool(getattr(course.specific, "opens_practice_market", False))


@transaction.atomic
def access_unlock_from_graduation(*, graduation_id: int) -> PracticeAccess | None:
    """Unlock the practice market for the graduate when the course opens it (idempotent).

    A graduation of a course that does not open the practice market unlocks nothing; a
    re-graduation after a revocation unlocks again with the new graduation as evidence.
    """
    graduation = Graduation.objects.select_related("registration__run__course", "registration__user").get(
        pk=graduation_id
    )
    if graduation.is_revoked:
        return None
    user = graduation.registration.user
    Badge.objects.get_or_create(
        user=user,
        kind=Badge.Kind.GRADUATED,
        defaults={"awarded_at": graduation.passed_at, "evidence": {"certificate": graduation.code}},
    )
    if not _opens_practice(graduation):
        return None
    access, created = PracticeAccess.objects.select_for_update().get_or_create(
        user=user, defaults={"graduation": graduation, "unlocked_at": timezone.now()}
    )
    if not created and not access.is_open:
        access.graduation, access.unlocked_at, access.locked_at, access.lock_reason = (
            graduation,
            timezone.now(),
            None,
            "",
        )
        access.save()
    return access


@transaction.atomic
def access_lock_for_revoked_graduation(*, graduation_id: int) -> bool:
    """Lock the practice market again when the graduation that opened it is revoked.

    Unless another graduation of a course that opens the practice market still stands: the
    access stays open and that graduation becomes its evidence.
    """
    graduation = Graduation.objects.get(pk=graduation_id)
    standing = [
        g
        for g in Graduation.objects.filter(registration__user_id=graduation.registration.user_id, revoked_at__isnull=True)
        .exclude(pk=graduation.pk)
        .select_related("registration__run__course")
        .order_by("-passed_at")
        if _opens_practice(g)
    ]
    if standing:
        PracticeAccess.objects.filter(graduation_id=graduation_id).update(graduation=standing[0])
        return False
    changed = PracticeAccess.objects.filter(graduation_id=graduation_id, locked_at__isnull=True).update(
        locked_at=timezone.now(),
        lock_reason=(_("Chứng nhận tốt nghiệp bị thu hồi: %(reason)s") % {"reason": graduation.revoke_reason})[:300],
    )
    Badge.objects.filter(user=graduation.registration.user, kind=Badge.Kind.GRADUATED, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(changed)
