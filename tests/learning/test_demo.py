"""The demo seed builds a run with 40 learners at every stage, once."""

import pytest

from learning import demo
from learning.models import CourseRun, Graduation, Registration

pytestmark = pytest.mark.django_db


def test_seed_without_the_course_only_logs():
    lines = []
    from courses.models import CoursePage

    CoursePage.objects.filter(title=demo.COURSE_TITLE).update(live=False)
    demo.seed(lines.append)
    assert not CourseRun.objects.exists()
    assert "seed courses first" in lines[0]


def test_seed_builds_a_run_in_progress_and_an_open_run(course):
    from accounts import demo as accounts_demo

    accounts_demo.seed(lambda line: None)
    lines = []
    demo.seed(lines.append)
    run = CourseRun.objects.get(name=demo.RUN_IN_PROGRESS)
    assert run.registrations.filter(status=Registration.Status.ENROLLED).count() == 40
    graduated = Graduation.objects.filter(registration__run=run).count()
    assert graduated == 9
    assert run.webinars.count() == 2
    assert CourseRun.objects.get(name=demo.RUN_OPEN).registration_is_open()
    # Every stage is represented: some learners have done nothing, some are waiting for grading.
    assert run.registrations.filter(completions__isnull=True).count() == 4
    assert run.registrations.filter(submissions__status="submitted").distinct().count() == 5
    demo.seed(lines.append)
    assert CourseRun.objects.count() == 2 and Registration.objects.count() == 40
