"""The lobby: stalls on now and next, viewers, search without diacritics, the timetable; the pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from live.models import Show, ViewerSample
from market import selectors, timetable
from market.models import Session

pytestmark = pytest.mark.django_db


def _on_air(stall, viewers=None, now=None):
    Show.objects.filter(pk=stall.slot.show_id).update(state=Show.State.LIVE, started_at=timezone.now())
    if viewers is not None:
        minute = (now or timezone.now()).replace(second=0, microsecond=0)
        ViewerSample.objects.create(room_id=stall.slot.show.room.pk, minute=minute, viewers=viewers)


def _codes(rows):
    return [r.vendor_name for r in rows]


def test_before_opening_every_stall_is_next(published_session):
    lobby = selectors.lobby(
        session=published_session.session, now=published_session.session.starts_at - timedelta(hours=1)
    )
    assert lobby.live == [] and _codes(lobby.upcoming) == ["HTX Bưởi đỏ Đông Cao", "HTX Chè Ba Vì"]


def test_on_air_stalls_come_first_with_their_viewers(published_session):
    session = published_session.session
    first, second = published_session.stalls
    now = session.starts_at + timedelta(minutes=5)
    _on_air(second, viewers=42, now=now)
    ViewerSample.objects.create(
        room_id=second.slot.show.room.pk, minute=now - timedelta(minutes=10), viewers=99
    )  # stale
    lobby = selectors.lobby(session=session, now=now)
    assert [(r.vendor_name, r.state, r.viewers) for r in lobby.live] == [
        ("HTX Chè Ba Vì", "live", 42),
        ("HTX Bưởi đỏ Đông Cao", "due", None),  # its time, its host not on air yet
    ]
    later = selectors.lobby(session=session, now=first.slot.ends_at)
    assert _codes(later.live) == ["HTX Chè Ba Vì"] and _codes(later.ended) == ["HTX Bưởi đỏ Đông Cao"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("buoi do", ["HTX Bưởi đỏ Đông Cao"]),
        ("MAT ONG", ["HTX Bưởi đỏ Đông Cao", "HTX Chè Ba Vì"]),
        ("ba vi", ["HTX Chè Ba Vì"]),
        ("me linh", ["HTX Bưởi đỏ Đông Cao"]),
        ("c01", ["HTX Chè Ba Vì"]),
        ("sầu riêng", []),
    ],
)
def test_search_by_product_or_district_without_diacritics(published_session, query, found):
    lobby = selectors.lobby(session=published_session.session, query=query)
    assert _codes(lobby.upcoming) == found and lobby.matches == len(found)
    # The timetable stays whole whatever the search.
    assert sum(1 for row in lobby.grid for cell in row["cells"] if cell) == 2


def test_the_timetable_grid_has_every_slot_start_and_stage(published_session):
    lobby = selectors.lobby(session=published_session.session)
    assert lobby.stages == [1, 2] and len(lobby.grid) == 4  # 20:00–22:00 by 30 minutes
    first_row = lobby.grid[0]["cells"]
    assert [c.vendor_name for c in first_row] == ["HTX Bưởi đỏ Đông Cao", "HTX Chè Ba Vì"]
    assert all(cell is None for row in lobby.grid[1:] for cell in row["cells"])


def test_the_lobby_reads_in_a_fixed_handful_of_queries(published_session, make_user, organizer_user):
    from accounts.roles import Role
    from tests.market.conftest import promote, verify
    from vendors import services as vendor_services
    from vendors.districts import District
    from vendors.models import OcopGroup, VendorKind

    session = published_session.session
    with CaptureQueriesContext(connection) as few:
        selectors.lobby(session=session, query="mat ong")
    # Ten more stalls, on the timetable directly (publishing them is the timetable tests' job).
    Session.objects.filter(pk=session.pk).update(state=Session.State.OPEN, stages=12)
    session.refresh_from_db()
    for n in range(10):
        user = make_user(f"ban{n}@example.vn", roles=[Role.VENDOR])
        vendor = vendor_services.vendor_create(
            user=user, legal_name=f"HTX số {n}", kind=VendorKind.COOPERATIVE, registration_number=f"01000000{n:02d}",
            district=District.GIA_LAM, address="Gia Lâm", representative="An",
        )  # fmt: skip
        product = vendor_services.product_create(
            vendor=vendor, actor=user, name=f"Gạo nếp {n}", code="G01", group=OcopGroup.FOOD, stars=3, price=30_000,
            stock=5,
        )  # fmt: skip
        verify(product)
        promote(vendor, user, organizer_user)
        application = timetable.application_submit(actor=user, session=session, vendor=vendor, product_ids=[product.pk])
        timetable.slot_assign(actor=organizer_user, application=application, stage=n + 3, starts_at=session.starts_at)
    timetable.session_publish(actor=organizer_user, session=session)
    with CaptureQueriesContext(connection) as many:
        lobby = selectors.lobby(session=session, query="mat ong")
    assert len(lobby.stalls) == 12
    assert len(many) == len(few) <= 3


# ----------------------------------------------------------------------------- pages


def test_the_lobby_page_lists_stalls_links_rooms_and_offers_the_calendar(client, published_session):
    session = published_session.session
    response = client.get(reverse("market:lobby", kwargs={"session_id": session.pk}) + "?q=che")
    page = response.content.decode()
    assert response.status_code == 200
    assert "HTX Chè Ba Vì" in page and "1 gian hàng khớp" in page
    assert reverse("live:show_watch", kwargs={"show_id": published_session.stalls[1].slot.show_id}) in page
    assert reverse("market:session_ics", kwargs={"session_id": session.pk}) in page
    assert "<script>" not in page  # CSP: data through json_script, code from static files


def test_drafts_and_open_sessions_are_not_public(client, open_session, buyer_user, promoted_stall):
    url = reverse("market:lobby", kwargs={"session_id": open_session.pk})
    assert client.get(url).status_code == 404
    client.force_login(buyer_user)
    assert client.get(url).status_code == 404
    client.force_login(promoted_stall.user)  # a promoted seller sees it: it is open for their application
    assert client.get(reverse("market:apply", kwargs={"session_id": open_session.pk})).status_code == 200


def test_the_calendar_download(client, published_session):
    session = published_session.session
    response = client.get(reverse("market:session_ics", kwargs={"session_id": session.pk}))
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith('attachment; filename="cho-dem-')
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 2 and body.endswith("END:VCALENDAR\r\n")
    client.force_login(published_session.stalls[1].user)
    mine = client.get(reverse("market:session_ics", kwargs={"session_id": session.pk}) + "?mine=1").content.decode()
    assert mine.count("BEGIN:VEVENT") == 1 and "HTX Chè Ba Vì" in mine


def test_a_market_room_links_back_to_the_lobby_and_to_the_other_stall(client, published_session, buyer_user):
    first, second = published_session.stalls
    _on_air(second, viewers=7)
    client.force_login(buyer_user)
    page = client.get(reverse("live:show_watch", kwargs={"show_id": first.slot.show_id})).content.decode()
    assert 'data-testid="room-stalls"' in page
    assert reverse("market:lobby", kwargs={"session_id": published_session.session.pk}) in page
    assert reverse("live:show_watch", kwargs={"show_id": second.slot.show_id}) in page and "7 người xem" in page


def test_the_home_page_announces_the_next_published_session(client, published_session):
    from tests.cms.builders import bare_home

    bare_home(next_session_title="Phiên gõ tay")
    page = client.get("/").content.decode()
    assert "Phiên gõ tay" not in page
    assert "Chợ đêm thứ Sáu" in page
    assert reverse("market:lobby", kwargs={"session_id": published_session.session.pk}) in page


def test_the_seller_applies_and_the_organizer_places_and_publishes_through_the_pages(
    client, open_session, promoted_stall, organizer_user, django_capture_on_commit_callbacks
):
    client.force_login(promoted_stall.user)
    apply_url = reverse("market:apply", kwargs={"session_id": open_session.pk})
    b01, b02 = promoted_stall.products["B01"], promoted_stall.products["B02"]
    response = client.post(apply_url, {"vendor": promoted_stall.vendor.pk, "product_ids": [b01.pk, b02.pk], "note": ""})
    assert response.status_code == 302
    my = client.get(reverse("market:my_slots")).content.decode()
    assert "Chờ duyệt" in my and "B02" in my
    # A seller cannot reach the editor.
    assert client.get(reverse("market:editor", kwargs={"session_id": open_session.pk})).status_code == 403

    client.force_login(organizer_user)
    application = open_session.applications.get()
    start = timezone.localtime(open_session.starts_at + timedelta(minutes=30)).isoformat()
    client.post(
        reverse("market:slot_assign", kwargs={"session_id": open_session.pk, "application_id": application.pk}),
        {"stage": 2, "starts_at": start},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("market:session_state", kwargs={"session_id": open_session.pk}), {"action": "publish"})
    open_session.refresh_from_db()
    assert open_session.state == Session.State.PUBLISHED
    slot = open_session.slots.get()
    assert (slot.stage, slot.starts_at) == (2, open_session.starts_at + timedelta(minutes=30)) and slot.show_id

    client.force_login(promoted_stall.user)
    my = client.get(reverse("market:my_slots")).content.decode()
    assert reverse("live:show_console", kwargs={"show_id": slot.show_id}) in my


def test_a_refused_slot_is_shown_on_the_editor_and_changes_nothing(client, published_session, organizer_user):
    first, second = published_session.stalls
    client.force_login(organizer_user)
    response = client.post(
        reverse("market:slot_move", kwargs={"session_id": published_session.session.pk, "slot_id": second.slot.pk}),
        {"stage": 1, "starts_at": timezone.localtime(first.slot.starts_at).isoformat()},
        follow=True,
    )
    assert "Sân khấu 1 đã có HTX Bưởi đỏ Đông Cao vào giờ này." in response.content.decode()
    second.slot.refresh_from_db()
    assert second.slot.stage == 2
