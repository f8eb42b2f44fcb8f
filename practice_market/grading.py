"""Instructors' grades and replay comments on practice shows, and who may read a score.

Writes (keyword-only ``<thing>_<verb>``): :func:`rubric_grade_set`,
:func:`replay_comment_add`, :func:`replay_comment_delete`, :func:`practice_score_recompute`.
Only instructors (and superusers) grade and comment; a trainee can never edit a score or a
grade, not even their own show's when they are also an instructor: refused with a clear
message, nothing changed. Reads: :func:`may_view`, :func:`may_grade`, :func:`score_history`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from config.errors import ApplicationError
from practice_market.models import PracticeScore, PracticeShow, ReplayComment, RubricGrade

GRADE_MAX = 100
COMMENT_MAX = 1000
RUBRIC_COMMENTS_MAX = 4000


# --------------------------------------------------------------------------- permissions


def _is_instructor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.has_role(Role.INSTRUCTOR)))


def may_view(user, practice_show: PracticeShow) -> bool:
    """The trainee, instructors, organizers and staff read a practice show's report."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.pk == practice_show.trainee_id
        or user.is_staff
        or user.is_superuser
        or user.has_role(Role.INSTRUCTOR)
        or user.has_role(Role.ORGANIZER)
    )


def may_grade(user, practice_show: PracticeShow) -> bool:
    return _is_instructor(user) and user.pk != practice_show.trainee_id


def _require_grader(actor, practice_show: PracticeShow) -> None:
    if getattr(actor, "pk", None) == practice_show.trainee_id:
        raise ApplicationError(
            _("Học viên không thể sửa điểm, chấm điểm hay nhận xét buổi thực hành của chính mình."),
            code="trainee_may_not_grade",
            status=403,
        )
    if not _is_instructor(actor):
        raise ApplicationError(
            _("Chỉ giảng viên mới chấm điểm và nhận xét buổi thực hành."), code="not_instructor", status=403
        )


def _practice_show(practice_show_id: int, *, lock: bool = False) -> PracticeShow:
    rows = PracticeShow.objects.select_related("show", "trainee")
    if lock:
        rows = rows.select_for_update(of=("self",))
    practice = rows.filter(pk=practice_show_id).first()
    if practice is None:
        raise ApplicationError(_("Không tìm thấy buổi live thực hành."), code="not_found", status=404)
    return practice


# --------------------------------------------------------------------------- writes


