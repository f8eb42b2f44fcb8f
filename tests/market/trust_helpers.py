"""Orders for the trust tests, built only through ``order_place`` and ``order_transition``."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from orders.disputes import dispute_answer, dispute_decide, dispute_open
from orders.models import ActorRole, Channel, Order
from orders.services import LineRequest, order_place, order_transition
from vendors import services as vendor_services
from vendors.districts import District
from vendors.models import OcopGroup, VendorKind

DELIVERY = {"name": "Phạm Quốc Bảo", "phone": "0987654321", "address": "12 Hàng Bạc, Hoàn Kiếm"}
_keys = itertools.count(1)


def key() -> str:
    return f"trust-{next(_keys)}"


def place(buyer, product, *, quantity=1, sandbox=False, at: datetime | None = None) -> Order:
    return order_place(
        buyer_id=buyer.pk,
        vendor_id=product.vendor_id,
        placed_by_id=buyer.pk,
        client_key=key(),
        channel=Channel.STALL_CART,
        lines=[LineRequest(product_id=product.pk, quantity=quantity)],
        delivery=DELIVERY,
        sandbox=sandbox,
        at=at,
    )


def step(order, action, actor, role, *, at=None, reason="", data=None) -> Order:
    order, _replayed = order_transition(
        order_id=order.pk, action=action, actor=actor, role=role, key=key(), reason=reason, data=data, at=at
    )
    return order


def complete(
    order, *, vendor_user, at: datetime, confirm_after=timedelta(hours=1), ship_after=timedelta(hours=1)
) -> Order:
    """placed → confirmed → shipped → received → payment recorded → completed."""
    buyer = order.buyer
    confirmed = at + confirm_after
    shipped = confirmed + ship_after
    step(order, "confirm", vendor_user, ActorRole.VENDOR, at=confirmed)
    step(order, "ship", vendor_user, ActorRole.VENDOR, at=shipped, data={"own_delivery": True})
    step(order, "confirm_receipt", buyer, ActorRole.BUYER, at=shipped + timedelta(hours=20), data={"goods_match": True})
    order = Order.objects.get(pk=order.pk)
    step(
        order,
        "record_payment",
        vendor_user,
        ActorRole.VENDOR,
        at=shipped + timedelta(hours=21),
        data={"method": "cash", "amount": order.total},
    )
    return step(order, "acknowledge_payment", buyer, ActorRole.BUYER, at=shipped + timedelta(hours=22))


def dispute(order, *, buyer, vendor_user, organizer, decision, at: datetime, amount=None):
    opened, _ = dispute_open(order_id=order.pk, actor=buyer, key=key(), reason="quality", text="Bưởi bị khô múi", at=at)
    dispute_answer(dispute_id=opened.pk, actor=vendor_user, key=key(), text="Shop xin lỗi", at=at + timedelta(hours=1))
    decided, _ = dispute_decide(
        dispute_id=opened.pk,
        actor=organizer,
        key=key(),
        decision=decision,
        reason="Đã xem ảnh",
        amount=amount,
        at=at + timedelta(hours=2),
    )
    return decided


def second_stall(make_user, *, email="chuthe2@example.vn"):
    """Another vendor (its owner, the vendor, one product W01)."""
    from accounts.roles import Role

    owner = make_user(email, roles=[Role.VENDOR], full_name="Đỗ Văn Tâm")
    vendor = vendor_services.vendor_create(
        user=owner,
        legal_name="HTX Chè Ba Vì",
        kind=VendorKind.COOPERATIVE,
        registration_number="0109876543",
        district=District.BA_VI,
        commune="Vân Hòa",
        address="Xã Vân Hòa, huyện Ba Vì",
        phone="0912000111",
        email="che.bavi@example.vn",
        representative="Đỗ Văn Tâm",
    )
    product = vendor_services.product_create(
        vendor=vendor,
        actor=owner,
        name="Chè búp Ba Vì",
        code="W01",
        group=OcopGroup.BEVERAGE,
        stars=4,
        price=90_000,
        unit="gói",
        stock=100,
    )
    return owner, vendor, product
