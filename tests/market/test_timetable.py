"""Sessions and the timetable: states, applications, slot rules, publishing, tasks and notices."""

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from config.errors import ApplicationError
from live.models import Show
from market import notifications, tasks, timetable
from market.models import Application, Session, Slot
from notifications.models import Notification
from tests.market.conftest import next_market_day, promote, unverified_product, verify

pytestmark = pytest.mark.django_db

HANOI = timetable.MARKET_TZ


def _queued(task_obj, **kwargs):
    from django_tasks_db.models import DBTaskResult

    lookups = {f"args_kwargs__kwargs__{k}": v for k, v in kwargs.items()}
    return list(DBTaskResult.objects.filter(task_path=task_obj.module_path, status="READY", **lookups))


def _refused(code, call, **kwargs):
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def _apply(stall, session):
    return timetable.application_submit(
        actor=stall.user, session=session, vendor=stall.vendor, product_ids=[p.pk for p in stall.products.values()]
    )


# ----------------------------------------------------------------------------- sessions and states


def test_a_session_defaults_to_next_friday_evening_in_hanoi(organizer_user):
    session = timetable.session_create(actor=organizer_user, title="Chợ đêm", day=None)
    start = timezone.localtime(session.starts_at, HANOI)
    end = timezone.localtime(session.ends_at, HANOI)
    assert start.weekday() == 4 and (start.hour, start.minute) == (20, 0) and (end.hour, end.minute) == (22, 0)
    assert start.date() >= timezone.localdate(timezone=HANOI)
    assert session.state == Session.State.DRAFT and not session.is_special


def test_a_special_session_keeps_its_own_hours(organizer_user):
    day = next_market_day() + timedelta(days=1)  # a Saturday
    starts_at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=HANOI)
    session = timetable.session_create(
        actor=organizer_user, title="Chợ Tết", theme="Tết", starts_at=starts_at, ends_at=starts_at + timedelta(hours=3)
    )
    assert session.is_special and session.theme == "Tết"


def test_only_organizers_create_sessions(vendor_user):
    _refused("not_organizer", timetable.session_create, actor=vendor_user, title="Chợ đêm")
    assert not Session.objects.exists()


def test_states_move_only_forward_in_order(organizer_user, open_session, promoted_stall):
    draft = timetable.session_create(actor=organizer_user, title="Nháp", day=next_market_day() + timedelta(days=7))
    _refused("bad_state", timetable.session_publish, actor=organizer_user, session=draft)
    assert Session.objects.get(pk=draft.pk).state == Session.State.DRAFT
    _refused("bad_state", timetable.session_open, actor=organizer_user, session=open_session)
    # Publishing an open session with nothing on its timetable is refused too.
    _refused("empty", timetable.session_publish, actor=organizer_user, session=open_session)
    assert Session.objects.get(pk=open_session.pk).state == Session.State.OPEN


def test_go_live_and_end_happen_at_their_times_once(published_session):
    session = published_session.session
    assert not timetable.session_go_live(session_id=session.pk, now=session.starts_at - timedelta(minutes=10))
    assert timetable.session_end(session_id=session.pk, now=session.starts_at) is False
    assert timetable.session_go_live(session_id=session.pk, now=session.starts_at)
    assert not timetable.session_go_live(session_id=session.pk, now=session.starts_at)
    assert Session.objects.get(pk=session.pk).state == Session.State.LIVE
    assert not timetable.session_end(session_id=session.pk, now=session.ends_at - timedelta(minutes=1))
    assert timetable.session_end(session_id=session.pk, now=session.ends_at)
    assert Session.objects.get(pk=session.pk).state == Session.State.ENDED


# ----------------------------------------------------------------------------- applications


def test_a_vendor_not_promoted_is_refused_and_nothing_is_saved(stall, vendor_user, open_session):
    vendor, products = stall
    verify(*products.values())
    error = _refused(
        "not_promoted", timetable.application_submit, actor=vendor_user, session=open_session, vendor=vendor,
        product_ids=[p.pk for p in products.values()],
    )  # fmt: skip
    assert "chợ thực hành" in error.message
    assert not Application.objects.exists()


