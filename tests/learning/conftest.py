"""Learning fixtures: one course tree per module (pages are slow to build), a run per test."""

import pytest

from accounts.roles import Role
from accounts.services import user_create
from tests.learning.builders import build_course, build_run

INSTRUCTOR_EMAIL = "gv.hoctap@example.vn"


@pytest.fixture(scope="module")
def course_tree(django_db_setup, django_db_blocker):
    """(course, [lesson1, lesson2 (quiz), lesson3 (assignment)], instructor), committed for the module."""
    with django_db_blocker.unblock():
        instructor = user_create(
            email=INSTRUCTOR_EMAIL, password=None, full_name="Nguyễn Văn Minh", roles=[Role.INSTRUCTOR], is_staff=True
        )
        course, lessons = build_course(instructor=instructor)
        yield course, lessons, instructor
        from courses.models import CourseIndexPage

        for index in CourseIndexPage.objects.filter(slug__startswith="khoa-hoc-livestream-test"):
            index.delete()
        course.__class__.objects.filter(pk=course.pk).delete()
        instructor.delete()


@pytest.fixture
def course(course_tree):
    return course_tree[0]


@pytest.fixture
def lessons(course_tree):
    return course_tree[1]


@pytest.fixture
def run_instructor(course_tree):
    return course_tree[2]


@pytest.fixture
def run(db, course, run_instructor):
    return build_run(course=course, instructors=[run_instructor])


@pytest.fixture
def details():
    return {"organisation": "HTX Bưởi Diễn Phú Diễn", "district": "Bắc Từ Liêm", "phone": "0912 345 678"}


@pytest.fixture
def registration(run, vendor_user, details):
    from learning.services import registration_create

    return registration_create(run=run, user=vendor_user, **details)


@pytest.fixture(autouse=True)
def _vietnamese():
    """Services speak the active language; a request in English must not leak into the next test."""
    from django.utils import translation

    with translation.override("vi"):
        yield
