"""Badges: milestones of the practice path, each verifiable by its code like the certificate.

* ``GRADUATED``: awarded with the unlock (``practice_market.services``), revoked with the graduation.
* ``FIRST_PRACTICE``: the trainee's first practice show that was scored.
* ``SCORE_90``: a practice show scored 90 or more.
* ``PROMOTED``: approved into the weekly market (``practice_market.promotion``); revoked with it.

A score saved by the scoring service awards the practice badges (``on_score_saved``, connected
in ``PracticeMarketConfig.ready``): the scoring code needs to know nothing of badges. Each award
is idempotent (one badge per person and kind, its code kept); a badge revoked and earned again
is the same badge, awarded anew.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from practice_market.models import Badge, PracticeScore

SCORE_BADGE_MIN = 90


def badge_award(*, user_id: int, kind: str, evidence: dict | None = None, at=None) -> Badge:
    """Give ``user_id`` the badge ``kind`` (idempotent; a revoked one is awarded again)."""
    at = at or timezone.now()
    with transaction.atomic():
        badge, created = Badge.objects.select_for_update().get_or_create(
            user_id=user_id, kind=kind, defaults={"awarded_at": at, "evidence": evidence or {}}
        )
        if not created and badge.revoked_at is not None:
            badge.revoked_at = None
            badge.awarded_at = at
            badge.evidence = evidence or badge.evidence
            badge.save(update_fields=["revoked_at", "awarded_at", "evidence"])
    return badge


def badge_revoke(*, user_id: int, kind: str, at=None) -> bool:
    """Mark the badge revoked (kept, so its code still answers "revoked"); False if none was held."""
    return bool(
        Badge.objects.filter(user_id=user_id, kind=kind, revoked_at__isnull=True).update(
            revoked_at=at or timezone.now()
        )
    )


def _score_evidence(score: PracticeScore) -> dict:
    show = score.practice_show
    return {
        "practice_show": show.pk,
        "title": show.show.title,
        "score": score.total,
        "scenario": show.scenario.title if show.scenario_id else "",
    }


def badges_for_score(*, score_id: int) -> list[Badge]:
    """The practice badges a saved score earns its trainee (first practice show, score ≥ 90)."""
    score = PracticeScore.objects.select_related("practice_show__show", "practice_show__scenario").get(pk=score_id)
    user_id = score.practice_show.trainee_id
    earned = []
    first = (
        PracticeScore.objects.filter(practice_show__trainee_id=user_id)
        .select_related("practice_show__show", "practice_show__scenario")
        .order_by("practice_show__show__scheduled_start", "computed_at", "pk")
        .first()
    )
    if not Badge.objects.filter(user_id=user_id, kind=Badge.Kind.FIRST_PRACTICE).exists():
        earned.append(
            badge_award(
                user_id=user_id, kind=Badge.Kind.FIRST_PRACTICE, evidence=_score_evidence(first), at=first.computed_at
            )
        )
    if score.total >= SCORE_BADGE_MIN and not Badge.objects.filter(user_id=user_id, kind=Badge.Kind.SCORE_90).exists():
        earned.append(
            badge_award(
                user_id=user_id, kind=Badge.Kind.SCORE_90, evidence=_score_evidence(score), at=score.computed_at
            )
        )
    return earned


def on_score_saved(sender, instance: PracticeScore, **kwargs) -> None:
    badges_for_score(score_id=instance.pk)


def connect() -> None:
    post_save.connect(on_score_saved, sender=PracticeScore, dispatch_uid="practice_market.badges.score")


# ----------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class BadgeView:
    """A badge as shown on a profile or the verification page."""

    badge: Badge
    holder: str

    @property
    def kind(self) -> str:
        return self.badge.kind

    @property
    def label(self) -> str:
        return self.badge.get_kind_display()


def badges_of_vendor(vendor) -> list[BadgeView]:
    """The current (not revoked) badges of the people of ``vendor``, in the order they were earned."""
    badges = (
        Badge.objects.filter(user__vendor_memberships__vendor=vendor, revoked_at__isnull=True)
        .select_related("user")
        .order_by("awarded_at", "pk")
        .distinct()
    )
    return [BadgeView(badge=b, holder=b.user.get_full_name() or b.user.get_short_name()) for b in badges]


def badge_find(code: str) -> Badge | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Badge.objects.select_related("user").filter(code=code).first()
