"""The default room owner: records confirmed orders of standalone shows (``RecordedOrder``)."""

from __future__ import annotations

from django.utils import timezone

from live.owners import RoomOwner
from selling.models import RecordedOrder


class RecordingRoomOwner(RoomOwner):
    def order_confirmed(self, *, show, order) -> None:
        """Record the confirmed intent so the show's orders can be listed and exported.

        Runs inside the confirming transaction; one record per intent, whatever calls it twice.
        """
        RecordedOrder.objects.get_or_create(
            intent=order,
            defaults={
                "show": show,
                "buyer_id": order.buyer_id,
                "product_code": order.product_code,
                "product_name": order.product_name,
                "quantity": order.quantity,
                "unit_price": order.unit_price,
                "total": order.unit_price * order.quantity,
                "delivery_name": order.delivery_name,
                "delivery_phone": order.delivery_phone,
                "delivery_address": order.delivery_address,
                "confirmed_at": order.decided_at or timezone.now(),
            },
        )
