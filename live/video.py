"""The video of a live room: a stream URL to embed, or the host's camera over WebRTC.

Two ways to put pictures in a room, chosen by the host from the console:

* **A stream URL.** A YouTube or Facebook video/live page becomes that service's embed
  (``youtube-nocookie.com``/Facebook's video plugin in an ``<iframe>``); an HLS playlist
  (``.m3u8``) or an MP4 file plays in the page's own ``<video>`` (HLS through the vendored
  hls.js, or natively in Safari). The URL is checked here, on the server: the page only
  ever frames hosts the CSP allows and plays what was validated.
* **The camera.** The host's browser captures the camera and sends one WebRTC peer
  connection per viewer (a mesh: no media server). The room socket carries the
  signalling (``rtc.*``, below): it is addressed frame by frame, never stored, and never
  touches the database, so it runs as coroutine handlers beside the chat.

Changing the source is a sequenced ``video`` event (saved, replayed to late joiners,
and in every ``welcome`` as ``video``): viewers switch at once. See docs/live-protocol.md.
"""

from __future__ import annotations

import re
import time
from typing import Annotated, Literal, NoReturn
from urllib.parse import parse_qs, quote, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from config.errors import ApplicationError
from live import extensions, selectors
from live import hub as hubs
from live.broadcast import TO_HOSTS, apublish, to_conn
from live.limits import TokenBucket
from live.models import Show
from live.protocol import ErrorCode, Message
from live.selectors import Participant
from live.services import event_append

URL_MAX_CHARS = 500  # Show.video_url's length
SDP_MAX_BYTES = 12 * 1024  # a browser's offer is 5-7 KB (Chromium: audio + video, every codec)
CANDIDATE_MAX_CHARS = 1024
CANDIDATES_PER_FRAME = 20
JOIN_INTERVAL_SECONDS = 2.0  # one rtc.join per socket per interval: a viewer cannot make the host re-offer in a loop
# rtc.join reaching a room's hosts from this process, whoever sends them: a mesh serves a handful
# of viewers, so a few asks a second is plenty, and 50 sockets asking cannot flood the host.
ROOM_JOIN_BURST = 20
ROOM_JOIN_RATE = 4.0

