"""Learning pages: thin views that parse input, call a service and render.

Every failed rule arrives as ``ApplicationError`` and is shown as a message; nothing changes.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from accounts.roles import Role
from config.errors import ApplicationError
from courses.models import LessonPage
from learning import selectors, services
from learning.certificates import certificate_pdf
from learning.forms import (
    AssignmentForm,
    GradeForm,
    ManualEnrolForm,
    RegistrationForm,
    RevokeForm,
    RosterImportForm,
    VerifyForm,
)
from learning.models import AssignmentSubmission, CourseRun, Graduation, Registration, Webinar


def _too_many(request):
    return render(request, "429.html", status=429)


def _my_registration(request, run_id) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("run", "run__course", "user"), run_id=run_id, user=request.user
    )


def _manageable_run(request, run_id) -> CourseRun:
    run = get_object_or_404(CourseRun.objects.select_related("course"), pk=run_id)
    if not selectors.user_can_manage_run(request.user, run):
        raise PermissionDenied
    return run


def _is_organizer(user) -> bool:
    return user.is_superuser or user.has_role(Role.ORGANIZER)


# --------------------------------------------------------------------------- learner


def dashboard(request):
    """"Học tập của tôi"; visitors who are not logged in see the runs open for registration."""
    if not request.user.is_authenticated:
        return run_list(request)
    return render(
        request,
        "learning/dashboard.html",
        {
            "items": selectors.dashboard_for(request.user),
            "open_runs": selectors.run_open_for_registration(),
            "managed_runs": selectors.runs_managed_by(request.user),
        },
    )


def run_list(request):
    runs = list(selectors.run_open_for_registration())
    mine = selectors.runs_registered(user=request.user, runs=runs)
    return render(request, "learning/run_list.html", {"runs": [(run, mine.get(run.pk)) for run in runs]})


@ratelimit(key="user_or_ip", rate=lambda group, request: settings.LEARNING_WRITE_RATE, method="POST", block=False)
def run_detail(request, run_id):
    if getattr(request, "limited", False):
        return _too_many(request)
    run = get_object_or_404(CourseRun.objects.select_related("course"), pk=run_id)
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(run=run, user=request.user).first()
    form = RegistrationForm(request.POST or None, initial=selectors.registration_initial(request.user))
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            try:
                registration = services.registration_create(run=run, user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                if exc.code == "run_full_waitlist_available":
                    form.fields["join_waitlist"].widget.attrs["data-highlight"] = "1"
            else:
                if registration.is_enrolled:
                    messages.success(request, _("Bạn đã được ghi danh vào lớp. Chúc bạn học tốt!"))
                else:
                    messages.info(request, _("Bạn đã vào danh sách chờ. Chúng tôi sẽ báo khi có chỗ."))
                return redirect("learning:dashboard")
    return render(
        request,
        "learning/run_detail.html",
        {
            "run": run,
            "form": form,
            "registration": registration if registration and registration.status != "withdrawn" else None,
            "webinars": run.webinars.all(),
            "lessons": selectors.course_lessons(run.course.specific),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def withdraw(request, run_id):
    registration = _my_registration(request, run_id)
    try:
        services.registration_withdraw(registration=registration)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Bạn đã rút khỏi lớp %(run)s.") % {"run": registration.run.name})
    return redirect("learning:dashboard")


def _parse_quiz_answers(post) -> dict[int, list[int]]:
    answers: dict[int, list[int]] = {}
    for key in post:
        if not key.startswith("q"):
            continue
        try:
            answers[int(key[1:])] = [int(v) for v in post.getlist(key)]
        except ValueError:
            raise ApplicationError(_("Bài nộp không hợp lệ."), code="malformed_answers") from None
    return answers


@login_required
@ratelimit(key="user", rate=lambda group, request: settings.LEARNING_WRITE_RATE, method="POST", block=False)
def study(request, run_id, lesson_id):
    if getattr(request, "limited", False):
        return _too_many(request)
    registration = _my_registration(request, run_id)
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    states = selectors.lesson_states(registration)
    index = next((i for i, s in enumerate(states) if s.lesson.pk == lesson.pk), None)
    if index is None:
        raise Http404
    state = states[index]
    if not state.is_open:
        messages.error(request, state.closed_reason)
        return redirect("learning:dashboard")

    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "complete":
                services.lesson_complete(registration=registration, lesson=lesson)
                messages.success(request, _("Đã đánh dấu hoàn thành bài học."))
                if index + 1 < len(states):
                    return redirect("learning:study", run_id=run_id, lesson_id=states[index + 1].lesson.pk)
            elif action == "quiz":
                attempt = services.quiz_submit(
                    registration=registration,
                    lesson=lesson,
                    block_id=request.POST.get("block_id", ""),
                    answers=_parse_quiz_answers(request.POST),
                )
                if attempt.passed:
                    messages.success(request, _("Đạt! Bạn được %(score)s%%.") % {"score": attempt.score_percent})
                else:
                    messages.warning(request, _("Chưa đạt: %(score)s%%. Xem nhận xét từng câu bên dưới.")
                                     % {"score": attempt.score_percent})
            elif action == "assignment":
                form = AssignmentForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise ApplicationError(
                        "; ".join(str(e) for errors in form.errors.values() for e in errors), code="invalid"
                    )
                services.assignment_submit(
                    registration=registration,
                    lesson=lesson,
                    block_id=request.POST.get("block_id", ""),
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data["file"],
                    link=form.cleaned_data["link"],
                )
                messages.success(request, _("Đã nộp bài thực hành. Giảng viên sẽ chấm và phản hồi."))
            else:
                raise ApplicationError(_("Thao tác không hợp lệ."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("learning:study", run_id=run_id, lesson_id=lesson.pk)

    items = []
    for block in lesson.body:
        item = {"block": block, "kind": block.block_type}
        if block.block_type == "quiz":
            attempts = selectors.quiz_attempts_for(registration, lesson, block.id)
            last = attempts[-1] if attempts else None
            questions = list(block.value["questions"])
            feedback = []
            if last:
                for result in last.results:
                    question = questions[result["index"]] if result["index"] < len(questions) else None
                    feedback.append({**result, "prompt": question["prompt"] if question else ""})
            item.update(
                attempts=attempts,
                last=last,
                feedback=feedback,
                passed=any(a.passed for a in attempts),
                attempts_left=max(0, block.value["max_attempts"] - len(attempts)),
            )
        elif block.block_type == "assignment":
            submissions = selectors.submissions_for(registration, lesson, block.id)
            latest = submissions[-1] if submissions else None
            item.update(
                submissions=submissions,
                latest=latest,
                can_submit=latest is None or latest.status == AssignmentSubmission.Status.REVISION,
                form=AssignmentForm(),
            )
        items.append(item)
    return render(
        request,
        "learning/study.html",
        {
            "registration": registration,
            "run": registration.run,
            "lesson": lesson,
            "state": state,
            "states": states,
            "items": items,
            "previous": states[index - 1] if index > 0 else None,
            "next": states[index + 1] if index + 1 < len(states) else None,
        },
    )


@login_required
def submission_file(request, submission_id):
    """Private file: the learner who handed it in, the run's instructors and organizers."""
    submission = get_object_or_404(
        AssignmentSubmission.objects.select_related("registration__run"), pk=submission_id
    )
    run = submission.registration.run
    if submission.registration.user_id != request.user.pk and not selectors.user_can_manage_run(request.user, run):
        raise PermissionDenied
    if not submission.file:
        raise Http404
    response = FileResponse(submission.file.open("rb"), as_attachment=True, filename=submission.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@ratelimit(key="user", rate=lambda group, request: settings.LEARNING_CERTIFICATE_RATE, block=False)
def certificate_download(request, code):
    if getattr(request, "limited", False):
        return _too_many(request)
    graduation = get_object_or_404(Graduation.objects.select_related("registration__run__course"), code=code)
    owner = graduation.registration.user_id == request.user.pk
    if not owner and not selectors.user_can_manage_run(request.user, graduation.registration.run):
        raise PermissionDenied
    if graduation.is_revoked:
        messages.error(request, _("Chứng nhận này đã bị thu hồi."))
        return redirect("learning:dashboard")
    pdf = certificate_pdf(graduation=graduation, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{graduation.code}.pdf"'
    return response


@ratelimit(key="ip", rate=lambda group, request: settings.LEARNING_VERIFY_RATE, block=False)
def verify(request):
    if getattr(request, "limited", False):
        return _too_many(request)
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("learning:verify_code", code=form.cleaned_data["code"].strip().upper())
    return render(request, "learning/verify.html", {"form": form})


@ratelimit(key="ip", rate=lambda group, request: settings.LEARNING_VERIFY_RATE, block=False)
def verify_code(request, code):
    if getattr(request, "limited", False):
        return _too_many(request)
    graduation = (
        Graduation.objects.select_related("registration__user", "registration__run__course").filter(code=code).first()
    )
    return render(request, "learning/verify.html", {"form": VerifyForm(initial={"code": code}), "code": code,
                                                   "graduation": graduation, "checked": True})


@login_required
def webinar_join(request, webinar_id):
    webinar = get_object_or_404(Webinar.objects.select_related("run"), pk=webinar_id)
    try:
        url = services.webinar_join(webinar=webinar, user=request.user)
    except ApplicationError as exc:
        return render(request, "learning/webinar_closed.html", {"webinar": webinar, "message": exc.message},
                      status=exc.status if exc.status == 403 else 200)
    if not url.startswith(("https://", "http://")):
        raise Http404
    return HttpResponseRedirect(url)


# --------------------------------------------------------------------------- staff


@login_required
def gradebook(request, run_id):
    run = _manageable_run(request, run_id)
    sort = request.GET.get("sort", "name")
    columns, rows = selectors.gradebook_rows(run, sort=sort)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="so-diem-lop-{run.pk}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Học viên"), _("E-mail"), _("Chủ thể")] + [c["title"] for c in columns] + [_("Tốt nghiệp")])
        for row in rows:
            cells = []
            for cell in row["cells"]:
                value = cell["value"]
                if cell["kind"] == "lesson":
                    cells.append("x" if value else "")
                elif cell["kind"] == "quiz":
                    cells.append("" if value is None else value)
                else:
                    cells.append("" if value is None else f"{value.get_status_display()} {value.total_points or ''}".strip())
            graduation = row["graduation"]
            writer.writerow(
                [row["name"], row["registration"].user.email, row["registration"].organisation, *cells,
                 graduation.code if graduation and not graduation.is_revoked else ""]
            )
        return response
    return render(
        request,
        "learning/gradebook.html",
        {"run": run, "columns": columns, "rows": rows, "sort": sort, "can_grade": selectors.user_can_grade_run(request.user, run),
         "is_organizer": _is_organizer(request.user)},
    )


