"""Products on show and flash sales over the room socket, through the real ASGI stack."""


import pytest
from channels.db import database_sync_to_async

from selling.models import FlashSale, OrderIntent, ShowOffer
from tests.selling.helpers import go_live, open_now, start_sale

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async
# The stall (B01–B03) and the show offering them, shared with tests/selling.


def _offer_id(show, code):
    return ShowOffer.objects.get(show=show, product__code=code).pk


async def test_host_pins_and_every_viewer_sees_the_card(selling_show, connect, vendor_user, buyer_user):
    b02 = await db(_offer_id)(selling_show, "B02")
    host = await connect(selling_show.room, vendor_user)
    viewer = await connect(selling_show.room, buyer_user)
    anon = await connect(selling_show.room)
    assert [c["code"] for c in viewer.welcome["selling"]["offers"]] == ["B01", "B02", "B03"]
    assert viewer.welcome["selling"]["pinned_offer_id"] is None
    await host.send(type="offer.pin", offer_id=b02, ref="p")
    ack = await host.wait_type("ack", ref="p")
    assert ack["card"]["code"] == "B02"
    for sock in (viewer, anon):
        event = await sock.wait_type("product.pinned")
        assert event["offer_id"] == b02
        assert event["card"] == {**event["card"], "name": "Mật ong hoa nhãn", "price": 180_000, "stock_left": 40, "stars": 3}
    late = await connect(selling_show.room, buyer_user)
    assert late.welcome["selling"]["pinned_offer_id"] == b02


async def test_a_verified_distributor_asks_the_room_for_its_own_prices(selling_show, connect, buyer_user, make_user):
    from tests.market.buying_helpers import business_buyer, tiers

    def prepare():
        offer = ShowOffer.objects.select_related("product").get(show=selling_show, product__code="B02")
        tiers(offer.product, (10, 150_000))
        return offer.pk, business_buyer(make_user, "phanphoi@example.vn")

    b02, distributor = await db(prepare)()
    wholesale = await connect(selling_show.room, distributor)
    await wholesale.send(type="offer.prices", ref="w")
    assert (await wholesale.wait_type("ack", ref="w"))["prices"] == {str(b02): [{"min_quantity": 10, "unit_price": 150_000}]}
    for user in (buyer_user, None):  # a consumer, an anonymous viewer: the card's price is theirs
        sock = await connect(selling_show.room, user) if user else await connect(selling_show.room)
        await sock.send(type="offer.prices", ref="r")
        assert (await sock.wait_type("ack", ref="r"))["prices"] == {}


async def test_viewer_cannot_send_host_messages(selling_show, connect, buyer_user, stall):
    await db(go_live)(selling_show)
    b01 = await db(_offer_id)(selling_show, "B01")
    viewer = await connect(selling_show.room, buyer_user)
    frames = [
        {"type": "offer.set", "product_ids": [stall[1]["B01"].pk]},
        {"type": "offer.pin", "offer_id": b01},
        {"type": "sale.start", "offer_id": b01, "sale_price": 90_000, "quantity": 5, "per_buyer_cap": 1,
         "countdown_seconds": 10, "duration_seconds": 60},
        {"type": "sale.cancel", "sale_id": 1},
    ]
    for n, frame in enumerate(frames):
        await viewer.send(**frame, ref=f"f{n}")
        error = await viewer.wait_type("error", ref=f"f{n}")
        assert error["code"] == "forbidden" and error["message"]
    assert await db(FlashSale.objects.count)() == 0
    assert await db(ShowOffer.objects.filter(is_pinned=True).count)() == 0


