"""Reads about learners: lesson gating, progress, the dashboard, the gradebook, reports."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from courses.models import CoursePage, LessonPage
from learning.models import (
    AssignmentSubmission,
    CourseRun,
    Graduation,
    LessonCompletion,
    QuizAttempt,
    Registration,
    Webinar,
)


def course_lessons(course: CoursePage) -> list[LessonPage]:
    return list(course.lessons)


def registration_initial(user) -> dict:
    """What the registration form can fill in for ``user``: the phone, and the organisation and
    district of the vendor they belong to (the first they joined), as the vendor's profile says."""
    from vendors.models import VendorMember

    if not getattr(user, "is_authenticated", False):
        return {}
    initial = {"phone": user.phone or ""}
    member = VendorMember.objects.filter(user=user).select_related("vendor").order_by("created_at").first()
    if member is not None:
        with translation.override("vi"):
            district = str(member.vendor.get_district_display())
        initial.update(organisation=member.vendor.legal_name, district=district)
    return initial


def runs_registered(*, user, runs) -> dict[int, Registration]:
    """The user's registrations (not withdrawn) among ``runs``, by run id."""
    if not getattr(user, "is_authenticated", False):
        return {}
    registrations = Registration.objects.filter(user=user, run__in=list(runs)).exclude(
        status=Registration.Status.WITHDRAWN
    )
    return {r.run_id: r for r in registrations}


def run_open_for_registration(now=None):
    now = now or timezone.now()
    return (
        CourseRun.objects.filter(registration_opens_at__lte=now, registration_closes_at__gt=now)
        .select_related("course")
        .annotate(enrolled=Count("registrations", filter=Q(registrations__status=Registration.Status.ENROLLED)))
        .order_by("starts_on")
    )


def runs_managed_by(user):
    """The runs a staff member looks after: all for organizers, their own for instructors."""
    if not user.is_authenticated:
        return CourseRun.objects.none()
    queryset = CourseRun.objects.select_related("course").order_by("-starts_on")
    if user.is_superuser or user.has_role(Role.ORGANIZER):
        return queryset
    return queryset.filter(instructors=user)


def user_can_manage_run(user, run: CourseRun) -> bool:
    """Organizers manage every run; instructors only the runs they teach."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(Role.ORGANIZER) or run.is_instructor(user)


def user_can_grade_run(user, run: CourseRun) -> bool:
    """Only the run's own instructors grade its assignments."""
    return run.is_instructor(user)


@dataclass
class LessonState:
    lesson: LessonPage
    number: int
    completed: bool
    is_open: bool
    closed_reason: str = ""


def lesson_states(registration: Registration, lessons=None) -> list[LessonState]:
    """Each lesson of the run's course in order, whether it is done and whether it is open."""
    run = registration.run
    lessons = lessons if lessons is not None else course_lessons(run.course.specific)
    done = set(registration.completions.values_list("lesson_id", flat=True))
    sequential = run.course.specific.sequential
    states, previous_done = [], True
    for number, lesson in enumerate(lessons, start=1):
        reason = ""
        if not registration.is_enrolled:
            reason = _("Bạn chưa được ghi danh chính thức vào lớp này.")
        elif not run.has_started():
            reason = _("Lớp bắt đầu ngày %(date)s.") % {"date": run.starts_on.strftime("%d/%m/%Y")}
        elif sequential and not previous_done:
            reason = _("Hoàn thành bài trước để mở bài này.")
        states.append(LessonState(lesson, number, lesson.pk in done, not reason, reason))
        previous_done = lesson.pk in done
    return states


def lesson_state(registration: Registration, lesson: LessonPage) -> LessonState | None:
    for state in lesson_states(registration):
        if state.lesson.pk == lesson.pk:
            return state
    return None


def quiz_attempts_for(registration, lesson, block_id):
    return list(QuizAttempt.objects.filter(registration=registration, lesson=lesson, block_id=block_id))


