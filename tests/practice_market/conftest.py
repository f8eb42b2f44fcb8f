"""Shared fixtures of the practice market (reused by every practice_market test module).

* ``practice_courses`` (module): two course trees, committed once per module:
  ``opening`` (``opens_practice_market=True``) and ``plain`` (does not open it), each with
  three lessons (content, quiz, assignment) and the instructor ``gv.thuchanh@example.vn``.
* ``practice_run``: a started run of the opening course; ``plain_run``: one of the plain course.
* ``graduate(user, run=practice_run)``: register (if needed), complete every lesson, pass the
  quiz and the graded assignment, through learning's own services; ``course_passed`` runs
  (on-commit callbacks executed), so the practice market unlocks as in production.
  Returns the ``Graduation``.
* ``revoke(graduation)``: an organizer revokes it (``course_pass_revoked`` runs).
* ``enrol(user, run=practice_run)``: a plain enrolment (a classmate who has not graduated).
* ``trainee``: ``vendor_user`` graduated from ``practice_run`` with an open ``PracticeAccess``
  and the ``stall`` vendor (products B01–B03); a namespace with ``user``, ``vendor``,
  ``products`` ({code: Product}), ``graduation``, ``access``, ``run``.
* ``classmates``: two buyers enrolled in the same run (``banhoc1``/``banhoc2@example.vn``),
  not graduated; ``classmate`` is the first.
* ``outsider``: a vendor enrolled in the plain course's run (not a classmate).
* ``practice_show``: the trainee's practice show (B01, B02 on offer, scheduled in an hour,
  ``classmate`` invited), made by ``practice_market.shows.practice_show_schedule``.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_create

INSTRUCTOR_EMAIL = "gv.thuchanh@example.vn"
DETAILS = {"organisation": "HTX Bưởi Diễn Phú Diễn", "district": "Bắc Từ Liêm", "phone": "0912 345 678"}


@pytest.fixture(scope="module")
def practice_courses(django_db_setup, django_db_blocker):
    from courses.models import CourseIndexPage, CoursePage
    from tests.learning.builders import build_course

    with django_db_blocker.unblock():
        had_index = CourseIndexPage.objects.exists()
        instructor = user_create(
            email=INSTRUCTOR_EMAIL, password=None, full_name="Vũ Thị Lan", roles=[Role.INSTRUCTOR], is_staff=True
        )
        opening, opening_lessons = build_course(
            title="Livestream bán hàng: khóa mở chợ thực hành", slug="thuc-hanh-mo", instructor=instructor
        )
        CoursePage.objects.filter(pk=opening.pk).update(opens_practice_market=True)
        opening.opens_practice_market = True
        plain, plain_lessons = build_course(
            title="Chụp ảnh sản phẩm OCOP", slug="thuc-hanh-khac", instructor=instructor
        )
        yield SimpleNamespace(
            opening=opening,
            opening_lessons=opening_lessons,
            plain=plain,
            plain_lessons=plain_lessons,
            instructor=instructor,
        )
        for course in (opening, plain):
            CoursePage.objects.filter(pk=course.pk).delete()
        if not had_index:
            CourseIndexPage.objects.filter(slug__startswith="khoa-hoc-thuc-hanh").delete()
        instructor.delete()


@pytest.fixture
def practice_run(db, practice_courses):
    from tests.learning.builders import build_run

    return build_run(course=practice_courses.opening, instructors=[practice_courses.instructor])


@pytest.fixture
def plain_run(db, practice_courses):
    from tests.learning.builders import build_run

    return build_run(course=practice_courses.plain, instructors=[practice_courses.instructor], name="Lớp chụp ảnh 1")


@pytest.fixture(autouse=True)
def _vietnamese():
    from django.utils import translation

    with translation.override("vi"):
        yield


@pytest.fixture
def enrol(practice_run):
    from learning.models import Registration
    from learning.services import registration_create

    def _enrol(user, run=None):
        run = run or practice_run
        existing = Registration.objects.filter(run=run, user=user).first()
        return existing or registration_create(run=run, user=user, notify=False, **DETAILS)

    return _enrol


@pytest.fixture
def graduate(enrol, practice_run, practice_courses, django_capture_on_commit_callbacks):
    from learning import services as learning
    from learning.models import Graduation
    from tests.learning.builders import ASSIGNMENT_ID, CORRECT, QUIZ_ID

    def _graduate(user, run=None):
        run = run or practice_run
        registration = enrol(user, run)
        lessons = (
            practice_courses.opening_lessons
            if run.course_id == practice_courses.opening.pk
            else practice_courses.plain_lessons
        )
        with django_capture_on_commit_callbacks(execute=True):
            learning.lesson_complete(registration=registration, lesson=lessons[0])
            learning.quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
            learning.lesson_complete(registration=registration, lesson=lessons[1])
            submission = learning.assignment_submit(
                registration=registration,
                lesson=lessons[2],
                block_id=ASSIGNMENT_ID,
                text="Kịch bản 15 phút",
                link="https://example.vn/kich-ban",
            )
            learning.assignment_grade(
                submission=submission, grader=practice_courses.instructor, scores=[4, 6], notify=False
            )
            learning.lesson_complete(registration=registration, lesson=lessons[2])
        return Graduation.objects.get(registration=registration)

    return _graduate


@pytest.fixture
def revoke(make_user, django_capture_on_commit_callbacks):
    from learning.services import graduation_revoke

    organizers = []

    def _revoke(graduation, reason="Gian lận bài thực hành"):
        if not organizers:
            organizers.append(
                make_user("btc.thuchanh@example.vn", roles=[Role.ORGANIZER], full_name="Trần Thu Hà", is_staff=True)
            )
        organizer = organizers[0]
        with django_capture_on_commit_callbacks(execute=True):
            return graduation_revoke(graduation=graduation, by=organizer, reason=reason)

    return _revoke


@pytest.fixture
def trainee(vendor_user, stall, graduate, practice_run):
    from practice_market.models import PracticeAccess

    vendor, products = stall
    graduation = graduate(vendor_user)
    return SimpleNamespace(
        user=vendor_user,
        vendor=vendor,
        products=products,
        graduation=graduation,
        access=PracticeAccess.objects.get(user=vendor_user),
        run=practice_run,
    )


@pytest.fixture
def classmates(make_user, enrol):
    users = [
        make_user("banhoc1@example.vn", roles=[Role.VENDOR, Role.CONSUMER], full_name="Trần Văn Bình"),
        make_user("banhoc2@example.vn", roles=[Role.VENDOR, Role.CONSUMER], full_name="Đỗ Thị Cúc"),
    ]
    for user in users:
        enrol(user)
    return users


@pytest.fixture
def classmate(classmates):
    return classmates[0]


@pytest.fixture
def outsider(make_user, enrol, plain_run):
    user = make_user("lopkhac@example.vn", roles=[Role.VENDOR, Role.CONSUMER], full_name="Hoàng Văn Dũng")
    enrol(user, plain_run)
    return user


@pytest.fixture
def practice_show(trainee, classmate):
    from practice_market.shows import practice_show_invite, practice_show_schedule

    start = timezone.now() + timedelta(hours=1)
    practice = practice_show_schedule(
        trainee=trainee.user,
        title="Tập live: bưởi đỏ và mật ong",
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=1),
        product_ids=[trainee.products["B01"].pk, trainee.products["B02"].pk],
    )
    practice_show_invite(practice_show=practice, actor=trainee.user, user_ids=[classmate.pk])
    return practice
