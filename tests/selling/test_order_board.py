"""The order board and the buyer's card: who may move an intent, and every action happens once."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from config.errors import ApplicationError
from live.models import RoomRole
from live.services import show_create
from orders.models import Order
from selling import selectors
from selling.models import DeliveryProfile, OrderAction, ShowOffer
from selling.services import intents
from tests.selling.helpers import DELIVERY, chat_intent, sale_intent


@pytest.fixture
def host(vendor_user, as_participant):
    return as_participant(vendor_user, "host")


@pytest.fixture
def cohosts(make_user, selling_show, as_participant):
    """Two co-hosts of the show (with their room roles, as the owner checks them)."""
    people = []
    for name in ("Đỗ Minh Anh", "Hoàng Văn Tú"):
        user = make_user(full_name=name)
        RoomRole.objects.create(room=selling_show.room, user=user, role=RoomRole.Role.COHOST)
        people.append(as_participant(user, "cohost"))
    return people


@pytest.fixture
def buyer(buyer_user, as_participant):
    return as_participant(buyer_user)


def _offer(show, code):
    return ShowOffer.objects.get(show=show, product__code=code)


def _stock(show, code):
    return _offer(show, code).stock_left


def _refused(code, call, **kwargs):
    with pytest.raises(ApplicationError) as exc:
        call(**kwargs)
    assert exc.value.code == code, exc.value.message
    return exc.value


# ----------------------------------------------------------------------------- claim / release


def test_claim_then_confirm_records_the_order_and_takes_stock(selling_show, buyer_user, host, published):
    intent = chat_intent(selling_show, buyer_user)
    room = selling_show.room.pk
    claimed = intents.board_claim(room_id=room, actor=host, intent_id=intent.pk, key="press-claim-1")["intent"]
    assert claimed["status"] == "claimed" and claimed["claimed_by_name"] == "Lê Thị Hồng Nhung"
    confirmed = intents.board_confirm(room_id=room, actor=host, intent_id=intent.pk, key="press-confirm-1")["intent"]
    assert confirmed["status"] == "confirmed"
    assert _stock(selling_show, "B01") == 298
    order = Order.objects.get(intent=intent)
    line = order.lines.get()
    assert (line.product_code, line.quantity, order.total, order.buyer_id) == ("B01", 2, 240_000, buyer_user.pk)
    assert (order.status, order.channel, order.source_kind, order.source_id) == ("placed", "chot_don", "show", selling_show.pk)
    assert confirmed["order_number"] == order.number


def test_two_cohosts_cannot_both_claim(selling_show, buyer_user, cohosts):
    intent = chat_intent(selling_show, buyer_user)
    first, second = cohosts
    room = selling_show.room.pk
    intents.board_claim(room_id=room, actor=first, intent_id=intent.pk, key="claim-by-anh")
    error = _refused("already_claimed", intents.board_claim, room_id=room, actor=second, intent_id=intent.pk, key="claim-by-tu")
    assert "Đỗ Minh Anh" in error.message
    _refused("already_claimed", intents.board_confirm, room_id=room, actor=second, intent_id=intent.pk, key="confirm-by-tu")
    _refused("already_claimed", intents.board_decline, room_id=room, actor=second, intent_id=intent.pk, key="decline-tu", reason="hết")
    _refused("already_claimed", intents.board_release, room_id=room, actor=second, intent_id=intent.pk, key="release-tu")
    intent.refresh_from_db()
    assert intent.status == "claimed" and intent.claimed_by_id == first.user_id
    assert not OrderAction.objects.filter(actor_id=second.user_id).exists()


def test_release_gives_it_back_and_the_host_may_release_anyones_claim(selling_show, buyer_user, cohosts, host):
    intent = chat_intent(selling_show, buyer_user)
    first, second = cohosts
    room = selling_show.room.pk
    intents.board_claim(room_id=room, actor=first, intent_id=intent.pk, key="claim-anh-1")
    assert intents.board_release(room_id=room, actor=first, intent_id=intent.pk, key="release-anh-1")["intent"]["status"] == "pending"
    intents.board_claim(room_id=room, actor=second, intent_id=intent.pk, key="claim-tu-01")
    released = intents.board_release(room_id=room, actor=host, intent_id=intent.pk, key="release-host")["intent"]
    assert released["status"] == "pending" and released["claimed_by_id"] is None


# ----------------------------------------------------------------------------- confirm / decline


def test_confirm_refuses_when_stock_is_short_and_changes_nothing(selling_show, buyer_user, host):
    intent = chat_intent(selling_show, buyer_user, code="B03", quantity=5)
    ShowOffer.objects.filter(pk=intent.offer_id).update(stock_left=3)
    error = _refused("not_enough_stock", intents.board_confirm, room_id=selling_show.room.pk, actor=host, intent_id=intent.pk, key="confirm-short")
    assert "3" in error.message
    intent.refresh_from_db()
    assert intent.status == "pending" and _stock(selling_show, "B03") == 3
    assert not Order.objects.exists() and not OrderAction.objects.filter(actor_id=host.user_id).exists()


def test_a_decided_intent_cannot_be_decided_again(selling_show, buyer_user, host):
    intent = chat_intent(selling_show, buyer_user)
    room = selling_show.room.pk
    intents.board_confirm(room_id=room, actor=host, intent_id=intent.pk, key="confirm-once")
    _refused("already_decided", intents.board_confirm, room_id=room, actor=host, intent_id=intent.pk, key="confirm-again")
    _refused("already_decided", intents.board_decline, room_id=room, actor=host, intent_id=intent.pk, key="decline-after", reason="x")
    assert _stock(selling_show, "B01") == 298
    assert Order.objects.count() == 1


def test_decline_needs_a_reason_the_buyer_sees(selling_show, buyer_user, host):
    intent = chat_intent(selling_show, buyer_user)
    room = selling_show.room.pk
    _refused("invalid", intents.board_decline, room_id=room, actor=host, intent_id=intent.pk, key="decline-blank", reason="   ")
    _refused("invalid", intents.board_decline, room_id=room, actor=host, intent_id=intent.pk, key="decline-long", reason="x" * 301)
    declined = intents.board_decline(room_id=room, actor=host, intent_id=intent.pk, key="decline-ok", reason="Hết hàng loại này ạ")
    assert declined["intent"]["status"] == "declined" and declined["intent"]["decline_reason"] == "Hết hàng loại này ạ"
    assert _stock(selling_show, "B01") == 300


def test_declining_a_flash_sale_intent_gives_its_units_back(selling_show, vendor_user, buyer_user, host):
    intent = sale_intent(selling_show, vendor_user, buyer_user)
    assert _stock(selling_show, "B02") == 38
    intents.board_decline(room_id=selling_show.room.pk, actor=host, intent_id=intent.pk, key="decline-sale", reason="Sai giá")
    assert _stock(selling_show, "B02") == 40


def test_confirming_a_flash_sale_intent_takes_no_more_stock(selling_show, vendor_user, buyer_user, host):
    intent = sale_intent(selling_show, vendor_user, buyer_user)
    intents.board_confirm(room_id=selling_show.room.pk, actor=host, intent_id=intent.pk, key="confirm-sale")
    assert _stock(selling_show, "B02") == 38
    assert Order.objects.get().lines.get().unit_price == 99_000


# ----------------------------------------------------------------------------- who may


def test_a_viewer_cannot_use_the_board(selling_show, buyer_user, buyer):
    intent = chat_intent(selling_show, buyer_user)
    room = selling_show.room.pk
    for call in (intents.board_claim, intents.board_release, intents.board_confirm):
        _refused("forbidden", call, room_id=room, actor=buyer, intent_id=intent.pk, key="viewer-tries")
    _refused("forbidden", intents.board_decline, room_id=room, actor=buyer, intent_id=intent.pk, key="viewer-tries", reason="x")
    _refused("forbidden", selectors.board_sync, room_id=room, actor=buyer)
    intent.refresh_from_db()
    assert intent.status == "pending" and not OrderAction.objects.exclude(kind=OrderAction.Kind.CREATE).exists()


def test_an_intent_of_another_show_is_not_found(selling_show, buyer_user, host, vendor_user):
    now = timezone.now()
    other = show_create(title="Buổi khác", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))
    intent = chat_intent(selling_show, buyer_user)
    _refused("not_found", intents.board_confirm, room_id=other.room.pk, actor=host, intent_id=intent.pk, key="confirm-elsewhere")
    intent.refresh_from_db()
    assert intent.status == "pending" and not Order.objects.exists()
    assert _stock(selling_show, "B01") == 300


# ----------------------------------------------------------------------------- once per key


def test_a_replayed_confirm_returns_the_first_outcome_and_changes_nothing(selling_show, buyer_user, host):
    intent = chat_intent(selling_show, buyer_user)
    room = selling_show.room.pk
    first = intents.board_confirm(room_id=room, actor=host, intent_id=intent.pk, key="tap-confirm-7")
    again = intents.board_confirm(room_id=room, actor=host, intent_id=intent.pk, key="tap-confirm-7")
    assert again["replayed"] is True and again["intent"] == first["intent"]
    assert again["message"] == "Thao tác này đã được thực hiện trước đó; không có gì thay đổi."
    assert _stock(selling_show, "B01") == 298
    assert Order.objects.count() == 1
    assert OrderAction.objects.filter(kind="confirm").count() == 1


def test_a_key_cannot_be_reused_for_another_action(selling_show, buyer_user, host):
    intent = chat_intent(selling_show, buyer_user)
    room = selling_show.room.pk
    intents.board_claim(room_id=room, actor=host, intent_id=intent.pk, key="same-key-1")
    _refused("invalid", intents.board_confirm, room_id=room, actor=host, intent_id=intent.pk, key="same-key-1")
    intent.refresh_from_db()
    assert intent.status == "claimed"


def test_a_refused_action_keeps_its_key_free_for_the_retry(selling_show, buyer_user, host):
    intent = chat_intent(selling_show, buyer_user, code="B03", quantity=5)
    ShowOffer.objects.filter(pk=intent.offer_id).update(stock_left=3)
    room = selling_show.room.pk
    _refused("not_enough_stock", intents.board_confirm, room_id=room, actor=host, intent_id=intent.pk, key="retry-key-1")
    ShowOffer.objects.filter(pk=intent.offer_id).update(stock_left=15)
    assert intents.board_confirm(room_id=room, actor=host, intent_id=intent.pk, key="retry-key-1")["intent"]["status"] == "confirmed"


def _race(calls):
    """Run the calls at the same moment in threads; [(result or error code)]."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except ApplicationError as exc:
            outcomes[index] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_tap_confirms_once(selling_show, buyer_user, host):
    intent = chat_intent(selling_show, buyer_user)
    room = selling_show.room.pk
    tap = lambda: intents.board_confirm(room_id=room, actor=host, intent_id=intent.pk, key="double-tap-1")  # noqa: E731
    outcomes = _race([tap, tap, tap])
    assert all(isinstance(o, dict) and o["intent"]["status"] == "confirmed" for o in outcomes), outcomes
    assert sum(bool(o.get("replayed")) for o in outcomes) == 2
    assert _stock(selling_show, "B01") == 298
    assert Order.objects.count() == 1
    assert OrderAction.objects.filter(kind=OrderAction.Kind.CONFIRM).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_cohosts_claiming_at_once_one_gets_it(selling_show, buyer_user, cohosts):
    intent = chat_intent(selling_show, buyer_user)
    room = selling_show.room.pk
    outcomes = _race(
        [lambda who=who: intents.board_claim(room_id=room, actor=who, intent_id=intent.pk, key="claim-race-1") for who in cohosts]
    )
    assert sorted(o if isinstance(o, str) else "claimed" for o in outcomes) == ["already_claimed", "claimed"]
    intent.refresh_from_db()
    assert intent.claimed_by_id in {c.user_id for c in cohosts}


