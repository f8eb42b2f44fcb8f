"""Demo selling: products on offer in the live demo show, and last Friday's ended show
with its chat, orders and a flash sale, so the analytics and replay pages have something
to show. Idempotent: each part is skipped when present."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from live import demo as live_demo
from live import services as live_services
from live.models import RoomEvent, Show, ViewerSample
from orders import services as order_services
from orders.models import Channel
from selling.models import FlashSale, OrderIntent, ShowOffer
from selling.services import offers as offers_services
from vendors.models import Product

PAST_TITLE = "Chợ đêm thứ Sáu tuần trước: Bưởi đỏ và gạo thơm Mê Linh"
OFFERED_CODES = ("B01", "G02", "T03", "O04")
BUYERS = ("nguoimua@demo.chodem.vn", "nhaphanphoi@demo.chodem.vn", "nhabanle@demo.chodem.vn")
PAST_CHAT = [
    # minute, buyer index (None = host), text, intent (code, quantity, status) or None
    (1, None, "Chào cả nhà, tối nay có bưởi đỏ B01 và gạo thơm G02 nhé!", None),
    (3, 0, "B01 giá bao nhiêu vậy shop?", None),
    (4, 0, "chốt B01 2", ("B01", 2, OrderIntent.Status.CONFIRMED)),
    (6, 1, "Bên mình lấy G02 x10 nha", ("G02", 10, OrderIntent.Status.CONFIRMED)),
    (9, 2, "em lấy 3 hộp T03 nha", ("T03", 3, OrderIntent.Status.CONFIRMED)),
    (12, 0, "chot o04 5, sdt 0912345678", ("O04", 5, OrderIntent.Status.DECLINED)),
    (15, 2, "B01 còn không ạ?", None),
    (18, 1, "2 b01", ("B01", 2, OrderIntent.Status.CONFIRMED)),
    (24, 2, "Cảm ơn shop, hàng đẹp quá!", None),
]


def _products(host) -> dict[str, Product]:
    return {p.code: p for p in Product.objects.filter(vendor__members__user=host, code__in=OFFERED_CODES)}


def _offer_all(show: Show, products: dict[str, Product]) -> dict[str, ShowOffer]:
    offers = {}
    for position, code in enumerate(OFFERED_CODES):
        if code in products:
            offer = ShowOffer.objects.filter(show=show, product=products[code]).first()
            if offer is None:  # the show holds its allocation like any show (orders.stock)
                units = offers_services.allocation_take(product_id=products[code].pk, sandbox=False)
                offer = ShowOffer.objects.create(show=show, product=products[code], position=position, stock_left=units)
            offers[code] = offer
    return offers


def _accept(intent: OrderIntent, *, host, show: Show, at) -> None:
    """The host accepted the intent at ``at``: it became an order through the one order path,
    taking its units over from the show's allocation."""
    if intent.source == OrderIntent.Source.CHAT:
        offers_services.stock_take(offer_id=intent.offer_id, quantity=intent.quantity)
    order = order_services.order_place(
        buyer_id=intent.buyer_id,
        vendor_id=intent.offer.product.vendor_id,
        placed_by_id=host.pk,
        client_key=f"intent:{intent.pk}",
        channel=Channel.FLASH_SALE if intent.source == OrderIntent.Source.FLASH_SALE else Channel.CHOT_DON,
        lines=[
            order_services.LineRequest(
                product_id=intent.offer.product_id, quantity=intent.quantity, unit_price=intent.unit_price
            )
        ],
        delivery={"name": intent.delivery_name, "phone": intent.delivery_phone, "address": intent.delivery_address},
        source_kind="show",
        source_id=show.pk,
        source_label=show.title,
        held=True,
        at=at,
    )
    OrderIntent.objects.filter(pk=intent.pk).update(order=order)


def seed(log):
    host = User.objects.filter(email="chuthe@demo.chodem.vn").first()
    live_show = Show.objects.filter(title=live_demo.LIVE_TITLE).first()
    if host is None or live_show is None:
        log("selling: demo vendor or live show missing, skipped")
        return
    products = _products(host)
    if not Show.objects.filter(title=PAST_TITLE).exists():  # first: it took its units before tonight's show
        _seed_past_show(host, products)
    offers = _offer_all(live_show, products)
    if "B01" in offers and not ShowOffer.objects.filter(show=live_show, is_pinned=True).exists():
        ShowOffer.objects.filter(pk=offers["B01"].pk).update(is_pinned=True, pinned_at=timezone.now())
    past = Show.objects.get(title=PAST_TITLE)
    log(f"selling: products on offer in /phong-live/{live_show.pk}/; analytics at /ban-hang/buoi/{past.pk}/thong-ke/")


