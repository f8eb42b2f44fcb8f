"""The room's video over the socket: the host switches the source, camera signalling is addressed."""

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


async def test_rtc_join_reaches_the_hosts_only(live_show, connect, vendor_user, buyer_user, viewer_user):
    host = await connect(live_show.room, vendor_user)
    asker = await connect(live_show.room, buyer_user)
    other = await connect(live_show.room, viewer_user)
    anon = await connect(live_show.room)
    await asker.send(type="rtc.join", ref="j")
    await asker.wait_type("ack", ref="j")
    join = await host.wait_type("rtc.join")
    assert join == {"type": "rtc.join", "from": _conn(asker)}
    # The other viewers did not get it: the host's offer to them is the first rtc.* frame they see.
    for sock in (other, anon):
        await host.send(type="rtc.offer", to=_conn(sock), sdp=SDP)
        offer = await sock.wait_type("rtc.offer")
        assert offer["to"] == _conn(sock)
        assert [e["type"] for f in sock.seen for e in [f, *f.get("events", [])] if e.get("type", "").startswith("rtc.")] == ["rtc.offer"]
    # Anonymous viewers may ask for the camera too, but not every moment.
    await anon.send(type="rtc.join", ref="a1")
    await anon.wait_type("ack", ref="a1")
    await anon.send(type="rtc.join", ref="a2")
    assert (await anon.wait_type("error", ref="a2"))["code"] == "rate_limited"


async def test_signalling_is_addressed_offer_to_one_viewer_answers_and_candidates_to_the_hosts(
    live_show, connect, vendor_user, buyer_user, viewer_user
):
    host = await connect(live_show.room, vendor_user)
    alice = await connect(live_show.room, buyer_user)
    bob = await connect(live_show.room, viewer_user)
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
    # A viewer cannot reach another viewer, even by naming its connection: it goes to the hosts.
    await alice.send(type="rtc.candidate", to=_conn(bob), candidates=[candidate], ref="x")
    await alice.wait_type("ack", ref="x")
    leak = await host.wait_type("rtc.candidate")
    assert (leak["from"], leak["to"]) == (_conn(alice), _conn(bob))
    await alice.send(type="rtc.leave", to=_conn(host), ref="l")
    await alice.wait_type("ack", ref="l")
    assert await host.wait_type("rtc.leave") == {"type": "rtc.leave", "from": _conn(alice), "to": _conn(host), "reason": "bye"}
    await host.send(type="rtc.leave", to=_conn(bob), reason="full", ref="f")
    await host.wait_type("ack", ref="f")
    first = await bob.wait_for(lambda e: e.get("type", "").startswith("rtc."))
    assert first == {"type": "rtc.leave", "from": _conn(host), "to": _conn(bob), "reason": "full"}


async def test_oversized_or_malformed_signalling_is_refused(live_show, connect, vendor_user):
    host = await connect(live_show.room, vendor_user)
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
