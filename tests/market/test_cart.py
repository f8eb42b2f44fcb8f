"""The stall cart: products on offer, kept across stalls, checked out through the one order path
(one order per vendor, all or nothing, once per key), never more than the stock."""

import pytest

from config.errors import ApplicationError
from market.cart import buyer_session_orders, cart_add, cart_checkout, cart_remove, cart_update, carts_of
from market.models import Cart
from orders.models import Channel, Order, OrderEvent
from selling.models import DeliveryProfile
from tests.market.buying_helpers import DELIVERY
from vendors.models import Product


@pytest.fixture
def two_stalls(promoted_stall, second_stall):
    return promoted_stall, second_stall


def _stock(product):
    product.refresh_from_db()
    return product.stock - product.stock_reserved


def test_the_buyer_keeps_each_stalls_cart_while_moving_between_them(two_stalls, buyer_user):
    first, second = two_stalls
    cart_add(buyer=buyer_user, product_id=first.products["B01"].pk, quantity=2)
    cart_add(buyer=buyer_user, product_id=second.products["C01"].pk, quantity=1)
    cart_add(buyer=buyer_user, product_id=first.products["B01"].pk, quantity=1)  # back at the first stall
    carts = {
        c.vendor.legal_name: [(line.product.code, line.quantity) for line in c.lines]
        for c in carts_of(buyer=buyer_user)
    }
    assert carts == {"HTX Bưởi đỏ Đông Cao": [("B01", 3)], "HTX Chè Ba Vì": [("C01", 1)]}
    cart_update(buyer=buyer_user, product_id=first.products["B01"].pk, quantity=5)
    cart_remove(buyer=buyer_user, product_id=second.products["C01"].pk)
    assert [(c.vendor.legal_name, c.total) for c in carts_of(buyer=buyer_user)] == [("HTX Bưởi đỏ Đông Cao", 600_000)]


def test_checkout_places_one_order_per_vendor_through_order_place_and_remembers_the_delivery(two_stalls, buyer_user):
    first, second = two_stalls
    cart_add(buyer=buyer_user, product_id=first.products["B01"].pk, quantity=2)
    cart_add(buyer=buyer_user, product_id=first.products["B03"].pk, quantity=1)
    cart_add(buyer=buyer_user, product_id=second.products["C02"].pk, quantity=3)
    orders = cart_checkout(buyer=buyer_user, delivery=DELIVERY, client_key="tap-1", expected_total=1_250_000)
    assert sorted((o.vendor.legal_name, o.total, o.channel) for o in orders) == [
        ("HTX Bưởi đỏ Đông Cao", 590_000, Channel.STALL_CART),
        ("HTX Chè Ba Vì", 660_000, Channel.STALL_CART),
    ]
    assert OrderEvent.objects.filter(action="place", order__in=orders).count() == 2  # the one order path's event
    assert _stock(first.products["B01"]) == 298 and _stock(second.products["C02"]) == 27
    assert not Cart.objects.filter(buyer=buyer_user).exists()
    profile = DeliveryProfile.objects.get(user=buyer_user)
    assert (profile.name, profile.phone) == ("Phạm Quốc Bảo", "+84987654321")


def test_the_same_key_places_the_orders_once(two_stalls, buyer_user):
    first, _second = two_stalls
    cart_add(buyer=buyer_user, product_id=first.products["B02"].pk, quantity=4)
    once = cart_checkout(buyer=buyer_user, delivery=DELIVERY, client_key="double-tap")
    again = cart_checkout(buyer=buyer_user, delivery=DELIVERY, client_key="double-tap")
    assert [o.pk for o in once] == [o.pk for o in again]
    assert Order.objects.count() == 1 and _stock(first.products["B02"]) == 36


def test_more_than_the_stock_is_refused_with_a_clear_message_and_nothing_changes(two_stalls, buyer_user):
    first, _second = two_stalls
    b03 = first.products["B03"]  # 15 in stock
    with pytest.raises(ApplicationError) as refused:
        cart_add(buyer=buyer_user, product_id=b03.pk, quantity=16)
    assert refused.value.code == "not_enough_stock"
    assert refused.value.message == "Không đủ hàng: Trà sen Tây Hồ (mã B03) chỉ còn 15 hộp, bạn chọn 16."
    assert not Cart.objects.filter(buyer=buyer_user).exists()
    cart_add(buyer=buyer_user, product_id=b03.pk, quantity=10)
    with pytest.raises(ApplicationError):
        cart_add(buyer=buyer_user, product_id=b03.pk, quantity=6)
    with pytest.raises(ApplicationError):
        cart_update(buyer=buyer_user, product_id=b03.pk, quantity=16)
    assert [line.quantity for line in carts_of(buyer=buyer_user)[0].lines] == [10]


def test_stock_sold_elsewhere_meanwhile_refuses_the_whole_checkout(two_stalls, buyer_user, make_user):
    first, second = two_stalls
    cart_add(buyer=buyer_user, product_id=second.products["C01"].pk, quantity=1)
    cart_add(buyer=buyer_user, product_id=first.products["B03"].pk, quantity=10)
    other = make_user("khac@example.vn")
    cart_add(buyer=other, product_id=first.products["B03"].pk, quantity=10)
    cart_checkout(buyer=other, delivery=DELIVERY, client_key="first")
    with pytest.raises(ApplicationError) as refused:
        cart_checkout(buyer=buyer_user, delivery=DELIVERY, client_key="second")
    assert refused.value.code == "not_enough_stock" and "chỉ còn 5" in refused.value.message
    assert Order.objects.filter(buyer=buyer_user).count() == 0  # not even the Ba Vì order
    assert len(carts_of(buyer=buyer_user)) == 2 and _stock(second.products["C01"]) == 80


