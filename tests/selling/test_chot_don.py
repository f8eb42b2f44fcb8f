"""Chốt đơn: a buyer's chat comment becomes order intents, or a polite reply to that buyer alone."""

import pytest

from live.broadcast import TO_HOSTS, to_user
from live.services import chat_post
from selling import frames, selectors
from selling.models import DeliveryProfile, OrderAction, OrderIntent, ShowOffer
from selling.services import intents


@pytest.fixture(autouse=True)
def _chatty(settings):
    """These tests write many comments as one buyer: no chat rate limit here (the engine tests it)."""
    settings.LIVE = {**getattr(settings, "LIVE", {}), "USER_CHAT_RULES": [(1000, 1)]}


@pytest.fixture
def say(selling_show, as_participant, django_capture_on_commit_callbacks):
    def _say(user, text):
        with django_capture_on_commit_callbacks(execute=True):
            return chat_post(room_id=selling_show.room.pk, actor=as_participant(user), text=text)

    return _say


def _intents(user):
    return list(OrderIntent.objects.filter(buyer=user).order_by("pk").values_list("product_code", "quantity", "status"))


def _replies(published, user=None):
    return [(frame["text"], to) for _room, frame, to in published if frame.get("type") == "order.reply"]


@pytest.mark.parametrize(
    "comment, expected",
    [
        ("chốt B01 2", [("B01", 2)]),
        ("chot b01 x2", [("B01", 2)]),
        ("B01 lấy 2", [("B01", 2)]),
        ("2 b01", [("B01", 2)]),
        ("em lấy 3 hộp B03 nha", [("B03", 3)]),
        ("CHỐT B02 1, B03 2", [("B02", 1), ("B03", 2)]),
        ("chốt B01 sđt 0912 345 678", [("B01", 1)]),
        ("chốt b01 2 nha, sdt 0987654321 ship về 25 Hàng Bài", [("B01", 2)]),
    ],
)
def test_the_issues_comments_become_the_right_intents(say, buyer_user, comment, expected, published):
    say(buyer_user, comment)
    assert _intents(buyer_user) == [(code, qty, "pending") for code, qty in expected]
    intent = OrderIntent.objects.filter(buyer=buyer_user).first()
    assert intent.source == OrderIntent.Source.CHAT
    assert intent.comment == comment
    assert intent.chat_seq == 1
    assert intent.unit_price == {"B01": 120_000, "B02": 180_000, "B03": 350_000}[intent.product_code]
    assert not _replies(published)


def test_each_intent_reaches_the_board_and_the_buyers_card(say, buyer_user, published, selling_show):
    say(buyer_user, "chốt B01 2")
    intent = OrderIntent.objects.get(buyer=buyer_user)
    targets = [to for _room, frame, to in published if frame.get("type") == "intent" and frame["id"] == intent.pk]
    assert TO_HOSTS in targets and to_user(buyer_user.pk) in targets
    frame = next(frame for _room, frame, _to in published if frame.get("type") == "intent")
    assert frame["code"] == "B01" and frame["quantity"] == 2 and frame["total"] == 240_000
    assert frame["buyer_name"] == "Phạm Quốc Bảo"


