"""Shows, owners, pages and the read API of live rooms (no sockets here)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from config.errors import ApplicationError
from live import owners
from live.models import RoomEvent, RoomRole, Show
from live.selectors import Participant, participant_for
from live.services import banned_word_save, chat_post, show_create, text_has_banned_word


@pytest.fixture
def show(db, vendor_user):
    now = timezone.now()
    return show_create(title="Bưởi đỏ Đông Cao", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))


def test_a_show_needs_an_end_after_its_start(db, vendor_user):
    now = timezone.now()
    with pytest.raises(ApplicationError) as err:
        show_create(title="x", host=vendor_user, scheduled_start=now, scheduled_end=now)
    assert "scheduled_end" in err.value.fields
    assert not Show.objects.exists()


def test_roles_in_a_room(show, vendor_user, buyer_user, organizer_user, make_user):
    cohost = make_user("dongdan@example.vn")
    RoomRole.objects.create(room=show.room, user=cohost, role=RoomRole.Role.COHOST)
    assert participant_for(user=vendor_user, show=show).role == "host"
    assert participant_for(user=cohost, show=show).role == "cohost"
    assert participant_for(user=organizer_user, show=show).role == "moderator"
    assert participant_for(user=buyer_user, show=show).role == "viewer"


def test_an_owner_app_decides_who_enters_without_live_importing_it(db, vendor_user, buyer_user):
    class MarketOwner(owners.RoomOwner):
        def may_enter(self, user, show):
            return getattr(user, "email", "") == "nguoimua@example.vn"

    owners.register("test-market", MarketOwner())
    now = timezone.now()
    show = show_create(title="Chợ phiên", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1),
                       owner_kind="test-market")
    assert owners.owner_for(show).may_enter(buyer_user, show)
    assert not owners.owner_for(show).may_enter(vendor_user, show)


def test_chat_is_numbered_in_order(show, buyer_user):
    actor = Participant(user_id=buyer_user.pk, name="Bảo", role="viewer")
    seqs = [chat_post(room_id=show.room.pk, actor=actor, text=f"tin {i}")["seq"] for i in range(3)]
    assert seqs == [1, 2, 3]
    assert list(RoomEvent.objects.values_list("seq", flat=True)) == [1, 2, 3]
    show.room.refresh_from_db()
    assert show.room.last_seq == 3


def test_banned_words_ignore_diacritics_case_and_spacing(db):
    banned_word_save(phrase="Hàng giả")
    assert text_has_banned_word("toàn HANG GIA thôi")
    assert text_has_banned_word("hàng   giả!")
    assert not text_has_banned_word("hàng giao tận nơi")


def test_viewer_page_console_and_list(client, show, vendor_user, buyer_user):
    assert show.title in client.get("/phong-live/").content.decode()
    page = client.get(f"/phong-live/{show.pk}/")
    assert page.status_code == 200 and f'data-ws-path="/ws/rooms/{show.room.pk}/"' in page.content.decode()
    assert client.get(f"/phong-live/{show.pk}/dieu-khien/").status_code == 302
    client.force_login(buyer_user)
    assert client.get(f"/phong-live/{show.pk}/dieu-khien/").status_code == 403
    client.force_login(vendor_user)
    console = client.get(f"/phong-live/{show.pk}/dieu-khien/")
    assert console.status_code == 200 and 'data-live-action="show.start"' in console.content.decode()


def test_the_room_page_sets_no_cookie_for_an_anonymous_viewer(client, show):
    """So the proxy's micro-cache serves the crowd arriving at a show (docs/operations.md)."""
    page = client.get(f"/phong-live/{show.pk}/")
    assert page.status_code == 200
    assert not page.cookies


def test_english_viewer_page(client, show):
    client.cookies["django_language"] = "en"
    body = client.get(f"/phong-live/{show.pk}/").content.decode()
    assert "The video will appear here once the host chooses a source." in body


def test_invited_show_pages_need_an_invitation(client, show, buyer_user, make_user):
    Show.objects.filter(pk=show.pk).update(audience=Show.Audience.INVITED)
    assert client.get(f"/phong-live/{show.pk}/").status_code == 302
    client.force_login(buyer_user)
    assert client.get(f"/phong-live/{show.pk}/").status_code == 403
    assert client.get("/api/v1/live/shows/").json() == []
    guest = make_user("khach@example.vn", roles=[Role.CONSUMER])
    RoomRole.objects.create(room=show.room, user=guest, role=RoomRole.Role.GUEST)
    client.force_login(guest)
    assert client.get(f"/phong-live/{show.pk}/").status_code == 200


def test_api_lists_shows_and_pages_the_event_log(client, show, buyer_user):
    actor = Participant(user_id=buyer_user.pk, name="Bảo", role="viewer")
    for i in range(3):
        chat_post(room_id=show.room.pk, actor=actor, text=f"tin {i}")
    listed = client.get("/api/v1/live/shows/").json()
    assert listed[0]["socket_path"] == f"/ws/rooms/{show.room.pk}/"
    log = client.get(f"/api/v1/live/shows/{show.pk}/events/?after=1").json()
    assert [e["seq"] for e in log["events"]] == [2, 3] and log["more"] is False
    assert client.get(f"/api/v1/live/shows/{show.pk}/events/?after=-4").status_code == 400


def test_demo_seed_is_idempotent(db):
    from accounts import demo as accounts_demo
    from live import demo

    accounts_demo.seed(lambda *_: None)
    demo.seed(lambda *_: None)
    demo.seed(lambda *_: None)
    live_show = Show.objects.get(title=demo.LIVE_TITLE)
    assert live_show.state == "live" and live_show.host.email == "chuthe@demo.chodem.vn"
    assert RoomEvent.objects.filter(room=live_show.room, kind="chat").count() == len(demo.CHAT)
    assert Show.objects.filter(title=demo.SCHEDULED_TITLE, state="scheduled").count() == 1


def test_a_show_of_an_unknown_owner_kind_is_an_error_not_a_standalone_room(vendor_user):
    from django.utils import timezone

    from live.models import Show
    from live.services import show_create

    now = timezone.now()
    show = show_create(title="Phòng lạ", host=vendor_user, scheduled_start=now, scheduled_end=now + timezone.timedelta(hours=1))
    Show.objects.filter(pk=show.pk).update(owner_kind="khong-ai-dang-ky")
    show.refresh_from_db()
    with pytest.raises(owners.UnknownOwnerKind):
        owners.owner_for(show)
