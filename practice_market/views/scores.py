"""Practice market pages: a practice show's score report, the instructor's grading, replay comments.

Thin: who may look is :func:`practice_market.grading.may_view` (the trainee, instructors,
organizers, staff); every write is a service of :mod:`practice_market.grading`, whose
refusals come back to the page as a message, nothing changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import ApplicationError
from practice_market import grading
from practice_market.models import PracticeShow, ReplayComment
from practice_market.scoring import COMPONENTS, component_reason
from selling import analytics


def _practice_for(request, pk: int) -> PracticeShow:
    practice = get_object_or_404(
        PracticeShow.objects.select_related("show__host", "trainee", "scenario", "vendor"), pk=pk
    )
    if not grading.may_view(request.user, practice):
        raise PermissionDenied(_("Chỉ học viên, giảng viên và ban tổ chức mới xem được kết quả buổi thực hành này."))
    return practice


def _components(score) -> list[dict]:
    """The stored breakdown, its labels and reasons rendered again in the reader's language."""
    if score is None:
        return []
    stored = {c["key"]: c for c in score.breakdown.get("components", [])}
    rows = []
    for key, label, weight in COMPONENTS:
        part = stored.get(key)
        if part is None:
            continue
        items = []
        for item in part.get("items", []):
            t = item.get("t")
            items.append(
                {**item, "clock": grading.clock(t) if t is not None else "", "seconds_shown": item.get("seconds")}
            )
        rows.append(
            {
                "key": key,
                "label": str(label),
                "weight": weight,
                "applicable": part.get("applicable", False),
                "points": part.get("points", 0),
                "max_points": part.get("max_points", 0),
                "reason": component_reason(key, part.get("counts", {}), part.get("items", [])),
                "items": items,
            }
        )
    return rows


def report_context(request, practice: PracticeShow) -> dict:
    score = getattr(practice, "score", None) if _has(practice, "score") else None
    rubric = getattr(practice, "rubric_grade", None) if _has(practice, "rubric_grade") else None
    components = _components(score)
    history = grading.score_history(trainee_id=practice.trainee_id)
    items, truncated = analytics.show_timeline(practice.show) if practice.show.started_at else ([], False)
    last_minute = max((item.minute for item in items), default=0)
    comments = list(ReplayComment.objects.filter(practice_show=practice).select_related("author"))
    chart = {
        "breakdown": {
            "labels": [c["label"] for c in components if c["applicable"]],
            "points": [c["points"] for c in components if c["applicable"]],
            "max": [c["max_points"] for c in components if c["applicable"]],
            "series": [_("Điểm đạt"), _("Điểm tối đa")],
        },
        "history": {
            "labels": [timezone.localtime(row.when).strftime("%d/%m %H:%M") for row in history],
            "scores": [row.total for row in history],
            "grades": [row.grade for row in history],
            "current": next((n for n, row in enumerate(history) if row.practice_show_id == practice.pk), None),
            "series": [_("Điểm buổi thực hành"), _("Điểm giảng viên")],
        },
    }
    return {
        "practice": practice,
        "show": practice.show,
        "score": score,
        "rubric": rubric,
        "components": components,
        "history": history,
        "items": items,
        "truncated": truncated,
        "limit": analytics.REPLAY_MAX_ITEMS,
        "last_minute": last_minute,
        "comments": [{"comment": c, "clock": grading.clock(c.at_seconds)} for c in comments],
        "may_grade": grading.may_grade(request.user, practice),
        "is_trainee": request.user.pk == practice.trainee_id,
        "chart": chart,
        "replay_strings": {
            "play": _("Phát"),
            "pause": _("Tạm dừng"),
            "upto": _("Đến phút %(n)s"),
            "shown": _("%(n)s mục"),
        },
        "report_strings": {"at": _("Nhận xét tại %(clock)s")},
    }


def _has(obj, name: str) -> bool:
    try:
        getattr(obj, name)
    except Exception:  # noqa: BLE001 - a missing one-to-one row
        return False
    return True


@login_required
def score_report(request, pk: int):
    practice = _practice_for(request, pk)
    return render(request, "practice_market/scores/report.html", report_context(request, practice))


def _back(pk: int, *, at: int | None = None) -> str:
    url = reverse("practice_market:score_report", args=[pk])
    return f"{url}?t={at}#phat-lai" if at is not None else url


@login_required
@require_POST
def score_grade(request, pk: int):
    practice = _practice_for(request, pk)
    try:
        grading.rubric_grade_set(
            practice_show_id=practice.pk,
            actor=request.user,
            grade=request.POST.get("grade", ""),
            comments=request.POST.get("comments", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã lưu điểm giảng viên."))
    return redirect(_back(practice.pk) + "#cham-diem")


@login_required
@require_POST
def score_comment(request, pk: int):
    practice = _practice_for(request, pk)
    moment = grading.parse_clock(request.POST.get("at", ""))
    try:
        comment = grading.replay_comment_add(
            practice_show_id=practice.pk,
            actor=request.user,
            at_seconds=moment if moment is not None else request.POST.get("at", ""),
            text=request.POST.get("text", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_back(practice.pk) + "#nhan-xet")
    messages.success(
        request, _("Đã ghim nhận xét vào bản phát lại lúc %(clock)s.") % {"clock": grading.clock(comment.at_seconds)}
    )
    return redirect(_back(practice.pk, at=comment.at_seconds))


@login_required
@require_POST
def score_comment_delete(request, pk: int, comment_id: int):
    practice = _practice_for(request, pk)
    if not ReplayComment.objects.filter(pk=comment_id, practice_show=practice).exists():
        raise PermissionDenied(_("Không tìm thấy nhận xét."))
    try:
        grading.replay_comment_delete(comment_id=comment_id, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xoá nhận xét."))
    return redirect(_back(practice.pk) + "#nhan-xet")


@login_required
@require_POST
def score_recompute(request, pk: int):
    practice = _practice_for(request, pk)
    try:
        score = grading.practice_score_recompute(practice_show_id=practice.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã tính lại điểm từ nhật ký buổi phát: %(total)s/100.") % {"total": score.total})
    return redirect(_back(practice.pk))


urlpatterns = [
    path("buoi/<int:pk>/ket-qua/", score_report, name="score_report"),
    path("buoi/<int:pk>/ket-qua/cham-diem/", score_grade, name="score_grade"),
    path("buoi/<int:pk>/ket-qua/nhan-xet/", score_comment, name="score_comment"),
    path("buoi/<int:pk>/ket-qua/nhan-xet/<int:comment_id>/xoa/", score_comment_delete, name="score_comment_delete"),
    path("buoi/<int:pk>/ket-qua/tinh-lai/", score_recompute, name="score_recompute"),
]