def test_the_delivery_profile_prefills_the_card(say, buyer_user):
    DeliveryProfile.objects.create(user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc")
    say(buyer_user, "chốt B02 1")
    intent = OrderIntent.objects.get(buyer=buyer_user)
    assert (intent.delivery_name, intent.delivery_phone, intent.delivery_address) == (
        "Phạm Quốc Bảo", "+84987654321", "12 Hàng Bạc"
    )
    assert frames.intent_frame(intent)["delivery"]["phone"] == "0987 654 321"


@pytest.mark.parametrize("text", ["B01 giá bao nhiêu?", "B02 còn không shop", "B01 đẹp quá", "chào shop nha", "ship Cầu Giấy mấy ngày?"])
def test_questions_and_plain_chat_create_nothing(say, buyer_user, published, text):
    say(buyer_user, text)
    assert OrderIntent.objects.count() == 0
    assert not _replies(published)


def test_a_repeated_comment_is_not_ordered_twice(say, buyer_user, published):
    say(buyer_user, "chốt B01 2")
    say(buyer_user, "chot b01 2")
    say(buyer_user, "B01 x2")
    assert _intents(buyer_user) == [("B01", 2, "pending")]
    # the card is shown again to the buyer, the board is not told three times
    to_hosts = [f for _r, f, to in published if f.get("type") == "intent" and to == TO_HOSTS]
    assert len(to_hosts) == 1


def test_another_quantity_updates_the_pending_intent_and_tells_the_buyer(say, buyer_user, published):
    say(buyer_user, "chốt B01 2")
    say(buyer_user, "chốt B01 3")
    assert _intents(buyer_user) == [("B01", 3, "pending")]
    [(text, to)] = _replies(published)
    assert "B01" in text and "3" in text and to == to_user(buyer_user.pk)
    assert OrderAction.objects.filter(kind=OrderAction.Kind.UPDATE).count() == 1


def test_another_quantity_after_a_host_claimed_it_is_left_to_the_host(say, buyer_user, vendor_user, as_participant, selling_show, published):
    say(buyer_user, "chốt B01 2")
    intent = OrderIntent.objects.get()
    intents.board_claim(room_id=selling_show.room.pk, actor=as_participant(vendor_user, "host"), intent_id=intent.pk, key="claim-0001")
    say(buyer_user, "chốt B01 5")
    assert _intents(buyer_user) == [("B01", 2, "claimed")]
    assert any("B01" in text for text, _to in _replies(published))


@pytest.mark.django_db(transaction=True)
def test_a_comment_racing_the_hosts_confirmation_waits_and_never_changes_the_confirmed_order(
    say, buyer_user, vendor_user, as_participant, selling_show, published
):
    """The host confirms "B01 2" while the buyer writes "B01 5": the comment waits for the
    confirmation (the open intent is locked) and then finds the order confirmed, so the
    recorded 2 units stay 2 and the 5 is a new order the host can still decline."""
    import threading

    from django.db import connection, transaction

    DeliveryProfile.objects.create(user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc")
    say(buyer_user, "chốt B01 2")
    intent = OrderIntent.objects.get()
    host = as_participant(vendor_user, "host")
    room_id = selling_show.room.pk  # a pending order may be confirmed without a claim
    confirming, comment_done = threading.Event(), threading.Event()

    def confirm_slowly():
        try:
            with transaction.atomic():
                OrderIntent.objects.select_for_update().get(pk=intent.pk)  # what the confirmation locks first
                confirming.set()
                comment_done.wait(0.5)  # the comment must not finish while we hold the order
                intents.board_confirm(room_id=room_id, actor=host, intent_id=intent.pk, key="confirm-race")
        finally:
            connection.close()

    worker = threading.Thread(target=confirm_slowly)
    worker.start()
    assert confirming.wait(5)
    say(buyer_user, "chốt B01 5")
    comment_done.set()
    worker.join(5)
    confirmed = OrderIntent.objects.get(pk=intent.pk)
    assert (confirmed.quantity, confirmed.status) == (2, "confirmed")
    assert _intents(buyer_user) == [("B01", 2, "confirmed"), ("B01", 5, "pending")]


def test_the_hosts_own_comment_calling_for_orders_is_not_an_order(
    selling_show, vendor_user, as_participant, published, django_capture_on_commit_callbacks
):
    for role in ("host", "cohost"):
        with django_capture_on_commit_callbacks(execute=True):
            chat_post(room_id=selling_show.room.pk, actor=as_participant(vendor_user, role), text="Chốt B01 2 hộp đi cả nhà ơi")
    assert OrderIntent.objects.count() == 0
    assert not _replies(published)


def test_two_buyers_ordering_the_same_product_get_two_intents(say, buyer_user, make_user):
    other = make_user(full_name="Vũ Thị Lan")
    say(buyer_user, "chốt B01 2")
    say(other, "chốt B01 2")
    assert OrderIntent.objects.count() == 2


@pytest.mark.parametrize(
    "text, words",
    [
        ("chốt B09 2", ["B09"]),
        ("chốt B01 0", ["B01", "1"]),
        ("chot b03 20", ["B03", "15"]),
        ("chốt 2 hộp", ["B01"]),
    ],
)
def test_bad_lines_get_a_polite_reply_to_that_buyer_only(say, buyer_user, published, text, words):
    say(buyer_user, text)
    assert OrderIntent.objects.count() == 0
    [(reply, to)] = _replies(published)
    assert to == to_user(buyer_user.pk)
    assert reply.startswith("Dạ, shop xin báo")
    assert all(word in reply for word in words)


def test_a_good_line_is_ordered_and_the_bad_one_replied(say, buyer_user, published):
    say(buyer_user, "chốt B01 2, B03 99")
    assert _intents(buyer_user) == [("B01", 2, "pending")]
    [(reply, _to)] = _replies(published)
    assert "B03" in reply and "15" in reply


def test_sold_out_offer_is_told_as_sold_out(say, buyer_user, published, selling_show):
    ShowOffer.objects.filter(show=selling_show, product__code="B02").update(stock_left=0)
    say(buyer_user, "chốt B02 1")
    assert OrderIntent.objects.count() == 0
    [(reply, _to)] = _replies(published)
    assert "hết hàng" in reply


def test_a_phone_number_is_not_a_quantity(say, buyer_user):
    say(buyer_user, "chốt B01 0912345678")
    assert _intents(buyer_user) == [("B01", 1, "pending")]


def test_a_show_with_nothing_on_offer_costs_no_parse(say, buyer_user, selling_show, monkeypatch):
    ShowOffer.objects.filter(show=selling_show).update(is_active=False)

    def boom(*args, **kwargs):
        raise AssertionError("parsed although nothing is on offer")

    monkeypatch.setattr(intents.order_parser, "parse_comment", boom)
    say(buyer_user, "chốt B01 2")
    assert OrderIntent.objects.count() == 0


def test_an_extensions_error_on_chat_surfaces_under_test(say, buyer_user, selling_show, monkeypatch):
    """What makes the test above able to fail: under test a room extension's error is raised
    (``LIVE["RAISE_EXTENSION_ERRORS"]``), not logged and swallowed as in production."""

    def boom(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(intents.order_parser, "parse_comment", boom)
    with pytest.raises(AssertionError, match="parsed"):
        say(buyer_user, "chốt B01 2")


def test_offered_codes_are_cached_briefly(selling_show, django_assert_num_queries):
    room_id = selling_show.room.pk
    selectors.offered_codes(room_id=room_id)
    with django_assert_num_queries(0):
        for _ in range(50):
            show_id, codes = selectors.offered_codes(room_id=room_id)
    assert show_id == selling_show.pk and set(codes) == {"B01", "B02", "B03"}