def submissions_for(registration, lesson, block_id):
    return list(AssignmentSubmission.objects.filter(registration=registration, lesson=lesson, block_id=block_id))


@dataclass
class Progress:
    registration: Registration
    lessons: list[LessonState]
    quizzes: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)

    @property
    def completed_count(self) -> int:
        return sum(s.completed for s in self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.completed_count / len(self.lessons)) if self.lessons else 0

    @property
    def next_lesson(self):
        for state in self.lessons:
            if not state.completed:
                return state
        return None


def registration_progress(registration: Registration) -> Progress:
    """Lessons, best quiz results and latest assignment state for one learner in one run."""
    lessons = course_lessons(registration.run.course.specific)
    progress = Progress(registration, lesson_states(registration, lessons))
    attempts = list(registration.quiz_attempts.all())
    submissions = list(registration.submissions.all())
    for lesson in lessons:
        for block in lesson.quizzes:
            mine = [a for a in attempts if a.lesson_id == lesson.pk and a.block_id == block.id]
            best = max((a.score_percent for a in mine), default=None)
            progress.quizzes.append(
                {
                    "lesson": lesson,
                    "block_id": block.id,
                    "title": block.value["title"],
                    "attempts": len(mine),
                    "max_attempts": block.value["max_attempts"],
                    "best_score": best,
                    "passed": any(a.passed for a in mine),
                }
            )
        for block in lesson.assignments:
            mine = [s for s in submissions if s.lesson_id == lesson.pk and s.block_id == block.id]
            latest = mine[-1] if mine else None
            progress.assignments.append(
                {
                    "lesson": lesson,
                    "block_id": block.id,
                    "title": block.value["title"],
                    "latest": latest,
                    "passed": any(s.status == AssignmentSubmission.Status.PASSED for s in mine),
                }
            )
    return progress


def dashboard_for(user) -> list[dict]:
    """"Học tập của tôi": each of the user's runs with progress, next lesson, webinar, grade."""
    now = timezone.now()
    registrations = (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.WITHDRAWN)
        .select_related("run", "run__course")
        .order_by("-run__starts_on")
    )
    items = []
    for registration in registrations:
        run = registration.run
        item = {"registration": registration, "run": run}
        if registration.is_enrolled:
            item["progress"] = registration_progress(registration)
            item["next_webinar"] = run.webinars.filter(ends_at__gt=now).first()
            item["recordings"] = list(run.webinars.filter(ends_at__lte=now).exclude(recording_url=""))
            item["graduation"] = Graduation.objects.filter(registration=registration).first()
        else:
            item["waitlist_position"] = (
                run.registrations.filter(
                    status=Registration.Status.WAITLISTED, queued_at__lte=registration.queued_at
                ).count()
            )
        items.append(item)
    return items


