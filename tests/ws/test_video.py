"""The room's video over the socket: the host switches the source, camera signalling is addressed."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from accounts.roles import Role
from live.models import Room, RoomEvent, Show

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@pytest.fixture
def viewer_user(make_user):
    return make_user("khan-gia@example.vn", roles=[Role.CONSUMER], full_name="Phạm Khán Giả")


def _conn(sock) -> str:
    return sock.welcome["you"]["conn"]


async def test_host_sets_a_stream_url_viewers_switch_at_once_and_late_joiners_get_it(live_show, connect, vendor_user, buyer_user):
    viewer = await connect(live_show.room, buyer_user)
    assert viewer.welcome["video"] == {"mode": "none"}
    host = await connect(live_show.room, vendor_user)
    await host.send(type="video.set", mode="url", url=YOUTUBE, ref="v")
    ack = await host.wait_type("ack", ref="v")
    embed = {
        "mode": "embed",
        "provider": "youtube",
        "url": YOUTUBE,
        "src": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&mute=1&playsinline=1&rel=0",
    }
    assert ack["video"] == embed
    event = await viewer.wait_type("video")
    assert event == {**embed, "type": "video", "seq": ack["seq"], "at": event["at"]}
    show = await db(Show.objects.get)(pk=live_show.pk)
    assert (show.video_mode, show.video_url) == ("url", YOUTUBE)

    late = await connect(live_show.room)
    assert late.welcome["video"] == embed

    await host.send(type="video.set", mode="camera", ref="c")
    await host.wait_type("ack", ref="c")
    assert (await viewer.wait_type("video"))["mode"] == "camera"
    await host.send(type="video.set", mode="url", url="https://cdn.example.vn/cho-dem/live.m3u8", ref="h")
    await host.wait_type("ack", ref="h")
    hls = await viewer.wait_type("video")
    assert (hls["mode"], hls["src"]) == ("hls", "https://cdn.example.vn/cho-dem/live.m3u8")
    await host.send(type="video.set", mode="none", ref="n")
    await host.wait_type("ack", ref="n")
    assert (await viewer.wait_type("video"))["mode"] == "none"
    again = await connect(live_show.room, buyer_user)
    assert again.welcome["video"] == {"mode": "none"}


async def test_a_viewer_may_not_set_the_video_nor_offer_a_stream(live_show, connect, vendor_user, buyer_user):
    host = await connect(live_show.room, vendor_user)
    viewer = await connect(live_show.room, buyer_user)
    await viewer.send(type="video.set", mode="url", url=YOUTUBE, ref="v")
    err = await viewer.wait_type("error", ref="v")
    assert (err["code"], err["message"]) == ("forbidden", "Chỉ người dẫn mới đổi được video.")
    await viewer.send(type="rtc.offer", to=_conn(host), sdp=SDP, ref="o")
    err = await viewer.wait_type("error", ref="o")
    assert (err["code"], err["message"]) == ("forbidden", "Chỉ người dẫn mới phát được camera.")
    assert await db(RoomEvent.objects.filter(room=live_show.room, kind="video").count)() == 0
    # Nothing reached the host: the next thing it hears is its own pong.
    await host.send(type="ping", ref="p")
    await host.wait_type("pong", ref="p")
    assert not [f for f in host.seen for e in [f, *f.get("events", [])] if e.get("type", "").startswith("rtc.")]


BAD_URLS = [
    ("ftp://cdn.example.vn/live.m3u8", "Địa chỉ video phải bắt đầu bằng https://."),
    ("http://cdn.example.vn/live.m3u8", "Hãy dùng địa chỉ https:// (trang này không phát luồng http không mã hoá)."),
    ("https://www.youtube.com/@htxbuoi", "Không tìm thấy mã video trong đường dẫn YouTube."),
    ("https://evil.example.com/page.html", "Chỉ nhận đường dẫn YouTube, Facebook, luồng HLS (.m3u8) hoặc tệp MP4."),
    ("", "Hãy nhập địa chỉ video."),
]


async def test_bad_urls_are_refused_with_a_reason_and_change_nothing(live_show, connect, vendor_user):
    """(The whole table of URLs is in tests/live/test_video_urls.py; these go through the socket.)"""
    host = await connect(live_show.room, vendor_user)
    before = await db(lambda: Room.objects.get(pk=live_show.room.pk).last_seq)()
    for i, (url, message) in enumerate(BAD_URLS):
        await host.send(type="video.set", mode="url", url=url, ref=f"bad{i}")
        err = await host.wait_type("error", ref=f"bad{i}")
        assert err["code"] == "invalid", url
        assert err["message"].startswith(message), url
        assert err["fields"]["url"] == err["message"]
    assert await db(lambda: Room.objects.get(pk=live_show.room.pk).last_seq)() == before
    assert (await db(Show.objects.get)(pk=live_show.pk)).video_url == ""


async def test_the_video_cannot_change_after_the_show_ended(live_show, connect, vendor_user):
    host = await connect(live_show.room, vendor_user)
    await host.send(type="show.end", ref="end")
    await host.wait_type("ack", ref="end")
    await host.send(type="video.set", mode="camera", ref="v")
    assert (await host.wait_type("error", ref="v"))["code"] == "show_ended"


async def _camera(host, ref="cam"):
    await host.send(type="video.set", mode="camera", ref=ref)
    await host.wait_type("ack", ref=ref)


def _rtc(sock) -> list[dict]:
    return [e for f in sock.seen for e in [f, *f.get("events", [])] if e.get("type", "").startswith("rtc.")]


async def test_rtc_join_reaches_the_hosts_only(live_show, connect, vendor_user, buyer_user, viewer_user):
    host = await connect(live_show.room, vendor_user)
    asker = await connect(live_show.room, buyer_user)
    other = await connect(live_show.room, viewer_user)
    anon = await connect(live_show.room)
    await _camera(host)
    await asker.wait_type("video", mode="camera")
    await asker.send(type="rtc.join", ref="j")
    await asker.wait_type("ack", ref="j")
    join = await host.wait_type("rtc.join")
    assert join == {"type": "rtc.join", "from": _conn(asker)}
    # The other viewers did not get it: the host's offer to them is the first rtc.* frame they see.
    for sock in (other, anon):
        await host.send(type="rtc.offer", to=_conn(sock), sdp=SDP)
        offer = await sock.wait_type("rtc.offer")
        assert offer["to"] == _conn(sock)
        assert [e["type"] for e in _rtc(sock)] == ["rtc.offer"]
    # Anonymous viewers may ask for the camera too, but not every moment.
    await anon.send(type="rtc.join", ref="a1")
    await anon.wait_type("ack", ref="a1")
    await anon.send(type="rtc.join", ref="a2")
    assert (await anon.wait_type("error", ref="a2"))["code"] == "rate_limited"


async def test_signalling_is_addressed_offer_to_one_viewer_answers_and_candidates_to_that_host(
    live_show, connect, vendor_user, buyer_user, viewer_user
):
    host = await connect(live_show.room, vendor_user)
    alice = await connect(live_show.room, buyer_user)
    bob = await connect(live_show.room, viewer_user)
    await _camera(host)
    await host.send(type="rtc.offer", to=_conn(alice), sdp=SDP, ref="o")
    await host.wait_type("ack", ref="o")
    offer = await alice.wait_type("rtc.offer")
    assert offer == {"type": "rtc.offer", "from": _conn(host), "to": _conn(alice), "sdp": SDP}
    candidate = {"candidate": "candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host", "sdpMid": "0", "sdpMLineIndex": 0}
    await host.send(type="rtc.candidate", to=_conn(alice), candidates=[candidate], ref="c")
    await host.wait_type("ack", ref="c")
    assert (await alice.wait_type("rtc.candidate"))["candidates"] == [candidate]

    await alice.send(type="rtc.answer", to=_conn(host), sdp=SDP, ref="a")
    await alice.wait_type("ack", ref="a")
    answer = await host.wait_type("rtc.answer")
    assert answer == {"type": "rtc.answer", "from": _conn(alice), "to": _conn(host), "sdp": SDP}
    await alice.send(type="rtc.candidate", to=_conn(host), candidates=[candidate], ref="ac")
    await alice.wait_type("ack", ref="ac")
    assert (await host.wait_type("rtc.candidate"))["from"] == _conn(alice)
    # A viewer cannot reach another viewer by naming its connection: refused, sent to nobody.
    await alice.send(type="rtc.candidate", to=_conn(bob), candidates=[candidate], ref="x")
    err = await alice.wait_type("error", ref="x")
    assert (err["code"], err["message"]) == ("forbidden", "Chỉ gửi được cho người dẫn đã mời bạn xem camera.")
    await alice.send(type="rtc.leave", to=_conn(host), ref="l")
    await alice.wait_type("ack", ref="l")
    assert await host.wait_type("rtc.leave") == {"type": "rtc.leave", "from": _conn(alice), "to": _conn(host), "reason": "bye"}
    await host.send(type="rtc.leave", to=_conn(bob), reason="full", ref="f")
    await host.wait_type("ack", ref="f")
    first = await bob.wait_for(lambda e: e.get("type", "").startswith("rtc."))
    assert first == {"type": "rtc.leave", "from": _conn(host), "to": _conn(bob), "reason": "full"}
    assert [e["type"] for e in _rtc(host)] == ["rtc.answer", "rtc.candidate", "rtc.leave"]


async def test_viewers_cannot_signal_the_host_outside_camera_mode_or_without_its_offer(live_show, connect, vendor_user, buyer_user):
    """Hole 1 of issue 14: any viewer, anonymous too, could push answers and candidates at the host."""
    host = await connect(live_show.room, vendor_user)
    anon = await connect(live_show.room, client=("10.6.0.1", 1))
    viewer = await connect(live_show.room, buyer_user, client=("10.6.0.2", 1))
    candidate = {"candidate": "candidate:1 1 udp 1 10.0.0.1 1 typ host"}
    # Not in camera mode: nothing signals, not even a join.
    for sock in (anon, viewer):
        await sock.send(type="rtc.answer", to=_conn(host), sdp=SDP, ref="a")
        err = await sock.wait_type("error", ref="a")
        assert (err["code"], err["message"]) == ("forbidden", "Người dẫn không phát bằng camera lúc này.")
        await sock.send(type="rtc.candidate", to=_conn(host), candidates=[candidate], ref="c")
        assert (await sock.wait_type("error", ref="c"))["code"] == "forbidden"
        await sock.send(type="rtc.join", ref="j")
        assert (await sock.wait_type("error", ref="j"))["code"] == "forbidden"
    await host.send(type="rtc.offer", to=_conn(viewer), sdp=SDP, ref="o")
    assert (await host.wait_type("error", ref="o"))["code"] == "forbidden"
    # In camera mode, still nothing to a host that made no offer to this socket.
    await _camera(host)
    await anon.wait_type("video", mode="camera")
    for sock in (anon, viewer):
        await sock.send(type="rtc.answer", to=_conn(host), sdp=SDP, ref="a2")
        assert (await sock.wait_type("error", ref="a2"))["code"] == "forbidden"
        await sock.send(type="rtc.candidate", to=_conn(host), candidates=[candidate], ref="c2")
        assert (await sock.wait_type("error", ref="c2"))["code"] == "forbidden"
        await sock.send(type="rtc.leave", ref="l2")
        await sock.wait_type("ack", ref="l2")
    await host.send(type="ping", ref="p")
    await host.wait_type("pong", ref="p")
    assert _rtc(host) == []


async def test_an_offered_viewer_signals_within_the_offers_budget(live_show, connect, vendor_user, buyer_user):
    host = await connect(live_show.room, vendor_user)
    viewer = await connect(live_show.room, buyer_user)
    await _camera(host)
    await host.send(type="rtc.offer", to=_conn(viewer), sdp=SDP, ref="o")
    await viewer.wait_type("rtc.offer")
    await viewer.send(type="rtc.answer", to=_conn(host), sdp=SDP, ref="a1")
    await viewer.wait_type("ack", ref="a1")
    await viewer.send(type="rtc.answer", to=_conn(host), sdp=SDP, ref="a2")
    assert (await viewer.wait_type("error", ref="a2"))["code"] == "rate_limited"
    candidate = {"candidate": "candidate:1 1 udp 1 10.0.0.1 1 typ host"}
    codes = []
    for i in range(32):
        await viewer.send(type="rtc.candidate", to=_conn(host), candidates=[candidate], ref=f"c{i}")
        reply = await viewer.wait_for(lambda e, i=i: e.get("ref") == f"c{i}")
        codes.append(reply.get("code", reply["type"]))
        await asyncio.sleep(0.1)  # under the socket's own 10 frames/s
    assert codes == ["ack"] * 30 + ["rate_limited"] * 2
    # A new offer (an ICE restart) opens a new budget.
    await host.send(type="rtc.offer", to=_conn(viewer), sdp=SDP, ref="o2")
    await viewer.wait_type("rtc.offer")
    await viewer.send(type="rtc.answer", to=_conn(host), sdp=SDP, ref="a3")
    await viewer.wait_type("ack", ref="a3")


async def test_many_viewers_asking_for_the_camera_reach_the_host_within_the_rooms_budget(live_show, connect, vendor_user):
    from live import video

    host = await connect(live_show.room, vendor_user)
    await _camera(host)
    viewers = [await connect(live_show.room, client=(f"10.5.0.{i}", 1)) for i in range(video.ROOM_JOIN_BURST + 6)]
    replies = []
    for i, sock in enumerate(viewers):
        await sock.send(type="rtc.join", ref=f"j{i}")
        reply = await sock.wait_for(lambda e, i=i: e.get("ref") == f"j{i}")
        replies.append(reply.get("code", reply["type"]))
    assert replies.count("ack") <= video.ROOM_JOIN_BURST + 1  # the bucket refills a little meanwhile
    assert "rate_limited" in replies
    await asyncio.sleep(0.3)  # a tick: the joins reach the host's socket
    await host.send(type="ping", ref="p")
    await host.wait_type("pong", ref="p")
    assert len([e for e in _rtc(host) if e["type"] == "rtc.join"]) == replies.count("ack")


async def test_a_slow_host_holds_signalling_within_the_backlog_limits_then_is_closed(live_show, connect, vendor_user, buyer_user, settings):
    """Directed frames keep the slow-reader rules: held while the socket is congested, bounded, then 4408."""
    settings.LIVE = {**settings.LIVE, "OUTBOUND_BACKLOG_BYTES": 20_000, "OUTBOUND_QUEUE_MAX_EVENTS": 500}
    from live import hub as hubs

    host = await connect(live_show.room, vendor_user, client=("10.4.0.1", 1))
    await _camera(host)
    hub = hubs._HUBS[live_show.room.pk]
    host_side = next(s for s in hub.subscribers if s.address == "10.4.0.1")
    backlog = {"bytes": 10**6}
    host_side.backlog_bytes = lambda: backlog["bytes"]
    viewers = [await connect(live_show.room, client=(f"10.4.1.{i}", 1)) for i in range(4)]
    big = SDP + "a=x-padding:" + "a" * 9000 + "\r\n"
    for sock in viewers:
        await host.send(type="rtc.offer", to=_conn(sock), sdp=SDP)
        await sock.wait_type("rtc.offer")
    for i, sock in enumerate(viewers[:2]):
        await sock.send(type="rtc.answer", to=_conn(host), sdp=big, ref=f"a{i}")
        await sock.wait_type("ack", ref=f"a{i}")
    await asyncio.sleep(0.3)
    held = host_side.hub_state.unsequenced.get("direct", [])
    assert [f["type"] for f in held] == ["rtc.answer", "rtc.answer"]  # held, not written
    for i, sock in enumerate(viewers[2:]):
        await sock.send(type="rtc.answer", to=_conn(host), sdp=big, ref=f"b{i}")
        await sock.wait_type("ack", ref=f"b{i}")
    assert await host.closed_with() == 4408  # over 20 KB held: closed, it resumes
    assert host_side not in hub.subscribers


async def test_a_congested_host_gets_held_signalling_in_order_once_it_drains(live_show, connect, vendor_user, buyer_user, settings):
    settings.LIVE = {**settings.LIVE, "OUTBOUND_BACKLOG_BYTES": 50_000}
    from live import hub as hubs

    host = await connect(live_show.room, vendor_user, client=("10.4.0.2", 1))
    viewer = await connect(live_show.room, buyer_user)
    await _camera(host)
    await host.send(type="rtc.offer", to=_conn(viewer), sdp=SDP)
    await viewer.wait_type("rtc.offer")
    host_side = next(s for s in hubs._HUBS[live_show.room.pk].subscribers if s.address == "10.4.0.2")
    backlog = {"bytes": 10**6}
    host_side.backlog_bytes = lambda: backlog["bytes"]
    await viewer.send(type="rtc.answer", to=_conn(host), sdp=SDP, ref="a")
    await viewer.wait_type("ack", ref="a")
    candidate = {"candidate": "candidate:1 1 udp 1 10.0.0.1 1 typ host"}
    await viewer.send(type="rtc.candidate", to=_conn(host), candidates=[candidate], ref="c")
    await viewer.wait_type("ack", ref="c")
    await asyncio.sleep(0.3)
    assert [f["type"] for f in host_side.hub_state.unsequenced["direct"]] == ["rtc.answer", "rtc.candidate"]
    backlog["bytes"] = 0
    await host.wait_type("rtc.candidate")
    assert [e["type"] for e in _rtc(host)] == ["rtc.answer", "rtc.candidate"]


async def test_oversized_or_malformed_signalling_is_refused(live_show, connect, vendor_user):
    host = await connect(live_show.room, vendor_user)
    await _camera(host)
    await host.send(type="rtc.offer", to="abcDEF123_-", sdp=SDP + "a=x-padding:" + "a" * 13000 + "\r\n", ref="big")
    err = await host.wait_type("error", ref="big")
    assert (err["code"], err["message"]) == ("too_large", "Mô tả phiên (SDP) quá lớn (tối đa 12 KB).")
    await host.send(type="rtc.offer", to="abcDEF123_-", sdp="hello", ref="junk")
    assert (await host.wait_type("error", ref="junk"))["code"] == "bad_message"
    await host.send(type="rtc.offer", to="../../etc", sdp=SDP, ref="to")
    err = await host.wait_type("error", ref="to")
    assert (err["code"], list(err["fields"])) == ("bad_message", ["to"])
    many = [{"candidate": "candidate:1 1 udp 1 10.0.0.1 1 typ host"}] * 21
    await host.send(type="rtc.candidate", to="abcDEF123_-", candidates=many, ref="many")
    assert (await host.wait_type("error", ref="many"))["code"] == "bad_message"
    await host.send(type="rtc.candidate", to="abcDEF123_-", candidates=[{"candidate": "x" * 1025}], ref="long")
    assert (await host.wait_type("error", ref="long"))["code"] == "bad_message"
    await host.send(type="rtc.leave", ref="who")
    assert (await host.wait_type("error", ref="who"))["code"] == "bad_message"
