"""The scripted audience's scenarios: what is refused and why, how a run's script is rendered,
the simulated accounts, the seeded library, and simulated viewers kept out of real figures."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.errors import ApplicationError
from live.services import show_create
from practice_market import scenarios
from practice_market.models import Beat, Persona, PracticeShow, Scenario, ScenarioRun
from practice_market.scenario_library import scenario_seed_defaults
from selling.models import ShowOffer


def _beat(at, who="chi-lan", action=Beat.Action.COMMENT, text="Chào shop", expect="", within=60):
    return {
        "at_seconds": at,
        "persona_key": who,
        "action": action,
        "text": text,
        "expect": expect,
        "expect_within_seconds": within,
    }


def _problems(beats, personas=("chi-lan",), duration=300):
    return scenarios.scenario_problems(personas=[{"key": k} for k in personas], beats=beats, duration_seconds=duration)


def make_scenario(title="Kịch bản thử", *, personas, beats, percent=0, duration=300):
    scenario = Scenario(title=title, no_diacritics_percent=percent, duration_seconds=duration)
    scenario.personas = [Persona(key=k, name=n, manner=m) for k, n, m in personas]
    scenario.beats = [Beat(**b) for b in beats]
    scenario.save()
    return scenario


def make_practice_show(host, vendor, products, *, title="Tập live thử"):
    now = timezone.now()
    show = show_create(
        title=title,
        host=host,
        scheduled_start=now,
        scheduled_end=now + timedelta(hours=1),
        audience="invited",
        owner_kind="practice",
    )
    for position, product in enumerate(products):
        ShowOffer.objects.create(show=show, product=product, position=position, stock_left=product.stock)
    return PracticeShow.objects.create(show=show, trainee=host, vendor=vendor)


# ----------------------------------------------------------------------------- validation


def test_a_sound_scenario_has_no_problem():
    assert (
        _problems(
            [
                _beat(40, text="{code} giá bao nhiêu ạ?", expect="answer"),
                _beat(70, action="order", text="chot {code} 2", expect="accept"),
                _beat(120, action="insult", text="Hàng dỏm!", expect="moderate", within=30),
                _beat(180, action="sale_buy", text="2"),
            ]
        )
        == []
    )


def test_a_broken_timeline_is_refused_with_the_moment_named():
    problems = _problems([_beat(40), _beat(40, text="Lần nữa"), _beat(400, text="Muộn quá")], duration=300)
    assert "Dòng thời gian hỏng: nhịp lúc 6:40 nằm sau khi kịch bản kết thúc (5:00)." in problems
    assert "Dòng thời gian hỏng: nhân vật “chi-lan” có hai nhịp cùng lúc 0:40." in problems
    assert _problems([]) == ["Kịch bản chưa có nhịp nào: hãy thêm ít nhất một nhịp vào dòng thời gian."]
    mismatched = _problems([_beat(10, text="Giá bao nhiêu?", expect="moderate")])
    assert mismatched == [
        "Nhịp lúc 0:10: yêu cầu “Ẩn bình luận hoặc cấm chat kẻ phá rối” không hợp với hành động “Bình luận / hỏi”."
    ]


def test_an_unknown_persona_and_an_unknown_placeholder_are_refused():
    problems = _problems([_beat(40, who="ke-la", text="{foo} giá bao nhiêu?"), _beat(50, text="Giá {code")])
    assert "Nhịp lúc 0:40 dùng nhân vật “ke-la” chưa có trong kịch bản." in problems
    assert any(p.startswith("Nhịp lúc 0:40: chỗ điền {foo} không có. Dùng được {code}") for p in problems)
    assert "Nhịp lúc 0:50: dấu ngoặc { } không khớp trong “Giá {code”." in problems


def test_an_order_beat_must_read_as_an_order():
    problems = _problems([_beat(70, action="order", text="{code} đẹp quá")])
    assert problems == [
        "Nhịp lúc 1:10 là chốt đơn nhưng “{code} đẹp quá” không đọc được thành đơn: cần mã sản phẩm và số lượng, "
        "ví dụ “chot {code} 2”."
    ]


# ----------------------------------------------------------------------------- starting a run


@pytest.fixture
def practice(vendor_user, stall):
    vendor, products = stall
    return make_practice_show(vendor_user, vendor, [products["B02"], products["B01"]])


@pytest.fixture
def scenario():
    beats = [
        _beat(40, text="{code} giá bao nhiêu ạ?", expect="answer"),
        _beat(50, who="anh-tuan", text="Cho xem {name2} với, giá {price2} phải không?", expect="pin", within=45),
        _beat(70, action="order", text="chốt {code} 2", expect="accept", within=120),
        _beat(90, who="anh-tuan", text="Shop {host} ơi, ship về Hà Đông mất mấy ngày?"),
        _beat(120, who="troll", action="insult", text="Hàng dỏm, đừng ai mua!", expect="moderate", within=30),
        _beat(180, who="anh-tuan", action="sale_buy", text="mua 3 suất", expect="accept"),
    ]
    personas = [
        ("chi-lan", "Chị Lan", "asks_price"),
        ("anh-tuan", "Anh Tuấn", "asks_shipping"),
        ("troll", "Hùng", "troll"),
    ]
    return make_scenario(personas=personas, beats=beats, percent=40)


def test_the_script_is_rendered_from_the_trainees_own_products(
    practice, scenario, vendor_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run = scenarios.scenario_run_start(
            practice_show=practice, scenario=scenario, actor=vendor_user, speed=4, viewers=20
        )
    assert len(callbacks) == 1  # the player is queued once the run is saved
    assert run.state == ScenarioRun.State.QUEUED and run.speed == 4 and run.viewers == 20
    script = run.script
    assert [b["index"] for b in script] == list(range(6))
    assert set(script[0]) == {
        "index",
        "at_seconds",
        "persona_key",
        "user_id",
        "action",
        "text",
        "product_code",
        "quantity",
        "expect",
        "expect_within_seconds",
    }
    texts = [scenarios.strip_diacritics(b["text"]) for b in script]
    # {code} is the first product on offer (B02, position 0), {name2}/{price2} the second (B01)
    assert texts[0] == "B02 gia bao nhieu a?"
    assert texts[1] == "Cho xem Buoi do Dong Cao voi, gia 120.000 ₫ phai khong?"
    assert (script[1]["product_code"], script[1]["expect"], script[1]["expect_within_seconds"]) == ("B01", "pin", 45)
    assert (script[2]["product_code"], script[2]["quantity"], script[2]["expect"]) == ("B02", 2, "accept")
    assert texts[3] == "Shop Le Thi Hong Nhung oi, ship ve Ha Dong mat may ngay?"
    assert (script[5]["action"], script[5]["quantity"], script[5]["text"]) == ("sale_buy", 3, "")
    # 40 % of the five comments are typed without diacritics: exactly two, the same two every time
    plain = [b["index"] for b in script if b["text"] and b["text"] == scenarios.strip_diacritics(b["text"])]
    assert len(plain) == 2
    assert (
        scenarios.script_render(
            scenario=scenario,
            products=scenarios._products_for(practice),
            host_name=practice.show.host_name,
            accounts=scenarios.persona_accounts(scenario=scenario),
        )
        == script
    )
    # one simulated account per persona, named as the persona
    users = {b["persona_key"]: User.objects.get(pk=b["user_id"]) for b in script}
    assert {k: u.get_full_name() for k, u in users.items()} == {
        "chi-lan": "Chị Lan",
        "anh-tuan": "Anh Tuấn",
        "troll": "Hùng",
    }
    assert all(u.is_simulated and not u.has_usable_password() for u in users.values())


def test_nobody_logs_in_as_a_simulated_account(practice, scenario, vendor_user, client):
    run = scenarios.scenario_run_start(practice_show=practice, scenario=scenario, actor=vendor_user, enqueue=False)
    user = User.objects.get(pk=run.script[0]["user_id"])
    for password in (user.password, "ChoDem@2026", "!"):
        response = client.post(reverse("account_login"), {"login": user.email, "password": password})
        assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"speed": 50}, "Tốc độ phải từ 0,25× đến 20×."),
        ({"viewers": 0}, "Số khán giả mô phỏng phải từ 1 đến 500."),
        ({"viewers": 501}, "Số khán giả mô phỏng phải từ 1 đến 500."),
        ({"viewers": 2}, "Kịch bản có 3 nhân vật: cần ít nhất 3 khán giả mô phỏng."),
    ],
)
def test_bad_speed_or_viewers_are_refused_and_nothing_starts(practice, scenario, vendor_user, change, message):
    with pytest.raises(ApplicationError) as refused:
        scenarios.scenario_run_start(practice_show=practice, scenario=scenario, actor=vendor_user, **change)
    assert str(refused.value.message) == message
    assert not ScenarioRun.objects.exists()


def test_a_broken_scenario_another_host_or_a_second_run_are_refused(practice, scenario, vendor_user, buyer_user):
    broken = make_scenario(
        "Kịch bản hỏng", personas=[("a", "A", "asks_price")], beats=[_beat(30, who="b", text="{gia}")]
    )
    with pytest.raises(ApplicationError) as refused:
        scenarios.scenario_run_start(practice_show=practice, scenario=broken, actor=vendor_user)
    assert "Nhịp lúc 0:30 dùng nhân vật “b” chưa có trong kịch bản." in refused.value.message
    assert "chỗ điền {gia} không có" in refused.value.message
    with pytest.raises(ApplicationError) as refused:
        scenarios.scenario_run_start(practice_show=practice, scenario=scenario, actor=buyer_user)
    assert refused.value.message == "Chỉ người dẫn của buổi thực hành mới chạy hoặc dừng được kịch bản."
    assert not ScenarioRun.objects.exists()
    run = scenarios.scenario_run_start(practice_show=practice, scenario=scenario, actor=vendor_user, enqueue=False)
    with pytest.raises(ApplicationError) as refused:
        scenarios.scenario_run_start(practice_show=practice, scenario=scenario, actor=vendor_user, enqueue=False)
    assert refused.value.code == "run_active"
    scenarios.scenario_run_stop(run=run, actor=vendor_user)
    run.refresh_from_db()
    assert run.state == ScenarioRun.State.STOPPED and run.finished_at is not None
    assert scenarios.scenario_run_start(practice_show=practice, scenario=scenario, actor=vendor_user, enqueue=False)


def test_the_default_library_has_three_playable_scenarios_of_rising_difficulty(db):
    seeded = scenario_seed_defaults()
    assert [s.difficulty for s in seeded] == [1, 2, 3]
    assert scenario_seed_defaults() == seeded  # idempotent
    hard = seeded[-1]
    manners = set(hard.personas.values_list("manner", flat=True))
    assert {"troll", "wholesale", "unhappy"} <= manners
    beats = {b.at_seconds: b for b in hard.beats.all()}
    assert (beats[40].text, beats[40].expect) == ("{code} giá bao nhiêu ạ?", "answer")
    assert (beats[120].action, beats[120].expect, beats[120].expect_within_seconds) == ("insult", "moderate", 30)
    assert beats[180].action == "sale_buy"
    for scenario in seeded:
        scenarios.scenario_validate(scenario=scenario)
