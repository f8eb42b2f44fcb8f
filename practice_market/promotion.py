"""Promotion into the weekly night market: eligibility with its evidence, and the decisions.

``eligibility_evaluate`` checks a trainee against the organizers' ``PromotionCriteria`` (one
row, edited in the Wagtail admin; defaults when none was saved) and returns every criterion
met or not with what shows it. The services (keyword-only ``<thing>_<verb>``) write:

* ``endorsement_add``: an instructor endorses a graduate (once; the note can be updated).
* ``promotion_approve``: an organizer promotes a trainee who meets every criterion (refused
  otherwise, with what is missing); a ``Promotion`` with a copy of the evidence, a
  ``PromotionEvent``, the PROMOTED badge; after commit ``vendor_promoted`` is sent (the market
  admits the vendor as a seller) and the trainee is told by notification and e-mail.
* ``promotion_decline``: an organizer says "not yet", with a reason (required).
* ``promotion_revoke``: an organizer withdraws an approved promotion, with a reason; the badge
  is revoked and ``vendor_promotion_revoked`` is sent after commit.

Every decision is a ``PromotionEvent`` row (who, what, why, when), never edited. Locking:
each decision locks the trainee's user row (``select_for_update``) so two organizers acting
at once decide one after the other; the database allows one approved promotion per vendor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Case, Max, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.roles import Role
from config.errors import ApplicationError
from notifications.services import notification_create
from practice_market import badges
from practice_market.models import (
    Badge,
    Endorsement,
    PracticeAccess,
    PracticeScore,
    Promotion,
    PromotionCriteria,
    PromotionEvent,
    Scenario,
)
from practice_market.signals import vendor_promoted, vendor_promotion_revoked
from vendors.models import DocumentStatus, MemberRole, Product, Vendor, VendorMember

log = logging.getLogger(__name__)

REASON_MAX = 500


class Action:
    APPROVE = "approve"
    DECLINE = "decline"
    REVOKE = "revoke"
    LABELS = {
        APPROVE: gettext_lazy("Duyệt lên chợ đêm"),
        DECLINE: gettext_lazy("Chưa đồng ý"),
        REVOKE: gettext_lazy("Thu hồi"),
    }


# ----------------------------------------------------------------------------- who may


def is_organizer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (user.is_superuser or user.has_role(Role.ORGANIZER))


def is_instructor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (user.is_superuser or user.has_role(Role.INSTRUCTOR))


def _require_organizer(user) -> None:
    if not is_organizer(user):
        raise ApplicationError(_("Chỉ ban tổ chức mới xét duyệt lên chợ đêm."), code="forbidden", status=403)


# ----------------------------------------------------------------------------- criteria


def criteria_current() -> PromotionCriteria:
    """The organizers' criteria (the first row; the defaults, unsaved, when none exists)."""
    return PromotionCriteria.objects.order_by("pk").first() or PromotionCriteria()


@dataclass
class Criterion:
    """One rule of the criteria for one trainee: met or not, and what shows it."""

    key: str
    label: str
    met: bool
    evidence: str
    items: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "met": self.met,
            "evidence": self.evidence,
            "items": self.items,
        }


@dataclass
class Eligibility:
    user: object
    vendor: Vendor | None
    criteria: list[Criterion]
    latest: Promotion | None = None

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.criteria)

    @property
    def missing(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.met]

    @property
    def met_count(self) -> int:
        return sum(1 for c in self.criteria if c.met)

    @property
    def is_promoted(self) -> bool:
        return self.latest is not None and self.latest.state == Promotion.State.APPROVED

    def evidence(self) -> dict:
        """A copy of the evidence, stored with a decision (what the organizer saw)."""
        return {
            "vendor": self.vendor.legal_name if self.vendor else "",
            "eligible": self.eligible,
            "criteria": [c.as_dict() for c in self.criteria],
        }


