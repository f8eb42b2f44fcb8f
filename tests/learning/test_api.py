"""The learning API: open runs, registration, progress, quiz grading, assignments, verification, schema."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from learning.models import QuizAttempt
from learning.services import lesson_complete
from tests.learning.builders import ASSIGNMENT_ID, QUIZ_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(vendor_user):
    client = APIClient()
    client.force_authenticate(vendor_user)
    return client


def _quiz_url(registration, lesson):
    return reverse("api-learning-quiz", args=[registration.pk, lesson.pk, QUIZ_ID])


def test_open_runs_and_registration(api, run, details):
    runs = APIClient().get(reverse("api-learning-runs")).json()
    assert [r["name"] for r in runs] == [run.name] and runs[0]["seats_taken"] == 0
    response = api.post(reverse("api-learning-registrations"), {"run_id": run.pk, **details}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "enrolled"
    again = api.post(reverse("api-learning-registrations"), {"run_id": run.pk, **details}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_registered"
    assert again.json()["error"]["message"] == "Bạn đã đăng ký lớp này rồi."


def test_errors_come_in_english_for_english_users(api, registration, details):
    response = api.post(
        reverse("api-learning-registrations"), {"run_id": registration.run_id, **details}, format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["error"] == {
        "code": "already_registered", "message": "You have already registered for this run.", "fields": {}
    }


def test_quiz_read_hides_answers_and_submit_grades(api, registration, lessons):
    lesson_complete(registration=registration, lesson=lessons[0])
    quiz = api.get(_quiz_url(registration, lessons[1])).json()
    assert "correct" not in str(quiz) and len(quiz["questions"]) == 2
    wrong = api.post(
        _quiz_url(registration, lessons[1]),
        {"answers": [{"question": 0, "answers": [1]}, {"question": 1, "answers": [0, 1]}]},
        format="json",
    )
    assert wrong.status_code == 201
    body = wrong.json()
    assert (body["attempt"], body["score_percent"], body["passed"]) == (1, 50, False)
    assert [q["correct"] for q in body["questions"]] == [False, True]


def test_forged_quiz_through_the_api_changes_nothing(api, registration, lessons):
    lesson_complete(registration=registration, lesson=lessons[0])
    url = _quiz_url(registration, lessons[1])
    for payload in (
        {"answers": [{"question": 0, "answers": [0]}]},
        {"answers": [{"question": 0, "answers": [0]}, {"question": 1, "answers": [5]}]},
        {"answers": [{"question": 0, "answers": [0]}, {"question": 0, "answers": [1]}, {"question": 1, "answers": [0]}]},
        {"answers": "everything correct"},
    ):
        response = api.post(url, payload, format="json")
        assert response.status_code == 400, payload
        assert response.json()["error"]["message"]
    assert not QuizAttempt.objects.exists()


def test_quiz_for_a_locked_lesson_is_refused(api, registration, lessons):
    response = api.post(
        _quiz_url(registration, lessons[1]),
        {"answers": [{"question": 0, "answers": [0]}, {"question": 1, "answers": [0, 1]}]},
        format="json",
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "lesson_closed"


def test_another_learners_registration_is_not_found(registration, lessons, make_user):
    from accounts.roles import Role

    other = APIClient()
    other.force_authenticate(make_user(roles=[Role.VENDOR]))
    assert other.get(reverse("api-learning-progress", args=[registration.pk])).status_code == 404
    assert other.post(_quiz_url(registration, lessons[1]), {"answers": []}, format="json").status_code == 404


def test_progress_and_assignment_submission(api, registration, lessons):
    for lesson in lessons[:2]:
        assert api.post(reverse("api-learning-lesson-complete", args=[registration.pk, lesson.pk])).status_code == 204
    response = api.post(
        reverse("api-learning-assignment", args=[registration.pk, lessons[2].pk, ASSIGNMENT_ID]),
        {"text": "Kịch bản của tôi", "link": "https://www.facebook.com/watch/123"},
    )
    assert response.status_code == 201 and response.json()["status"] == "submitted"
    progress = api.get(reverse("api-learning-progress", args=[registration.pk])).json()
    assert progress["percent"] == 67
    assert [item["completed"] for item in progress["lessons"]] == [True, True, False]
    assert progress["assignments"][0]["status"] == "submitted"
    assert progress["certificate_code"] is None


def test_certificate_verification_api(db):
    response = APIClient().get(reverse("api-learning-certificate", args=["CD-KHONGCO"]))
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_certificate"


def test_openapi_documents_learning_endpoints(client):
    schema = client.get(reverse("api-schema")).content.decode()
    for path in ("/api/v1/learning/runs/", "/api/v1/learning/registrations/", "quizzes/{block_id}/",
                 "assignments/{block_id}/", "/api/v1/learning/certificates/{code}/"):
        assert path in schema
