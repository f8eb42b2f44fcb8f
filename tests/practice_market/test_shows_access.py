"""Unlock and relock of the practice market (issue 12, part 1), and what a locked trainee is told."""

from accounts.roles import Role
from practice_market.models import PracticeAccess
from practice_market.selectors import AccessState, access_state
from tests.learning.builders import CORRECT, QUIZ_ID

HOME = "/cho-thuc-hanh/"


def _access(user):
    return PracticeAccess.objects.filter(user=user).first()


def test_graduate_of_an_opening_course_unlocks(client, vendor_user, graduate):
    graduate(vendor_user)
    assert _access(vendor_user).is_open
    client.force_login(vendor_user)
    page = client.get(HOME).content.decode()
    assert 'data-access="open"' in page
    assert "Lên lịch buổi live thực hành" in page


def test_graduate_of_another_course_does_not_unlock(client, vendor_user, graduate, plain_run):
    graduate(vendor_user, plain_run)
    assert _access(vendor_user) is None
    client.force_login(vendor_user)
    page = client.get(HOME).content.decode()
    assert 'data-access="not_registered"' in page
    assert "Livestream bán hàng: khóa mở chợ thực hành" in page  # where to go instead
    assert "Lên lịch buổi live thực hành" not in page


def test_revoked_graduation_locks_and_regraduation_unlocks(client, vendor_user, graduate, revoke, make_user):
    from tests.learning.builders import build_run

    graduation = graduate(vendor_user)
    revoke(graduation, reason="Bài thực hành chép của người khác")
    access = _access(vendor_user)
    assert not access.is_open
    client.force_login(vendor_user)
    page = client.get(HOME).content.decode()
    assert 'data-access="locked"' in page
    assert "Bài thực hành chép của người khác" in page
    assert "Lên lịch buổi live thực hành" not in page

    # graduates again, in a later run of the same course
    later = build_run(course=graduation.registration.run.course, name="Khóa tập huấn livestream lần 4")
    later.instructors.set(graduation.registration.run.instructors.all())
    graduate(vendor_user, later)
    access.refresh_from_db()
    assert access.is_open and access.graduation.registration.run == later
    assert 'data-access="open"' in client.get(HOME).content.decode()


def test_a_learner_midway_is_told_exactly_what_is_missing(client, vendor_user, enrol, practice_courses):
    from learning import services as learning

    registration = enrol(vendor_user)
    client.force_login(vendor_user)
    state = access_state(user=vendor_user)
    assert state.state == AccessState.IN_PROGRESS
    assert state.missing == ["3 bài học", "bài kiểm tra", "bài tập thực hành"]

    lessons = practice_courses.opening_lessons
    learning.lesson_complete(registration=registration, lesson=lessons[0])
    learning.quiz_submit(registration=registration, lesson=lessons[1], block_id=QUIZ_ID, answers=CORRECT)
    page = client.get(HOME).content.decode()
    assert "còn 2 bài học và bài tập thực hành" in page.lower()
    assert "Lên lịch buổi live thực hành" not in page


def test_someone_never_registered_sees_the_opening_courses(client, make_user, practice_run):
    user = make_user("moi@example.vn", roles=[Role.VENDOR])
    client.force_login(user)
    page = client.get(HOME).content.decode()
    assert 'data-access="not_registered"' in page
    assert "Livestream bán hàng: khóa mở chợ thực hành" in page


def test_the_home_needs_a_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_the_learner_dashboard_links_to_the_practice_market(client, trainee):
    client.force_login(trainee.user)
    page = client.get("/hoc-tap/").content.decode()
    assert 'href="/cho-thuc-hanh/"' in page


def test_revoking_one_of_two_opening_graduations_keeps_it_open(vendor_user, graduate, revoke, practice_run):
    from tests.learning.builders import build_run

    first = graduate(vendor_user)
    second_run = build_run(course=practice_run.course, instructors=list(practice_run.instructors.all()), name="Lớp 4")
    second = graduate(vendor_user, second_run)
    revoke(first)
    access = _access(vendor_user)
    assert access.is_open and access.graduation == second
    revoke(second)
    access.refresh_from_db()
    assert not access.is_open
