"""The host starts and stops a scripted audience from a practice show (page and API); nobody else can."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from practice_market.models import ScenarioRun
from practice_market.scenario_library import scenario_seed_defaults
from tests.practice_market.test_scenarios import make_practice_show


@pytest.fixture
def practice(vendor_user, stall):
    vendor, products = stall
    return make_practice_show(vendor_user, vendor, [products["B01"], products["B02"]])


@pytest.fixture
def library(db):
    return scenario_seed_defaults()


def test_the_host_starts_a_scenario_from_the_console_and_stops_it(
    client, practice, library, vendor_user, django_capture_on_commit_callbacks
):
    client.force_login(vendor_user)
    console = client.get(reverse("live:show_console", args=[practice.show.pk]))
    assert "Chạy kịch bản" in console.content.decode()
    url = f"/cho-thuc-hanh/buoi/{practice.pk}/kich-ban/"
    page = client.get(url).content.decode()
    for scenario in library:
        assert scenario.title in page
    refused = client.post(url, {"scenario": library[2].pk, "speed": "4", "viewers": "3"})
    assert refused.status_code == 400
    assert "Kịch bản có 6 nhân vật: cần ít nhất 6 khán giả mô phỏng." in refused.content.decode()
    assert not ScenarioRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"scenario": library[2].pk, "speed": "4", "viewers": "200"})
    assert started.status_code == 302
    run = ScenarioRun.objects.get()
    assert (run.scenario, run.speed, run.viewers, run.state) == (library[2], 4.0, 200, "queued")
    assert DBTaskResult.objects.filter(task_path="practice_market.tasks.scenario_run_play").count() == 1
    page = client.get(url).content.decode()
    assert 'data-testid="active-run"' in page and "0/19 nhịp" in page
    client.post(f"{url}{run.pk}/dung/")
    run.refresh_from_db()
    assert run.state == "stopped"


def test_nobody_else_runs_a_scenario_and_a_plain_show_offers_none(
    client, practice, library, buyer_user, selling_show, vendor_user
):
    client.force_login(buyer_user)
    url = f"/cho-thuc-hanh/buoi/{practice.pk}/kich-ban/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"scenario": library[0].pk, "speed": "1", "viewers": "10"}).status_code == 404
    assert not ScenarioRun.objects.exists()
    client.force_login(vendor_user)
    assert "Chạy kịch bản" not in client.get(reverse("live:show_console", args=[selling_show.pk])).content.decode()


def test_the_api_lists_starts_reads_and_stops_runs(client, practice, library, vendor_user, buyer_user):
    client.force_login(vendor_user)
    listed = client.get("/api/v1/practice/scenarios/").json()
    assert [s["difficulty"] for s in listed] == [1, 2, 3]
    assert listed[2]["beats"] == 19 and {p["manner"] for p in listed[2]["personas"]} >= {"troll", "wholesale"}
    runs = f"/api/v1/practice/shows/{practice.pk}/scenario-runs/"
    bad = client.post(runs, {"scenario_id": library[0].pk, "speed": 50, "viewers": 10}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "Tốc độ phải từ 0,25× đến 20×."
    started = client.post(
        runs, {"scenario_id": library[0].pk, "speed": 2, "viewers": 10}, content_type="application/json"
    )
    assert started.status_code == 201
    run = started.json()
    assert (run["state"], run["beats_done"], run["beats_total"], run["viewers"]) == ("queued", 0, 5, 10)
    assert client.get(f"/api/v1/practice/scenario-runs/{run['id']}/").json()["state"] == "queued"
    client.force_login(buyer_user)
    assert client.get(f"/api/v1/practice/scenario-runs/{run['id']}/").status_code == 404
    assert client.post(f"/api/v1/practice/scenario-runs/{run['id']}/stop/").status_code == 404
    client.force_login(vendor_user)
    stopped = client.post(f"/api/v1/practice/scenario-runs/{run['id']}/stop/")
    assert stopped.status_code == 200 and stopped.json()["state"] == "stopped"


def test_practice_play_refuses_a_room_that_is_not_a_practice_show(selling_show, library):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="is not a practice show's room"):
        call_command("practice_play", "Khó", room=selling_show.room.pk, viewers=500, speed=4)
    with pytest.raises(CommandError, match="No single scenario"):
        call_command("practice_play", "không có", room=selling_show.room.pk)
    assert not ScenarioRun.objects.exists()
