"""Flash sales: what the host may start, when and how buyers may buy, and what is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import ApplicationError
from live.models import RoomEvent, Show
from live.selectors import Participant
from selling import frames
from selling import room as selling_room
from selling.models import FlashSale, OrderAction, OrderIntent, ShowOffer
from selling.services import offers, sales
from tests.selling.helpers import as_participant, go_live, open_now, start_sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def b01(selling_show):
    go_live(selling_show)
    return ShowOffer.objects.get(show=selling_show, product__code="B01")


@pytest.fixture
def buyer(selling_show, buyer_user):
    return as_participant(buyer_user, selling_show)


def _buy(show, actor, sale, *, quantity=1, unit_price=None, key=None):
    return sales.sale_buy(
        room_id=show.room.pk, actor=actor, sale_id=sale.pk, quantity=quantity,
        unit_price=sale.sale_price if unit_price is None else unit_price, key=key or f"k-{timezone.now().timestamp()}",
    )


def _refused(code, fn, *args, **kwargs):
    with pytest.raises(ApplicationError) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code, exc.value.message
    return exc.value


# -- starting -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"countdown_seconds": 9}, "countdown_seconds"),
        ({"countdown_seconds": 301}, "countdown_seconds"),
        ({"duration_seconds": 59}, "duration_seconds"),
        ({"duration_seconds": 1201}, "duration_seconds"),
        ({"sale_price": 0}, "sale_price"),
        ({"sale_price": 120_000}, "sale_price"),  # not below the product's price
        ({"quantity": 301}, "quantity"),  # more than the show's stock of B01
        ({"quantity": 0}, "quantity"),
        ({"per_buyer_cap": 0}, "per_buyer_cap"),
        ({"quantity": 5, "per_buyer_cap": 6}, "per_buyer_cap"),
    ],
)
def test_start_checks_every_range(selling_show, vendor_user, b01, overrides, field):
    error = _refused("invalid", start_sale, selling_show, vendor_user, b01, **overrides)
    assert field in error.fields
    assert not FlashSale.objects.exists()


def test_start_accepts_the_edges_and_counts_down_without_taking_stock(selling_show, vendor_user, b01):
    sale = start_sale(selling_show, vendor_user, b01, countdown_seconds=300, duration_seconds=1200, quantity=300, per_buyer_cap=300)
    assert (sale.closes_at - sale.opens_at).total_seconds() == 1200
    assert 299 <= (sale.opens_at - timezone.now()).total_seconds() <= 300
    assert ShowOffer.objects.get(pk=b01.pk).stock_left == 300
    event = RoomEvent.objects.get(room=selling_show.room, kind="sale.scheduled")
    assert event.payload["sale"]["id"] == sale.pk and event.payload["sale"]["state"] == "counting"
    state = selling_room.room_state(show_id=selling_show.pk)
    assert state["sale"]["id"] == sale.pk and state["sale"]["sale_price"] == 99_000


def test_only_host_starts_only_on_a_live_show_only_one_at_a_time(selling_show, vendor_user, buyer_user, b01):
    _refused("forbidden", start_sale, selling_show, buyer_user, b01)
    Show.objects.filter(pk=selling_show.pk).update(state=Show.State.SCHEDULED)
    _refused("invalid", start_sale, selling_show, vendor_user, b01)
    go_live(selling_show)
    start_sale(selling_show, vendor_user, b01)
    b02 = ShowOffer.objects.get(show=selling_show, product__code="B02")
    error = _refused("invalid", start_sale, selling_show, vendor_user, b02, sale_price=150_000)
    assert "một flash sale" in error.message
    assert FlashSale.objects.count() == 1


# -- buying ---------------------------------------------------------------------


def test_buy_during_countdown_is_refused(selling_show, vendor_user, b01, buyer):
    sale = start_sale(selling_show, vendor_user, b01)
    _refused("sale_not_open", _buy, selling_show, buyer, sale)
    assert FlashSale.objects.get(pk=sale.pk).sold == 0 and not OrderIntent.objects.exists()


def test_buy_when_open_takes_units_and_makes_a_pending_intent(selling_show, vendor_user, b01, buyer, buyer_user):
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    ack = _buy(selling_show, buyer, sale, quantity=2, key="mua-lan-1")
    intent = OrderIntent.objects.get(pk=ack["intent_id"])
    assert ack == {"intent_id": intent.pk, "quantity": 2, "remaining": 8}
    assert (intent.source, intent.status, intent.flash_sale_id, intent.unit_price, intent.buyer_id) == (
        "flash_sale", "pending", sale.pk, 99_000, buyer_user.pk,
    )
    assert FlashSale.objects.get(pk=sale.pk).sold == 2
    assert ShowOffer.objects.get(pk=b01.pk).stock_left == 298
    progress = RoomEvent.objects.get(room=selling_show.room, kind="sale.progress")
    assert progress.payload == {"sale_id": sale.pk, "sold": 2, "remaining": 8, "offer_id": b01.pk, "stock_left": 298}
    assert OrderAction.objects.get(key="mua-lan-1").kind == "buy"


def test_a_flash_sale_order_carries_the_buyers_remembered_delivery_details(selling_show, vendor_user, b01, buyer, buyer_user):
    """The buyer's card shows the remembered address as filled in: the order the host confirms must have it too."""
    from selling.models import DeliveryProfile

    DeliveryProfile.objects.create(user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc")
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    intent = OrderIntent.objects.get(pk=_buy(selling_show, buyer, sale, key="mua-co-dia-chi")["intent_id"])
    assert (intent.delivery_name, intent.delivery_phone, intent.delivery_address) == (
        "Phạm Quốc Bảo", "+84987654321", "12 Hàng Bạc"
    )
    assert frames.intent_frame(intent)["delivery"]["address"] == "12 Hàng Bạc"


def test_cap_is_per_buyer_over_several_buys(selling_show, vendor_user, b01, buyer, make_user):
    sale = open_now(start_sale(selling_show, vendor_user, b01, per_buyer_cap=3))
    _buy(selling_show, buyer, sale, quantity=2, key="cap-1")
    error = _refused("cap_reached", _buy, selling_show, buyer, sale, quantity=2, key="cap-2")
    assert "1" in error.message  # how many more this buyer may take
    _buy(selling_show, buyer, sale, quantity=1, key="cap-3")
    _refused("cap_reached", _buy, selling_show, buyer, sale, quantity=1, key="cap-4")
    other = as_participant(make_user("khac@example.vn"), selling_show)
    _buy(selling_show, other, sale, quantity=3, key="cap-5")  # another buyer has their own cap
    assert FlashSale.objects.get(pk=sale.pk).sold == 6


def test_forged_or_stale_price_is_refused(selling_show, vendor_user, b01, buyer):
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    for price in (1, 120_000, 98_999):
        error = _refused("price_changed", _buy, selling_show, buyer, sale, unit_price=price)
    assert "99.000 ₫" in error.message
    assert FlashSale.objects.get(pk=sale.pk).sold == 0 and not OrderIntent.objects.exists()


def test_sale_of_another_show_or_unknown_sale_is_refused(selling_show, vendor_user, b01, buyer, stall):
    from live.services import show_create

    sale = open_now(start_sale(selling_show, vendor_user, b01))
    now = timezone.now()
    other = show_create(title="Buổi khác", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))
    _refused("not_found", sales.sale_buy, room_id=other.room.pk, actor=buyer, sale_id=sale.pk, quantity=1, unit_price=99_000, key="xx-1")
    _refused("not_found", sales.sale_buy, room_id=selling_show.room.pk, actor=buyer, sale_id=sale.pk + 999, quantity=1, unit_price=99_000, key="xx-2")
    assert FlashSale.objects.get(pk=sale.pk).sold == 0


