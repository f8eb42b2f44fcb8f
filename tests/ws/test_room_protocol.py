"""Every message type of the room protocol, through the real ASGI stack."""

import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from accounts.roles import Role
from live.models import BannedWord, Report, Room, RoomEvent, RoomRole, Show

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async


@pytest.fixture
def moderator(make_user, live_show):
    user = make_user("kiemduyet@example.vn", full_name="Đỗ Kiểm Duyệt")
    RoomRole.objects.create(room=live_show.room, user=user, role=RoomRole.Role.MODERATOR)
    return user


@pytest.fixture
def viewer_user(make_user):
    return make_user("khan-gia@example.vn", roles=[Role.CONSUMER], full_name="Phạm Khán Giả")


async def test_welcome_tells_role_state_and_history(live_show, connect, vendor_user, buyer_user):
    host = await connect(live_show.room, vendor_user)
    assert host.welcome["you"]["role"] == "host"
    assert host.welcome["show"]["title"] == "Bưởi đỏ Đông Cao"
    assert host.welcome["show"]["state"] == "scheduled"
    await host.send(type="chat.send", text="Xin chào", ref="1")
    await host.wait_type("ack", ref="1")
    viewer = await connect(live_show.room, buyer_user)
    you = dict(viewer.welcome["you"])
    assert len(you.pop("conn")) >= 12  # the socket's address for directed frames
    assert you == {
        "user_id": buyer_user.pk, "name": "Phạm Quốc Bảo", "role": "viewer", "may_chat": True, "may_moderate": False,
        "may_host": False,
    }
    history = viewer.replay["events"] or [await viewer.wait_type("chat")]
    assert [e["text"] for e in history] == ["Xin chào"]


async def test_chat_is_saved_with_its_sequence_before_everyone_sees_it(live_show, connect, vendor_user, buyer_user):
    anon = await connect(live_show.room)
    buyer = await connect(live_show.room, buyer_user)
    await buyer.send(type="chat.send", text="Bưởi bao nhiêu một quả?", ref="q")
    ack = await buyer.wait_type("ack", ref="q")
    chat = await anon.wait_type("chat")
    assert chat == {**chat, "seq": ack["seq"], "text": "Bưởi bao nhiêu một quả?", "user_id": buyer_user.pk, "role": "viewer"}
    stored = await db(RoomEvent.objects.get)(room=live_show.room, seq=ack["seq"])
    assert stored.kind == "chat" and stored.payload["text"] == "Bưởi bao nhiêu một quả?"


async def test_anonymous_viewer_may_watch_but_not_chat_or_react(live_show, connect):
    anon = await connect(live_show.room)
    assert anon.welcome["you"]["may_chat"] is False
    await anon.send(type="chat.send", text="hello", ref="x")
    err = await anon.wait_type("error")
    assert err["code"] == "auth_required" and err["ref"] == "x"
    await anon.send(type="reaction", kind="heart")
    assert (await anon.wait_type("error"))["code"] == "auth_required"
    assert await db(RoomEvent.objects.count)() == 0


async def test_an_anonymous_socket_is_told_to_log_in_without_a_trip_to_the_database_thread(
    live_show, connect, monkeypatch
):
    """The drill's message flood: anonymous sockets sending chat.send made a database-thread
    hop each just to be told to log in, queued ahead of the room's real chat."""
    import live.consumers

    trips = []
    real_room_db = live.consumers.room_db

    def counted(func):
        trips.append(getattr(func, "__name__", repr(func)))
        return real_room_db(func)

    anon = await connect(live_show.room)
    monkeypatch.setattr(live.consumers, "room_db", counted)
    told = {"chat.send": "Hãy đăng nhập để bình luận.", "report": "Hãy đăng nhập để báo cáo."}
    for ref, frame in (("c", {"type": "chat.send", "text": "spam"}), ("r", {"type": "report", "message_seq": 1})):
        await anon.send(ref=ref, **frame)
        err = await anon.wait_type("error")
        assert (err["code"], err["ref"], err["message"]) == ("auth_required", ref, told[frame["type"]])
    assert trips == []