def trainee_vendor(user) -> Vendor | None:
    """The vendor a trainee practises for: that of their latest practice show, else the one they own."""
    from practice_market.models import PracticeShow

    show = PracticeShow.objects.filter(trainee=user).select_related("vendor").order_by("-created_at", "-pk").first()
    if show is not None:
        return show.vendor
    membership = (
        VendorMember.objects.filter(user=user)
        .select_related("vendor")
        .annotate(owner=Case(When(role=MemberRole.OWNER, then=Value(0)), default=Value(1)))
        .order_by("owner", "created_at", "pk")  # owners first, then the oldest membership
        .first()
    )
    return membership.vendor if membership else None


def _score_line(score: PracticeScore) -> str:
    show = score.practice_show
    scenario = show.scenario
    when = timezone.localtime(show.show.scheduled_start).strftime("%d/%m/%Y")
    if scenario is not None:
        return _("%(title)s (%(date)s, kịch bản “%(scenario)s”, %(level)s): %(score)s điểm") % {
            "title": show.show.title,
            "date": when,
            "scenario": scenario.title,
            "level": scenario.get_difficulty_display(),
            "score": score.total,
        }
    return _("%(title)s (%(date)s, không có kịch bản): %(score)s điểm") % {
        "title": show.show.title,
        "date": when,
        "score": score.total,
    }


def _vendor_dossier(vendor: Vendor) -> tuple[int, int, list[str]]:
    """(approved and current, all current) vendor-wide documents, and a line for each."""
    today = timezone.localdate()
    docs = list(vendor.documents.current().filter(product__isnull=True).order_by("kind", "pk"))
    good = 0
    lines = []
    for doc in docs:
        current = doc.status == DocumentStatus.APPROVED and (doc.expires_on is None or doc.expires_on >= today)
        good += current
        state = doc.get_status_display()
        if doc.status == DocumentStatus.APPROVED and not current:
            state = _("hết hạn %(date)s") % {"date": doc.expires_on.strftime("%d/%m/%Y")}
        lines.append(f"{doc.get_kind_display()}: {state}")
    return good, len(docs), lines


