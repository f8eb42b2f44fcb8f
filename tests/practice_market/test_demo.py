"""The practice market's demo: trainees at every stage, from locked to promoted, once."""

import pytest

from practice_market import demo, promotion
from practice_market.models import Badge, PracticeAccess, PracticeScore, PracticeShow, Promotion, Scenario

pytestmark = pytest.mark.django_db


def test_seed_puts_graduates_at_every_stage_and_is_idempotent():
    from accounts import demo as accounts_demo
    from learning import demo as learning_demo
    from tests.learning.builders import build_course
    from vendors import demo as vendors_demo

    build_course()  # "Livestream bán hàng cho chủ thể OCOP": the demo's course shape
    quiet = lambda line: None  # noqa: E731
    for module in (accounts_demo, learning_demo, vendors_demo):
        module.seed(quiet)
    lines = []
    demo.seed(lines.append)

    assert Scenario.objects.count() == 3  # the scenario library, seeded for real
    email = {stage: f"hocvien{n}@demo.chodem.vn" for stage, n in zip(demo.STAGES, range(32, 39), strict=True)}
    assert PracticeAccess.objects.get(user__email=email["locked"]).locked_at is not None
    assert PracticeAccess.objects.get(user__email=email["unlocked"]).is_open
    assert not PracticeShow.objects.filter(trainee__email=email["unlocked"]).exists()
    practising = PracticeShow.objects.get(trainee__email=email["practising"])
    assert practising.show.state == "scheduled" and practising.invites.count() == 2
    assert [s.total < 70 for s in PracticeScore.objects.filter(practice_show__trainee__email=email["scored"])] == [True]

    queue = promotion.promotion_queue()
    assert [e.user.email for e in queue.eligible] == [email["eligible"]]
    almost = next(e for e in queue.not_yet if e.user.email == email["almost"])
    assert [c.key for c in almost.missing] == ["endorsement"]
    assert [p.trainee.email for p in queue.promoted] == [email["promoted"]]
    assert Badge.objects.filter(user__email=email["promoted"], kind=Badge.Kind.PROMOTED, revoked_at=None).exists()
    assert lines[-1].startswith("practice_market: 9 graduates unlocked, 3 scenarios")

    demo.seed(lines.append)
    assert "already at their stages" in lines[-1]
    assert PracticeShow.objects.count() == 8 and Promotion.objects.count() == 1