def test_accepting_without_delivery_details_is_refused_and_changes_nothing(selling_show, buyer_user, host):
    intent = chat_intent(selling_show, buyer_user, quantity=90, delivery=None)  # the buyer never filled in the card
    error = _refused(
        "delivery_missing", intents.board_confirm, room_id=selling_show.room.pk, actor=host, intent_id=intent.pk, key="confirm-empty"
    )
    assert "thông tin giao hàng" in error.message
    intent.refresh_from_db()
    assert intent.status == "pending" and _stock(selling_show, "B01") == 300 and not Order.objects.exists()


# ----------------------------------------------------------------------------- the buyer's card


def test_the_buyer_edits_quantity_and_delivery_which_is_remembered(selling_show, buyer_user, buyer):
    intent = chat_intent(selling_show, buyer_user)
    room = selling_show.room.pk
    out = intents.order_update(
        room_id=room, actor=buyer, intent_id=intent.pk, key="save-card-1", quantity=4, note="Giao giờ hành chính",
        delivery={"name": " Phạm  Quốc Bảo ", "phone": "0987 654 321", "address": "12 Hàng Bạc, Hoàn Kiếm"},
    )["intent"]
    assert out["quantity"] == 4 and out["total"] == 480_000
    assert out["delivery"] == {"name": "Phạm Quốc Bảo", "phone": "0987 654 321", "address": "12 Hàng Bạc, Hoàn Kiếm"}
    assert DeliveryProfile.objects.get(user=buyer_user).phone == "+84987654321"
    mine = selectors.order_mine(room_id=room, actor=buyer)
    assert [i["id"] for i in mine["intents"]] == [intent.pk]
    assert mine["delivery"]["address"] == "12 Hàng Bạc, Hoàn Kiếm"