def test_an_unverified_product_is_refused_by_name(promoted_stall, open_session):
    odd = unverified_product(promoted_stall.vendor, promoted_stall.user)
    error = _refused(
        "product_unverified", timetable.application_submit, actor=promoted_stall.user, session=open_session,
        vendor=promoted_stall.vendor, product_ids=[promoted_stall.products["B01"].pk, odd.pk],
    )  # fmt: skip
    assert "Nem chua chưa xác minh (X09)" in error.message and "B01" not in error.message
    assert not Application.objects.exists()


def test_a_dossier_expiring_before_the_session_is_not_current(promoted_stall, open_session):
    b02 = promoted_stall.products["B02"]
    verify(b02, until=timezone.localtime(open_session.starts_at).date() - timedelta(days=1))
    _refused(
        "product_unverified", timetable.application_submit, actor=promoted_stall.user, session=open_session,
        vendor=promoted_stall.vendor, product_ids=[b02.pk],
    )  # fmt: skip


def test_only_the_vendors_members_apply_with_its_own_products(promoted_stall, second_stall, open_session):
    _refused(
        "not_member", timetable.application_submit, actor=second_stall.user, session=open_session,
        vendor=promoted_stall.vendor, product_ids=[promoted_stall.products["B01"].pk],
    )  # fmt: skip
    _refused(
        "not_found", timetable.application_submit, actor=second_stall.user, session=open_session,
        vendor=second_stall.vendor, product_ids=[promoted_stall.products["B01"].pk],
    )  # fmt: skip
    assert not Application.objects.exists()


def test_applying_again_replaces_the_products_and_a_draft_takes_no_applications(
    promoted_stall, open_session, organizer_user
):
    first = _apply(promoted_stall, open_session)
    again = timetable.application_submit(
        actor=promoted_stall.user, session=open_session, vendor=promoted_stall.vendor,
        product_ids=[promoted_stall.products["B03"].pk],
    )  # fmt: skip
    assert again.pk == first.pk
    assert [ap.product.code for ap in again.products.all()] == ["B03"]
    draft = timetable.session_create(actor=organizer_user, title="Nháp", day=next_market_day() + timedelta(days=7))
    _refused("not_open", _apply, stall=promoted_stall, session=draft)


def test_a_revoked_promotion_stops_applications(promoted_stall, open_session):
    from market.services import seller_withdraw

    seller_withdraw(vendor_id=promoted_stall.vendor.pk)
    _refused("not_promoted", _apply, stall=promoted_stall, session=open_session)


# ----------------------------------------------------------------------------- slots


@pytest.fixture
def two_applications(open_session, promoted_stall, second_stall):
    return _apply(promoted_stall, open_session), _apply(second_stall, open_session)


def test_a_stage_is_never_booked_twice(open_session, two_applications, organizer_user):
    first, second = two_applications
    timetable.slot_assign(actor=organizer_user, application=first, stage=1, starts_at=open_session.starts_at)
    error = _refused(
        "stage_taken", timetable.slot_assign, actor=organizer_user, application=second, stage=1,
        starts_at=open_session.starts_at,
    )  # fmt: skip
    assert "HTX Bưởi đỏ Đông Cao" in error.message
    assert Slot.objects.count() == 1
    assert Application.objects.get(pk=second.pk).state == Application.State.SUBMITTED
    timetable.slot_assign(actor=organizer_user, application=second, stage=2, starts_at=open_session.starts_at)
    assert Slot.objects.count() == 2