async def test_reactions_arrive_in_aggregate_and_are_counted(live_show, connect, buyer_user, vendor_user):
    host = await connect(live_show.room, vendor_user)
    buyer = await connect(live_show.room, buyer_user)
    for _ in range(5):
        await buyer.send(type="reaction", kind="heart", count=3)
    await buyer.send(type="reaction", kind="fire")
    total = {}
    frames = 0
    while total.get("heart", 0) < 15 or total.get("fire", 0) < 1:
        event = await host.wait_type("reactions")
        frames += 1
        for kind, n in event["delta"].items():
            total[kind] = total.get(kind, 0) + n
    assert total == {"heart": 15, "fire": 1}
    assert frames < 6, "reactions must be coalesced, not one frame per tap"
    for _ in range(40):  # saved every RESYNC_SECONDS, not per tap
        room = await db(Room.objects.get)(pk=live_show.room.pk)
        if room.reaction_counts:
            break
        await asyncio.sleep(0.1)
    assert room.reaction_counts == {"heart": 15, "fire": 1}


async def test_viewer_count_is_coalesced_per_tick(live_show, connect, vendor_user):
    host = await connect(live_show.room, vendor_user)
    crowd = await asyncio.gather(*[connect(live_show.room, client=(f"10.1.0.{i}", 1)) for i in range(12)])
    counts = []
    while not counts or counts[-1] != 13:
        counts.append((await host.wait_type("viewers"))["count"])
    assert len(counts) < 12, counts
    for sock in crowd[:5]:
        await sock.close()
    after_leaving = []
    while not after_leaving or after_leaving[-1] != 8:
        after_leaving.append((await host.wait_type("viewers"))["count"])
    assert len(after_leaving) < 5, after_leaving


async def test_host_starts_and_ends_the_show_viewers_cannot(live_show, connect, vendor_user, buyer_user):
    host = await connect(live_show.room, vendor_user)
    buyer = await connect(live_show.room, buyer_user)
    await buyer.send(type="show.start", ref="s")
    assert (await buyer.wait_type("error", ref="s"))["code"] == "forbidden"
    await host.send(type="show.start")
    assert (await buyer.wait_type("show.state"))["state"] == "live"
    await host.send(type="show.end")
    assert (await buyer.wait_type("show.state"))["state"] == "ended"
    assert (await db(Show.objects.get)(pk=live_show.pk)).state == "ended"
    await buyer.send(type="chat.send", text="còn hàng không?")
    assert (await buyer.wait_type("error"))["code"] == "show_ended"


async def test_pin_and_unpin_a_comment(live_show, connect, vendor_user, buyer_user):
    host = await connect(live_show.room, vendor_user)
    buyer = await connect(live_show.room, buyer_user)
    await buyer.send(type="chat.send", text="Giao hàng Hà Đông được không?")
    seq = (await host.wait_type("chat"))["seq"]
    await buyer.send(type="mod.pin", message_seq=seq, ref="p")
    assert (await buyer.wait_type("error", ref="p"))["code"] == "forbidden"
    await host.send(type="mod.pin", message_seq=seq)
    pin = await buyer.wait_type("pin")
    assert pin["message"]["text"] == "Giao hàng Hà Đông được không?"
    late = await connect(live_show.room)
    assert late.welcome["pinned"]["seq"] == seq
    await host.send(type="mod.pin", message_seq=None)
    assert (await buyer.wait_type("pin"))["message"] is None


async def test_moderator_deletes_a_message_everywhere(live_show, connect, moderator, buyer_user):
    mod = await connect(live_show.room, moderator)
    buyer = await connect(live_show.room, buyer_user)
    assert mod.welcome["you"]["role"] == "moderator"
    await buyer.send(type="chat.send", text="quảng cáo bậy")
    seq = (await mod.wait_type("chat"))["seq"]
    early = await connect(live_show.room)  # the history as it stood: the hub frames it once for every fresh viewer
    assert next(e for e in early.replay["events"] if e["seq"] == seq)["text"] == "quảng cáo bậy"
    await buyer.send(type="mod.delete", message_seq=seq, ref="d")
    assert (await buyer.wait_type("error", ref="d"))["code"] == "forbidden"
    await mod.send(type="mod.delete", message_seq=seq)
    assert (await buyer.wait_type("chat.deleted"))["message_seq"] == seq
    later = await connect(live_show.room)
    replayed = next(e for e in later.replay["events"] if e["seq"] == seq)
    assert replayed["deleted"] is True and replayed["text"] == ""
    await mod.send(type="mod.delete", message_seq=999, ref="nf")
    assert (await mod.wait_type("error", ref="nf"))["code"] == "not_found"


