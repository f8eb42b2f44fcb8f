"""The order history is append-only in the database itself: raw SQL cannot UPDATE or DELETE it,
on whatever database the suite runs (SQLite triggers here, a PostgreSQL trigger in `.ci/run`)."""

import pytest
from django.db import DatabaseError, connection, transaction

from orders import services as order_services
from orders.models import Channel, OrderEvent

pytestmark = pytest.mark.django_db

DELIVERY = {"name": "Phạm Thu Trang", "phone": "0912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}


def test_raw_sql_cannot_rewrite_or_erase_the_history(stall, buyer_user):
    vendor, products = stall
    order = order_services.order_place(
        buyer_id=buyer_user.pk, vendor_id=vendor.pk, placed_by_id=buyer_user.pk, client_key="guard", channel=Channel.STALL_CART,
        lines=[order_services.LineRequest(product_id=products["B01"].pk, quantity=1)], delivery=DELIVERY,
    )
    order_services.order_transition(order_id=order.pk, action="buyer_cancel", actor=buyer_user, role="buyer", key="c-1")
    before = list(OrderEvent.objects.order_by("pk").values_list("pk", "action", "reason", "to_status"))
    assert [row[1] for row in before] == ["place", "buyer_cancel"]
    for sql, params in [
        ("UPDATE orders_orderevent SET reason = %s WHERE order_id = %s", ["sửa lịch sử", order.pk]),
        ("UPDATE orders_orderevent SET to_status = %s", ["completed"]),
        ("DELETE FROM orders_orderevent WHERE order_id = %s", [order.pk]),
        ("DELETE FROM orders_orderevent", []),
    ]:
        with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
        assert "append-only" in str(exc.value), (connection.vendor, sql)
    assert list(OrderEvent.objects.order_by("pk").values_list("pk", "action", "reason", "to_status")) == before
    # Appending still works: the next change is recorded.
    order_services.order_note(order_id=order.pk, actor=None, role="system", key="note-1", action="note", reason="ghi chú")
    assert OrderEvent.objects.filter(order=order).count() == 3
