"""A weekly session in three browsers (issue 13, parts 1–2): a promoted vendor applies from a
desktop, the organizer places the stalls and publishes from a phone, the session goes live and a
buyer on a 360 px phone moves between two stalls through the lobby and the rooms' stall strip.
Screenshots go to var/screenshots/market-*.png.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from live.models import Show
from live.selectors import HOST, Participant
from live.services import show_start
from market import timetable
from market.models import Session, Slot
from tests.browser.conftest import logged_in_context
from tests.market.conftest import open_session, promoted_stall, second_stall, second_vendor_user  # noqa: F401 - fixtures

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"market-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"


def _in_a_thread(func, **kwargs):
    """Run a service that broadcasts after commit away from Playwright's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, **kwargs).result()


def _open_now(session: Session) -> Session:
    """Bring the published evening to now (the clock cannot be moved in the server's process)."""
    shift = timezone.now() - timedelta(minutes=5) - session.starts_at
    Session.objects.filter(pk=session.pk).update(starts_at=session.starts_at + shift, ends_at=session.ends_at + shift)
    for slot in Slot.objects.filter(session=session):
        Slot.objects.filter(pk=slot.pk).update(starts_at=slot.starts_at + shift, ends_at=slot.ends_at + shift)
        Show.objects.filter(pk=slot.show_id).update(
            scheduled_start=slot.starts_at + shift, scheduled_end=slot.ends_at + shift
        )
    assert _in_a_thread(timetable.session_go_live, session_id=session.pk)  # the offers take their stock: a broadcast
    return Session.objects.get(pk=session.pk)


def test_apply_place_publish_and_move_between_stalls(request, browser, asgi_server, organizer_user, buyer_user):
    base = asgi_server
    session = request.getfixturevalue("open_session")
    seller = request.getfixturevalue("promoted_stall")
    other = request.getfixturevalue("second_stall")

    # The promoted vendor applies with two verified products (desktop).
    vendor = logged_in_context(browser, base, seller.user, viewport={"width": 1280, "height": 900}).new_page()
    vendor.goto(f"{base}/cho-dem/luot-ban-cua-toi/")
    vendor.get_by_role("link", name="Đăng ký", exact=True).click()
    vendor.locator("label.mk-product", has_text="B01").locator("input").check()
    vendor.locator("label.mk-product", has_text="B03").locator("input").check()
    _shot(vendor, "apply")
    vendor.get_by_role("button", name="Gửi đăng ký").click()
    expect(vendor.locator(".messages")).to_contain_text("Đã gửi đăng ký")
    expect(vendor.locator("[data-application]")).to_contain_text("Chờ duyệt")
    _shot(vendor, "my-slots")
    # The second stall applies through the service (its own browser adds nothing new here).
    timetable.application_submit(
        actor=other.user, session=session, vendor=other.vendor,
        product_ids=[p.pk for p in other.products.values()],
    )  # fmt: skip

    # The organizer places both at 20:00, on stages 1 and 2, and publishes, from a phone.
    organizer = logged_in_context(browser, base, organizer_user, viewport={"width": 360, "height": 740}).new_page()
    organizer.goto(f"{base}/cho-dem/")
    _shot(organizer, "sessions")
    organizer.get_by_role("link", name=session.title).click()
    for stage, name in ((1, "HTX Bưởi đỏ Đông Cao"), (2, "HTX Chè Ba Vì")):
        card = organizer.get_by_test_id("waiting").locator("li", has_text=name)
        card.locator("select[name=stage]").select_option(str(stage))
        card.get_by_role("button", name="Xếp lượt").click()
        expect(organizer.locator(".messages")).to_contain_text(f"Đã xếp lượt cho {name}")
    # A clash is refused on the page, nothing changes.
    cell = organizer.get_by_test_id("editor-grid").locator(".mk-grid__cell", has_text="HTX Chè Ba Vì")
    cell.locator("summary").click()
    cell.locator("select[name=stage]").select_option("1")
    cell.get_by_role("button", name="Dời lượt").click()
    expect(organizer.locator(".messages")).to_contain_text("Sân khấu 1 đã có HTX Bưởi đỏ Đông Cao vào giờ này.")
    _shot(organizer, "editor")
    organizer.get_by_test_id("publish").click()
    expect(organizer.get_by_test_id("session-state")).to_have_text("Đã công bố lịch")
    slots = {s.vendor_id: s for s in Slot.objects.filter(session=session).select_related("show")}
    first, second = slots[seller.vendor.pk], slots[other.vendor.pk]
    assert first.show.owner_kind == second.show.owner_kind == "market"

    # The evening comes; both hosts go on air.
    session = _open_now(session)
    for st, slot in ((seller, first), (other, second)):
        _in_a_thread(show_start, room_id=slot.show.room.pk, actor=Participant(user_id=st.user.pk, name="", role=HOST))

    # A buyer on a phone: the lobby, one tap into a stall, one tap to the other, back to the lobby.
    buyer = logged_in_context(browser, base, buyer_user, viewport={"width": 360, "height": 740}).new_page()
    buyer.goto(f"{base}/cho-dem/{session.pk}/")
    live_list = buyer.get_by_test_id("stalls-live")
    expect(live_list.locator("[data-stall]")).to_have_count(2)
    expect(live_list).to_contain_text("Đang bán")
    _shot(buyer, "lobby")
    buyer.fill("#mk-q", "tra sen")
    buyer.press("#mk-q", "Enter")
    expect(live_list.locator("[data-stall]")).to_have_count(1)
    expect(live_list).to_contain_text("HTX Bưởi đỏ Đông Cao")
    live_list.locator("a[data-room-link]").click()
    expect(buyer).to_have_url(f"{base}/phong-live/{first.show_id}/")
    strip = buyer.get_by_test_id("room-stalls")
    expect(strip).to_contain_text("HTX Chè Ba Vì")
    _shot(buyer, "room-strip")
    strip.locator(f"[data-stall='{second.pk}']").click()
    expect(buyer).to_have_url(f"{base}/phong-live/{second.show_id}/")
    expect(buyer.locator(".live-room__head h1")).to_have_text("HTX Chè Ba Vì")
    buyer.get_by_test_id("back-to-lobby").click()
    expect(buyer.get_by_test_id("market-lobby")).to_be_visible()
    buyer.set_viewport_size({"width": 1280, "height": 900})
    _shot(buyer, "lobby")
