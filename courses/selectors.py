"""Reads of the course catalogue shared by the pages and the API.

Only live pages without view restrictions are public: a draft course or a lesson
behind a password never shows up in the catalogue, the API or a course's lesson list.
"""

from collections import Counter

from courses.models import CourseIndexPage, CoursePage, LessonPage


def course_list(*, index: CourseIndexPage | None = None) -> list[CoursePage]:
    """Public courses in tree order, each with ``lesson_count`` set; a fixed number of queries however many courses."""
    courses = CoursePage.objects.live().public().order_by("path")
    if index is not None:
        courses = courses.child_of(index)
    courses = list(courses.select_related("cover_image").prefetch_related("cover_image__renditions", "course_instructors__instructor"))
    if not courses:
        return courses
    steplen = CoursePage.steplen
    lesson_paths = (
        LessonPage.objects.live().public().filter(depth__in={course.depth + 1 for course in courses}).values_list("path", flat=True)
    )
    counts = Counter(path[:-steplen] for path in lesson_paths)  # a lesson's parent path is its own minus one step
    for course in courses:
        course.lesson_count = counts.get(course.path, 0)
    return courses


def course_lessons(*, course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course).live().public().order_by("path"))


def course_get_public(*, course_id: int) -> CoursePage | None:
    return CoursePage.objects.live().public().filter(pk=course_id).first()


def lesson_get_public(*, lesson_id: int) -> LessonPage | None:
    """A live public lesson whose course is live and public too (a hidden course hides its lessons)."""
    lesson = LessonPage.objects.live().public().filter(pk=lesson_id).first()
    if lesson is None or course_get_public(course_id=lesson.get_parent().pk) is None:
        return None
    return lesson