@login_required
def grade_submission(request, submission_id):
    submission = get_object_or_404(
        AssignmentSubmission.objects.select_related("registration__run__course", "registration__user"), pk=submission_id
    )
    run = submission.registration.run
    if not selectors.user_can_manage_run(request.user, run):
        raise PermissionDenied
    lesson = LessonPage.objects.get(pk=submission.lesson_id)
    block = lesson.get_block(submission.block_id, "assignment")
    if block is None:
        raise Http404
    form = GradeForm(request.POST or None, rubric=block.value["rubric"])
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_grade(
                submission=submission, grader=request.user, scores=form.scores, comment=form.cleaned_data["comment"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã lưu điểm."))
            return redirect("learning:gradebook", run_id=run.pk)
    history = selectors.submissions_for(submission.registration, lesson, submission.block_id)
    return render(
        request,
        "learning/grade.html",
        {"submission": submission, "run": run, "lesson": lesson, "assignment": block.value, "form": form, "history": history,
         "can_grade": selectors.user_can_grade_run(request.user, run)},
    )


@login_required
def report(request, run_id):
    run = _manageable_run(request, run_id)
    data = selectors.run_report(run)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="bao-cao-lop-{run.pk}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        for section, title in (
            ("enrolment", _("Ghi danh")),
            ("funnel", _("Hoàn thành theo bài")),
            ("quiz_distribution", _("Phân bố điểm kiểm tra")),
            ("assignment_grades", _("Kết quả bài thực hành")),
            ("webinars", _("Điểm danh buổi học trực tuyến")),
        ):
            for entry in data[section]:
                writer.writerow([title, entry["label"], entry["count"]])
        writer.writerow([_("Tốt nghiệp"), "", data["graduated"]])
        return response
    charts = []
    for key, title in (
        ("enrolment", _("Ghi danh")),
        ("funnel", _("Hoàn thành theo bài (số học viên)")),
        ("quiz_distribution", _("Phân bố điểm cao nhất các bài kiểm tra")),
        ("assignment_grades", _("Bài thực hành (lần nộp mới nhất)")),
        ("webinars", _("Điểm danh buổi học trực tuyến")),
    ):
        entries = data[key]
        top = max((e["count"] for e in entries), default=0) or 1
        charts.append(
            {"key": key, "title": title,
             "bars": [{**e, "percent": round(100 * e["count"] / top)} for e in entries]}
        )
    return render(request, "learning/report.html", {"run": run, "data": data, "charts": charts})


@login_required
def enrol(request, run_id):
    run = _manageable_run(request, run_id)
    if not _is_organizer(request.user):
        raise PermissionDenied
    enrol_form = ManualEnrolForm(request.POST if request.POST.get("action") == "enrol" else None)
    import_form = RosterImportForm(
        request.POST if request.POST.get("action") == "import" else None,
        request.FILES if request.POST.get("action") == "import" else None,
    )
    result = None
    if request.method == "POST" and enrol_form.is_bound and enrol_form.is_valid():
        data = enrol_form.cleaned_data
        user = User.objects.filter(email__iexact=data["email"]).first()
        if user is None:
            messages.error(request, _("Không có tài khoản với e-mail này. Hãy dùng nhập danh sách CSV."))
        else:
            try:
                services.registration_create(
                    run=run, user=user, organisation=data["organisation"], district=data["district"],
                    phone=data["phone"], source=Registration.Source.MANUAL,
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã ghi danh %(name)s.") % {"name": user.get_full_name()})
                return redirect("learning:enrol", run_id=run.pk)
    if request.method == "POST" and import_form.is_bound and import_form.is_valid():
        raw = import_form.cleaned_data["roster"].read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            messages.error(request, _("Tệp CSV phải dùng mã hóa UTF-8."))
        else:
            try:
                result = services.roster_import(run=run, csv_text=text)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã ghi danh %(n)s dòng.") % {"n": len(result["created"])})
    registrations = run.registrations.select_related("user").order_by("status", "queued_at")
    return render(
        request,
        "learning/enrol.html",
        {"run": run, "enrol_form": enrol_form, "import_form": import_form, "result": result,
         "registrations": registrations},
    )


@login_required
def revoke(request, code):
    graduation = get_object_or_404(Graduation.objects.select_related("registration__user", "registration__run"), code=code)
    if not _is_organizer(request.user):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.graduation_revoke(graduation=graduation, by=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã thu hồi chứng nhận %(code)s.") % {"code": graduation.code})
            return redirect("learning:gradebook", run_id=graduation.registration.run_id)
    return render(request, "learning/revoke.html", {"graduation": graduation, "form": form})
