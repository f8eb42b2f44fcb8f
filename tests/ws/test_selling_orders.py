"""Chốt đơn and the order board through the real socket: comment → board → confirmed card."""

import pytest
from channels.db import database_sync_to_async

from accounts.roles import Role
from orders.models import Order
from selling import selectors
from selling.models import DeliveryProfile, OrderIntent, ShowOffer

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async


@pytest.fixture(autouse=True)
def _fresh_offered_codes():
    selectors.offered_codes_forget()
    yield
    selectors.offered_codes_forget()


@pytest.fixture
def viewer_user(make_user):
    return make_user("khan-gia@example.vn", roles=[Role.CONSUMER], full_name="Phạm Khán Giả")


def _is_intent(**match):
    return lambda f: f.get("type") == "intent" and all(f.get(k) == v for k, v in match.items())


async def test_a_chat_order_reaches_the_board_and_the_buyer_sees_it_confirmed(selling_show, connect, vendor_user, buyer_user):
    room = await db(lambda: selling_show.room)()
    await db(DeliveryProfile.objects.create)(user=buyer_user, name="Phạm Quốc Bảo", phone="+84987654321", address="12 Hàng Bạc")
    host = await connect(room, vendor_user)
    buyer = await connect(room, buyer_user)
    await buyer.send(type="chat.send", text="chot b01 2", ref="c1")
    on_board = await host.wait_for(_is_intent(code="B01", status="pending"))
    assert on_board["quantity"] == 2 and on_board["buyer_name"] == "Phạm Quốc Bảo" and on_board["total"] == 240_000
    card = await buyer.wait_for(_is_intent(id=on_board["id"]))
    assert card["status"] == "pending"

    await host.send(type="board.claim", intent_id=on_board["id"], key="claim-press-1", ref="k1")
    ack = await host.wait_type("ack", ref="k1")
    assert ack["intent"]["status"] == "claimed" and ack["intent"]["claimed_by_id"] == vendor_user.pk
    await buyer.wait_for(_is_intent(id=on_board["id"], status="claimed"))

    await host.send(type="board.confirm", intent_id=on_board["id"], key="confirm-press-1", ref="k2")
    assert (await host.wait_type("ack", ref="k2"))["intent"]["status"] == "confirmed"
    await buyer.wait_for(_is_intent(id=on_board["id"], status="confirmed"))
    # every viewer's product card shows the stock the confirmation took (in the same tick)
    stock = [e for f in buyer.seen for e in f.get("events", []) if e.get("type") == "offer.stock"]
    assert [(e["offer_id"], e["stock_left"]) for e in stock] == [(on_board["offer_id"], 298)]
    # a retry of the same press (the ack was lost) changes nothing
    await host.send(type="board.confirm", intent_id=on_board["id"], key="confirm-press-1", ref="k3")
    assert (await host.wait_type("ack", ref="k3"))["replayed"] is True
    assert await db(Order.objects.count)() == 1
    assert await db(lambda: ShowOffer.objects.get(show=selling_show, product__code="B01").stock_left)() == 298

    await buyer.send(type="order.mine", ref="m")
    mine = await buyer.wait_type("ack", ref="m")
    assert [(i["code"], i["status"]) for i in mine["intents"]] == [("B01", "confirmed")]


async def test_the_polite_reply_reaches_only_that_buyer(selling_show, connect, vendor_user, buyer_user, viewer_user):
    room = await db(lambda: selling_show.room)()
    buyer = await connect(room, buyer_user)
    other = await connect(room, viewer_user)
    await buyer.send(type="chat.send", text="chốt B09 2", ref="c1")
    reply = await buyer.wait_type("order.reply")
    assert "B09" in reply["text"]
    # the other viewer sees the comment and a later one, but never the reply
    await other.wait_type("chat", text="chốt B09 2")
    await other.send(type="chat.send", text="xin chào", ref="c2")
    await other.wait_type("chat", text="xin chào")
    seen = [f for frame in other.seen for f in [frame, *frame.get("events", [])]]
    assert not [f for f in seen if f.get("type") in ("order.reply", "intent")]
    assert await db(OrderIntent.objects.count)() == 0


async def test_a_viewer_cannot_send_board_messages(selling_show, connect, buyer_user, viewer_user):
    room = await db(lambda: selling_show.room)()
    buyer = await connect(room, buyer_user)
    await buyer.send(type="chat.send", text="chốt B03 1", ref="c")
    intent = await buyer.wait_for(_is_intent(code="B03"))
    other = await connect(room, viewer_user)
    await other.send(type="board.confirm", intent_id=intent["id"], key="sneaky-confirm", ref="x")
    error = await other.wait_type("error", ref="x")
    assert error["code"] == "forbidden"
    await other.send(type="board.sync", ref="y")
    assert (await other.wait_type("error", ref="y"))["code"] == "forbidden"
    await other.send(type="board.claim", intent_id=intent["id"], ref="z")  # no key
    assert (await other.wait_type("error", ref="z"))["code"] == "bad_message"
    assert await db(lambda: OrderIntent.objects.get(pk=intent["id"]).status)() == "pending"


async def test_the_board_syncs_after_a_reconnect(selling_show, connect, vendor_user, buyer_user):
    room = await db(lambda: selling_show.room)()
    buyer = await connect(room, buyer_user)
    await buyer.send(type="chat.send", text="B02 lấy 3", ref="c")
    intent = await buyer.wait_for(_is_intent(code="B02"))
    host = await connect(room, vendor_user)  # joined after the intent was made: directed frames are not replayed
    await host.send(type="board.sync", ref="s")
    synced = await host.wait_type("ack", ref="s")
    assert [(i["id"], i["quantity"]) for i in synced["intents"]] == [(intent["id"], 3)]


async def test_the_reply_and_refusals_speak_the_buyers_language(selling_show, buyer_user, vendor_user):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from tests.ws.conftest import ORIGIN, Socket, _session_cookie

    room = await db(lambda: selling_show.room)()
    cookie = await db(_session_cookie)(buyer_user)
    communicator = WebsocketCommunicator(
        application, f"/ws/rooms/{room.pk}/", headers=[(b"origin", ORIGIN), (b"cookie", cookie), (b"accept-language", b"en")]
    )
    communicator.scope["client"] = ("10.0.0.9", 5000)
    assert (await communicator.connect(timeout=3))[0]
    buyer = Socket(communicator)
    try:
        await buyer.wait_type("welcome")
        await buyer.send(type="chat.send", text="chốt B09 2", ref="c1")
        reply = await buyer.wait_type("order.reply")
        assert reply["text"] == "Please note: Code B09 is not on offer in this live session. Thank you!"
        await buyer.send(type="board.sync", ref="b")
        assert (await buyer.wait_type("error", ref="b"))["message"] == "Only the host and co-hosts can handle orders."
    finally:
        await communicator.disconnect()