@transaction.atomic
def rubric_grade_set(*, practice_show_id: int, actor, grade, comments: str = "") -> RubricGrade:
    """An instructor's rubric grade (0–100) and comments; a second grade replaces the first."""
    practice = _practice_show(practice_show_id, lock=True)
    _require_grader(actor, practice)
    try:
        value = int(str(grade).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not 0 <= value <= GRADE_MAX:
        message = _("Điểm giảng viên là số nguyên từ 0 đến 100.")
        raise ApplicationError(message, code="invalid_grade", fields={"grade": message})
    comments = (comments or "").strip()
    if len(comments) > RUBRIC_COMMENTS_MAX:
        message = _("Nhận xét dài quá %(n)s ký tự.") % {"n": RUBRIC_COMMENTS_MAX}
        raise ApplicationError(message, code="too_long", fields={"comments": message})
    if practice.show.started_at is None:
        raise ApplicationError(_("Buổi thực hành chưa diễn ra nên chưa chấm được."), code="not_started")
    rubric, _created = RubricGrade.objects.update_or_create(
        practice_show=practice,
        defaults={"instructor": actor, "grade": value, "comments": comments, "graded_at": timezone.now()},
    )
    return rubric


def _show_seconds(practice: PracticeShow) -> int | None:
    show = practice.show
    if show.started_at is None:
        return None
    end = show.ended_at or timezone.now()
    return max(0, int((end - show.started_at).total_seconds()))


@transaction.atomic
def replay_comment_add(*, practice_show_id: int, actor, at_seconds, text: str) -> ReplayComment:
    """An instructor's comment pinned to a moment of the replay (seconds from the show's start)."""
    practice = _practice_show(practice_show_id, lock=True)
    _require_grader(actor, practice)
    length = _show_seconds(practice)
    if length is None:
        raise ApplicationError(_("Buổi thực hành chưa diễn ra nên chưa có bản phát lại."), code="not_started")
    try:
        at = int(str(at_seconds).strip())
    except (TypeError, ValueError):
        at = None
    if at is None or not 0 <= at <= length:
        message = _("Thời điểm phải nằm trong buổi phát (từ 00:00 đến %(end)s).") % {"end": clock(length)}
        raise ApplicationError(message, code="invalid_moment", fields={"at_seconds": message})
    text = " ".join((text or "").split())
    if not text:
        message = _("Hãy viết nhận xét.")
        raise ApplicationError(message, code="invalid", fields={"text": message})
    if len(text) > COMMENT_MAX:
        message = _("Nhận xét dài quá %(n)s ký tự.") % {"n": COMMENT_MAX}
        raise ApplicationError(message, code="too_long", fields={"text": message})
    return ReplayComment.objects.create(practice_show=practice, author=actor, at_seconds=at, text=text)


@transaction.atomic
def replay_comment_delete(*, comment_id: int, actor) -> None:
    """Its author (or a superuser) removes a replay comment."""
    comment = ReplayComment.objects.select_related("practice_show").filter(pk=comment_id).first()
    if comment is None:
        raise ApplicationError(_("Không tìm thấy nhận xét."), code="not_found", status=404)
    _require_grader(actor, comment.practice_show)
    if comment.author_id != actor.pk and not actor.is_superuser:
        raise ApplicationError(_("Chỉ người viết mới xoá được nhận xét này."), code="not_author", status=403)
    comment.delete()


def practice_score_recompute(*, practice_show_id: int, actor) -> PracticeScore:
    """An instructor recomputes a score from the log (the trainee cannot: refused)."""
    from practice_market.scoring import practice_score_record

    practice = _practice_show(practice_show_id)
    _require_grader(actor, practice)
    if practice.show.started_at is None:
        raise ApplicationError(_("Buổi thực hành chưa diễn ra nên chưa có điểm."), code="not_started")
    return practice_score_record(practice_show_id=practice.pk)


# --------------------------------------------------------------------------- reads


def clock(seconds: int | None) -> str:
    """``mm:ss`` (minutes go past 59)."""
    if seconds is None:
        return ""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    return f"{minutes:02d}:{secs:02d}"


def parse_clock(value) -> int | None:
    """Seconds from ``"mm:ss"``, ``"h:mm:ss"`` or a plain number of seconds; None when unreadable."""
    text = str(value or "").strip()
    if not text:
        return None
    parts = text.split(":")
    if not all(p.isdigit() for p in parts) or len(parts) > 3:
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


@dataclass(frozen=True)
class HistoryRow:
    practice_show_id: int
    title: str
    when: datetime
    scenario: str
    total: int | None
    grade: int | None


def score_history(*, trainee_id: int) -> list[HistoryRow]:
    """The trainee's practice shows that started, oldest first, with score and rubric grade (two queries)."""
    shows = (
        PracticeShow.objects.filter(trainee_id=trainee_id, show__started_at__isnull=False)
        .select_related("show", "scenario", "score", "rubric_grade")
        .order_by("show__started_at", "pk")
    )
    rows = []
    for practice in shows:
        score = getattr(practice, "score", None) if hasattr(practice, "score") else None
        rubric = getattr(practice, "rubric_grade", None) if hasattr(practice, "rubric_grade") else None
        rows.append(
            HistoryRow(
                practice_show_id=practice.pk,
                title=practice.show.title,
                when=practice.show.started_at,
                scenario=practice.scenario.title if practice.scenario_id else "",
                total=score.total if score else None,
                grade=rubric.grade if rubric else None,
            )
        )
    return rows