def eligibility_evaluate(
    *, user, criteria: PromotionCriteria | None = None, vendor: Vendor | None = None
) -> Eligibility:
    """Every configured criterion for ``user``: met or not, with its evidence (reads only)."""
    criteria = criteria or criteria_current()
    vendor = vendor or trainee_vendor(user)
    result: list[Criterion] = []

    # Graduated from a course that opens the practice market (the access it unlocked is open).
    access = PracticeAccess.objects.select_related("graduation__registration__run__course").filter(user=user).first()
    if access is not None and access.is_open:
        graduation = access.graduation
        evidence = _("Chứng nhận %(code)s, khóa “%(course)s”, ngày %(date)s") % {
            "code": graduation.code,
            "course": graduation.registration.run.course.title,
            "date": timezone.localtime(graduation.passed_at).strftime("%d/%m/%Y"),
        }
        result.append(Criterion("graduated", _("Đã tốt nghiệp khóa học"), True, evidence))
    elif access is not None:
        result.append(
            Criterion(
                "graduated",
                _("Đã tốt nghiệp khóa học"),
                False,
                _("Quyền vào chợ thực hành đã bị khoá: %(why)s") % {"why": access.lock_reason or "—"},
            )
        )
    else:
        result.append(
            Criterion("graduated", _("Đã tốt nghiệp khóa học"), False, _("Chưa tốt nghiệp khóa học mở chợ thực hành"))
        )

    # At least N practice shows scoring at least the minimum.
    scores = list(
        PracticeScore.objects.filter(practice_show__trainee=user)
        .select_related("practice_show__show", "practice_show__scenario")
        .order_by("-total", "-computed_at", "pk")
    )
    passing = [s for s in scores if s.total >= criteria.min_score]
    label = _("Ít nhất %(n)s buổi thực hành đạt từ %(score)s điểm") % {
        "n": criteria.min_shows,
        "score": criteria.min_score,
    }
    if scores:
        evidence = _("%(passing)s/%(needed)s buổi đạt (đã chấm %(all)s buổi, cao nhất %(best)s điểm)") % {
            "passing": len(passing),
            "needed": criteria.min_shows,
            "all": len(scores),
            "best": scores[0].total,
        }
    else:
        evidence = _("Chưa có buổi thực hành nào được chấm điểm")
    result.append(
        Criterion("shows", label, len(passing) >= criteria.min_shows, evidence, [_score_line(s) for s in scores[:10]])
    )

    if criteria.require_hardest:
        hardest = Scenario.objects.filter(is_published=True).aggregate(level=Max("difficulty"))["level"]
        label = _("Ít nhất một buổi đạt điểm với kịch bản khó nhất")
        if hardest is None:
            result.append(Criterion("hardest", label, False, _("Chưa có kịch bản nào đang dùng")))
        else:
            level = Scenario.Difficulty(hardest).label
            on_hardest = [
                s for s in passing if s.practice_show.scenario and s.practice_show.scenario.difficulty >= hardest
            ]
            if on_hardest:
                evidence = _score_line(on_hardest[0])
            else:
                evidence = _("Chưa có buổi nào đạt từ %(score)s điểm với kịch bản độ khó “%(level)s”") % {
                    "score": criteria.min_score,
                    "level": level,
                }
            result.append(Criterion("hardest", label, bool(on_hardest), evidence))

    if criteria.require_verified_vendor:
        label = _("Chủ thể đã được xác minh")
        if vendor is None:
            result.append(Criterion("vendor", label, False, _("Chưa thuộc chủ thể OCOP nào")))
        else:
            good, total, lines = _vendor_dossier(vendor)
            met = total > 0 and good == total
            if total == 0:
                evidence = _("%(vendor)s: chưa nộp giấy tờ chung của chủ thể") % {"vendor": vendor.legal_name}
            else:
                evidence = _("%(vendor)s: %(good)s/%(total)s giấy tờ chung đã duyệt và còn hạn") % {
                    "vendor": vendor.legal_name,
                    "good": good,
                    "total": total,
                }
            result.append(Criterion("vendor", label, met, evidence, lines))

    if criteria.require_verified_product:
        label = _("Có ít nhất một sản phẩm đã xác minh")
        if vendor is None:
            result.append(Criterion("product", label, False, _("Chưa thuộc chủ thể OCOP nào")))
        else:
            verified = list(Product.objects.filter(vendor=vendor).verified().order_by("code"))
            if verified:
                evidence = _("%(n)s sản phẩm đã xác minh") % {"n": len(verified)}
            else:
                evidence = _("Chưa có sản phẩm nào đã xác minh")
            result.append(
                Criterion("product", label, bool(verified), evidence, [f"{p.code} · {p.name}" for p in verified[:10]])
            )

    if criteria.require_endorsement:
        label = _("Được giảng viên đề cử")
        endorsements = list(
            Endorsement.objects.filter(trainee=user).select_related("instructor").order_by("created_at")
        )
        if endorsements:
            evidence = ", ".join(e.instructor.get_full_name() or e.instructor.email for e in endorsements)
        else:
            evidence = _("Chưa có giảng viên nào đề cử")
        result.append(
            Criterion(
                "endorsement",
                label,
                bool(endorsements),
                evidence,
                [f"{e.instructor.get_full_name()}: {e.note}" for e in endorsements if e.note],
            )
        )

    latest = Promotion.objects.filter(trainee=user).order_by("-decided_at", "-pk").first()
    return Eligibility(user=user, vendor=vendor, criteria=result, latest=latest)


# ----------------------------------------------------------------------------- the queue


@dataclass
class Queue:
    eligible: list[Eligibility]
    not_yet: list[Eligibility]
    declined: list[Eligibility]
    promoted: list[Promotion]