@pytest.mark.parametrize(
    "delivery, field",
    [({**DELIVERY, "phone": "123"}, "delivery.phone"), ({**DELIVERY, "address": " "}, "delivery.address")],
)
def test_incomplete_delivery_details_are_refused(two_stalls, buyer_user, delivery, field):
    cart_add(buyer=buyer_user, product_id=two_stalls[0].products["B01"].pk, quantity=1)
    with pytest.raises(ApplicationError) as refused:
        cart_checkout(buyer=buyer_user, delivery=delivery, client_key="k")
    assert field in refused.value.fields and not Order.objects.exists()


def test_a_changed_total_is_refused(two_stalls, buyer_user):
    product = two_stalls[0].products["B01"]
    cart_add(buyer=buyer_user, product_id=product.pk, quantity=1)
    Product.objects.filter(pk=product.pk).update(price=130_000)
    with pytest.raises(ApplicationError) as refused:
        cart_checkout(buyer=buyer_user, delivery=DELIVERY, client_key="k", expected_total=120_000)
    assert refused.value.code == "total_mismatch" and "130.000 ₫" in refused.value.message


def test_products_off_offer_and_ones_own_stall_are_refused(two_stalls, buyer_user):
    from tests.market.conftest import unverified_product

    first, _second = two_stalls
    draft = unverified_product(first.vendor, first.user)
    with pytest.raises(ApplicationError) as off:
        cart_add(buyer=buyer_user, product_id=draft.pk, quantity=1)
    assert off.value.code == "not_on_offer"
    with pytest.raises(ApplicationError) as own:
        cart_add(buyer=first.user, product_id=first.products["B01"].pk, quantity=1)
    assert own.value.code == "own_stall"
    with pytest.raises(ApplicationError):
        cart_checkout(buyer=buyer_user, delivery=DELIVERY, client_key="empty")


def test_in_a_session_the_cart_sells_from_the_stalls_room_and_gathers_my_orders(published_session, buyer_user):
    from market.timetable import session_go_live
    from selling.models import ShowOffer

    session = published_session.session
    first = published_session.stalls[0]
    b03 = first.products["B03"]
    assert session_go_live(session_id=session.pk, now=session.starts_at)  # the offers take their stock
    offer = ShowOffer.objects.get(show=first.show, product=b03)
    held = offer.stock_left  # the room holds the stall's units: the cart sells those
    cart_add(buyer=buyer_user, product_id=b03.pk, quantity=3, session_id=session.pk)
    (order,) = cart_checkout(buyer=buyer_user, delivery=DELIVERY, client_key="s1")
    assert (order.source_kind, order.source_id, order.total) == ("session", session.pk, 1_050_000)
    offer.refresh_from_db()
    assert offer.stock_left == held - 3
    assert list(buyer_session_orders(buyer=buyer_user, session=session)) == [order]
    with pytest.raises(ApplicationError) as refused:
        cart_add(buyer=buyer_user, product_id=b03.pk, quantity=held - 2, session_id=session.pk)
    assert f"chỉ còn {held - 3} hộp" in refused.value.message


def test_my_orders_of_a_session_gather_every_channel_and_nothing_else(published_session, buyer_user, make_user):
    from datetime import timedelta

    from django.utils import timezone

    from market.quotes import inquiry_create, quote_accept, quote_send
    from orders.services import LineRequest, order_place
    from tests.market.buying_helpers import business_buyer

    session = published_session.session
    first, second = published_session.stalls

    def chot_don(buyer, stall, key):  # as selling's board places it: the show is the source
        return order_place(
            buyer_id=buyer.pk, vendor_id=stall.vendor.pk, placed_by_id=stall.user.pk, client_key=key,
            channel=Channel.CHOT_DON, lines=[LineRequest(product_id=stall.products["B02"].pk, quantity=1)],
            delivery=DELIVERY, source_kind="show", source_id=stall.show.pk, held=True,
        )  # fmt: skip

    in_room = chot_don(buyer_user, first, "room-1")
    cart_add(buyer=buyer_user, product_id=second.products["C02"].pk, quantity=1, session_id=session.pk)
    (by_cart,) = cart_checkout(buyer=buyer_user, delivery=DELIVERY, client_key="s-1")
    Product.objects.filter(pk=second.products["C01"].pk).update(stock=81)  # one unit not held by the room
    cart_add(buyer=buyer_user, product_id=second.products["C01"].pk, quantity=1)  # outside the session
    (elsewhere,) = cart_checkout(buyer=buyer_user, delivery=DELIVERY, client_key="s-2")
    distributor = business_buyer(make_user, "sen@example.vn")
    inquiry = inquiry_create(buyer=distributor, product_id=first.products["B01"].pk, quantity=50, session_id=session.pk)
    quote = quote_send(
        inquiry_id=inquiry.pk, actor=first.user, unit_price=100_000, min_quantity=50, delivery_terms="Giao 3 ngày",
        valid_until=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    by_quote = quote_accept(quote_id=quote.pk, buyer=distributor, quantity=50, delivery=DELIVERY)
    assert {o.pk for o in buyer_session_orders(buyer=buyer_user, session=session)} == {in_room.pk, by_cart.pk}
    assert elsewhere.source_kind == "stall"
    assert [o.pk for o in buyer_session_orders(buyer=distributor, session=session)] == [by_quote.pk]
