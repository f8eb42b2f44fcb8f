"""Instructors grade and comment on a practice show; the trainee reads the report and can never
edit a score or a grade; nobody else sees it. Pages and /api/v1/practice/… alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from practice_market.models import PracticeScore, ReplayComment, RubricGrade
from practice_market.scoring import practice_score_record
from tests.practice_market import score_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(practice_show, monkeypatch):
    """The silent host's show, scored (3/100), still live."""
    clock = score_log.install_clock(monkeypatch, score_log.t0_for_tests())
    score_log.play(practice_show, score_log.make_personas(), clock, score_log.SILENT_HOST)
    clock.at(300)
    practice_score_record(practice_show_id=practice_show.pk)
    return practice_show


def test_the_trainee_reads_the_score_and_is_refused_any_edit(client, scored):
    client.force_login(scored.trainee)
    page = client.get(reverse("practice_market:score_report", args=[scored.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="score-total">3<' in html
    assert "Trả lời đúng hạn 0/2 câu hỏi; bỏ lỡ 2 câu" in html
    assert 'data-testid="grade-form"' not in html and 'data-testid="comment-form"' not in html

    refused = "Học viên không thể sửa điểm, chấm điểm hay nhận xét buổi thực hành của chính mình."
    api = client.put(reverse("api-practice-rubric", args=[scored.pk]), {"grade": 100}, content_type="application/json")
    assert api.status_code == 403 and api.json()["error"]["message"] == refused
    api = client.post(reverse("api-practice-score-recompute", args=[scored.pk]))
    assert api.status_code == 403 and api.json()["error"]["code"] == "trainee_may_not_grade"
    api = client.post(
        reverse("api-practice-replay-comments", args=[scored.pk]),
        {"at_seconds": 10, "text": "tự khen"},
        content_type="application/json",
    )
    assert api.status_code == 403
    form = client.post(reverse("practice_market:score_grade", args=[scored.pk]), {"grade": "100"}, follow=True)
    assert refused in form.content.decode()
    assert not RubricGrade.objects.exists() and not ReplayComment.objects.exists()
    assert PracticeScore.objects.get(practice_show=scored).total == 3

    dashboard = client.get(reverse("learning:dashboard")).content.decode()
    assert 'data-testid="practice-score-card"' in dashboard and "Điểm thực hành gần nhất" in dashboard


def test_an_instructor_grades_and_pins_comments_to_moments(client, scored, instructor_user):
    client.force_login(instructor_user)
    rubric = client.put(
        reverse("api-practice-rubric", args=[scored.pk]),
        {"grade": 62, "comments": "Cần trả lời khách nhanh hơn."},
        content_type="application/json",
    )
    assert rubric.status_code == 200 and rubric.json()["grade"] == 62

    url = reverse("api-practice-replay-comments", args=[scored.pk])
    late = client.post(url, {"at_seconds": 99_999, "text": "quá giờ"}, content_type="application/json")
    assert late.status_code == 400 and "at_seconds" in late.json()["error"]["fields"]
    blank = client.post(
        reverse("practice_market:score_comment", args=[scored.pk]), {"at": "ab", "text": " "}, follow=True
    )
    assert "Thời điểm phải nằm trong buổi phát" in blank.content.decode()
    assert not ReplayComment.objects.exists()

    page = client.post(
        reverse("practice_market:score_comment", args=[scored.pk]), {"at": "02:05", "text": "Troll ở đây: xoá ngay."}
    )
    assert page.status_code == 302
    assert page["Location"] == reverse("practice_market:score_report", args=[scored.pk]) + "?t=125#phat-lai"

    report = client.get(reverse("api-practice-score", args=[scored.pk])).json()
    assert report["total"] == 3
    assert report["rubric"]["grade"] == 62
    assert [(c["at_seconds"], c["text"]) for c in report["replay_comments"]] == [(125, "Troll ở đây: xoá ngay.")]
    assert [c["key"] for c in report["components"]][:2] == ["reply", "orders"]
    assert report["components"][0]["reason"].startswith("Trả lời đúng hạn 0/2")
    assert report["history"][0]["total"] == 3

    html = client.get(reverse("practice_market:score_report", args=[scored.pk])).content.decode()
    assert 'href="?t=125#phat-lai"' in html and 'data-testid="grade-form"' in html


def test_people_outside_the_practice_show_see_nothing(client, scored, classmate):
    client.force_login(classmate)  # invited to buy in the show, not its trainee nor an instructor
    assert client.get(reverse("practice_market:score_report", args=[scored.pk])).status_code == 403
    assert client.get(reverse("api-practice-score", args=[scored.pk])).status_code == 404
    assert client.get(reverse("api-practice-my-scores")).json() == []
    client.logout()
    assert client.get(reverse("practice_market:score_report", args=[scored.pk])).status_code == 302
