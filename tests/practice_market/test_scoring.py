"""The score of a practice show, from a recorded event log with known answers.

The log is written through the live and selling services (``score_log.play``) on a clock
the test moves, so every reply time below is exact.
"""

from __future__ import annotations

import pytest

from live import services as live
from live.selectors import participant_for
from practice_market.models import PracticeScore
from practice_market.scoring import practice_score_inputs, practice_score_record, score_compute
from tests.practice_market import score_log
from tests.tasks_worker import run_due_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return score_log.install_clock(monkeypatch, score_log.t0_for_tests())


@pytest.fixture
def personas(db):
    return score_log.make_personas()


def _components(score) -> dict:
    return {c["key"]: c for c in score.breakdown["components"]}


def test_a_good_host_scores_high_with_the_exact_breakdown(
    practice_show, personas, clock, django_capture_on_commit_callbacks
):
    made = score_log.play(practice_show, personas, clock, score_log.GOOD_HOST)
    assert made.refused == []

    # The host ends the show from the console: the score is a task of the worker.
    clock.at(240)
    host = participant_for(user=practice_show.trainee, show=practice_show.show)
    with django_capture_on_commit_callbacks(execute=True):
        live.show_end(room_id=practice_show.show.room.pk, actor=host)
    assert not PracticeScore.objects.filter(practice_show=practice_show).exists()
    assert "practice_market.scoring.practice_score_task" in run_due_tasks()

    score = PracticeScore.objects.get(practice_show=practice_show)
    assert score.total == 94
    assert score.scenario_run_id == made.run.pk
    parts = _components(score)
    assert {k: (c["points"], c["max_points"]) for k, c in parts.items()} == {
        "reply": (18.8, 25.0),
        "orders": (20.0, 20.0),
        "totals": (10.0, 10.0),
        "moderation": (15.0, 15.0),
        "pin": (10.0, 10.0),
        "flash_sale": (10.0, 10.0),
        "viewers": (10.0, 10.0),
    }
    assert parts["reply"]["reason"] == (
        "Trả lời đúng hạn 1/2 câu hỏi; 1 câu trả lời muộn. Thời gian trả lời trung bình 43 giây."
    )
    assert [(i["t"], i["status"], i["seconds"]) for i in parts["reply"]["items"]] == [
        (40, "in_time", 15),
        (150, "late", 70),
    ]
    assert parts["orders"]["reason"] == "Nhận 1/1 đơn chốt đúng hạn."
    assert parts["orders"]["items"][0]["seconds"] == 20
    assert parts["totals"]["reason"] == "Cả 1 đơn đã nhận đều đúng tổng tiền."
    assert parts["totals"]["items"][0]["expected"] == 240_000
    assert parts["moderation"]["items"][0]["seconds"] == 10
    assert parts["pin"]["items"][0]["seconds"] == 15
    assert parts["flash_sale"]["reason"] == "Cả 1 khách mô phỏng đều mua được trong flash sale."
    assert parts["viewers"]["counts"] == {"peak": 8, "kept": 8}


def test_a_host_who_misses_everything_scores_low_and_the_reasons_say_why(practice_show, personas, clock):
    made = score_log.play(practice_show, personas, clock, score_log.SILENT_HOST)
    assert made.refused == [5]  # no flash sale was open for the persona who came to buy

    score = practice_score_record(practice_show_id=practice_show.pk)
    assert score.total == 3
    parts = _components(score)
    assert parts["reply"]["reason"] == (
        "Trả lời đúng hạn 0/2 câu hỏi; bỏ lỡ 2 câu (lần đầu lúc 00:40: “B01 giá bao nhiêu ạ?”)."
    )
    assert parts["orders"]["reason"] == "Nhận 0/1 đơn chốt đúng hạn; bỏ lỡ 1 đơn (lần đầu lúc 01:10: “chot B01 2”)."
    assert parts["moderation"]["reason"] == (
        "Xử lý đúng hạn 0/1 bình luận phá rối; để lọt 1 bình luận (lần đầu lúc 02:00: “hàng dởm, lừa đảo cả thôi”)."
    )
    assert parts["pin"]["reason"] == (
        "Ghim đúng hạn 0/1 sản phẩm được hỏi; không ghim 1 lần (lần đầu lúc 00:50: “cho em xem B02 với shop”)."
    )
    assert parts["flash_sale"]["reason"] == "Không mở flash sale nào nên 1 lượt mua của khách mô phỏng đều bị từ chối."
    assert parts["totals"]["applicable"] is False  # nothing accepted: its weight goes to the others
    assert parts["viewers"]["reason"] == "Giữ được 3/10 người xem: cao nhất 10, còn 3 ở phút của nhịp cuối."
    assert parts["viewers"]["points"] == 3.3
    assert sum(c["max_points"] for c in parts.values() if c["applicable"]) == pytest.approx(100, abs=0.2)


def test_the_same_log_gives_the_same_score(practice_show, personas, clock):
    score_log.play(practice_show, personas, clock, score_log.GOOD_HOST)
    first = practice_score_record(practice_show_id=practice_show.pk)
    total, breakdown = first.total, first.breakdown
    again = practice_score_record(practice_show_id=practice_show.pk)
    assert (again.total, again.breakdown) == (total, breakdown)
    assert PracticeScore.objects.filter(practice_show=practice_show).count() == 1

    inputs = practice_score_inputs(practice_show=practice_show)
    inputs.pop("run")
    inputs["events"] = list(reversed(inputs["events"]))  # the order the rows arrive in does not matter
    assert score_compute(**inputs).total == total


def test_a_wrong_total_announced_by_the_host_costs_the_totals_points(practice_show, personas, clock):
    plan = score_log.HostPlan(
        **{**score_log.GOOD_HOST.__dict__, "announce_total": (95, "B01 2 hộp tổng 200.000đ nha anh")}
    )
    score_log.play(practice_show, personas, clock, plan)
    parts = _components(practice_score_record(practice_show_id=practice_show.pk))
    assert parts["totals"]["points"] == 0
    assert parts["totals"]["reason"] == (
        "0/1 đơn đúng tổng tiền; sai ở đơn lúc 01:10: cần 240.000 ₫, người dẫn báo tổng 200.000 ₫."
    )
