"""Progress, gating, quizzes, assignments, grading, graduation (once, with evidence, signal) and revocation."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from config.errors import ApplicationError
from learning import selectors
from learning.models import AssignmentSubmission, Graduation, LessonCompletion, QuizAttempt
from learning.services import (
    assignment_grade,
    assignment_submit,
    graduation_revoke,
    lesson_complete,
    quiz_submit,
)
from learning.signals import course_pass_revoked, course_passed
from tests.learning.builders import ASSIGNMENT_ID, CORRECT, QUIZ_ID, WRONG

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _script(name="kich-ban.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _finish_lessons(registration, lessons):
    for lesson in lessons:
        lesson_complete(registration=registration, lesson=lesson)


def test_sequential_gating_opens_lessons_one_by_one(registration, lessons):
    states = selectors.lesson_states(registration)
    assert [s.is_open for s in states] == [True, False, False]
    with pytest.raises(ApplicationError) as exc:
        lesson_complete(registration=registration, lesson=lessons[1])
    assert exc.value.code == "lesson_closed"
    assert not LessonCompletion.objects.exists()
    lesson_complete(registration=registration, lesson=lessons[0])
    lesson_complete(registration=registration, lesson=lessons[0])  # idempotent
    assert [s.is_open for s in selectors.lesson_states(registration)] == [True, True, False]
    assert LessonCompletion.objects.count() == 1


def test_lessons_are_closed_before_the_run_starts(registration, lessons):
    registration.run.starts_on = timezone.localdate() + datetime.timedelta(days=2)
    registration.run.save()
    with pytest.raises(ApplicationError) as exc:
        lesson_complete(registration=registration, lesson=lessons[0])
    assert exc.value.code == "lesson_closed"


def test_quiz_for_a_lesson_not_yet_open_is_refused(registration, lessons):
    with pytest.raises(ApplicationError) as exc:
        quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    assert exc.value.code == "lesson_closed"
    assert not QuizAttempt.objects.exists()


def test_quiz_is_graded_on_the_server_and_every_attempt_stored(registration, lessons):
    lesson_complete(registration=registration, lesson=lessons[0])
    failed = quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=WRONG)
    assert (failed.number, failed.passed, failed.score_percent) == (1, False, 0)
    assert failed.results[0]["correct"] is False
    assert failed.results[0]["feedback"] == ["Khách sẽ mất niềm tin."]
    passed = quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    assert (passed.number, passed.passed, passed.score_percent) == (2, True, 100)
    assert QuizAttempt.objects.filter(registration=registration).count() == 2
    with pytest.raises(ApplicationError) as exc:
        quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    assert exc.value.code == "quiz_already_passed"


def test_quiz_attempt_limit_holds(registration, lessons):
    lesson_complete(registration=registration, lesson=lessons[0])
    for _ in range(3):
        quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=WRONG)
    with pytest.raises(ApplicationError) as exc:
        quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    assert exc.value.code == "attempt_limit"
    assert "3 lần" in str(exc.value.message)
    assert QuizAttempt.objects.count() == 3


@pytest.mark.parametrize(
    "answers, code",
    [({0: [0]}, "unanswered"), ({0: [0], 1: [0], 7: [1]}, "unknown_question"), ({0: [0, 1], 1: [0]}, "single_choice"),
     ({0: [9], 1: [0]}, "unknown_answer")],
)
def test_forged_answer_sets_are_refused_and_not_stored(registration, lessons, answers, code):
    lesson_complete(registration=registration, lesson=lessons[0])
    with pytest.raises(ApplicationError) as exc:
        quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=answers)
    assert exc.value.code == code
    assert not QuizAttempt.objects.exists()


def test_unknown_quiz_block_is_refused(registration, lessons):
    with pytest.raises(ApplicationError) as exc:
        quiz_submit(registration=registration, lesson=lessons[0], block_id="nope", answers=CORRECT)
    assert exc.value.code == "quiz_not_found"


def _open_all(registration, lessons):
    _finish_lessons(registration, lessons[:2])


def test_assignment_submit_validates_content_and_attachment(registration, lessons):
    _open_all(registration, lessons)
    lesson = lessons[2]
    with pytest.raises(ApplicationError) as exc:
        assignment_submit(registration=registration, lesson=lesson, block_id=ASSIGNMENT_ID, text="Kịch bản")
    assert exc.value.code == "missing_attachment"
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ApplicationError) as exc:
        assignment_submit(registration=registration, lesson=lesson, block_id=ASSIGNMENT_ID, text="x", upload=fake)
    assert exc.value.code == "file_type"
    assert not AssignmentSubmission.objects.exists()
    submission = assignment_submit(
        registration=registration, lesson=lesson, block_id=ASSIGNMENT_ID, text="Kịch bản", upload=_script()
    )
    assert submission.version == 1 and submission.file.storage.exists(submission.file.name)
    assert "/media/" not in submission.file.storage.location
    with pytest.raises(ApplicationError) as exc:
        assignment_submit(
            registration=registration, lesson=lesson, block_id=ASSIGNMENT_ID, text="again", link="https://fb.com/v/1"
        )
    assert exc.value.code == "awaiting_grading"


def test_only_the_runs_instructor_grades(registration, lessons, make_user, organizer_user):
    _open_all(registration, lessons)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="Kịch bản", link="https://fb.com/v/1"
    )
    other_instructor = make_user(roles=[Role.INSTRUCTOR])
    for outsider in (other_instructor, organizer_user, registration.user):
        with pytest.raises(ApplicationError) as exc:
            assignment_grade(submission=submission, grader=outsider, scores=[4, 6])
        assert exc.value.code == "not_run_instructor"
    submission.refresh_from_db()
    assert submission.status == AssignmentSubmission.Status.SUBMITTED and submission.total_points is None


def test_scores_outside_the_rubric_are_refused(registration, lessons, run_instructor):
    _open_all(registration, lessons)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="x", link="https://fb.com/v/1"
    )
    for scores in ([5, 6], [4], [-1, 3]):
        with pytest.raises(ApplicationError):
            assignment_grade(submission=submission, grader=run_instructor, scores=scores)
    submission.refresh_from_db()
    assert submission.status == AssignmentSubmission.Status.SUBMITTED


def test_whole_path_graduates_once_with_evidence_and_signal(
    registration, lessons, run_instructor, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, graduation, **kwargs):
        received.append(graduation.pk)

    course_passed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _open_all(registration, lessons)
            quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=WRONG)
            quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
            first = assignment_submit(
                registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="v1", upload=_script()
            )
            graded = assignment_grade(submission=first, grader=run_instructor, scores=[1, 2], comment="Cần rõ hơn")
            assert graded.status == AssignmentSubmission.Status.REVISION
            second = assignment_submit(
                registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="v2", link="https://fb.com/v/2"
            )
            assert second.version == 2
            lesson_complete(registration=registration, lesson=lessons[2])
            assert not Graduation.objects.exists()  # assignment not passed yet
            assignment_grade(submission=second, grader=run_instructor, scores=[4, 5], comment="Tốt")
            with pytest.raises(ApplicationError):
                assignment_grade(submission=second, grader=run_instructor, scores=[4, 6])
            lesson_complete(registration=registration, lesson=lessons[2])  # no second graduation
    finally:
        course_passed.disconnect(listener)
    graduation = Graduation.objects.get(registration=registration)
    assert received == [graduation.pk]
    assert graduation.code.startswith("CD-")
    assert [q["score_percent"] for q in graduation.evidence["quizzes"]] == [100]
    assert graduation.evidence["assignments"][0]["submission_id"] == second.pk
    assert len(graduation.evidence["lessons"]) == 3


def test_revocation_needs_an_organizer_and_a_reason(
    registration, lessons, run_instructor, organizer_user, django_capture_on_commit_callbacks
):
    _open_all(registration, lessons)
    quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="v1", link="https://fb.com/v/1"
    )
    lesson_complete(registration=registration, lesson=lessons[2])
    assignment_grade(submission=submission, grader=run_instructor, scores=[4, 6])
    graduation = Graduation.objects.get(registration=registration)
    with pytest.raises(ApplicationError) as exc:
        graduation_revoke(graduation=graduation, by=run_instructor, reason="gian lận")
    assert exc.value.code == "not_organizer"
    with pytest.raises(ApplicationError) as exc:
        graduation_revoke(graduation=graduation, by=organizer_user, reason="  ")
    assert exc.value.code == "missing_reason"
    revoked = []
    course_pass_revoked.connect(lambda sender, graduation, **kw: revoked.append(graduation.code), weak=False,
                                dispatch_uid="test-revoke")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            graduation_revoke(graduation=graduation, by=organizer_user, reason="Bài thực hành sao chép")
    finally:
        course_pass_revoked.disconnect(dispatch_uid="test-revoke")
    graduation.refresh_from_db()
    assert graduation.is_revoked and graduation.revoked_by == organizer_user
    assert graduation.revoke_reason == "Bài thực hành sao chép"
    assert revoked == [graduation.code]


def test_optional_lessons_are_not_required_to_graduate(registration, lessons, run_instructor):
    """Without sequential gating, a learner may skip an optional lesson and still graduate."""
    from courses.models import CoursePage, LessonPage
    from learning.models import Registration

    CoursePage.objects.filter(pk=registration.run.course_id).update(sequential=False)
    LessonPage.objects.filter(pk=lessons[0].pk).update(required=False)
    registration = Registration.objects.get(pk=registration.pk)
    quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    submission = assignment_submit(
        registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="v", link="https://fb.com/v/1"
    )
    _finish_lessons(registration, lessons[1:])
    assert not Graduation.objects.exists()
    assignment_grade(submission=submission, grader=run_instructor, scores=[4, 6])
    graduation = Graduation.objects.get(registration=registration)
    assert [item["lesson_id"] for item in graduation.evidence["lessons"]] == [lessons[1].pk, lessons[2].pk]


def test_oversized_files_are_refused(registration, lessons, settings):
    settings.LEARNING_SUBMISSION_MAX_BYTES = 1024
    _open_all(registration, lessons)
    with pytest.raises(ApplicationError) as exc:
        assignment_submit(
            registration=registration, lesson=lessons[2], block_id=ASSIGNMENT_ID, text="x",
            upload=_script(content=PDF + b"0" * 2048),
        )
    assert exc.value.code == "file_too_large"
    assert not AssignmentSubmission.objects.exists()
