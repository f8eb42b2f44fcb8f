"""Every write in learning. Keyword-only, typed, one ``ApplicationError`` for broken rules.

Concurrency: registration and withdrawal lock the run row (``select_for_update``) so two
people can never take the last seat; quiz and assignment submissions lock the learner's
registration row so the attempt limit holds under double clicks. On SQLite the
connection's IMMEDIATE transactions give the same guarantee.

E-mails and signals leave only after commit (``transaction.on_commit``).
"""

import csv
import io
import logging

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phones import normalize_phone
from accounts.roles import Role
from accounts.services import user_create
from config.errors import ApplicationError
from core.text import fold
from courses.models import LessonPage
from courses.quiz import quiz_grade
from learning import selectors
from learning.models import (
    AssignmentSubmission,
    CourseRun,
    Graduation,
    LessonCompletion,
    QuizAttempt,
    Registration,
    ReminderLog,
    Webinar,
    WebinarAttendance,
)
from learning.signals import course_pass_revoked, course_passed

logger = logging.getLogger(__name__)

ALLOWED_SUBMISSION_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/zip",  # .docx seen through filetype's generic zip signature
}


def _mail_after_commit(*, to: str, subject: str, body: str) -> None:
    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
        except OSError:
            logger.exception("learning: could not send e-mail to %s", to)

    transaction.on_commit(send)


def _site_url(path: str) -> str:
    return settings.LEARNING_SITE_URL.rstrip("/") + path


# --------------------------------------------------------------------------- registration


def _check_prerequisites(*, user: User, run: CourseRun) -> None:
    missing = [
        course.title
        for course in run.course.specific.prerequisites.all()
        if not Graduation.objects.filter(
            registration__user=user, registration__run__course=course, revoked_at__isnull=True
        ).exists()
    ]
    if missing:
        raise ApplicationError(
            _("Bạn cần hoàn thành khóa học tiên quyết trước: %(courses)s.") % {"courses": ", ".join(missing)},
            code="prerequisites",
        )


def registration_create(
    *,
    run: CourseRun,
    user: User,
    organisation: str,
    district: str,
    phone: str,
    join_waitlist: bool = False,
    source: str = Registration.Source.SELF,
    notify: bool = True,
    now=None,
) -> Registration:
    """Register ``user`` in ``run``: a seat if one is free, else the waiting list if asked.

    Self-registration keeps to the registration window; organizers (manual/import) may
    enrol outside it, but never beyond the seat limit.
    """
    now = now or timezone.now()
    organisation, district = organisation.strip(), district.strip()
    if not organisation or not district:
        raise ApplicationError(
            _("Vui lòng nhập tên chủ thể và quận/huyện."),
            code="missing_details",
            fields={k: _("Bắt buộc") for k, v in (("organisation", organisation), ("district", district)) if not v},
        )
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], code="invalid_phone", fields={"phone": exc.messages[0]}) from exc
    with transaction.atomic():
        run = CourseRun.objects.select_for_update().select_related("course").get(pk=run.pk)
        if source == Registration.Source.SELF:
            if not user.has_role(Role.VENDOR):
                raise ApplicationError(
                    _("Chỉ chủ thể OCOP (tài khoản người bán) mới đăng ký được lớp tập huấn."), code="not_vendor",
                    status=403,
                )
            if now < run.registration_opens_at:
                raise ApplicationError(_("Lớp này chưa mở đăng ký."), code="registration_not_open")
            if now >= run.registration_closes_at:
                raise ApplicationError(_("Lớp này đã hết hạn đăng ký."), code="registration_closed")
        existing = Registration.objects.filter(run=run, user=user).first()
        if existing and existing.status != Registration.Status.WITHDRAWN:
            raise ApplicationError(_("Bạn đã đăng ký lớp này rồi."), code="already_registered", status=409)
        _check_prerequisites(user=user, run=run)
        full = run.seats_taken >= run.seat_limit
        if full and not run.waitlist_enabled:
            raise ApplicationError(_("Lớp đã đủ chỗ và không nhận danh sách chờ."), code="run_full", status=409)
        if full and not join_waitlist:
            raise ApplicationError(
                _("Lớp đã đủ chỗ. Bạn có thể vào danh sách chờ và sẽ được ghi danh khi có người rút."),
                code="run_full_waitlist_available",
                status=409,
            )
        registration = existing or Registration(run=run, user=user)
        registration.status = Registration.Status.WAITLISTED if full else Registration.Status.ENROLLED
        registration.source = source
        registration.organisation, registration.district, registration.phone = organisation, district, phone
        registration.queued_at = now
        registration.enrolled_at = None if full else now
        registration.withdrawn_at = None
        registration.save()
    if notify:
        _mail_registration(registration)
    return registration