def gradebook_rows(run: CourseRun, *, sort: str = "name") -> tuple[list[dict], list[dict]]:
    """Learners × (lessons, quizzes, assignments) for a run, plus the column headings."""
    lessons = course_lessons(run.course.specific)
    columns = [{"kind": "lesson", "lesson": lesson, "title": lesson.title} for lesson in lessons]
    for lesson in lessons:
        columns += [
            {"kind": "quiz", "lesson": lesson, "block_id": b.id, "title": b.value["title"]} for b in lesson.quizzes
        ]
        columns += [
            {"kind": "assignment", "lesson": lesson, "block_id": b.id, "title": b.value["title"]}
            for b in lesson.assignments
        ]
    registrations = list(
        run.registrations.filter(status=Registration.Status.ENROLLED).select_related("user", "graduation")
    )
    reg_ids = [r.pk for r in registrations]
    done = {(c.registration_id, c.lesson_id) for c in LessonCompletion.objects.filter(registration_id__in=reg_ids)}
    best = {}
    for attempt in QuizAttempt.objects.filter(registration_id__in=reg_ids):
        key = (attempt.registration_id, attempt.lesson_id, attempt.block_id)
        best[key] = max(best.get(key, 0), attempt.score_percent)
    latest = {}
    for submission in AssignmentSubmission.objects.filter(registration_id__in=reg_ids):
        latest[(submission.registration_id, submission.lesson_id, submission.block_id)] = submission
    rows = []
    for registration in registrations:
        cells = []
        for column in columns:
            lesson_id = column["lesson"].pk
            if column["kind"] == "lesson":
                cells.append({"value": (registration.pk, lesson_id) in done, "kind": "lesson"})
            elif column["kind"] == "quiz":
                cells.append({"value": best.get((registration.pk, lesson_id, column["block_id"])), "kind": "quiz"})
            else:
                cells.append(
                    {"value": latest.get((registration.pk, lesson_id, column["block_id"])), "kind": "assignment"}
                )
        graduation = getattr(registration, "graduation", None)
        lessons_done = sum(1 for c in cells if c["kind"] == "lesson" and c["value"])
        rows.append(
            {
                "registration": registration,
                "name": registration.user.get_full_name(),
                "cells": cells,
                "lessons_done": lessons_done,
                "graduation": graduation,
            }
        )
    if sort == "progress":
        rows.sort(key=lambda r: (-r["lessons_done"], r["name"]))
    elif sort == "graduated":
        rows.sort(key=lambda r: (r["graduation"] is None, r["name"]))
    else:
        from core.text import fold

        rows.sort(key=lambda r: fold(r["name"].split(" ")[-1] + " " + r["name"]))
    return columns, rows


def run_report(run: CourseRun) -> dict:
    """Enrolment, completion funnel per lesson, quiz score distribution, assignment grades."""
    statuses = Counter(run.registrations.values_list("status", flat=True))
    enrolled_ids = list(run.registrations.filter(status=Registration.Status.ENROLLED).values_list("pk", flat=True))
    lessons = course_lessons(run.course.specific)
    completions = Counter(
        LessonCompletion.objects.filter(registration_id__in=enrolled_ids).values_list("lesson_id", flat=True)
    )
    funnel = [{"label": lesson.title, "count": completions.get(lesson.pk, 0)} for lesson in lessons]
    # Each learner's best score per quiz, bucketed by tens.
    best = {}
    for attempt in QuizAttempt.objects.filter(registration_id__in=enrolled_ids):
        key = (attempt.registration_id, attempt.lesson_id, attempt.block_id)
        best[key] = max(best.get(key, 0), attempt.score_percent)
    buckets = Counter(min(score // 10, 9) for score in best.values())
    quiz_distribution = [{"label": f"{b * 10}–{b * 10 + 9 if b < 9 else 100}%", "count": buckets.get(b, 0)} for b in range(10)]
    latest = {}
    for submission in AssignmentSubmission.objects.filter(registration_id__in=enrolled_ids):
        latest[(submission.registration_id, submission.lesson_id, submission.block_id)] = submission
    assignment_status = Counter(s.status for s in latest.values())
    assignment_grades = [
        {"label": str(label), "count": assignment_status.get(value, 0)}
        for value, label in AssignmentSubmission.Status.choices
    ]
    graduated = Graduation.objects.filter(registration_id__in=enrolled_ids, revoked_at__isnull=True).count()
    enrolment = [
        {"label": str(label), "count": statuses.get(value, 0)} for value, label in Registration.Status.choices
    ]
    webinars = [
        {"label": webinar.title, "count": webinar.attendance_count}
        for webinar in run.webinars.annotate(attendance_count=Count("attendances")).order_by("starts_at")
    ]
    return {
        "webinars": webinars,
        "enrolled": len(enrolled_ids),
        "graduated": graduated,
        "enrolment": enrolment,
        "funnel": funnel,
        "quiz_distribution": quiz_distribution,
        "assignment_grades": assignment_grades,
    }


def upcoming_webinars(user, *, now=None):
    now = now or timezone.now()
    return Webinar.objects.filter(
        run__registrations__user=user, run__registrations__status=Registration.Status.ENROLLED, ends_at__gt=now
    ).order_by("starts_at")