_YOUTUBE_HOSTS = frozenset(
    {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"}
)
_FACEBOOK_HOSTS = frozenset({"facebook.com", "www.facebook.com", "m.facebook.com", "web.facebook.com"})
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_CHANNEL = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_DIGITS = re.compile(r"^\d{5,25}$")
_FACEBOOK_NAME = re.compile(r"^[A-Za-z0-9.\-]{1,80}$")
_CONN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

NONE = {"mode": "none"}


# ---------------------------------------------------------------------------
# Stream URLs
# ---------------------------------------------------------------------------


def https_only() -> bool:
    return getattr(settings, "LIVE_VIDEO_HTTPS_ONLY", not settings.DEBUG)


def _refuse(message: str) -> NoReturn:
    raise ApplicationError(message, code=ErrorCode.INVALID, fields={"url": message})


def video_source(url: str, *, require_https: bool) -> dict:
    """What a stream URL plays as: ``{"mode", "provider", "url", "src"}``, or ``ApplicationError``.

    ``mode`` is ``embed`` (``src`` is the iframe address), ``hls`` or ``mp4`` (``src`` is
    the media address). Only page URLs whose video can be found are embedded: a channel
    page without a video id would frame whatever the provider shows there.
    """
    url = (url or "").strip()
    if not url:
        _refuse(_("Hãy nhập địa chỉ video."))
    if len(url) > URL_MAX_CHARS:
        _refuse(_("Địa chỉ video dài quá (tối đa %(n)s ký tự).") % {"n": URL_MAX_CHARS})
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        _refuse(_("Địa chỉ video không được chứa khoảng trắng."))
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        _refuse(_("Địa chỉ video không hợp lệ."))
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        _refuse(_("Địa chỉ video phải bắt đầu bằng https://."))
    if scheme == "http" and require_https:
        _refuse(_("Hãy dùng địa chỉ https:// (trang này không phát luồng http không mã hoá)."))
    if not host or ("." not in host and host != "localhost"):
        _refuse(_("Địa chỉ video không có tên máy chủ hợp lệ."))
    if parts.username or parts.password:
        _refuse(_("Địa chỉ video không được chứa tên đăng nhập hay mật khẩu."))
    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        return _youtube(url, parts, host)
    if host in _FACEBOOK_HOSTS or host == "fb.watch":
        return _facebook(url, parts, host)
    path = parts.path.lower()
    if path.endswith(".m3u8"):
        return {"mode": "hls", "provider": "hls", "url": url, "src": url}
    if path.endswith(".mp4"):
        return {"mode": "mp4", "provider": "mp4", "url": url, "src": url}
    _refuse(_("Chỉ nhận đường dẫn YouTube, Facebook, luồng HLS (.m3u8) hoặc tệp MP4."))


def _youtube(url: str, parts, host: str) -> dict:
    segments = [s for s in parts.path.split("/") if s]
    video_id = ""
    if host == "youtu.be":
        video_id = segments[0] if segments else ""
    elif segments[:1] == ["watch"]:
        video_id = (parse_qs(parts.query).get("v") or [""])[0]
    elif len(segments) >= 2 and segments[0] in ("live", "embed", "shorts", "v"):
        video_id = segments[1]
    elif (
        len(segments) >= 3
        and segments[0] == "channel"
        and segments[2] == "live"
        and _YOUTUBE_CHANNEL.match(segments[1])
    ):
        src = (
            f"https://www.youtube-nocookie.com/embed/live_stream?channel={segments[1]}&autoplay=1&mute=1&playsinline=1"
        )
        return {"mode": "embed", "provider": "youtube", "url": url, "src": src}
    if not _YOUTUBE_ID.match(video_id):
        _refuse(
            _(
                "Không tìm thấy mã video trong đường dẫn YouTube. Hãy dán đường dẫn của chính video hoặc buổi live (youtube.com/watch?v=…, youtube.com/live/…, youtu.be/…)."
            )
        )
    src = f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1&mute=1&playsinline=1&rel=0"
    return {"mode": "embed", "provider": "youtube", "url": url, "src": src}


def _facebook(url: str, parts, host: str) -> dict:
    """Facebook's video plugin takes the video's canonical page as ``href``."""
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    href = ""
    if host == "fb.watch":
        if len(segments) == 1 and re.match(r"^[A-Za-z0-9_-]{4,20}$", segments[0]):
            href = f"https://fb.watch/{segments[0]}/"
    elif segments[:1] in (["watch"], ["video.php"]) and _DIGITS.match((query.get("v") or [""])[0]):
        href = f"https://www.facebook.com/watch/?v={query['v'][0]}"
    elif len(segments) >= 2 and segments[0] == "reel" and _DIGITS.match(segments[1]):
        href = f"https://www.facebook.com/reel/{segments[1]}"
    elif len(segments) >= 3 and segments[1] == "videos" and _FACEBOOK_NAME.match(segments[0]):
        video_id = segments[-1]
        if _DIGITS.match(video_id):
            href = f"https://www.facebook.com/{segments[0]}/videos/{video_id}/"
    if not href:
        _refuse(
            _(
                "Không tìm thấy video trong đường dẫn Facebook. Hãy dán đường dẫn của chính video hoặc buổi live (facebook.com/…/videos/…, facebook.com/watch/?v=…)."
            )
        )
    src = (
        "https://www.facebook.com/plugins/video.php?href="
        + quote(href, safe="")
        + "&show_text=false&autoplay=true&mute=true"
    )
    return {"mode": "embed", "provider": "facebook", "url": url, "src": src}


def video_state(show: Show) -> dict:
    """What every client plays now: the ``video`` of ``welcome`` and of the ``video`` event."""
    if show.video_mode == Show.VideoMode.CAMERA:
        return {"mode": "camera"}
    if not show.video_url:
        return dict(NONE)
    try:
        # Stored URLs were checked when set; one typed in the admin is checked here.
        return video_source(show.video_url, require_https=False)
    except ApplicationError:
        return dict(NONE)


@transaction.atomic
def video_set(*, room_id: int, actor: Participant, mode: str, url: str = "") -> dict:
    """Switch the room's video (host and co-hosts) and tell everyone at once.

    ``mode`` is ``url`` (``url`` is checked by ``video_source``), ``camera`` (the host's
    browser streams; set again after a restart so viewers ask for the stream anew) or
    ``none``. Returns the ``video`` event frame.
    """
    if not actor.may_host:
        raise ApplicationError(_("Chỉ người dẫn mới đổi được video."), code=ErrorCode.FORBIDDEN, status=403)
    show = Show.objects.select_for_update().get(room__pk=room_id)
    if show.state == Show.State.ENDED:
        raise ApplicationError(_("Buổi phát đã kết thúc."), code=ErrorCode.SHOW_ENDED)
    fields = ["video_mode", "video_url"]
    if mode == "url":
        source = video_source(url, require_https=https_only())
        show.video_mode, show.video_url = Show.VideoMode.URL, source["url"]
    elif mode == "camera":
        show.video_mode = Show.VideoMode.CAMERA
        fields = ["video_mode"]  # keep the URL: the host may switch back to it
    else:
        show.video_mode, show.video_url = Show.VideoMode.URL, ""
    show.save(update_fields=fields)
    event = event_append(room_id=room_id, kind="video", payload=video_state(show), author_id=actor.user_id)
    return selectors.event_frame(event)


def page_context(*, show: Show, participant: Participant) -> dict:
    """What ``live/_video.html`` needs besides ``show``: the state, ICE servers, strings."""
    return {
        "state": video_state(show),
        "config": {
            "ice_servers": list(getattr(settings, "LIVE_ICE_SERVERS", []) or []),
            "max_peers": int(getattr(settings, "LIVE_RTC_MAX_PEERS", 8)),
            "may_host": participant.may_host,
            "strings": client_strings(),
        },
    }


def csp_additions() -> dict:
    """The room pages play HLS/MP4 from the host's CDN: hls.js fetches it (``connect-src``)."""
    schemes = ["https:"] if https_only() else ["https:", "http:"]
    return {"connect-src": schemes, "media-src": schemes}


def client_strings() -> dict:
    return {
        "waiting": _("Đang chờ hình từ camera của người dẫn…"),
        "full": _(
            "Phòng camera đã đủ người xem (phát trực tiếp từ trình duyệt chỉ phục vụ vài người). Sẽ thử lại sau."
        ),
        "camera_off": _(
            "Người dẫn đã chọn camera nhưng chưa bật trên trình duyệt này. Bấm “Phát bằng camera” để lên sóng."
        ),
        "no_camera": _("Không mở được camera: %(error)s"),
        "unmute": _("Bật tiếng"),
        "none": _("Video sẽ hiển thị ở đây khi người dẫn chọn nguồn phát."),
        "peers": _("Đang gửi hình tới %(n)s người xem"),
        "hls_unsupported": _("Trình duyệt này không phát được luồng HLS."),
        "title": _("Video buổi phát"),
    }


# ---------------------------------------------------------------------------
# Socket messages
# ---------------------------------------------------------------------------

ConnId = Annotated[str, Field(pattern=_CONN.pattern)]


class VideoSet(Message):
    type: Literal["video.set"]
    mode: Literal["url", "camera", "none"]
    url: Annotated[str, Field(max_length=2048)] = ""


class RtcJoin(Message):
    type: Literal["rtc.join"]


class RtcOffer(Message):
    type: Literal["rtc.offer"]
    to: ConnId
    sdp: Annotated[str, Field(min_length=1, max_length=64 * 1024)]


class RtcAnswer(Message):
    type: Literal["rtc.answer"]
    to: ConnId
    sdp: Annotated[str, Field(min_length=1, max_length=64 * 1024)]


class IceCandidate(BaseModel):
    """``RTCIceCandidateInit``; an empty ``candidate`` marks the end of the candidates."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    candidate: Annotated[str, Field(max_length=CANDIDATE_MAX_CHARS)]
    sdpMid: Annotated[str, Field(max_length=64)] | None = None  # the browser's names
    sdpMLineIndex: Annotated[int, Field(ge=0, le=64)] | None = None
    usernameFragment: Annotated[str, Field(max_length=256)] | None = None


class RtcCandidate(Message):
    type: Literal["rtc.candidate"]
    to: ConnId
    candidates: Annotated[list[IceCandidate], Field(min_length=1, max_length=CANDIDATES_PER_FRAME)]


class RtcLeave(Message):
    type: Literal["rtc.leave"]
    to: ConnId | None = None
    reason: Literal["bye", "full"] = "bye"


def _check_sdp(sdp: str) -> None:
    if len(sdp.encode("utf-8")) > SDP_MAX_BYTES:
        raise ApplicationError(
            _("Mô tả phiên (SDP) quá lớn (tối đa %(n)s KB).") % {"n": SDP_MAX_BYTES // 1024}, code=ErrorCode.TOO_LARGE
        )
    if not sdp.startswith("v=0"):
        raise ApplicationError(_("Mô tả phiên (SDP) không hợp lệ."), code=ErrorCode.BAD_MESSAGE, fields={"sdp": "v=0"})


# The mode this process last set, with its ``seq``: the host's ack goes out before the hub has
# read the ``video`` event back from the channel layer, so a host that offers the camera at
# once after its ack would otherwise be refused by a snapshot one event behind.
_set_here: dict[int, tuple[int, str]] = {}


def _camera_on(room_id: int) -> bool:
    """Is the room in camera mode? (The hub's snapshot, kept current by ``VideoExtension.patch_state``,
    unless this process set a newer mode than the hub has read yet.)"""
    hub = hubs.running_hub(room_id)
    set_here = _set_here.get(room_id)
    if set_here is not None and (hub is None or set_here[0] > hub.last_seq):
        return set_here[1] == "camera"
    snapshot = hub.snapshot if hub is not None else None
    return bool(snapshot) and (snapshot.get("video") or {}).get("mode") == "camera"


def _require_camera(ctx: extensions.RoomContext) -> None:
    if not _camera_on(ctx.room_id):
        raise ApplicationError(_("Người dẫn không phát bằng camera lúc này."), code=ErrorCode.FORBIDDEN)


def _peers(ctx: extensions.RoomContext) -> dict[str, list[int]]:
    """The hosts that offered this socket the camera (``HubState.rtc_peers``), with what it may still send them."""
    hub = hubs.running_hub(ctx.room_id)
    sub = hub.by_conn.get(ctx.conn_id) if hub is not None else None
    return sub.hub_state.rtc_peers if sub is not None else {}


_ANSWER, _CANDIDATES, _LEAVE = range(3)


def _viewer_send(ctx: extensions.RoomContext, to: str, what: int) -> dict:
    """Where a viewer's signalling frame goes: only to a host that offered it, within that offer's budget.

    Before, any viewer (anonymous too, in any video mode) could send answers and candidates
    to every host socket: 50 sockets under the per-socket rate pushed 96 MB in 20 s to the host.
    """
    budget = _peers(ctx).get(to)
    if budget is None:
        raise ApplicationError(_("Chỉ gửi được cho người dẫn đã mời bạn xem camera."), code=ErrorCode.FORBIDDEN)
    if budget[what] <= 0:
        raise ApplicationError(_("Bạn gửi nhanh quá, hãy chậm lại."), code=ErrorCode.RATE_LIMITED)
    budget[what] -= 1
    return to_conn(to)


_last_join: dict[str, float] = {}
_room_joins: dict[int, TokenBucket] = {}


def _join_allowed(conn_id: str) -> bool:
    now = time.monotonic()
    if len(_last_join) > 10_000:
        for key, at in list(_last_join.items()):
            if now - at > 60:
                del _last_join[key]
    if now - _last_join.get(conn_id, -JOIN_INTERVAL_SECONDS) < JOIN_INTERVAL_SECONDS:
        return False
    _last_join[conn_id] = now
    return True


def _room_join_allowed(room_id: int) -> bool:
    bucket = _room_joins.get(room_id)
    if bucket is None:
        if len(_room_joins) > 1000:
            _room_joins.clear()
        bucket = _room_joins[room_id] = TokenBucket(ROOM_JOIN_BURST, ROOM_JOIN_RATE)
    return bucket.take()


def handle_video_set(*, ctx: extensions.RoomContext, message: VideoSet) -> dict:
    frame = video_set(room_id=ctx.room_id, actor=ctx.actor, mode=message.mode, url=message.url)
    if len(_set_here) > 1000:
        _set_here.clear()
    _set_here[ctx.room_id] = (frame["seq"], frame.get("mode", ""))
    return {"seq": frame["seq"], "video": {k: v for k, v in frame.items() if k not in ("type", "seq", "at")}}


async def handle_join(*, ctx: extensions.RoomContext, message: RtcJoin) -> dict:
    """A viewer asks the hosts for the camera stream; a streaming host answers with ``rtc.offer``."""
    _require_camera(ctx)
    if not _join_allowed(ctx.conn_id) or not _room_join_allowed(ctx.room_id):
        raise ApplicationError(_("Bạn gửi nhanh quá, hãy chậm lại."), code=ErrorCode.RATE_LIMITED)
    await apublish(ctx.room_id, {"type": "rtc.join", "from": ctx.conn_id}, to=TO_HOSTS)
    return {}


async def handle_offer(*, ctx: extensions.RoomContext, message: RtcOffer) -> dict:
    if not ctx.actor.may_host:
        raise ApplicationError(_("Chỉ người dẫn mới phát được camera."), code=ErrorCode.FORBIDDEN)
    _require_camera(ctx)
    _check_sdp(message.sdp)
    await apublish(
        ctx.room_id,
        {"type": "rtc.offer", "from": ctx.conn_id, "to": message.to, "sdp": message.sdp},
        to=to_conn(message.to),
    )
    return {}


async def handle_answer(*, ctx: extensions.RoomContext, message: RtcAnswer) -> dict:
    if not ctx.actor.may_host:
        _require_camera(ctx)
    _check_sdp(message.sdp)
    to = to_conn(message.to) if ctx.actor.may_host else _viewer_send(ctx, message.to, _ANSWER)
    frame = {"type": "rtc.answer", "from": ctx.conn_id, "to": message.to, "sdp": message.sdp}
    await apublish(ctx.room_id, frame, to=to)
    return {}


async def handle_candidate(*, ctx: extensions.RoomContext, message: RtcCandidate) -> dict:
    if not ctx.actor.may_host:
        _require_camera(ctx)
    to = to_conn(message.to) if ctx.actor.may_host else _viewer_send(ctx, message.to, _CANDIDATES)
    frame = {
        "type": "rtc.candidate",
        "from": ctx.conn_id,
        "to": message.to,
        "candidates": [c.model_dump(exclude_none=True) for c in message.candidates],
    }
    await apublish(ctx.room_id, frame, to=to)
    return {}


async def handle_leave(*, ctx: extensions.RoomContext, message: RtcLeave) -> dict:
    if ctx.actor.may_host and message.to is None:
        raise ApplicationError(_("Hãy cho biết kết nối nào."), code=ErrorCode.BAD_MESSAGE, fields={"to": "required"})
    frame = {"type": "rtc.leave", "from": ctx.conn_id, "reason": message.reason}
    if ctx.actor.may_host:
        frame["to"] = message.to
        await apublish(ctx.room_id, frame, to=to_conn(message.to))
        return {}
    # A viewer says goodbye to the hosts that offered it (all of them without ``to``); to anyone
    # else it has nothing to say, and nothing is sent.
    peers = _peers(ctx)
    for host in [message.to] if message.to is not None else list(peers):
        if host in peers:
            _viewer_send(ctx, host, _LEAVE)
            peers.pop(host, None)
            await apublish(ctx.room_id, {**frame, "to": host}, to=to_conn(host))
    return {}


class VideoExtension(extensions.RoomExtension):
    """Registered by ``live`` itself (``LiveConfig.ready``): video is part of every room."""

    key = "video"
    snapshot_kinds = frozenset({"video"})

    def applies_to(self, show) -> bool:
        return True  # every show may switch to camera mode

    def messages(self):
        return {
            "video.set": (VideoSet, handle_video_set),
            "rtc.join": (RtcJoin, handle_join),
            "rtc.offer": (RtcOffer, handle_offer),
            "rtc.answer": (RtcAnswer, handle_answer),
            "rtc.candidate": (RtcCandidate, handle_candidate),
            "rtc.leave": (RtcLeave, handle_leave),
        }

    def room_state(self, *, room) -> dict:
        return video_state(room.show)

    def patch_state(self, *, state: dict | None, frame: dict) -> bool:
        """A ``video`` event carries the whole new state: the hubs need not read it again
        (and the camera checks of ``rtc.*`` see the new mode as soon as the event arrives)."""
        if state is None:
            return False
        state.clear()
        state.update({k: v for k, v in frame.items() if k not in ("type", "seq", "at")})
        return True


extension = VideoExtension()
