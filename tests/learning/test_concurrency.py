"""Two people press "Đăng ký" for the last seat at the same moment: exactly one gets it."""

import threading

import pytest
from django.db import connections

from accounts.roles import Role
from config.errors import ApplicationError
from learning.models import Registration
from learning.services import registration_create
from tests.learning.builders import build_course, build_run

DETAILS = {"organisation": "HTX Chè Ba Vì", "district": "Ba Vì", "phone": "0987 000 111"}


@pytest.mark.django_db(transaction=True)
def test_last_seat_goes_to_exactly_one_person(make_user):
    course, _lessons = build_course(slug="dong-thoi")
    run = build_run(course=course, seat_limit=1, waitlist=False)
    users = [make_user(roles=[Role.VENDOR]) for _ in range(4)]
    barrier = threading.Barrier(len(users))
    outcomes = []

    def register(user):
        try:
            barrier.wait()
            registration_create(run=run, user=user, **DETAILS)
            outcomes.append("seat")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["run_full", "run_full", "run_full", "seat"]
    assert Registration.objects.filter(run=run, status=Registration.Status.ENROLLED).count() == 1