async def test_buy_over_the_socket(selling_show, connect, vendor_user, buyer_user):
    await db(go_live)(selling_show)
    host = await connect(selling_show.room, vendor_user)
    buyer = await connect(selling_show.room, buyer_user)
    b01 = await db(_offer_id)(selling_show, "B01")
    await host.send(type="sale.start", offer_id=b01, sale_price=99_000, quantity=10, per_buyer_cap=2,
                    countdown_seconds=10, duration_seconds=60, ref="s")
    sale_id = (await host.wait_type("ack", ref="s"))["sale_id"]
    scheduled = await buyer.wait_type("sale.scheduled")
    assert scheduled["sale"]["id"] == sale_id and scheduled["sale"]["state"] == "counting"
    await buyer.send(type="sale.buy", sale_id=sale_id, quantity=1, unit_price=99_000, key="k-socket-0", ref="early")
    assert (await buyer.wait_type("error", ref="early"))["code"] == "sale_not_open"
    await db(open_now)(await db(FlashSale.objects.get)(pk=sale_id))
    await buyer.send(type="sale.buy", sale_id=sale_id, quantity=2, unit_price=99_000, key="k-socket-1", ref="b")
    ack = await buyer.wait_type("ack", ref="b")
    assert ack["quantity"] == 2 and ack["remaining"] == 8
    intent = await db(OrderIntent.objects.get)(pk=ack["intent_id"])
    assert intent.buyer_id == buyer_user.pk and intent.source == "flash_sale"
    progress = await host.wait_type("sale.progress")
    assert (progress["sale_id"], progress["sold"], progress["remaining"]) == (sale_id, 2, 8)
    card = await host.wait_type("intent")  # the host's board hears of it at once
    assert card["id"] == intent.pk
    await buyer.send(type="sale.buy", sale_id=sale_id, quantity=1, unit_price=50_000, key="k-socket-2", ref="forged")
    assert (await buyer.wait_type("error", ref="forged"))["code"] == "price_changed"
    await buyer.send(type="sale.buy", sale_id=sale_id, quantity=1, unit_price=99_000, key="k-socket-3", ref="cap")
    assert (await buyer.wait_type("error", ref="cap"))["code"] == "cap_reached"


async def test_late_joiner_gets_the_pinned_card_and_the_running_sale(selling_show, connect, vendor_user, buyer_user):
    def prepare():
        go_live(selling_show)
        from selling.services import offers
        from tests.selling.helpers import as_participant

        offer = ShowOffer.objects.get(show=selling_show, product__code="B03")
        offers.offer_pin(room_id=selling_show.room.pk, actor=as_participant(vendor_user, selling_show), offer_id=offer.pk)
        return offer.pk, start_sale(selling_show, vendor_user, offer, sale_price=300_000, quantity=5).pk

    offer_id, sale_id = await db(prepare)()
    late = await connect(selling_show.room, buyer_user)
    selling = late.welcome["selling"]
    assert selling["pinned_offer_id"] == offer_id
    assert selling["sale"] == {**selling["sale"], "id": sale_id, "sale_price": 300_000, "remaining": 5, "state": "counting"}
    await late.send(type="sale.clock", ref="t")
    assert (await late.wait_type("ack", ref="t"))["now"]


async def test_the_sale_end_task_announces_the_end_to_the_room_on_time(selling_show, connect, vendor_user, buyer_user):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from tests.tasks_worker import run_due_tasks

    def close_at(sale, when):
        """Move the sale's end, and the end task sale_start queued for it, to ``when``."""
        FlashSale.objects.filter(pk=sale.pk).update(closes_at=when)
        assert DBTaskResult.objects.filter(task_path="selling.tasks.sale_close", args_kwargs__kwargs__sale_id=sale.pk).update(
            run_after=when
        ) == 1

    def prepare():
        go_live(selling_show)
        offer = ShowOffer.objects.get(show=selling_show, product__code="B01")
        sale = open_now(start_sale(selling_show, vendor_user, offer))
        close_at(sale, timezone.now() + timedelta(minutes=1))
        return sale

    sale = await db(prepare)()
    viewer = await connect(selling_show.room, buyer_user)
    assert viewer.welcome["selling"]["sale"]["state"] == "open"
    assert "selling.tasks.sale_close" not in await db(run_due_tasks)()  # not due yet
    # The clock reaches closes_at (moved, not waited for: a slow machine must not make it due early).
    await db(close_at)(sale, timezone.now() - timedelta(milliseconds=1))
    assert "selling.tasks.sale_close" in await db(run_due_tasks)()  # the worker ends it; nobody reads or buys
    ended = await viewer.wait_type("sale.ended", timeout=3)
    assert (ended["sale_id"], ended["reason"]) == (sale.pk, "time")
