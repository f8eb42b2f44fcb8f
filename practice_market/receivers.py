"""Graduation unlocks the practice market; a revoked graduation locks it again."""

from __future__ import annotations

from django.dispatch import receiver

from learning.signals import course_pass_revoked, course_passed


@receiver(course_passed, dispatch_uid="practice_market_unlock")
def _unlock(sender, graduation, **kwargs):
    from practice_market import services

    services.access_unlock_from_graduation(graduation_id=graduation.pk)


@receiver(course_pass_revoked, dispatch_uid="practice_market_relock")
def _relock(sender, graduation, **kwargs):
    from practice_market import services

    services.access_lock_for_revoked_graduation(graduation_id=graduation.pk)