def test_the_card_refuses_bad_input(selling_show, buyer_user, buyer, make_user, as_participant):
    intent = chat_intent(selling_show, buyer_user, code="B03")
    room = selling_show.room.pk
    error = _refused(
        "invalid", intents.order_update, room_id=room, actor=buyer, intent_id=intent.pk, key="bad-phone-1", quantity=2,
        delivery={"name": "Bảo", "phone": "12345", "address": "Hà Nội"},
    )
    assert "delivery.phone" in error.fields
    _refused("not_enough_stock", intents.order_update, room_id=room, actor=buyer, intent_id=intent.pk, key="too-many-1", quantity=16)
    stranger = as_participant(make_user(full_name="Người lạ"))
    _refused("not_found", intents.order_update, room_id=room, actor=stranger, intent_id=intent.pk, key="stranger-1", quantity=1)
    _refused("not_found", intents.order_cancel, room_id=room, actor=stranger, intent_id=intent.pk, key="stranger-2")
    intent.refresh_from_db()
    assert intent.quantity == 2 and intent.status == "pending"
    assert DeliveryProfile.objects.get(user=buyer_user).phone == DELIVERY["phone"]  # the refused details were not remembered


def test_the_buyer_can_cancel_only_while_pending(selling_show, buyer_user, buyer, host):
    room = selling_show.room.pk
    pending = chat_intent(selling_show, buyer_user, code="B01")
    assert intents.order_cancel(room_id=room, actor=buyer, intent_id=pending.pk, key="cancel-b01")["intent"]["status"] == "cancelled"
    claimed = chat_intent(selling_show, buyer_user, code="B03")
    intents.board_claim(room_id=room, actor=host, intent_id=claimed.pk, key="claim-b03-1")
    _refused("not_pending", intents.order_cancel, room_id=room, actor=buyer, intent_id=claimed.pk, key="cancel-b03")
    _refused("not_pending", intents.order_update, room_id=room, actor=buyer, intent_id=claimed.pk, key="update-b03", quantity=1)


def test_cancelling_a_flash_sale_intent_gives_its_units_back(selling_show, vendor_user, buyer_user, buyer):
    intent = sale_intent(selling_show, vendor_user, buyer_user)
    room = selling_show.room.pk
    _refused("invalid", intents.order_update, room_id=room, actor=buyer, intent_id=intent.pk, key="sale-more-1", quantity=3)
    intents.order_cancel(room_id=room, actor=buyer, intent_id=intent.pk, key="cancel-sale")
    assert _stock(selling_show, "B02") == 40


def test_board_sync_lists_open_and_recent_intents(selling_show, buyer_user, host):
    a = chat_intent(selling_show, buyer_user, code="B01")
    b = chat_intent(selling_show, buyer_user, code="B03")
    intents.board_decline(room_id=selling_show.room.pk, actor=host, intent_id=b.pk, key="decline-sync", reason="Hết")
    listed = selectors.board_sync(room_id=selling_show.room.pk, actor=host)["intents"]
    assert [(i["id"], i["status"]) for i in listed] == [(a.pk, "pending"), (b.pk, "declined")]