async def test_muted_viewer_cannot_chat_until_unmuted(live_show, connect, vendor_user, buyer_user):
    host = await connect(live_show.room, vendor_user)
    buyer = await connect(live_show.room, buyer_user)
    await host.send(type="mod.mute", user_id=buyer_user.pk, minutes=10)
    muted = await buyer.wait_type("user.muted")
    assert muted["user_id"] == buyer_user.pk and muted["until"]
    await buyer.send(type="chat.send", text="sao tôi bị tắt tiếng", ref="m")
    assert (await buyer.wait_type("error", ref="m"))["code"] == "muted"
    await buyer.send(type="mod.mute", user_id=vendor_user.pk, ref="back")
    assert (await buyer.wait_type("error", ref="back"))["code"] == "forbidden"
    await host.send(type="mod.unmute", user_id=buyer_user.pk)
    await buyer.wait_type("user.unmuted")
    await buyer.send(type="chat.send", text="cảm ơn", ref="ok")
    assert (await buyer.wait_type("ack", ref="ok"))["seq"]


async def test_banned_viewer_is_closed_and_cannot_rejoin(live_show, connect, moderator, buyer_user):
    mod = await connect(live_show.room, moderator)
    buyer = await connect(live_show.room, buyer_user)
    await mod.send(type="mod.ban", user_id=buyer_user.pk, reason="spam")
    assert await buyer.closed_with() == 4403
    again = await connect(live_show.room, buyer_user, expect_welcome=False)
    err = await again.recv()
    assert err["type"] == "error" and err["code"] == "forbidden"
    assert await again.closed_with() == 4403
    await mod.send(type="mod.ban", user_id=moderator.pk, ref="self")
    assert (await mod.wait_type("error", ref="self"))["code"] == "forbidden"
    await mod.send(type="mod.unban", user_id=buyer_user.pk)
    await mod.wait_type("user.unbanned")
    back = await connect(live_show.room, buyer_user)
    assert back.welcome["you"]["user_id"] == buyer_user.pk


async def test_a_join_reads_the_viewers_role_and_only_bans_in_force(live_show, connect, buyer_user, viewer_user):
    """The admission's one room query: a co-host joins as co-host, a ban that has run out lets its viewer in."""
    from datetime import timedelta

    from django.utils import timezone

    from live.models import Sanction

    await db(RoomRole.objects.create)(room=live_show.room, user=viewer_user, role=RoomRole.Role.COHOST)
    cohost = await connect(live_show.room, viewer_user)
    assert cohost.welcome["you"]["role"] == "cohost"
    ended = await db(Sanction.objects.create)(
        room=live_show.room, user=buyer_user, kind=Sanction.Kind.BAN, until=timezone.now() - timedelta(minutes=1)
    )
    buyer = await connect(live_show.room, buyer_user)
    assert buyer.welcome["you"]["role"] == "viewer"
    await db(Sanction.objects.filter(pk=ended.pk).update)(until=timezone.now() + timedelta(minutes=5))
    refused = await connect(live_show.room, buyer_user, expect_welcome=False)
    assert (await refused.recv())["code"] == "forbidden"
    assert await refused.closed_with() == 4403


async def test_slow_mode_spaces_out_viewer_chat_not_hosts(live_show, connect, vendor_user, buyer_user):
    host = await connect(live_show.room, vendor_user)
    buyer = await connect(live_show.room, buyer_user)
    await host.send(type="mod.slow_mode", seconds=30)
    assert (await buyer.wait_type("slow_mode"))["seconds"] == 30
    await buyer.send(type="chat.send", text="một", ref="1")
    await buyer.wait_type("ack", ref="1")
    await buyer.send(type="chat.send", text="hai", ref="2")
    err = await buyer.wait_type("error", ref="2")
    assert err["code"] == "slow_mode" and "30" in err["message"]
    for i in range(3):
        await host.send(type="chat.send", text=f"host {i}", ref=f"h{i}")
        await host.wait_type("ack", ref=f"h{i}")


async def test_banned_words_match_without_diacritics_or_case(live_show, connect, buyer_user):
    await db(BannedWord.objects.create)(phrase="lừa đảo")
    buyer = await connect(live_show.room, buyer_user)
    for text in ("Shop này LUA DAO", "lừa   đảo!!", "Lừa Đảo"):
        await buyer.send(type="chat.send", text=text, ref="b")
        got = await buyer.wait_type("error", ref="b")
        assert got["code"] == "banned_word", (text, got, buyer.seen)
    await buyer.send(type="chat.send", text="đảo ngọc, không lừa", ref="ok")
    await buyer.wait_type("ack", ref="ok")
    assert await db(RoomEvent.objects.filter(kind="chat").count)() == 1


