"""Chat's one read before it posts: the show's state, slow mode, and the author's ban and mute in force."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import ApplicationError
from live.models import Sanction
from live.selectors import Participant
from live.services import chat_post, show_create
from tests.statements import statements_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def show(vendor_user):
    now = timezone.now()
    return show_create(
        title="Bưởi đỏ Đông Cao", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1)
    )


def _post(show, user, text="Còn bưởi không ạ?"):
    return chat_post(room_id=show.room.pk, actor=Participant(user_id=user.pk, name="Lan", role="viewer"), text=text)


def _refusal(show, user):
    with pytest.raises(ApplicationError) as err:
        _post(show, user)
    return err.value.code


@pytest.mark.parametrize(
    ("kind", "until", "lifted", "refused_with"),
    [
        (Sanction.Kind.BAN, None, False, "forbidden"),
        (Sanction.Kind.MUTE, None, False, "muted"),
        (Sanction.Kind.MUTE, timedelta(minutes=5), False, "muted"),
        (Sanction.Kind.MUTE, timedelta(minutes=-1), False, None),  # served
        (Sanction.Kind.BAN, None, True, None),  # lifted
    ],
    ids=["ban", "mute", "mute-for-5-minutes", "mute-served", "ban-lifted"],
)
def test_only_a_sanction_in_force_stops_the_author(show, buyer_user, organizer_user, kind, until, lifted, refused_with):
    Sanction.objects.create(
        room=show.room,
        user=buyer_user,
        kind=kind,
        until=timezone.now() + until if until else None,
        lifted_at=timezone.now() if lifted else None,
        created_by=organizer_user,
    )
    if refused_with:
        assert _refusal(show, buyer_user) == refused_with
    else:
        assert _post(show, buyer_user)["text"] == "Còn bưởi không ạ?"


def test_someone_elses_or_another_rooms_ban_does_not_stop_the_author(show, vendor_user, buyer_user, make_user):
    other_show = show_create(
        title="Chè Tân Cương",
        host=vendor_user,
        scheduled_start=timezone.now(),
        scheduled_end=timezone.now() + timedelta(hours=1),
    )
    neighbour = make_user("hangxom@example.vn")
    Sanction.objects.create(room=show.room, user=neighbour, kind=Sanction.Kind.BAN)
    Sanction.objects.create(room=other_show.room, user=buyer_user, kind=Sanction.Kind.BAN)
    assert _post(show, buyer_user)["seq"] == 1
    assert _refusal(show, neighbour) == "forbidden"


def test_an_ended_show_takes_no_chat(show, buyer_user):
    show.state = show.State.ENDED
    show.save(update_fields=["state"])
    assert _refusal(show, buyer_user) == "show_ended"


def test_a_chat_message_stays_within_its_statement_budget(show, buyer_user):
    """Chat runs on the room's database thread, which shares the worker's GIL with the fan-out:
    4 statements until 7 Dec (the room, then the sanctions, then the sequence and the insert), 3 since.
    (The first message also reads the show's product codes for chốt đơn, which are then kept.)"""
    _post(show, buyer_user)
    with statements_run() as statements:
        _post(show, buyer_user, "Cho mình 2 quả")
    assert len(statements) <= 3, "\n".join(statements)
