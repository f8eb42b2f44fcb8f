"""A flash sale's buys in batches: what buyers arriving together are told, and the desk that batches them."""

import asyncio

import pytest

from config.errors import ApplicationError
from live.models import RoomEvent
from selling import desk as desk_module
from selling.models import FlashSale, OrderAction, OrderIntent, ShowOffer
from selling.services import sales
from selling.services.sales import Purchase
from tests.selling.helpers import as_participant, go_live, open_now, start_sale


@pytest.fixture
def rush(selling_show, vendor_user, make_user):
    """An open sale of 3 units of B01 (1 per buyer) and four buyers in the room."""
    go_live(selling_show)
    offer = ShowOffer.objects.get(show=selling_show, product__code="B01")
    sale = open_now(start_sale(selling_show, vendor_user, offer, quantity=3, per_buyer_cap=1))
    buyers = [as_participant(make_user(email=f"rush{i}@example.vn"), selling_show) for i in range(4)]
    return selling_show, sale, buyers


def _buy_together(show, sale, purchases):
    return sales.sales_buy(room_id=show.room.pk, sale_id=sale.pk, purchases=purchases)


def _press(actor, key, sale, **kw):
    return Purchase(
        actor=actor, quantity=kw.get("quantity", 1), unit_price=kw.get("unit_price", sale.sale_price), key=key
    )


@pytest.mark.django_db
def test_buyers_arriving_together_are_served_in_order_until_sold_out(rush):
    show, sale, buyers = rush
    events = RoomEvent.objects.filter(room=show.room).count()
    results = _buy_together(show, sale, [_press(b, f"press-{i}", sale) for i, b in enumerate(buyers)])

    won, lost = results[:3], results[3]
    assert [r["remaining"] for r in won] == [2, 1, 0]
    assert isinstance(lost, ApplicationError) and lost.code == "sold_out"
    assert sorted(OrderIntent.objects.filter(flash_sale=sale).values_list("buyer_id", flat=True)) == sorted(
        b.user_id for b in buyers[:3]
    )
    sale.refresh_from_db()
    assert sale.sold == 3 and sale.end_reason == FlashSale.EndReason.SOLD_OUT
    assert ShowOffer.objects.get(pk=sale.offer_id).stock_left == 297
    # the room hears the batch once: one progress and the end
    kinds = list(RoomEvent.objects.filter(room=show.room).order_by("seq").values_list("kind", flat=True)[events:])
    assert kinds == ["sale.progress", "sale.ended"]


@pytest.mark.django_db
def test_a_double_tap_in_one_batch_buys_once_and_is_told_so(rush):
    show, sale, buyers = rush
    first, second = _buy_together(
        show, sale, [_press(buyers[0], "tap-tap-1", sale), _press(buyers[0], "tap-tap-1", sale)]
    )

    assert "replayed" not in first and second["replayed"] is True
    assert second["intent_id"] == first["intent_id"]
    assert OrderIntent.objects.filter(flash_sale=sale).count() == 1
    assert OrderAction.objects.filter(key="tap-tap-1").count() == 1
    # and the same key later is a replay too
    (again,) = _buy_together(show, sale, [_press(buyers[0], "tap-tap-1", sale)])
    assert again["replayed"] is True and again["intent_id"] == first["intent_id"]


@pytest.mark.django_db
def test_a_buyer_over_the_cap_in_one_batch_is_refused_but_the_others_buy(rush):
    show, sale, buyers = rush
    results = _buy_together(
        show,
        sale,
        [
            _press(buyers[0], "cap-one-1", sale),
            _press(buyers[0], "cap-one-2", sale),
            _press(buyers[1], "cap-two-1", sale),
            _press(buyers[2], "wrong-price", sale, unit_price=sale.sale_price + 1000),
        ],
    )

    assert results[0]["remaining"] == 2
    assert isinstance(results[1], ApplicationError) and results[1].code == "cap_reached"
    assert results[2]["remaining"] == 1
    assert isinstance(results[3], ApplicationError) and results[3].code == "price_changed"
    sale.refresh_from_db()
    assert sale.sold == 2 and sale.ended_at is None


@pytest.mark.django_db
def test_stock_taken_by_chat_orders_meanwhile_limits_the_batch_and_ends_the_sale(rush):
    show, sale, buyers = rush
    ShowOffer.objects.filter(pk=sale.offer_id).update(stock_left=1)  # chat orders took the rest
    results = _buy_together(show, sale, [_press(b, f"stock-{i}", sale) for i, b in enumerate(buyers[:2])])

    assert results[0]["intent_id"] and results[1].code == "sold_out"
    sale.refresh_from_db()
    assert sale.sold == 1 and sale.end_reason == FlashSale.EndReason.SOLD_OUT
    assert ShowOffer.objects.get(pk=sale.offer_id).stock_left == 0


def test_the_desk_sends_buys_that_arrive_together_in_one_batch_and_answers_each(monkeypatch):
    batches = []

    def fake_sales_buy(*, room_id, sale_id, purchases):
        batches.append((room_id, sale_id, [p.key for p in purchases]))
        return [
            ApplicationError("Hết hàng.", code="sold_out")
            if p.key.endswith("late")
            else {"intent_id": n, "remaining": 0}
            for n, p in enumerate(purchases)
        ]

    monkeypatch.setattr(desk_module.sales, "sales_buy", fake_sales_buy)
    # the batching alone: a plain worker thread stands in for the room's database threads
    monkeypatch.setattr(desk_module, "room_db", lambda func: lambda **kwargs: asyncio.to_thread(func, **kwargs))
    desk = desk_module.SaleDesk()

    async def rush():
        def press(key, lang="vi"):
            return desk.buy(
                room_id=1, sale_id=7, lang=lang, purchase=Purchase(actor=None, quantity=1, unit_price=1, key=key)
            )

        first = asyncio.ensure_future(press("alone-first"))
        await asyncio.sleep(0)  # the first goes alone; the next three queue behind it
        rest = [asyncio.ensure_future(press(k)) for k in ("second", "third", "fourth-late")]
        english = asyncio.ensure_future(press("english", lang="en"))
        return await asyncio.gather(first, *rest, english, return_exceptions=True)

    answers = asyncio.run(rush())

    # the first goes alone; the three that queued meanwhile go together; another language, another batch
    assert sorted(keys for _room, _sale, keys in batches) == [
        ["alone-first"],
        ["english"],
        ["second", "third", "fourth-late"],
    ]
    assert {(room, sale) for room, sale, _keys in batches} == {(1, 7)}
    assert answers[0] == {"intent_id": 0, "remaining": 0}
    assert answers[1] == {"intent_id": 0, "remaining": 0} and answers[2] == {"intent_id": 1, "remaining": 0}
    assert isinstance(answers[3], ApplicationError) and answers[3].code == "sold_out"
    assert answers[4] == {"intent_id": 0, "remaining": 0}