async def test_report_reaches_moderators_only_and_can_be_resolved(live_show, connect, moderator, buyer_user, viewer_user):
    mod = await connect(live_show.room, moderator)
    assert mod.welcome["reports"] == []
    buyer = await connect(live_show.room, buyer_user)
    other = await connect(live_show.room, viewer_user)
    await buyer.send(type="chat.send", text="link lạ: bit.ly/xyz")
    seq = (await other.wait_type("chat"))["seq"]
    await other.send(type="report", message_seq=seq, reason="lừa đảo", ref="r")
    report_id = (await other.wait_type("ack", ref="r"))["report_id"]
    staff = await mod.wait_for(lambda f: f.get("type") == "staff")
    assert staff["events"][0]["report"]["text"] == "link lạ: bit.ly/xyz"
    assert staff["events"][0]["report"]["reason"] == "lừa đảo"
    await buyer.send(type="chat.send", text="tin tiếp", ref="n")
    await buyer.wait_type("ack", ref="n")
    assert not [f for f in buyer.seen if f.get("type") == "staff"]
    late_mod = await connect(live_show.room, moderator)
    assert [r["id"] for r in late_mod.welcome["reports"]] == [report_id]
    await mod.send(type="mod.report_resolve", report_id=report_id, status="dismissed", ref="x")
    await mod.wait_type("ack", ref="x")
    assert (await db(Report.objects.get)(pk=report_id)).status == "dismissed"
    await other.send(type="report", message_seq=9999, ref="nf")
    assert (await other.wait_type("error", ref="nf"))["code"] == "not_found"


async def test_ping_pong_carries_the_sequence(live_show, connect):
    sock = await connect(live_show.room)
    await sock.send(type="ping", ref="p1")
    pong = await sock.wait_type("pong")
    assert pong["ref"] == "p1" and pong["seq"] == 0


async def test_invalid_frames_get_errors_and_the_socket_survives(live_show, connect, buyer_user, settings):
    settings.LIVE = {**settings.LIVE, "CONNECTION_BURST": 100}
    sock = await connect(live_show.room, buyer_user)
    cases = [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_message"),
        ('{"v": 1, "type": "teleport"}', "unknown_type"),
        ('{"v": 2, "type": "ping"}', "unsupported_version"),
        ('{"type": "ping"}', "unsupported_version"),
        ('{"v": 1, "type": "chat.send"}', "bad_message"),
        ('{"v": 1, "type": "chat.send", "text": 5}', "bad_message"),
        ('{"v": 1, "type": "reaction", "kind": "bomb"}', "bad_message"),
        ('{"v": 1, "type": "reaction", "kind": "heart", "count": 1000}', "bad_message"),
        ('{"v": 1, "type": "ping", "extra": true}', "bad_message"),
        ('{"v": 1, "type": "chat.send", "text": "' + "a" * 4097 + '"}', "too_large"),
        ("x" * 17000, "too_large"),
    ]
    for raw, code in cases:
        await sock.send_text(raw)
        err = await sock.wait_type("error")
        assert err["code"] == code, (raw[:40], err)
    await sock.send(type="chat.send", text="ờ" * 2000, ref="big")  # 6,000 bytes of UTF-8: over 4 KB
    assert (await sock.wait_type("error", ref="big"))["code"] == "too_large"
    await sock.send(type="chat.send", text="  ", ref="empty")
    err = await sock.wait_type("error", ref="empty")
    assert err["code"] == "invalid"
    await sock.c.send_to(bytes_data=b"\x00\x01")
    assert (await sock.wait_type("error"))["code"] == "bad_message"
    await sock.send(type="chat.send", text="vẫn chat được", ref="alive")
    assert (await sock.wait_type("ack", ref="alive"))["seq"] == 1


async def test_error_messages_follow_the_users_language(live_show, connect):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    c = WebsocketCommunicator(
        application, f"/ws/rooms/{live_show.room.pk}/", headers=[(b"origin", b"http://localhost"), (b"accept-language", b"en")]
    )
    assert (await c.connect())[0]
    import json

    await c.receive_from()
    await c.receive_from()
    await c.send_to(text_data='{"v":1,"type":"chat.send","text":"hi"}')
    err = json.loads(await c.receive_from())
    assert err["code"] == "auth_required" and err["message"] == "Log in to comment."
    await c.disconnect()


