"""The one stock: reservations, allocations, and a vendor's edit that would cut under them."""

import pytest

from config.errors import ApplicationError
from orders import services as order_services
from orders import stock
from orders.models import Channel
from vendors import services as vendor_services

DELIVERY = {"name": "Phạm Thu Trang", "phone": "0912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}


def _place(stall, buyer_user, code, quantity, key):
    vendor, products = stall
    return order_services.order_place(
        buyer_id=buyer_user.pk, vendor_id=vendor.pk, placed_by_id=buyer_user.pk, client_key=key, channel=Channel.STALL_CART,
        lines=[order_services.LineRequest(product_id=products[code].pk, quantity=quantity)], delivery=DELIVERY,
    )


def test_a_vendor_cannot_set_stock_below_what_open_orders_hold(stall, buyer_user, vendor_user):
    _vendor, products = stall
    _place(stall, buyer_user, "B03", 10, "cart-1")
    with pytest.raises(ApplicationError) as exc:
        vendor_services.product_update(product=products["B03"], actor=vendor_user, stock=9)
    assert exc.value.code == "stock_below_reserved" and "10" in exc.value.message
    products["B03"].refresh_from_db()
    assert (products["B03"].stock, products["B03"].stock_reserved) == (15, 10)
    vendor_services.product_update(product=products["B03"], actor=vendor_user, stock=10)


def test_cart_orders_reserve_and_the_last_units_are_refused_with_what_is_left(stall, buyer_user):
    _vendor, products = stall
    _place(stall, buyer_user, "B03", 12, "cart-a")
    with pytest.raises(ApplicationError) as exc:
        _place(stall, buyer_user, "B03", 4, "cart-b")
    assert exc.value.code == "not_enough_stock" and "còn 3" in exc.value.message
    assert stock.stock_available(product_id=products["B03"].pk) == 3


def test_a_forged_total_and_another_vendors_product_are_refused(stall, buyer_user, make_user):
    vendor, products = stall
    with pytest.raises(ApplicationError) as exc:
        order_services.order_place(
            buyer_id=buyer_user.pk, vendor_id=vendor.pk, placed_by_id=buyer_user.pk, client_key="forged", channel=Channel.STALL_CART,
            lines=[order_services.LineRequest(product_id=products["B01"].pk, quantity=2)], delivery=DELIVERY, expected_total=1_000,
        )
    assert exc.value.code == "total_mismatch" and "240.000" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        order_services.order_place(
            buyer_id=buyer_user.pk, vendor_id=vendor.pk + 999, placed_by_id=buyer_user.pk, client_key="other", channel=Channel.STALL_CART,
            lines=[order_services.LineRequest(product_id=products["B01"].pk, quantity=2)], delivery=DELIVERY,
        )
    assert "không thuộc chủ thể" in exc.value.message
    products["B01"].refresh_from_db()
    assert products["B01"].stock_reserved == 0