def test_a_vendor_is_never_in_two_places_at_once(open_session, two_applications, organizer_user, promoted_stall):
    first, _second = two_applications
    timetable.slot_assign(actor=organizer_user, application=first, stage=1, starts_at=open_session.starts_at)
    # A special session overlapping the Friday one, on its own 15-minute grid.
    special = timetable.session_create(
        actor=organizer_user, title="Chợ phụ", starts_at=open_session.starts_at + timedelta(minutes=15),
        ends_at=open_session.starts_at + timedelta(hours=1), stages=1, slot_minutes=15,
    )  # fmt: skip
    timetable.session_open(actor=organizer_user, session=special)
    other = _apply(promoted_stall, special)
    error = _refused(
        "vendor_busy", timetable.slot_assign, actor=organizer_user, application=other, stage=1,
        starts_at=special.starts_at,
    )  # fmt: skip
    assert "Chợ đêm thứ Sáu" in error.message
    timetable.slot_assign(
        actor=organizer_user, application=other, stage=1, starts_at=special.starts_at + timedelta(minutes=15)
    )


@pytest.mark.parametrize(
    ("stage", "offset_minutes", "code"),
    [
        (3, 0, "bad_stage"),
        (0, 0, "bad_stage"),
        (1, -30, "outside"),
        (1, 120, "outside"),
        (1, 105, "outside"),
        (1, 10, "off_grid"),
    ],
)
def test_a_slot_stays_inside_the_session_on_its_grid(
    open_session, two_applications, organizer_user, stage, offset_minutes, code
):
    first, _second = two_applications
    _refused(
        code, timetable.slot_assign, actor=organizer_user, application=first, stage=stage,
        starts_at=open_session.starts_at + timedelta(minutes=offset_minutes),
    )  # fmt: skip
    assert not Slot.objects.exists()


def test_moving_onto_a_taken_stage_is_refused_and_changes_nothing(open_session, two_applications, organizer_user):
    first, second = two_applications
    a = timetable.slot_assign(actor=organizer_user, application=first, stage=1, starts_at=open_session.starts_at)
    b = timetable.slot_assign(
        actor=organizer_user, application=second, stage=1, starts_at=open_session.starts_at + timedelta(minutes=30)
    )
    _refused("stage_taken", timetable.slot_move, actor=organizer_user, slot=b, stage=1, starts_at=a.starts_at)
    b.refresh_from_db()
    assert (b.stage, b.starts_at) == (1, open_session.starts_at + timedelta(minutes=30))
    moved = timetable.slot_move(actor=organizer_user, slot=b, stage=2, starts_at=a.starts_at)
    assert (moved.stage, moved.ends_at) == (2, a.ends_at)


def test_only_organizers_place_slots(open_session, two_applications, promoted_stall):
    first, _second = two_applications
    _refused(
        "not_organizer", timetable.slot_assign, actor=promoted_stall.user, application=first, stage=1,
        starts_at=open_session.starts_at,
    )  # fmt: skip


def test_withdrawing_frees_the_slot_before_publishing_only(
    open_session, two_applications, organizer_user, promoted_stall
):
    first, _second = two_applications
    timetable.slot_assign(actor=organizer_user, application=first, stage=1, starts_at=open_session.starts_at)
    timetable.application_withdraw(actor=promoted_stall.user, application=first)
    assert not Slot.objects.exists()
    assert Application.objects.get(pk=first.pk).state == Application.State.WITHDRAWN


# ----------------------------------------------------------------------------- publishing


def test_publishing_makes_a_market_show_per_slot_with_the_applied_products(published_session):
    session = published_session.session
    assert session.state == Session.State.PUBLISHED and session.published_at is not None
    for st in published_session.stalls:
        show = st.slot.show
        assert show.owner_kind == "market" and show.host == st.user and show.title == st.vendor.legal_name
        assert (show.scheduled_start, show.scheduled_end) == (st.slot.starts_at, st.slot.ends_at)
        assert sorted(o.product.code for o in show.offers.all()) == sorted(st.products)
    assert Show.objects.filter(owner_kind="market").count() == 2
    # The offers hold nothing before go-live: the free stock stays sellable elsewhere all week.
    b01 = published_session.stalls[0].products["B01"]
    b01.refresh_from_db()
    assert b01.stock_reserved == 0 and not show.offers.filter(stock_left__gt=0).exists()