async def test_unknown_room_is_closed_with_4404(connect, transactional_db):
    class Missing:
        pk = 424242

    sock = await connect(Missing, expect_welcome=False)
    assert (await sock.recv())["code"] == "not_found"
    assert await sock.closed_with() == 4404


async def test_invited_show_refuses_strangers(live_show, connect, buyer_user, viewer_user):
    await db(Show.objects.filter(pk=live_show.pk).update)(audience=Show.Audience.INVITED)
    await db(RoomRole.objects.create)(room=live_show.room, user=viewer_user, role=RoomRole.Role.GUEST)
    anon = await connect(live_show.room, expect_welcome=False)
    assert (await anon.recv())["code"] == "auth_required"
    assert await anon.closed_with() == 4401
    stranger = await connect(live_show.room, buyer_user, expect_welcome=False)
    assert (await stranger.recv())["code"] == "forbidden"
    assert await stranger.closed_with() == 4403
    guest = await connect(live_show.room, viewer_user)
    assert guest.welcome["you"]["role"] == "viewer"


async def test_a_joining_socket_reads_its_user_inside_its_one_admission_hop(live_show, connect, buyer_user, monkeypatch):
    """The user's session and row are read in the admission's database call, not in a hop before it."""
    from live import admission as admissions
    from live import auth

    during_admission, loads = [], []
    real_admission, real_get_user = admissions.admit, auth.auth.get_user

    def admission(room_id, scope):
        during_admission.append(True)
        try:
            return real_admission(room_id, scope)
        finally:
            during_admission.pop()

    def get_user(request):
        loads.append(bool(during_admission))
        return real_get_user(request)

    monkeypatch.setattr(admissions, "admit", admission)
    monkeypatch.setattr(auth.auth, "get_user", get_user)
    sock = await connect(live_show.room, buyer_user)
    assert sock.welcome["you"]["user_id"] == buyer_user.pk
    assert loads == [True]


async def test_anonymous_sockets_are_admitted_from_the_rooms_last_read(live_show, connect, buyer_user, monkeypatch):
    """A crowd of anonymous viewers costs the database one admission; a logged-in one always asks it."""
    from live import admission as admissions

    asked = []
    real_admit = admissions.admit

    def admit(room_id, scope):
        asked.append(room_id)
        return real_admit(room_id, scope)

    monkeypatch.setattr(admissions, "admit", admit)
    crowd = [await connect(live_show.room) for _ in range(5)]
    assert all(s.welcome["you"]["role"] == "viewer" and s.welcome["you"]["user_id"] is None for s in crowd)
    assert asked == [live_show.room.pk]
    buyer = await connect(live_show.room, buyer_user)
    assert buyer.welcome["you"]["user_id"] == buyer_user.pk
    assert len(asked) == 2


async def test_an_anonymous_join_sees_a_show_made_invite_only_once_its_read_is_stale(live_show, connect, settings):
    settings.LIVE = {**settings.LIVE, "ANONYMOUS_ADMISSION_SECONDS": 0.2}
    await connect(live_show.room)
    await db(Show.objects.filter(pk=live_show.pk).update)(audience=Show.Audience.INVITED)
    await asyncio.sleep(0.3)
    anon = await connect(live_show.room, expect_welcome=False)
    assert (await anon.recv())["code"] == "auth_required"
    assert await anon.closed_with() == 4401


async def test_a_session_from_before_a_password_change_joins_as_anonymous(live_show, connect, buyer_user):
    """Django's rule: a password change ends the user's other sessions, on room sockets too."""
    from tests.ws.conftest import _session_cookie

    cookie = await db(_session_cookie)(buyer_user)

    def change_password():
        buyer_user.set_password("Mật-khẩu-mới-2026")
        buyer_user.save()

    await db(change_password)()
    sock = await connect(live_show.room, headers=[(b"cookie", cookie)])
    assert sock.welcome["you"]["user_id"] is None
    assert sock.welcome["you"]["may_chat"] is False


async def test_a_ping_is_answered_while_a_database_call_holds_the_database_thread(live_show, connect):
    """A frame that needs no database never waits for one (a purchase or a slow save holding the thread)."""
    sock = await connect(live_show.room)
    busy = asyncio.ensure_future(database_sync_to_async(time.sleep)(1.5))  # the thread room_db uses on SQLite
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await sock.send(type="ping", ref="during")
    pong = await sock.wait_type("pong", timeout=1.0)
    assert pong["ref"] == "during" and time.monotonic() - started < 1.0
    assert not busy.done()
    await busy
