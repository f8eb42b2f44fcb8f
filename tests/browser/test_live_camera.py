"""The host goes live with the browser camera (Chromium's fake device); viewers see it move.

Then the host switches to a YouTube link and every viewer's player becomes the embed.
The pages open a WebSocket, so they are served by a real daphne process on the test
database (as in test_live_room.py).
"""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from live.models import Show
from live.services import show_create
from tests.browser.conftest import logged_in_context

# The viewer's <video> shows the camera: it has a picture size, its clock runs and frames keep coming.
FRAMES_ARRIVE = """async (selector) => {
  const video = document.querySelector(selector);
  if (!video || !video.videoWidth) return null;
  const start = video.currentTime;
  const frames = await new Promise((resolve) => {
    let n = 0;
    const next = () => video.requestVideoFrameCallback(() => (++n >= 5 ? resolve(n) : next()));
    next();
    setTimeout(() => resolve(n), 5000);
  });
  return {width: video.videoWidth, height: video.videoHeight, frames, advanced: video.currentTime - start};
}"""


def _context(browser, base, user=None, **kwargs):
    context = logged_in_context(browser, base, user, **kwargs)
    # Never reach the internet: the embed is a stand-in page with the same address.
    context.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(body="<p>YouTube</p>", content_type="text/html"))
    context.route("https://cdn.example.vn/**", lambda route: route.fulfill(
        body=PLAYLIST, content_type="application/vnd.apple.mpegurl", headers={"Access-Control-Allow-Origin": "*"}))
    return context


PLAYLIST = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"


def _frames(page, selector="[data-live-video-remote]"):
    page.wait_for_function(
        "(s) => { const v = document.querySelector(s); return v && v.videoWidth > 0; }", arg=selector, timeout=20000
    )
    return page.evaluate(FRAMES_ARRIVE, selector)


def test_camera_reaches_viewers_and_a_stream_link_replaces_it(browser, asgi_server, make_user):
    host_user = make_user("chuthe-camera@example.vn", roles=[Role.VENDOR], full_name="Lê Thị Hồng Nhung")
    viewer_user = make_user("nguoixem-camera@example.vn", roles=[Role.CONSUMER], full_name="Phạm Quốc Bảo")
    now = timezone.now()
    show = show_create(title="Chè Tân Cương", host=host_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))
    base = asgi_server

    viewer = _context(browser, base, viewer_user, viewport={"width": 360, "height": 740}).new_page()
    blocked = []
    viewer.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    viewer.goto(f"{base}/phong-live/{show.pk}/")
    expect(viewer.locator("[data-live-status]")).to_have_text("Đã kết nối")
    expect(viewer.locator("[data-live-video-stage]")).to_contain_text("Video sẽ hiển thị ở đây khi người dẫn chọn nguồn phát.")

    host = _context(browser, base, host_user).new_page()
    host.goto(f"{base}/phong-live/{show.pk}/dieu-khien/")
    expect(host.locator("[data-live-status]")).to_have_text("Đã kết nối")
    host.click("[data-live-video-camera]")
    expect(host.locator("[data-live-video-local]")).to_be_visible()
    expect(host.locator("[data-live-video-camera]")).to_be_hidden()
    expect(host.locator("[data-live-video-stop]")).to_be_visible()
    local = _frames(host, "[data-live-video-local]")
    assert local["width"] > 0

    # The viewer already in the room switches to the camera at once and gets moving pictures.
    seen = _frames(viewer)
    assert seen["width"] > 0 and seen["height"] > 0, seen
    assert seen["frames"] >= 5 and seen["advanced"] > 0, seen
    expect(viewer.locator("[data-live-video-wait]")).to_be_hidden()
    expect(host.locator("[data-live-video-peers]")).to_have_text("Đang gửi hình tới 1 người xem")

    # A late anonymous viewer gets the camera from the welcome snapshot.
    late = _context(browser, base).new_page()
    late.goto(f"{base}/phong-live/{show.pk}/")
    late_seen = _frames(late)
    assert late_seen["frames"] >= 5 and late_seen["advanced"] > 0, late_seen
    expect(host.locator("[data-live-video-peers]")).to_have_text("Đang gửi hình tới 2 người xem")

    # A link that cannot play is refused in the console, with the reason.
    host.fill("#live-video-url", "https://www.youtube.com/@htxchetancuong")
    host.click("[data-live-video-form] button[type=submit]")
    expect(host.locator("[data-live-video-error]")).to_contain_text("Không tìm thấy mã video trong đường dẫn YouTube.")
    expect(viewer.locator("[data-live-video-remote]")).to_be_visible()

    # The host switches to a YouTube live: the camera stops and everyone gets the embed.
    host.fill("#live-video-url", "https://www.youtube.com/live/a1B2c3D4e5F")
    host.click("[data-live-video-form] button[type=submit]")
    embed = "https://www.youtube-nocookie.com/embed/a1B2c3D4e5F?autoplay=1&mute=1&playsinline=1&rel=0"
    for page in (viewer, late, host):
        expect(page.locator("[data-live-video-stage] iframe")).to_have_attribute("src", embed)
    expect(host.locator("[data-live-video-error]")).to_be_hidden()
    expect(host.locator("[data-live-video-camera]")).to_be_visible()
    expect(viewer.locator("[data-live-video-remote]")).to_have_count(0)
    assert host.evaluate("() => !document.querySelector('[data-live-video-local]')")
    show.refresh_from_db()
    assert (show.video_mode, show.video_url) == (Show.VideoMode.URL, "https://www.youtube.com/live/a1B2c3D4e5F")

    # A newcomer's page is drawn with the embed straight from the server.
    fresh = _context(browser, base).new_page()
    fresh.goto(f"{base}/phong-live/{show.pk}/")
    expect(fresh.locator("[data-live-video-stage] iframe")).to_have_attribute("src", embed)

    # An HLS stream plays in the page's own player through the vendored hls.js (Chromium has
    # no native HLS): the script, its worker and the media source all pass the page's policy.
    host.fill("#live-video-url", "https://cdn.example.vn/cho-dem/live.m3u8")
    host.click("[data-live-video-form] button[type=submit]")
    player = viewer.locator("[data-live-video-stage] video[data-hls]")
    expect(player).to_have_attribute("data-hls", "https://cdn.example.vn/cho-dem/live.m3u8")
    viewer.wait_for_function("() => window.Hls && document.querySelector('video[data-hls]').src.startsWith('blob:')")
    assert blocked == []
