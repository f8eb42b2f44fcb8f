"""Small helpers for the selling tests: participants, a flash sale that is open now, and
intents and orders made the way a room makes them (through the services, never by hand).
"""

from datetime import timedelta

from django.utils import timezone

from live import order_parser
from live.models import Show
from live.selectors import Participant, participant_for
from selling import selectors
from selling.models import DeliveryProfile, FlashSale, OrderIntent, ShowOffer
from selling.services import intents, sales

#: delivery details a buyer has given before (remembered: every new intent of theirs starts with them)
DELIVERY = {"name": "Phạm Thu Trang", "phone": "+84912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}


def as_participant(user, show) -> Participant:
    return participant_for(user=user, show=show)


def go_live(show) -> None:
    show.state, show.started_at = Show.State.LIVE, timezone.now()
    Show.objects.filter(pk=show.pk).update(state=show.state, started_at=show.started_at)


def open_now(sale: FlashSale) -> FlashSale:
    """Move a scheduled sale's countdown into the past (the sale keeps its duration)."""
    now = timezone.now()
    FlashSale.objects.filter(pk=sale.pk).update(
        opens_at=now - timedelta(seconds=1), closes_at=now + timedelta(seconds=sale.duration_seconds)
    )
    sale.refresh_from_db()
    return sale


def start_sale(show, host_user, offer, **overrides) -> FlashSale:
    values = {"sale_price": 99_000, "quantity": 10, "per_buyer_cap": 2, "countdown_seconds": 10, "duration_seconds": 120}
    values.update(overrides)
    return sales.sale_start(
        room_id=show.room.pk, actor=as_participant(host_user, show), offer_id=offer.pk, **values
    )


#: a real-looking long Vietnamese product name (about 190 characters, most of them 2–3 bytes in UTF-8)
LONG_NAME = "Bưởi đỏ Đông Cao Mê Linh loại đặc biệt, quả to đều, vỏ mỏng, múi đỏ hồng, ngọt thanh, hộp quà Tết {n} quả kèm túi vải và thiệp chúc mừng năm mới"


def offer_many(show, stall, host_user, count: int) -> list:
    """``count`` more products of the stall, each with a long name, on offer in ``show``; returns their codes.

    Their cards make the show's ``welcome`` far bigger than daphne's 16 KB message cap.
    """
    from selling.models import ShowOffer
    from vendors import services as vendor_services
    from vendors.models import OcopGroup

    vendor, _products = stall
    codes = []
    for n in range(1, count + 1):
        product = vendor_services.product_create(
            vendor=vendor, actor=host_user, name=LONG_NAME.format(n=n), code=f"L{n:02d}", group=OcopGroup.FOOD,
            stars=4, price=250_000 + n * 1000, unit="hộp quà", stock=50,
        )
        ShowOffer.objects.create(show=show, product=product, position=100 + n, stock_left=50)
        codes.append(product.code)
    return codes


def delivery_remember(buyer_user, delivery: dict | None = DELIVERY) -> None:
    """The buyer gave these delivery details in an earlier show (``None``: never gave any)."""
    if delivery is None:
        DeliveryProfile.objects.filter(user=buyer_user).delete()
    else:
        DeliveryProfile.objects.update_or_create(user=buyer_user, defaults=delivery)


def chat_intent(show, buyer_user, code="B01", quantity=2, *, delivery: dict | None = DELIVERY) -> OrderIntent:
    """The buyer writes "chốt <code> <quantity>" in the room: the intent the chốt đơn service makes of it.

    The comment goes through the parser and ``intents.intents_from_comment`` with the codes on
    offer, exactly as ``chat_posted`` does after the chat message is saved.
    """
    delivery_remember(buyer_user, delivery)
    return comment_intent(show, buyer_user, f"chốt {code} {quantity}")


def comment_intent(show, buyer_user, comment: str, *, chat_seq: int | None = None) -> OrderIntent:
    """The intent the chốt đơn service makes of one order comment, as ``chat_posted`` does."""
    selectors.offered_codes_forget(room_id=show.room.pk)
    show_id, offered = selectors.offered_codes(room_id=show.room.pk)
    parsed = order_parser.parse_comment(comment, offered_codes=offered.keys(), max_quantity=intents.MAX_QUANTITY)
    [intent] = intents.intents_from_comment(
        room_id=show.room.pk,
        show_id=show_id,
        buyer_id=buyer_user.pk,
        chat_seq=chat_seq,
        comment=comment,
        parsed=parsed,
        offer_ids=offered,
    )
    return intent


def sale_intent(
    show, host_user, buyer_user, code="B02", quantity=2, *, price=99_000, delivery: dict | None = DELIVERY
) -> OrderIntent:
    """A flash sale on ``code`` that the buyer bought ``quantity`` of (the units are taken at the buy)."""
    delivery_remember(buyer_user, delivery)
    if show.state != Show.State.LIVE:
        go_live(show)
    offer = ShowOffer.objects.get(show=show, product__code=code)
    sale = open_now(start_sale(show, host_user, offer, sale_price=price, quantity=10, per_buyer_cap=3))
    ack = sales.sale_buy(
        room_id=show.room.pk,
        actor=as_participant(buyer_user, show),
        sale_id=sale.pk,
        quantity=quantity,
        unit_price=price,
        key=f"buy-{sale.pk}-{buyer_user.pk}",
    )
    return OrderIntent.objects.get(pk=ack["intent_id"])


def order_accept(show, host_user, intent: OrderIntent):
    """The host accepts the intent on the board: the order ``orders.order_place`` placed for it."""
    intents.board_confirm(
        room_id=show.room.pk, actor=as_participant(host_user, show), intent_id=intent.pk, key=f"accept-{intent.pk}"
    )
    return OrderIntent.objects.select_related("order").get(pk=intent.pk).order