def _mail_registration(registration: Registration) -> None:
    run = registration.run
    if registration.is_enrolled:
        subject = _("Xác nhận ghi danh: %(run)s") % {"run": run.name}
        body = _(
            "Chào %(name)s,\n\nBạn đã được ghi danh vào lớp “%(run)s” (khóa %(course)s), "
            "bắt đầu ngày %(start)s.\nVào học tại: %(url)s\n\nChợ Đêm Trên Mây"
        )
    else:
        subject = _("Bạn đang trong danh sách chờ: %(run)s") % {"run": run.name}
        body = _(
            "Chào %(name)s,\n\nLớp “%(run)s” (khóa %(course)s) đã đủ chỗ. Bạn đang trong danh sách chờ "
            "và sẽ được ghi danh ngay khi có chỗ trống.\nTheo dõi tại: %(url)s\n\nChợ Đêm Trên Mây"
        )
    body = body % {
        "name": registration.user.get_full_name(),
        "run": run.name,
        "course": run.course.title,
        "start": run.starts_on.strftime("%d/%m/%Y"),
        "url": _site_url(reverse("learning:dashboard")),
    }
    _mail_after_commit(to=registration.user.email, subject=subject, body=body)


def registration_withdraw(*, registration: Registration, now=None) -> Registration:
    """Leave a run (or its waiting list); a freed seat goes to the first person waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        CourseRun.objects.select_for_update().get(pk=registration.run_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.WITHDRAWN:
            raise ApplicationError(_("Bạn đã rút khỏi lớp này rồi."), code="already_withdrawn")
        if hasattr(registration, "graduation"):
            raise ApplicationError(_("Bạn đã tốt nghiệp lớp này nên không thể rút."), code="already_graduated")
        registration.status = Registration.Status.WITHDRAWN
        registration.withdrawn_at = now
        registration.save(update_fields=["status", "withdrawn_at"])
        waitlist_promote(run=registration.run, now=now)
    return registration


def waitlist_promote(*, run: CourseRun, now=None) -> list[Registration]:
    """Fill free seats from the waiting list in order of joining. Call inside the run lock."""
    now = now or timezone.now()
    run.refresh_from_db()
    promoted = []
    free = run.seat_limit - run.seats_taken
    waiting = run.registrations.filter(status=Registration.Status.WAITLISTED).order_by("queued_at", "pk")
    for registration in waiting[: max(free, 0)]:
        registration.status = Registration.Status.ENROLLED
        registration.enrolled_at = now
        registration.save(update_fields=["status", "enrolled_at"])
        _mail_registration(registration)
        promoted.append(registration)
    return promoted


ROSTER_COLUMNS = {
    "email": ("email", "e-mail", "thu dien tu"),
    "full_name": ("full name", "ho ten", "ho va ten", "name"),
    "phone": ("phone", "dien thoai", "so dien thoai", "sdt"),
    "organisation": ("organisation", "organization", "to chuc", "chu the", "ten chu the"),
    "district": ("district", "quan huyen", "huyen"),
}


def roster_import(*, run: CourseRun, csv_text: str) -> dict:
    """Enrol a roster (CSV with e-mail, name, phone, organisation, district).

    Each row stands alone: good rows are kept, bad ones reported with their line number.
    Unknown e-mails become vendor accounts without a password (they set one by "forgot
    password").
    """
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise ApplicationError(_("Tệp CSV trống."), code="empty_csv") from None
    folded = [" ".join(fold(h).replace("_", " ").replace("/", " ").split()) for h in header]
    index = {}
    for key, names in ROSTER_COLUMNS.items():
        for i, name in enumerate(folded):
            if name in names:
                index[key] = i
    missing = [k for k in ROSTER_COLUMNS if k not in index]
    if missing:
        raise ApplicationError(
            _("Tệp CSV thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)}, code="csv_columns"
        )
    created, errors = [], []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {k: (row[i].strip() if i < len(row) else "") for k, i in index.items()}
        try:
            with transaction.atomic():
                try:
                    validate_email(values["email"])
                except ValidationError:
                    raise ApplicationError(_("E-mail không hợp lệ."), code="invalid_email") from None
                user = User.objects.filter(email__iexact=values["email"]).first()
                if user is None:
                    try:
                        phone = normalize_phone(values["phone"])
                    except ValidationError as exc:
                        raise ApplicationError(exc.messages[0], code="invalid_phone") from exc
                    if User.objects.filter(phone=phone).exists():
                        phone = None
                    user = user_create(
                        email=values["email"], password=None, full_name=values["full_name"], phone=phone,
                        roles=[Role.VENDOR],
                    )
                created.append(
                    registration_create(
                        run=run,
                        user=user,
                        organisation=values["organisation"],
                        district=values["district"],
                        phone=values["phone"],
                        source=Registration.Source.IMPORT,
                    )
                )
        except ApplicationError as exc:
            errors.append({"line": line, "email": values.get("email", ""), "message": str(exc.message)})
        except ValidationError as exc:
            errors.append({"line": line, "email": values.get("email", ""), "message": "; ".join(exc.messages)})
    return {"created": created, "errors": errors}


# --------------------------------------------------------------------------- progress


def lesson_require_open(*, registration: Registration, lesson: LessonPage):
    """The lesson's state for this learner, or ``ApplicationError`` saying why it is closed."""
    state = selectors.lesson_state(registration, lesson)
    if state is None:
        raise ApplicationError(_("Bài học này không thuộc khóa học của lớp."), code="lesson_not_in_course", status=404)
    if not state.is_open:
        raise ApplicationError(state.closed_reason or _("Bài học chưa mở."), code="lesson_closed", status=403)
    return state


def lesson_complete(*, registration: Registration, lesson: LessonPage) -> LessonCompletion:
    """Mark a lesson done (idempotent), then check whether the learner has graduated."""
    lesson_require_open(registration=registration, lesson=lesson)
    with transaction.atomic():
        completion, _created = LessonCompletion.objects.get_or_create(registration=registration, lesson=lesson)
        graduation_evaluate(registration=registration)
    return completion


def quiz_submit(
    *, registration: Registration, lesson: LessonPage, block_id: str, answers: dict[int, list[int]]
) -> QuizAttempt:
    """Grade on the server and store the attempt. Refused past the limit or once passed."""
    lesson_require_open(registration=registration, lesson=lesson)
    block = lesson.get_block(block_id, "quiz")
    if block is None:
        raise ApplicationError(_("Không tìm thấy bài kiểm tra này."), code="quiz_not_found", status=404)
    result = quiz_grade(quiz_value=block.value, answers=answers)  # raises on forged answer sets
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        previous = QuizAttempt.objects.filter(registration=registration, lesson=lesson, block_id=block_id)
        if previous.filter(passed=True).exists():
            raise ApplicationError(_("Bạn đã đạt bài kiểm tra này."), code="quiz_already_passed")
        count = previous.count()
        if count >= block.value["max_attempts"]:
            raise ApplicationError(
                _("Bạn đã dùng hết %(n)s lần làm bài kiểm tra này.") % {"n": block.value["max_attempts"]},
                code="attempt_limit",
            )
        try:
            attempt = QuizAttempt.objects.create(
                registration=registration,
                lesson=lesson,
                block_id=block_id,
                number=count + 1,
                answers={str(k): sorted(set(v)) for k, v in answers.items()},
                score_percent=result.score_percent,
                passed=result.passed,
                results=[
                    {"index": q.index, "correct": q.correct, "chosen": list(q.chosen), "feedback": q.feedback,
                     "explanation": q.explanation}
                    for q in result.questions
                ],
            )
        except IntegrityError:
            raise ApplicationError(_("Bài đã được nộp, vui lòng tải lại trang."), code="duplicate_attempt") from None
        if result.passed:
            graduation_evaluate(registration=registration)
    return attempt


def _validate_submission_file(upload) -> None:
    limit = settings.LEARNING_SUBMISSION_MAX_BYTES
    if upload.size > limit:
        raise ApplicationError(
            _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": limit // (1024 * 1024)}, code="file_too_large",
            fields={"file": "too_large"},
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None and kind.mime in ALLOWED_SUBMISSION_TYPES:
        return
    if kind is None and upload.name.lower().endswith(".txt"):
        try:
            head.decode("utf-8")
            return
        except UnicodeDecodeError:
            pass
    raise ApplicationError(
        _("Loại tệp không được chấp nhận. Hãy nộp PDF, DOCX, ảnh JPG/PNG, video MP4/WebM/MOV hoặc tệp văn bản."),
        code="file_type",
        fields={"file": "type"},
    )


def assignment_submit(
    *, registration: Registration, lesson: LessonPage, block_id: str, text: str = "", upload=None, link: str = ""
) -> AssignmentSubmission:
    """Hand in a practical assignment: first time, or again after an instructor asked."""
    lesson_require_open(registration=registration, lesson=lesson)
    block = lesson.get_block(block_id, "assignment")
    if block is None:
        raise ApplicationError(_("Không tìm thấy bài thực hành này."), code="assignment_not_found", status=404)
    text, link = (text or "").strip(), (link or "").strip()
    if upload and not block.value["allow_file"]:
        raise ApplicationError(_("Bài này không nhận tệp."), code="file_not_allowed", fields={"file": "not_allowed"})
    if link and not block.value["allow_link"]:
        raise ApplicationError(_("Bài này không nhận đường dẫn."), code="link_not_allowed")
    if link and not link.startswith(("https://", "http://")):
        raise ApplicationError(_("Đường dẫn phải bắt đầu bằng https://"), code="invalid_link", fields={"link": "invalid"})
    if not text:
        raise ApplicationError(_("Vui lòng viết nội dung bài nộp."), code="missing_text", fields={"text": "required"})
    if not upload and not link and (block.value["allow_file"] or block.value["allow_link"]):
        raise ApplicationError(_("Vui lòng đính kèm một tệp hoặc một đường dẫn."), code="missing_attachment")
    if upload:
        _validate_submission_file(upload)
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        previous = list(
            AssignmentSubmission.objects.filter(registration=registration, lesson=lesson, block_id=block_id)
        )
        latest = previous[-1] if previous else None
        if latest and latest.status == AssignmentSubmission.Status.SUBMITTED:
            raise ApplicationError(_("Bài của bạn đang chờ chấm."), code="awaiting_grading")
        if latest and latest.status == AssignmentSubmission.Status.PASSED:
            raise ApplicationError(_("Bài thực hành này đã đạt."), code="assignment_already_passed")
        submission = AssignmentSubmission(
            registration=registration, lesson=lesson, block_id=block_id, version=len(previous) + 1, text=text, link=link
        )
        if upload:
            submission.file.save(upload.name, upload, save=False)
        submission.save()
    return submission


def assignment_grade(
    *,
    submission: AssignmentSubmission,
    grader: User,
    scores: list[int],
    comment: str = "",
    notify: bool = True,
    now=None,
) -> AssignmentSubmission:
    """Score a submission against the block's rubric. Below the pass mark asks for a resubmission."""
    run = submission.registration.run
    if not selectors.user_can_grade_run(grader, run):
        raise ApplicationError(_("Chỉ giảng viên của lớp này mới được chấm bài."), code="not_run_instructor", status=403)
    lesson = LessonPage.objects.get(pk=submission.lesson_id)
    block = lesson.get_block(submission.block_id, "assignment")
    if block is None:
        raise ApplicationError(_("Bài thực hành này không còn trong bài học."), code="assignment_not_found", status=404)
    rubric = list(block.value["rubric"])
    if len(scores) != len(rubric):
        raise ApplicationError(_("Cần chấm đủ mọi tiêu chí."), code="rubric_incomplete")
    fields = {
        str(i): _("Từ 0 đến %(max)s") % {"max": c["max_points"]}
        for i, (score, c) in enumerate(zip(scores, rubric, strict=True))
        if score is None or not 0 <= score <= c["max_points"]
    }
    if fields:
        raise ApplicationError(_("Điểm nằm ngoài thang điểm của tiêu chí."), code="score_out_of_range", fields=fields)
    with transaction.atomic():
        submission = AssignmentSubmission.objects.select_for_update().get(pk=submission.pk)
        if submission.status != AssignmentSubmission.Status.SUBMITTED:
            raise ApplicationError(_("Bài này đã được chấm."), code="already_graded", status=409)
        total = sum(scores)
        submission.scores = [
            {"criterion": c["name"], "points": s, "max_points": c["max_points"]}
            for s, c in zip(scores, rubric, strict=True)
        ]
        submission.total_points = total
        submission.comment = comment.strip()
        submission.graded_by = grader
        submission.graded_at = now or timezone.now()
        submission.status = (
            AssignmentSubmission.Status.PASSED if total >= block.value["pass_points"] else AssignmentSubmission.Status.REVISION
        )
        submission.save()
        if submission.status == AssignmentSubmission.Status.PASSED:
            graduation_evaluate(registration=submission.registration)
    learner = submission.registration.user
    if not notify:
        return submission
    _mail_after_commit(
        to=learner.email,
        subject=_("Bài thực hành đã được chấm: %(title)s") % {"title": block.value["title"]},
        body=_("Chào %(name)s,\n\nKết quả: %(status)s (%(total)s điểm).\nNhận xét: %(comment)s\n\nChợ Đêm Trên Mây")
        % {
            "name": learner.get_full_name(),
            "status": submission.get_status_display(),
            "total": total,
            "comment": submission.comment or "—",
        },
    )
    return submission


# --------------------------------------------------------------------------- graduation


def graduation_evaluate(*, registration: Registration) -> Graduation | None:
    """Record the graduation if every rule is met, exactly once, with its evidence.

    Passed = every required lesson complete, every quiz passed, every assignment passed.
    """
    if Graduation.objects.filter(registration=registration).exists() or not registration.is_enrolled:
        return None
    progress = selectors.registration_progress(registration)
    required = [s for s in progress.lessons if s.lesson.required]
    if not all(s.completed for s in required):
        return None
    if not all(q["passed"] for q in progress.quizzes) or not all(a["passed"] for a in progress.assignments):
        return None
    completions = {c.lesson_id: c.completed_at for c in registration.completions.all()}
    passed_attempts = {
        (a.lesson_id, a.block_id): a for a in registration.quiz_attempts.filter(passed=True)
    }
    passed_submissions = {
        (s.lesson_id, s.block_id): s
        for s in registration.submissions.filter(status=AssignmentSubmission.Status.PASSED)
    }
    evidence = {
        "lessons": [
            {"lesson_id": s.lesson.pk, "title": s.lesson.title, "completed_at": completions[s.lesson.pk].isoformat()}
            for s in required
        ],
        "quizzes": [
            {
                "lesson_id": q["lesson"].pk,
                "block_id": q["block_id"],
                "title": q["title"],
                "attempt_id": passed_attempts[(q["lesson"].pk, q["block_id"])].pk,
                "score_percent": passed_attempts[(q["lesson"].pk, q["block_id"])].score_percent,
            }
            for q in progress.quizzes
        ],
        "assignments": [
            {
                "lesson_id": a["lesson"].pk,
                "block_id": a["block_id"],
                "title": a["title"],
                "submission_id": passed_submissions[(a["lesson"].pk, a["block_id"])].pk,
                "total_points": passed_submissions[(a["lesson"].pk, a["block_id"])].total_points,
                "graded_by": passed_submissions[(a["lesson"].pk, a["block_id"])].graded_by_id,
            }
            for a in progress.assignments
        ],
    }
    try:
        with transaction.atomic():
            graduation = Graduation.objects.create(registration=registration, evidence=evidence)
    except IntegrityError:
        return None  # someone else recorded it a moment ago
    transaction.on_commit(lambda: course_passed.send(sender=Graduation, graduation=graduation))
    return graduation


def graduation_revoke(*, graduation: Graduation, by: User, reason: str, now=None) -> Graduation:
    """An organizer withdraws a graduation; the reason, who and when stay on record."""
    if not (by.is_superuser or by.has_role(Role.ORGANIZER)):
        raise ApplicationError(_("Chỉ ban tổ chức mới được thu hồi chứng nhận."), code="not_organizer", status=403)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Vui lòng ghi lý do thu hồi."), code="missing_reason", fields={"reason": "required"})
    with transaction.atomic():
        graduation = Graduation.objects.select_for_update().get(pk=graduation.pk)
        if graduation.is_revoked:
            raise ApplicationError(_("Chứng nhận này đã bị thu hồi."), code="already_revoked", status=409)
        graduation.revoked_at = now or timezone.now()
        graduation.revoked_by = by
        graduation.revoke_reason = reason
        graduation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        logger.info("learning: graduation %s revoked by %s: %s", graduation.code, by.pk, reason)
        transaction.on_commit(lambda: course_pass_revoked.send(sender=Graduation, graduation=graduation))
    return graduation


# --------------------------------------------------------------------------- webinars & reminders


def webinar_join(*, webinar: Webinar, user: User, now=None) -> str:
    """Record attendance and return the external link, only inside the join window."""
    now = now or timezone.now()
    if not Registration.objects.filter(run=webinar.run_id, user=user, status=Registration.Status.ENROLLED).exists():
        raise ApplicationError(_("Chỉ học viên của lớp mới tham gia được buổi học này."), code="not_enrolled", status=403)
    if now < webinar.starts_at - timezone.timedelta(minutes=15):
        raise ApplicationError(
            _("Buổi học chưa mở. Đường dẫn hoạt động từ 15 phút trước giờ bắt đầu (%(time)s).")
            % {"time": timezone.localtime(webinar.starts_at).strftime("%H:%M %d/%m/%Y")},
            code="webinar_not_open",
        )
    if now >= webinar.ends_at:
        raise ApplicationError(_("Buổi học đã kết thúc."), code="webinar_over")
    WebinarAttendance.objects.get_or_create(webinar=webinar, user=user, defaults={"joined_at": now})
    return webinar.join_url


def reminders_send(*, now=None) -> int:
    """Send each due reminder once: webinars starting within 24 h, runs starting within 3 days."""
    now = now or timezone.now()
    sent = 0
    webinars = Webinar.objects.filter(starts_at__gt=now, starts_at__lte=now + timezone.timedelta(hours=24))
    for webinar in webinars.select_related("run"):
        for registration in webinar.run.registrations.filter(status=Registration.Status.ENROLLED).select_related("user"):
            sent += _remind(
                kind="webinar",
                object_id=webinar.pk,
                user=registration.user,
                subject=_("Nhắc lịch buổi học: %(title)s") % {"title": webinar.title},
                body=_("Chào %(name)s,\n\nBuổi học “%(title)s” của lớp %(run)s bắt đầu lúc %(time)s.\n"
                       "Tham gia qua trang Học tập của tôi: %(url)s\n\nChợ Đêm Trên Mây")
                % {
                    "name": registration.user.get_full_name(),
                    "title": webinar.title,
                    "run": webinar.run.name,
                    "time": timezone.localtime(webinar.starts_at).strftime("%H:%M %d/%m/%Y"),
                    "url": _site_url(reverse("learning:dashboard")),
                },
            )
    today = timezone.localdate(now)
    runs = CourseRun.objects.filter(starts_on__gt=today, starts_on__lte=today + timezone.timedelta(days=3))
    for run in runs:
        for registration in run.registrations.filter(status=Registration.Status.ENROLLED).select_related("user"):
            sent += _remind(
                kind="run_start",
                object_id=run.pk,
                user=registration.user,
                subject=_("Lớp %(run)s sắp bắt đầu") % {"run": run.name},
                body=_("Chào %(name)s,\n\nLớp “%(run)s” bắt đầu ngày %(date)s.\nVào học: %(url)s\n\nChợ Đêm Trên Mây")
                % {
                    "name": registration.user.get_full_name(),
                    "run": run.name,
                    "date": run.starts_on.strftime("%d/%m/%Y"),
                    "url": _site_url(reverse("learning:dashboard")),
                },
            )
    return sent


def _remind(*, kind: str, object_id: int, user: User, subject: str, body: str) -> int:
    with transaction.atomic():
        _log, created = ReminderLog.objects.get_or_create(kind=kind, object_id=object_id, user=user)
        if created:
            _mail_after_commit(to=user.email, subject=subject, body=body)
    return int(created)