def test_anonymous_cannot_buy(selling_show, vendor_user, b01):
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    _refused("auth_required", _buy, selling_show, Participant(user_id=None, name="", role="viewer"), sale)


def test_ended_sale_refuses_and_is_announced_once(selling_show, vendor_user, b01, buyer):
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    FlashSale.objects.filter(pk=sale.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    _refused("sale_ended", _buy, selling_show, buyer, sale)
    _refused("sale_ended", _buy, selling_show, buyer, sale)
    assert sales.sales_close_due(show_id=selling_show.pk) == 0
    assert selling_room.room_state(show_id=selling_show.pk)["sale"] is None
    ended = RoomEvent.objects.filter(room=selling_show.room, kind="sale.ended")
    assert [e.payload["reason"] for e in ended] == ["time"]
    assert FlashSale.objects.get(pk=sale.pk).end_reason == "time"


@pytest.mark.django_db(transaction=True)
def test_a_buyer_who_finds_the_sale_over_ends_it_with_its_announcement_or_not_at_all(
    selling_show, vendor_user, b01, buyer, monkeypatch
):
    """The buyer's first look reads outside a transaction; the end it makes still commits whole."""
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    FlashSale.objects.filter(pk=sale.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    real_append = sales.event_append

    def append_fails(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(sales, "event_append", append_fails)
    with pytest.raises(RuntimeError):
        _buy(selling_show, buyer, sale)
    assert FlashSale.objects.get(pk=sale.pk).ended_at is None  # not ended without its sale.ended

    monkeypatch.setattr(sales, "event_append", real_append)
    _refused("sale_ended", _buy, selling_show, buyer, sale)
    assert FlashSale.objects.get(pk=sale.pk).end_reason == "time"
    ended = RoomEvent.objects.filter(room=selling_show.room, kind="sale.ended")
    assert [e.payload["reason"] for e in ended] == ["time"]


def test_time_up_sale_is_closed_by_a_room_state_read(selling_show, vendor_user, b01):
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    FlashSale.objects.filter(pk=sale.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert selling_room.room_state(show_id=selling_show.pk)["sale"] is None
    assert RoomEvent.objects.filter(room=selling_show.room, kind="sale.ended", payload__reason="time").count() == 1


def test_ending_the_show_makes_buys_refuse(selling_show, vendor_user, b01, buyer):
    from live.services import show_end

    sale = open_now(start_sale(selling_show, vendor_user, b01))
    show_end(room_id=selling_show.room.pk, actor=as_participant(vendor_user, selling_show))
    _refused("sale_ended", _buy, selling_show, buyer, sale)
    assert FlashSale.objects.get(pk=sale.pk).end_reason == "show_ended"


def test_host_cancels_a_sale(selling_show, vendor_user, b01, buyer, buyer_user):
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    _refused("forbidden", sales.sale_cancel, room_id=selling_show.room.pk, actor=buyer, sale_id=sale.pk)
    sales.sale_cancel(room_id=selling_show.room.pk, actor=as_participant(vendor_user, selling_show), sale_id=sale.pk)
    _refused("sale_ended", _buy, selling_show, buyer, sale)
    _refused("sale_ended", sales.sale_cancel, room_id=selling_show.room.pk, actor=as_participant(vendor_user, selling_show), sale_id=sale.pk)
    assert RoomEvent.objects.get(room=selling_show.room, kind="sale.ended").payload["reason"] == "cancelled"


def test_replayed_key_returns_the_same_intent_and_changes_nothing(selling_show, vendor_user, b01, buyer):
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    first = _buy(selling_show, buyer, sale, quantity=1, key="double-tap")
    events = RoomEvent.objects.count()
    again = _buy(selling_show, buyer, sale, quantity=1, key="double-tap")
    assert again == {**first, "replayed": True, "message": "Thao tác này đã được thực hiện trước đó; không có gì thay đổi."}
    assert OrderIntent.objects.count() == 1 and FlashSale.objects.get(pk=sale.pk).sold == 1
    assert ShowOffer.objects.get(pk=b01.pk).stock_left == 299 and RoomEvent.objects.count() == events
    # The same key for something else is refused, not silently reused.
    FlashSale.objects.filter(pk=sale.pk).update(ended_at=timezone.now(), end_reason="cancelled")
    b02 = ShowOffer.objects.get(show=selling_show, product__code="B02")
    other = open_now(start_sale(selling_show, vendor_user, b02, sale_price=150_000))
    _refused("invalid", _buy, selling_show, buyer, other, key="double-tap")


def test_last_unit_ends_the_sale_and_the_loser_is_told_sold_out(selling_show, vendor_user, b01, buyer, make_user):
    sale = open_now(start_sale(selling_show, vendor_user, b01, quantity=3, per_buyer_cap=2))
    other = as_participant(make_user("khac@example.vn"), selling_show)
    late = as_participant(make_user("muon@example.vn"), selling_show)
    _buy(selling_show, buyer, sale, quantity=2, key="win-1")
    error = _refused("sold_out", _buy, selling_show, other, sale, quantity=2, key="lose-1")  # only one left
    assert "1" in error.message
    ack = _buy(selling_show, other, sale, quantity=1, key="win-2")
    assert ack["remaining"] == 0
    sale.refresh_from_db()
    assert (sale.sold, sale.end_reason) == (3, "sold_out") and sale.ended_at is not None
    error = _refused("sold_out", _buy, selling_show, late, sale, key="lose-2")
    assert "hết hàng" in error.message
    ended = RoomEvent.objects.get(room=selling_show.room, kind="sale.ended")
    assert ended.payload == {"sale_id": sale.pk, "reason": "sold_out", "sold": 3, "remaining": 0}
    assert selling_room.room_state(show_id=selling_show.pk)["sale"] is None


def test_show_stock_running_out_under_the_sale_ends_it(selling_show, vendor_user, b01, buyer):
    sale = open_now(start_sale(selling_show, vendor_user, b01, quantity=5))
    ShowOffer.objects.filter(pk=b01.pk).update(stock_left=0)  # chat orders confirmed meanwhile took it all
    _refused("sold_out", _buy, selling_show, buyer, sale)
    sale.refresh_from_db()
    assert (sale.sold, sale.end_reason) == (0, "sold_out")


def test_a_batch_that_finds_the_show_stock_short_sells_what_is_left_and_says_so(
    selling_show, vendor_user, b01, buyer, make_user
):
    """Chat orders left one unit of the show's stock: the first buyer of the batch gets it,
    the second is told sold out, and the room's progress says the show has 0 left."""
    sale = open_now(start_sale(selling_show, vendor_user, b01, quantity=5))
    ShowOffer.objects.filter(pk=b01.pk).update(stock_left=1)
    other = as_participant(make_user("sau@example.vn"), selling_show)
    first, second = sales.sales_buy(
        room_id=selling_show.room.pk,
        sale_id=sale.pk,
        purchases=[
            sales.Purchase(actor=buyer, quantity=1, unit_price=sale.sale_price, key="lo-1"),
            sales.Purchase(actor=other, quantity=1, unit_price=sale.sale_price, key="lo-2"),
        ],
    )
    assert first["remaining"] == 4 and second.code == "sold_out"
    progress = RoomEvent.objects.get(room=selling_show.room, kind="sale.progress")
    assert (progress.payload["sold"], progress.payload["stock_left"]) == (1, 0)
    sale.refresh_from_db()
    assert (sale.sold, sale.end_reason) == (1, "sold_out")
    assert ShowOffer.objects.get(pk=b01.pk).stock_left == 0


def test_a_purchase_stays_within_its_statement_budget(selling_show, vendor_user, b01, buyer):
    """Each statement is ORM work on the room's database thread, which shares the worker's
    GIL with the fan-out (docs/benchmarks.md, "Where a sale's tail goes"): 14 until 7 Dec,
    12 since (``UPDATE … RETURNING`` for the stock, the buyer and delivery in one read).
    Counted without transaction control (``tests.statements``)."""
    from tests.statements import statements_run

    sale = open_now(start_sale(selling_show, vendor_user, b01))
    with statements_run() as statements:
        _buy(selling_show, buyer, sale, key="dem-cau-lenh")
    assert len(statements) <= 12, "\n".join(statements)


def test_database_never_lets_a_sale_oversell(selling_show, vendor_user, b01):
    from django.db import IntegrityError, transaction

    sale = start_sale(selling_show, vendor_user, b01, quantity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        FlashSale.objects.filter(pk=sale.pk).update(sold=3)


def test_refusals_speak_the_buyers_language(selling_show, vendor_user, b01, buyer):
    from django.utils import translation

    sale = start_sale(selling_show, vendor_user, b01)
    with translation.override("en"):
        error = _refused("sale_not_open", _buy, selling_show, buyer, sale)
    assert error.message == "The flash sale is not open yet: wait for the countdown to end."


def test_an_offer_with_a_running_sale_cannot_be_taken_off(selling_show, vendor_user, b01, stall):
    start_sale(selling_show, vendor_user, b01)
    error = _refused(
        "invalid", offers.offers_set, room_id=selling_show.room.pk, actor=as_participant(vendor_user, selling_show),
        product_ids=[stall[1]["B02"].pk],
    )
    assert "flash sale" in error.message
    assert ShowOffer.objects.get(pk=b01.pk).is_active


def test_a_purchase_patches_the_cached_room_state_to_what_the_database_says(selling_show, vendor_user, b01, buyer):
    """The hubs keep the welcome snapshot in memory during a rush instead of re-reading it per purchase."""
    sale = open_now(start_sale(selling_show, vendor_user, b01))
    cached = selling_room.room_state(show_id=selling_show.pk)
    _buy(selling_show, buyer, sale, quantity=2, key="patch-1")
    progress = RoomEvent.objects.filter(room=selling_show.room, kind="sale.progress").latest("seq")
    frame = {"type": "sale.progress", **progress.payload}
    assert frames.room_state_patch(state=cached, frame=frame) is True
    fresh = selling_room.room_state(show_id=selling_show.pk)
    assert cached["sale"]["sold"] == fresh["sale"]["sold"] == 2
    assert cached["sale"]["remaining"] == fresh["sale"]["remaining"] == 8
    assert cached["offers"] == fresh["offers"]
    # A change it cannot apply in memory (a new pin) is left to a re-read.
    assert frames.room_state_patch(state=cached, frame={"type": "product.pinned", "offer_id": b01.pk}) is False


@pytest.mark.django_db(transaction=True)
def test_pinning_the_product_on_sale_during_a_purchase_waits_and_both_succeed(selling_show, vendor_user, b01):
    """A purchase holds its offer row and then numbers its event (the room's row); pinning
    that offer meanwhile must not hold the room's row while it waits for the offer, or
    PostgreSQL kills one of them as a deadlock and its user reads "Có lỗi, hãy thử lại"."""
    import threading
    import time

    from django.db import connection, transaction

    from live.services import event_append

    room_id = selling_show.room.pk
    purchase_holds_offer, pin_started = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def purchase():
        try:
            with transaction.atomic():
                assert offers.stock_take(offer_id=b01.pk, quantity=1) is not None  # the buy's lock on the offer row
                purchase_holds_offer.set()
                pin_started.wait(5)
                time.sleep(0.3)  # the pin takes its locks and waits for our offer row
                event_append(room_id=room_id, kind="offer.stock", payload={"offer_id": b01.pk})  # the room's row
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def pin():
        try:
            assert purchase_holds_offer.wait(5)
            pin_started.set()
            offers.offer_pin(room_id=room_id, actor=as_participant(vendor_user, selling_show), offer_id=b01.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=purchase), threading.Thread(target=pin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert errors == []
    offer = ShowOffer.objects.get(pk=b01.pk)
    assert offer.is_pinned and offer.stock_left == 299
