"""Practice shows: scheduling, invites, sandbox orders (issue 12, parts 2 and 3)."""

from live.models import Show
from practice_market.models import PracticeInvite


def test_practice_show_fixture(practice_show, trainee, classmate):
    show = practice_show.show
    assert show.owner_kind == "practice"
    assert show.host == trainee.user
    assert sorted(o.product.code for o in show.offers.all()) == ["B01", "B02"]
    assert PracticeInvite.objects.filter(practice_show=practice_show, user=classmate).exists()
    assert show.state == Show.State.SCHEDULED