def _news_since(user, when) -> bool:
    """Has the trainee new evidence since ``when`` (a newer score or endorsement)?"""
    return (
        PracticeScore.objects.filter(practice_show__trainee=user, computed_at__gt=when).exists()
        or Endorsement.objects.filter(trainee=user, created_at__gt=when).exists()
    )


def promotion_queue() -> Queue:
    """The organizers' queue: trainees with an open practice access and no live promotion.

    Eligible first (meeting every criterion), then those still missing something. A trainee
    declined stays in the "declined" list until new evidence (a score, an endorsement) arrives.
    """
    criteria = criteria_current()
    user_model = get_user_model()
    promoted_users = Promotion.objects.filter(state=Promotion.State.APPROVED).values("trainee_id")
    trainees = (
        user_model.objects.filter(practice_access__isnull=False, practice_access__locked_at__isnull=True)
        .exclude(pk__in=promoted_users)
        .order_by("last_name", "first_name", "pk")
    )
    eligible, not_yet, declined = [], [], []
    for user in trainees:
        item = eligibility_evaluate(user=user, criteria=criteria)
        if (
            item.latest is not None
            and item.latest.state == Promotion.State.DECLINED
            and not _news_since(user, item.latest.decided_at)
        ):
            declined.append(item)
        elif item.eligible:
            eligible.append(item)
        else:
            not_yet.append(item)
    not_yet.sort(key=lambda e: -e.met_count)
    promoted = list(
        Promotion.objects.filter(state=Promotion.State.APPROVED)
        .select_related("trainee", "vendor", "decided_by")
        .order_by("-decided_at")
    )
    return Queue(eligible=eligible, not_yet=not_yet, declined=declined, promoted=promoted)


# ----------------------------------------------------------------------------- writes


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ApplicationError(_("Hãy ghi lý do."), code="reason_required", fields={"reason": [_("Hãy ghi lý do.")]})
    if len(reason) > REASON_MAX:
        raise ApplicationError(
            _("Lý do dài quá %(n)s ký tự.") % {"n": REASON_MAX},
            code="invalid",
            fields={"reason": [_("Lý do dài quá %(n)s ký tự.") % {"n": REASON_MAX}]},
        )
    return reason


def _lock_trainee(trainee_id: int):
    user = get_user_model().objects.select_for_update().filter(pk=trainee_id, is_active=True).first()
    if user is None:
        raise ApplicationError(_("Không tìm thấy học viên này."), code="not_found", status=404)
    return user


def _event(promotion: Promotion, *, action: str, actor, reason: str, at) -> PromotionEvent:
    return PromotionEvent.objects.create(promotion=promotion, action=action, actor=actor, reason=reason, created_at=at)


@transaction.atomic
def endorsement_add(*, instructor, trainee_id: int, note: str = "") -> Endorsement:
    """An instructor endorses a graduate for the weekly market (once; a second call updates the note)."""
    if not is_instructor(instructor):
        raise ApplicationError(_("Chỉ giảng viên mới đề cử được học viên."), code="forbidden", status=403)
    trainee = _lock_trainee(trainee_id)
    if trainee.pk == instructor.pk:
        raise ApplicationError(_("Bạn không thể tự đề cử mình."), code="self_endorsement")
    if not PracticeAccess.objects.filter(user=trainee, locked_at__isnull=True).exists():
        raise ApplicationError(
            _("Chỉ đề cử được học viên đã tốt nghiệp và đang vào được chợ thực hành."), code="not_graduate"
        )
    note = (note or "").strip()
    if len(note) > 500:
        raise ApplicationError(
            _("Ghi chú dài quá 500 ký tự."), code="invalid", fields={"note": [_("Ghi chú dài quá 500 ký tự.")]}
        )
    endorsement, created = Endorsement.objects.get_or_create(
        trainee=trainee, instructor=instructor, defaults={"note": note}
    )
    if not created and note and endorsement.note != note:
        endorsement.note = note
        endorsement.save(update_fields=["note"])
    return endorsement


