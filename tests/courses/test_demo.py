"""The demo catalogue: two real courses, quizzes with feedback, the script assignment; idempotent."""

import pytest
from wagtail.models import GroupPagePermission

from courses.models import CourseIndexPage, CoursePage, LessonPage
from tests.courses.trees import ensure_default_site

pytestmark = pytest.mark.django_db


def _counts():
    return (CourseIndexPage.objects.count(), CoursePage.objects.count(), LessonPage.objects.count(), GroupPagePermission.objects.count())


def test_seed_twice_leaves_counts_unchanged_and_builds_real_courses():
    from accounts import demo as accounts_demo
    from courses import demo as courses_demo

    ensure_default_site()
    accounts_demo.seed(lambda message: None)
    courses_demo.seed(lambda message: None)
    first = _counts()
    courses_demo.seed(lambda message: None)
    assert _counts() == first

    index = CourseIndexPage.objects.get(slug="khoa-hoc")
    courses = {c.title: c for c in CoursePage.objects.child_of(index).live().specific()}
    assert set(courses) == {
        "Livestream bán hàng cho chủ thể OCOP",
        "Tiếp thị số và xây dựng thương hiệu sản phẩm OCOP",
    }
    assignments = []
    for course in courses.values():
        assert course.instructors[0].email == "giangvien@demo.chodem.vn"
        assert course.cover_image is not None
        lessons = list(course.lessons)
        assert len(lessons) >= 5
        quizzes = [quiz for lesson in lessons for quiz in lesson.quizzes]
        assert len(quizzes) >= 4
        for quiz in quizzes:
            assert 3 <= len(quiz.value["questions"]) <= 5
            for question in quiz.value["questions"]:
                assert all(answer["feedback"] for answer in question["answers"]), question["prompt"]
                quiz.block.child_blocks["questions"].child_block.clean(question)  # valid as an instructor would save it
        assignments += [a for lesson in lessons for a in lesson.assignments]
    assert [a.value["title"] for a in assignments] == ["Viết kịch bản livestream 15 phút cho một sản phẩm OCOP"]
    assert len(assignments[0].value["rubric"]) >= 3
