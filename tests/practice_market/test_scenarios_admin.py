"""Instructors author scenarios in the Wagtail admin; a scenario that cannot be played is refused in the form."""

from practice_market.models import Scenario

ADD = "/admin/snippets/practice_market/scenario/add/"


def _form(beats, personas=(("chi-lan", "Chị Lan", "asks_price"),)):
    data = {
        "title": "Khách hỏi dồn",
        "description": "",
        "difficulty": "2",
        "duration_seconds": "300",
        "no_diacritics_percent": "30",
        "is_published": "on",
    }
    for name, rows in (("personas", personas), ("beats", beats)):
        data.update(
            {
                f"{name}-TOTAL_FORMS": str(len(rows)),
                f"{name}-INITIAL_FORMS": "0",
                f"{name}-MIN_NUM_FORMS": "1",
                f"{name}-MAX_NUM_FORMS": "1000",
            }
        )
    for i, (key, persona_name, manner) in enumerate(personas):
        data.update(
            {
                f"personas-{i}-key": key,
                f"personas-{i}-name": persona_name,
                f"personas-{i}-manner": manner,
                f"personas-{i}-id": "",
            }
        )
    for i, (at, who, action, text, expect) in enumerate(beats):
        data.update(
            {
                f"beats-{i}-at_seconds": str(at),
                f"beats-{i}-persona_key": who,
                f"beats-{i}-action": action,
                f"beats-{i}-text": text,
                f"beats-{i}-expect": expect,
                f"beats-{i}-expect_within_seconds": "60",
                f"beats-{i}-id": "",
            }
        )
    return data


def test_an_instructor_saves_a_scenario_and_a_broken_one_is_refused_with_reasons(client, instructor_user):
    client.force_login(instructor_user)
    assert client.get(ADD).status_code == 200
    refused = client.post(ADD, _form([(40, "ke-la", "comment", "{foo} giá bao nhiêu?", "answer")]))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Nhịp lúc 0:40 dùng nhân vật “ke-la” chưa có trong kịch bản." in page
    assert "chỗ điền {foo} không có" in page
    assert not Scenario.objects.exists()

    saved = client.post(
        ADD,
        _form(
            [
                (40, "chi-lan", "comment", "{code} giá bao nhiêu ạ?", "answer"),
                (70, "chi-lan", "order", "chot {code} 2", "accept"),
            ]
        ),
    )
    assert saved.status_code == 302, saved.content.decode()[:3000]
    scenario = Scenario.objects.get()
    assert [b.text for b in scenario.beats.all()] == ["{code} giá bao nhiêu ạ?", "chot {code} 2"]


def test_a_vendor_cannot_author_scenarios(client, vendor_user):
    client.force_login(vendor_user)
    assert client.get(ADD).status_code in (302, 403)
    client.post(ADD, _form([(40, "chi-lan", "comment", "Chào shop", "")]))
    assert not Scenario.objects.exists()
