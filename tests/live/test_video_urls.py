"""Which stream URLs a host may give, what each plays as, and what the room pages allow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import ApplicationError
from live.models import Show
from live.services import show_create
from live.video import video_source, video_state

NOCOOKIE = "https://www.youtube-nocookie.com/embed/{}?autoplay=1&mute=1&playsinline=1&rel=0"
FB_PLUGIN = "https://www.facebook.com/plugins/video.php?href={}&show_text=false&autoplay=true&mute=true"

ACCEPTED = [
    # YouTube: watch, live, short links, embeds, shorts, mobile; always played from youtube-nocookie
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "embed", NOCOOKIE.format("dQw4w9WgXcQ")),
    ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s&list=PL1", "embed", NOCOOKIE.format("dQw4w9WgXcQ")),
    ("https://m.youtube.com/watch?v=a1B2c3D4e5F", "embed", NOCOOKIE.format("a1B2c3D4e5F")),
    ("https://www.youtube.com/live/a1B2c3D4e5F?si=xyz", "embed", NOCOOKIE.format("a1B2c3D4e5F")),
    ("https://youtu.be/a1B2c3D4e5F", "embed", NOCOOKIE.format("a1B2c3D4e5F")),
    ("https://www.youtube.com/embed/a1B2c3D4e5F", "embed", NOCOOKIE.format("a1B2c3D4e5F")),
    ("https://www.youtube.com/shorts/a1B2c3D4e5F", "embed", NOCOOKIE.format("a1B2c3D4e5F")),
    ("HTTPS://WWW.YOUTUBE.COM/watch?v=a1B2c3D4e5F", "embed", NOCOOKIE.format("a1B2c3D4e5F")),
    (
        "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv/live",
        "embed",
        "https://www.youtube-nocookie.com/embed/live_stream?channel=UCabcdefghijklmnopqrstuv&autoplay=1&mute=1&playsinline=1",
    ),
    # Facebook: a page's video or live, watch links, reels; played through Facebook's video plugin
    (
        "https://www.facebook.com/htxbuoidoDongCao/videos/1234567890123456/",
        "embed",
        FB_PLUGIN.format("https%3A%2F%2Fwww.facebook.com%2FhtxbuoidoDongCao%2Fvideos%2F1234567890123456%2F"),
    ),
    (
        "https://m.facebook.com/htx.buoi/videos/ban-buoi-toi-nay/1234567890123456",
        "embed",
        FB_PLUGIN.format("https%3A%2F%2Fwww.facebook.com%2Fhtx.buoi%2Fvideos%2F1234567890123456%2F"),
    ),
    ("https://www.facebook.com/watch/?v=1234567890123", "embed", FB_PLUGIN.format("https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D1234567890123")),
    ("https://www.facebook.com/watch/live/?v=1234567890123", "embed", FB_PLUGIN.format("https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D1234567890123")),
    ("https://www.facebook.com/reel/1234567890123", "embed", FB_PLUGIN.format("https%3A%2F%2Fwww.facebook.com%2Freel%2F1234567890123")),
    ("https://fb.watch/abC12dEf3/", "embed", FB_PLUGIN.format("https%3A%2F%2Ffb.watch%2FabC12dEf3%2F")),
    # Direct streams, from any host: HLS playlists and MP4 files, query strings (tokens) kept
    ("https://cdn.example.vn/live/cho-dem/index.m3u8", "hls", "https://cdn.example.vn/live/cho-dem/index.m3u8"),
    ("https://cdn.example.vn/live/INDEX.M3U8?token=abc&exp=1", "hls", "https://cdn.example.vn/live/INDEX.M3U8?token=abc&exp=1"),
    ("https://media.example.vn:8443/vod/gioi-thieu.mp4", "mp4", "https://media.example.vn:8443/vod/gioi-thieu.mp4"),
    ("  https://cdn.example.vn/a.m3u8  ", "hls", "https://cdn.example.vn/a.m3u8"),
]

REFUSED = [
    ("", "Hãy nhập địa chỉ video."),
    ("   ", "Hãy nhập địa chỉ video."),
    ("javascript:alert(1)//.m3u8", "Địa chỉ video phải bắt đầu bằng https://."),
    ("data:video/mp4;base64,AAAA.mp4", "Địa chỉ video phải bắt đầu bằng https://."),
    ("ftp://cdn.example.vn/live.m3u8", "Địa chỉ video phải bắt đầu bằng https://."),
    ("rtmp://live.example.vn/app/stream", "Địa chỉ video phải bắt đầu bằng https://."),
    ("//cdn.example.vn/live.m3u8", "Địa chỉ video phải bắt đầu bằng https://."),
    ("cdn.example.vn/live.m3u8", "Địa chỉ video phải bắt đầu bằng https://."),
    ("http://cdn.example.vn/live.m3u8", "Hãy dùng địa chỉ https://"),
    ("https://user:pass@cdn.example.vn/live.m3u8", "Địa chỉ video không được chứa tên đăng nhập hay mật khẩu."),
    ("https://cdn.example.vn:abc/live.m3u8", "Địa chỉ video không hợp lệ."),
    ("https:///live.m3u8", "Địa chỉ video không có tên máy chủ hợp lệ."),
    ("https://cdn example.vn/live.m3u8", "Địa chỉ video không được chứa khoảng trắng."),
    ("https://cdn.example.vn/" + "a" * 500 + ".m3u8", "Địa chỉ video dài quá"),
    ("https://www.youtube.com/@htxbuoido", "Không tìm thấy mã video trong đường dẫn YouTube."),
    ("https://www.youtube.com/watch?v=short", "Không tìm thấy mã video trong đường dẫn YouTube."),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ<script>", "Không tìm thấy mã video trong đường dẫn YouTube."),
    ("https://youtu.be/", "Không tìm thấy mã video trong đường dẫn YouTube."),
    ("https://www.facebook.com/htxbuoido", "Không tìm thấy video trong đường dẫn Facebook."),
    ("https://www.facebook.com/watch/?v=abc", "Không tìm thấy video trong đường dẫn Facebook."),
    ("https://www.facebook.com/plugins/video.php?href=https://evil.example.com", "Không tìm thấy video trong đường dẫn Facebook."),
    ("https://evil.example.com/watch?v=dQw4w9WgXcQ", "Chỉ nhận đường dẫn YouTube, Facebook, luồng HLS (.m3u8) hoặc tệp MP4."),
    ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "Chỉ nhận đường dẫn YouTube, Facebook"),
    ("https://cdn.example.vn/live.m3u8.html", "Chỉ nhận đường dẫn YouTube, Facebook"),
    ("https://cdn.example.vn/video.webm", "Chỉ nhận đường dẫn YouTube, Facebook"),
]


@pytest.mark.parametrize(("url", "mode", "src"), ACCEPTED)
def test_accepted_urls_play_as(url, mode, src):
    source = video_source(url, require_https=True)
    assert (source["mode"], source["src"]) == (mode, src)
    assert source["url"] == url.strip()


@pytest.mark.parametrize(("url", "message"), REFUSED)
def test_refused_urls_say_why_in_vietnamese(url, message):
    with pytest.raises(ApplicationError) as refused:
        video_source(url, require_https=True)
    assert refused.value.message.startswith(message)
    assert refused.value.fields == {"url": refused.value.message}


def test_plain_http_streams_are_allowed_only_when_https_is_not_required():
    assert video_source("http://127.0.0.1:8080/live.m3u8", require_https=False)["mode"] == "hls"
    assert video_source("http://localhost/demo.mp4", require_https=False)["mode"] == "mp4"


@pytest.fixture
def show(db, vendor_user):
    now = timezone.now()
    return show_create(title="Chè Thái Nguyên", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))


def test_video_state_follows_the_show(show):
    assert video_state(show) == {"mode": "none"}
    show.video_url = "https://youtu.be/a1B2c3D4e5F"
    assert video_state(show)["src"] == NOCOOKIE.format("a1B2c3D4e5F")
    show.video_mode = Show.VideoMode.CAMERA
    assert video_state(show) == {"mode": "camera"}
    # A URL typed in the admin that does not check out plays nothing rather than something odd.
    show.video_mode, show.video_url = Show.VideoMode.URL, "https://evil.example.com/page"
    assert video_state(show) == {"mode": "none"}


def test_the_admin_form_checks_the_stream_url_like_the_console(show):
    from django.core.exceptions import ValidationError

    show.video_url = "https://www.youtube.com/@htxchetancuong"
    with pytest.raises(ValidationError) as refused:
        show.full_clean()
    assert refused.value.message_dict["video_url"][0].startswith("Không tìm thấy mã video trong đường dẫn YouTube.")
    show.video_url = "https://youtu.be/a1B2c3D4e5F"
    show.full_clean()


def _csp_directives(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: sources}; django-csp does not keep the directives' order."""
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_watch_page_embeds_the_stream_and_its_policy_allows_only_what_plays(client, show):
    show.video_url = "https://www.youtube.com/watch?v=a1B2c3D4e5F"
    show.save()
    response = client.get(f"/phong-live/{show.pk}/")
    html = response.content.decode()
    assert f'<iframe src="{NOCOOKIE.format("a1B2c3D4e5F").replace("&", "&amp;")}"' in html
    assert 'referrerpolicy="strict-origin-when-cross-origin"' in html
    assert "js/live/video.js" in html
    policy = _csp_directives(response)
    assert "https://www.youtube-nocookie.com" in policy["frame-src"]
    assert "https://www.facebook.com" in policy["frame-src"]
    assert "https:" in policy["connect-src"]  # hls.js fetches the host's playlist and segments
    assert "https:" not in policy["script-src"] and "https:" not in policy["frame-src"]
    list_policy = _csp_directives(client.get("/phong-live/"))
    assert list_policy["connect-src"] == ["'self'", "ws:", "wss:"]  # other pages stay as tight as before