@transaction.atomic
def promotion_approve(*, actor, trainee_id: int, reason: str = "") -> Promotion:
    """Promote a trainee who meets every criterion into the weekly market.

    Refused (nothing changed) when the actor is not an organizer, the trainee is already
    promoted, or any criterion is unmet (the message names what is missing).
    """
    _require_organizer(actor)
    reason = _clean_reason(reason, required=False)
    trainee = _lock_trainee(trainee_id)
    if Promotion.objects.filter(trainee=trainee, state=Promotion.State.APPROVED).exists():
        raise ApplicationError(_("Học viên này đã được lên chợ đêm."), code="already_promoted", status=409)
    result = eligibility_evaluate(user=trainee)
    if result.vendor is None:
        raise ApplicationError(_("Học viên chưa thuộc chủ thể OCOP nào nên chưa thể lên chợ đêm."), code="no_vendor")
    if not result.eligible:
        missing = "; ".join(f"{c.label} ({c.evidence})" for c in result.missing)
        raise ApplicationError(
            _("Chưa đủ tiêu chí lên chợ đêm: %(missing)s.") % {"missing": missing}, code="criteria_unmet"
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            promotion = Promotion.objects.create(
                trainee=trainee,
                vendor=result.vendor,
                state=Promotion.State.APPROVED,
                reason=reason,
                evidence=result.evidence(),
                decided_by=actor,
                decided_at=now,
            )
    except IntegrityError:
        raise ApplicationError(
            _("Chủ thể %(vendor)s đã có người được lên chợ đêm.") % {"vendor": result.vendor.legal_name},
            code="already_promoted",
            status=409,
        ) from None
    _event(promotion, action=Action.APPROVE, actor=actor, reason=reason, at=now)
    badges.badge_award(
        user_id=trainee.pk,
        kind=Badge.Kind.PROMOTED,
        evidence={"promotion": promotion.pk, "vendor": result.vendor.legal_name},
        at=now,
    )
    pk = promotion.pk
    transaction.on_commit(lambda: _announce(pk, promoted=True))
    return promotion


@transaction.atomic
def promotion_decline(*, actor, trainee_id: int, reason: str) -> Promotion:
    """Say "not yet" to a trainee, with a reason they will read (required)."""
    _require_organizer(actor)
    reason = _clean_reason(reason, required=True)
    trainee = _lock_trainee(trainee_id)
    if Promotion.objects.filter(trainee=trainee, state=Promotion.State.APPROVED).exists():
        raise ApplicationError(
            _("Học viên này đã được lên chợ đêm: hãy thu hồi thay vì từ chối."), code="already_promoted", status=409
        )
    result = eligibility_evaluate(user=trainee)
    if result.vendor is None:
        raise ApplicationError(_("Học viên chưa thuộc chủ thể OCOP nào."), code="no_vendor")
    now = timezone.now()
    promotion = Promotion.objects.create(
        trainee=trainee,
        vendor=result.vendor,
        state=Promotion.State.DECLINED,
        reason=reason,
        evidence=result.evidence(),
        decided_by=actor,
        decided_at=now,
    )
    _event(promotion, action=Action.DECLINE, actor=actor, reason=reason, at=now)
    pk = promotion.pk
    transaction.on_commit(lambda: _tell(pk))
    return promotion


@transaction.atomic
def promotion_revoke(*, actor, promotion_id: int, reason: str) -> Promotion:
    """Withdraw an approved promotion, with a reason (required); the market withdraws the seller."""
    _require_organizer(actor)
    reason = _clean_reason(reason, required=True)
    promotion = Promotion.objects.filter(pk=promotion_id).first()
    if promotion is None:
        raise ApplicationError(_("Không tìm thấy quyết định này."), code="not_found", status=404)
    _lock_trainee(promotion.trainee_id)
    promotion = Promotion.objects.select_for_update().get(pk=promotion_id)
    if promotion.state != Promotion.State.APPROVED:
        raise ApplicationError(
            _("Chỉ thu hồi được một quyết định đã duyệt (quyết định này: %(state)s).")
            % {"state": promotion.get_state_display()},
            code="not_approved",
            status=409,
        )
    now = timezone.now()
    promotion.state = Promotion.State.REVOKED
    promotion.reason = reason
    promotion.save(update_fields=["state", "reason"])
    _event(promotion, action=Action.REVOKE, actor=actor, reason=reason, at=now)
    badges.badge_revoke(user_id=promotion.trainee_id, kind=Badge.Kind.PROMOTED, at=now)
    pk = promotion.pk
    transaction.on_commit(lambda: _announce(pk, promoted=False))
    return promotion


# ----------------------------------------------------------------------------- after commit


def _announce(promotion_id: int, *, promoted: bool) -> None:
    promotion = Promotion.objects.select_related("vendor", "trainee").get(pk=promotion_id)
    signal = vendor_promoted if promoted else vendor_promotion_revoked
    # The decision is committed: a listener's failure is logged, never turned into an error page.
    for receiver, response in signal.send_robust(sender=Promotion, promotion=promotion):
        if isinstance(response, Exception):
            log.error("promotion %s: %r failed", promotion_id, receiver, exc_info=response)
    _tell(promotion_id)


def _texts(promotion: Promotion) -> tuple[str, str]:
    vendor = promotion.vendor.legal_name
    if promotion.state == Promotion.State.APPROVED:
        title = _("Chúc mừng! Bạn đã được lên Chợ Đêm Trên Mây")
        body = _(
            "Ban tổ chức đã duyệt %(vendor)s vào phiên chợ đêm hằng tuần. Bạn có thể đăng ký lượt bán "
            "cho phiên tới; huy hiệu “Lên chợ đêm” đã hiện trên trang chủ thể."
        ) % {"vendor": vendor}
    elif promotion.state == Promotion.State.DECLINED:
        title = _("Chưa đồng ý lên chợ đêm")
        body = _("Ban tổ chức chưa đồng ý đưa %(vendor)s lên chợ đêm. Lý do: %(reason)s") % {
            "vendor": vendor,
            "reason": promotion.reason,
        }
    else:
        title = _("Quyết định lên chợ đêm đã bị thu hồi")
        body = _("Ban tổ chức đã thu hồi quyết định đưa %(vendor)s lên chợ đêm. Lý do: %(reason)s") % {
            "vendor": vendor,
            "reason": promotion.reason,
        }
    return title, body


def _tell(promotion_id: int) -> None:
    """The trainee hears of a decision in-app and by e-mail; a failing mail server is logged."""
    try:
        promotion = Promotion.objects.select_related("vendor", "trainee").get(pk=promotion_id)
        user = promotion.trainee
        url = reverse("practice_market:promotion_mine")
        with override(settings.LANGUAGE_CODE):  # Vietnamese first
            title, body = _texts(promotion)
            notification_create(user_id=user.pk, title=title, body=body, url=url)
            if not user.email:
                return
            message = _("Xin chào %(name)s,\n\n%(body)s\n\nXem chi tiết: %(link)s\n\nChợ Đêm Trên Mây") % {
                "name": user.get_short_name() or user.email,
                "body": body,
                "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url,
            }
            try:
                send_mail(f"[Chợ Đêm Trên Mây] {title}", message, None, [user.email])
            except Exception:  # the decision is committed; a mail server's failure must not undo it
                log.exception("promotion %s: e-mail to user %s failed", promotion_id, user.pk)
    except Exception:
        log.exception("promotion %s: notification failed", promotion_id)


# ----------------------------------------------------------------------------- reads for pages


def promotion_history(*, limit: int = 50) -> list[PromotionEvent]:
    return list(
        PromotionEvent.objects.select_related("promotion__trainee", "promotion__vendor", "actor").order_by(
            "-created_at", "-pk"
        )[:limit]
    )