def _seed_past_show(host, products: dict[str, Product]) -> None:
    """An ended show two hours long, last Friday 19:00–21:00 (Hanoi time)."""
    today = timezone.localtime()
    friday = today - timedelta(days=(today.weekday() - 4) % 7 or 7)
    start = friday.replace(hour=19, minute=0, second=0, microsecond=0)
    show = live_services.show_create(
        title=PAST_TITLE,
        host=host,
        host_display_name="HTX Bưởi đỏ Đông Cao",
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
    )
    Show.objects.filter(pk=show.pk).update(
        state=Show.State.ENDED, started_at=start, ended_at=start + timedelta(minutes=30)
    )
    room = show.room
    offers = _offer_all(show, products)
    rng = random.Random(5)
    ViewerSample.objects.bulk_create(
        ViewerSample(
            room=room,
            minute=start + timedelta(minutes=m),
            viewers=int(40 + 420 * min(m, 30 - m) / 15 + rng.randrange(0, 30)),
        )
        for m in range(31)
    )
    buyers = [User.objects.get(email=e) for e in BUYERS]
    seq = 0
    events = []
    for minute, who, text, intent in PAST_CHAT:
        seq += 1
        author = host if who is None else buyers[who]
        at = start + timedelta(minutes=minute)
        name = show.host_name if who is None else author.get_full_name()
        role = "host" if who is None else "viewer"
        events.append(
            RoomEvent(
                room=room,
                seq=seq,
                kind="chat",
                created_at=at,
                author=author,
                payload={"text": text, "user_id": author.pk, "name": name, "role": role},
            )
        )
        if intent:
            code, quantity, status = intent
            offer = offers[code]
            made = OrderIntent.objects.create(
                show=show,
                offer=offer,
                buyer=author,
                source=OrderIntent.Source.CHAT,
                chat_seq=seq,
                comment=text,
                product_code=code,
                product_name=offer.product.name,
                unit_price=offer.product.price,
                quantity=quantity,
                status=status,
                decided_by=host,
                decided_at=at + timedelta(minutes=2),
                decline_reason="Hết hàng ổi lê loại 1" if status == OrderIntent.Status.DECLINED else "",
                delivery_name=author.get_full_name(),
                delivery_phone=str(author.phone or ""),
                delivery_address="Số 12 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội",
            )
            OrderIntent.objects.filter(pk=made.pk).update(created_at=at)
            if status == OrderIntent.Status.CONFIRMED:
                _accept(made, host=host, show=show, at=at + timedelta(minutes=2))
    # A flash sale on B01 at 20 minutes: 20 units at 89.000 ₫, sold out in under a minute.
    sale_at = start + timedelta(minutes=20)
    sale = FlashSale.objects.create(
        offer=offers["B01"],
        sale_price=89_000,
        quantity=20,
        per_buyer_cap=10,
        countdown_seconds=30,
        duration_seconds=300,
        sold=20,
        created_by=host,
        opens_at=sale_at,
        closes_at=sale_at + timedelta(minutes=5),
        ended_at=sale_at + timedelta(seconds=50),
        end_reason=FlashSale.EndReason.SOLD_OUT,
    )
    # scheduled by the host during the show, its countdown before it opened (not at seeding time)
    FlashSale.objects.filter(pk=sale.pk).update(created_at=sale_at - timedelta(seconds=sale.countdown_seconds))
    offers_services.stock_take(offer_id=offers["B01"].pk, quantity=sale.sold)  # the sale's units left the allocation
    for buyer, quantity in zip(buyers, (10, 6, 4), strict=True):
        made = OrderIntent.objects.create(
            show=show,
            offer=offers["B01"],
            buyer=buyer,
            source=OrderIntent.Source.FLASH_SALE,
            flash_sale=sale,
            product_code="B01",
            product_name=offers["B01"].product.name,
            unit_price=sale.sale_price,
            quantity=quantity,
            status=OrderIntent.Status.CONFIRMED,
            decided_by=host,
            decided_at=sale_at + timedelta(minutes=3),
            delivery_name=buyer.get_full_name(),
            delivery_phone=str(buyer.phone or ""),
            delivery_address="Số 5 Lê Lợi, Hà Đông, Hà Nội",
        )
        OrderIntent.objects.filter(pk=made.pk).update(created_at=sale_at + timedelta(seconds=10))
        _accept(made, host=host, show=show, at=sale_at + timedelta(minutes=3))
    for kind, minute, payload in (
        ("show.state", 0, {"state": "live"}),
        ("product.pinned", 2, {"offer_id": offers["B01"].pk}),
        ("sale.ended", 21, {"sale_id": sale.pk, "reason": "sold_out"}),
        ("show.state", 30, {"state": "ended"}),
    ):
        seq += 1
        events.append(
            RoomEvent(room=room, seq=seq, kind=kind, created_at=start + timedelta(minutes=minute), payload=payload)
        )
    RoomEvent.objects.bulk_create(events)
    offers_services.show_offers_give_back(show_id=show.pk)  # the ended show gives its unsold allocation back
    room.last_seq = seq
    room.save(update_fields=["last_seq"])