def test_publishing_declines_the_unplaced_and_queues_the_evening(published_session):
    session = published_session.session
    assert [(t.run_after) for t in _queued(tasks.session_go_live_task, session_id=session.pk)] == [session.starts_at]
    assert [(t.run_after) for t in _queued(tasks.session_end_task, session_id=session.pk)] == [session.ends_at]
    assert len(_queued(tasks.session_announce_task, session_id=session.pk)) == 1
    for st in published_session.stalls:
        (reminder,) = _queued(tasks.slot_reminder_task, slot_id=st.slot.pk)
        assert reminder.run_after == st.slot.starts_at - tasks.REMIND_BEFORE


def test_after_publishing_a_vendor_cannot_withdraw_and_a_moved_slot_moves_its_room(
    published_session, organizer_user, django_capture_on_commit_callbacks
):
    stall = published_session.stalls[0]
    _refused("published", timetable.application_withdraw, actor=stall.user, application=stall.slot.application)
    later = stall.slot.starts_at + timedelta(minutes=60)
    with django_capture_on_commit_callbacks(execute=True):
        timetable.slot_move(actor=organizer_user, slot=stall.slot, stage=1, starts_at=later)
    show = Show.objects.get(pk=stall.slot.show_id)
    assert show.scheduled_start == later
    assert Notification.objects.filter(user=stall.user, title__contains="đã dời").exists()
    reminders = sorted(
        t.args_kwargs["kwargs"]["starts_at"] for t in _queued(tasks.slot_reminder_task, slot_id=stall.slot.pk)
    )
    assert len(reminders) == 2  # the old one stays queued and finds the slot moved
    old = stall.slot.starts_at.isoformat()
    assert tasks.slot_reminder_task.call(slot_id=stall.slot.pk, starts_at=old) == 0
    assert tasks.slot_reminder_task.call(slot_id=stall.slot.pk, starts_at=later.isoformat()) == 1


def test_the_announcement_mails_vendors_and_buyers_a_calendar(published_session, buyer_user):
    mail.outbox.clear()
    told = notifications.session_published(session_id=published_session.session.pk)
    assert told == 3  # two vendors' owners and the buyer
    to = {m.to[0]: m for m in mail.outbox}
    vendor_mail = to["chuthe@example.vn"]
    name, ics, mimetype = vendor_mail.attachments[0]
    assert mimetype.startswith("text/calendar") and name.endswith(".ics")
    start_utc = published_session.stalls[0].slot.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start_utc}" in ics and ics.count("BEGIN:VEVENT") == 1
    buyer_ics = to["nguoimua@example.vn"].attachments[0][1]
    assert buyer_ics.count("BEGIN:VEVENT") == 2 and "HTX Chè Ba Vì" in buyer_ics
    assert Notification.objects.filter(user=buyer_user, url=f"/cho-dem/{published_session.session.pk}/").exists()


def test_the_sweep_moves_a_session_whose_tasks_were_lost(published_session, monkeypatch):
    session = published_session.session
    monkeypatch.setattr(timezone, "now", lambda: session.starts_at + timedelta(minutes=5))
    assert tasks.market_sessions_sweep() == 1
    assert Session.objects.get(pk=session.pk).state == Session.State.LIVE
    monkeypatch.setattr(timezone, "now", lambda: session.ends_at + timedelta(minutes=5))
    assert tasks.market_sessions_sweep() == 1
    assert Session.objects.get(pk=session.pk).state == Session.State.ENDED


def test_promotion_signal_admits_a_seller_once(stall, vendor_user, organizer_user):
    from market.models import Seller

    vendor, _products = stall
    promote(vendor, vendor_user, organizer_user)
    assert Seller.objects.filter(vendor=vendor, withdrawn_at__isnull=True).count() == 1
