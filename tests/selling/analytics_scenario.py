"""One ended show with everything analytics reads, at fixed times (shared by the analytics tests).

The show (``selling_show``: B01 120.000 ₫, B02 180.000 ₫, B03 350.000 ₫) ran from 19:00:00
to 19:10:30 (Hanoi time): 11 show minutes. The expected figures are in ``EXPECTED``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F

from accounts.roles import Role
from live.models import Room, RoomEvent, Show, ViewerSample
from live.services import show_create
from selling.models import FlashSale, OrderAction, OrderIntent, ShowOffer

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

# minute offset -> viewers; minute 4 has no sample (nobody in the room), 6–9 neither.
SAMPLES = {0: 5, 1: 12, 2: 20, 3: 18, 5: 9, 10: 4}

EXPECTED = {
    "minutes": 11,
    "peak_viewers": 20,
    "average_viewers": 6.2,  # (5 + 12 + 20 + 18 + 9 + 4) / 11 = 6.18…
    "chat_messages": 6,
    "chat_deleted": 1,
    "order_comments": 3,  # "chốt B01 2", "chot b09 3" (unknown code), "2 b02"; not the host's, not the deleted one
    "parsed_comments": 2,
    "intents": 6,
    "confirmations": 2,
    "buyers": 4,
    "returning_buyers": 2,  # An (intent in an earlier show), Bình (recorded order in an earlier show)
    "revenue": 540_000,  # B01 2 × 120.000 + B03 1 × 300.000 (flash sale)
    "average_order_value": 270_000,
}


def _at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _chat(show, author, text, seconds, *, role="viewer", deleted=False) -> RoomEvent:
    """A stored chat event, numbered like ``event_append`` does but not broadcast (nobody listens)."""
    Room.objects.filter(pk=show.room.pk).update(last_seq=F("last_seq") + 1)
    seq = Room.objects.filter(pk=show.room.pk).values_list("last_seq", flat=True).get()
    return RoomEvent.objects.create(
        room_id=show.room.pk,
        seq=seq,
        kind="chat",
        payload={"text": text, "user_id": author.pk, "name": author.get_full_name(), "role": role},
        author=author,
        created_at=_at(seconds),
        deleted_at=_at(seconds + 20) if deleted else None,
    )


def _intent(
    show, offer, buyer, quantity, status, seconds, *, source="chat", sale=None, price=None, decided=None, reason=""
):
    intent = OrderIntent.objects.create(
        show=show,
        offer=offer,
        buyer=buyer,
        source=source,
        flash_sale=sale,
        product_code=offer.product.code,
        product_name=offer.product.name,
        unit_price=price or offer.product.price,
        quantity=quantity,
        status=status,
        decline_reason=reason,
    )
    OrderIntent.objects.filter(pk=intent.pk).update(
        created_at=_at(seconds), decided_at=_at(decided) if decided is not None else None
    )
    intent.refresh_from_db()
    return intent


def build(make_user, show: Show) -> dict:
    """Fill ``show`` (from the ``selling_show`` fixture); returns the people and rows made."""
    host = show.host
    an = make_user("an@example.vn", roles=[Role.CONSUMER], full_name="Nguyễn Văn An")
    binh = make_user("binh@example.vn", roles=[Role.CONSUMER], full_name="Trần Thị Bình")
    chi = make_user("chi@example.vn", roles=[Role.CONSUMER], full_name="Lê Minh Chi")
    dung = make_user("dung@example.vn", roles=[Role.CONSUMER], full_name="Phạm Văn Dũng")
    other_host = make_user("host2@example.vn", roles=[Role.VENDOR], full_name="Đỗ Thị Hoa")

    Show.objects.filter(pk=show.pk).update(
        state=Show.State.ENDED,
        scheduled_start=T0,
        scheduled_end=T0 + timedelta(hours=1),
        started_at=T0 + timedelta(seconds=0),
        ended_at=_at(630),
    )
    show.refresh_from_db()
    offers = {o.product.code: o for o in ShowOffer.objects.filter(show=show).select_related("product")}
    b01, b02, b03 = offers["B01"], offers["B02"], offers["B03"]

    # Earlier and later shows: An ordered in an earlier show of the same host, Bình has a
    # confirmed order there; Chi ordered only in a later show of this host and in an
    # earlier show of another host, so Chi is not a returning buyer.
    def other_show(title, owner, start):
        other = show_create(title=title, host=owner, scheduled_start=start, scheduled_end=start + timedelta(hours=1))
        return other, ShowOffer.objects.create(show=other, product=b01.product, stock_left=10)

    earlier, earlier_offer = other_show("Phiên tuần trước", host, T0 - timedelta(days=7))
    _intent(earlier, earlier_offer, an, 1, OrderIntent.Status.DECLINED, -7 * 86400)
    _intent(earlier, earlier_offer, binh, 1, OrderIntent.Status.CONFIRMED, -7 * 86400 + 60)
    later, later_offer = other_show("Phiên tuần sau", host, T0 + timedelta(days=7))
    _intent(later, later_offer, chi, 1, OrderIntent.Status.PENDING, 7 * 86400)
    elsewhere, elsewhere_offer = other_show("Phiên của người khác", other_host, T0 - timedelta(days=3))
    _intent(elsewhere, elsewhere_offer, chi, 1, OrderIntent.Status.CONFIRMED, -3 * 86400)

    room_id = show.room.pk
    for minute, viewers in SAMPLES.items():
        ViewerSample.objects.create(room_id=room_id, minute=T0 + timedelta(minutes=minute), viewers=viewers)
    ViewerSample.objects.create(room_id=room_id, minute=T0 - timedelta(minutes=2), viewers=50)  # before the start
    ViewerSample.objects.create(room_id=room_id, minute=T0 + timedelta(minutes=12), viewers=99)  # after the end

    _chat(show, an, "chốt B01 2", 65)
    _chat(show, binh, "B01 giá bao nhiêu?", 130)
    _chat(show, binh, "em lấy 3 hộp B03 nha", 180, deleted=True)
    _chat(show, chi, "chot b09 3", 200)
    _chat(show, host, "Chào cả nhà, chốt B02 1 nhé", 240, role="host")
    _chat(show, chi, "đẹp quá", 250)
    _chat(show, binh, "2 b02", 320)

    sale = FlashSale.objects.create(
        offer=b03,
        sale_price=300_000,
        quantity=5,
        per_buyer_cap=2,
        countdown_seconds=30,
        duration_seconds=120,
        sold=3,
        opens_at=_at(400),
        closes_at=_at(520),
        ended_at=_at(520),
        end_reason=FlashSale.EndReason.TIME,
    )
    FlashSale.objects.filter(pk=sale.pk).update(created_at=_at(370))

    intents = {
        "an_b01": _intent(show, b01, an, 2, OrderIntent.Status.CONFIRMED, 66, decided=150),
        "binh_b02": _intent(
            show, b02, binh, 2, OrderIntent.Status.DECLINED, 321, decided=360, reason="Hết hàng loại này"
        ),
        "binh_b03": _intent(
            show,
            b03,
            binh,
            1,
            OrderIntent.Status.CONFIRMED,
            405,
            source="flash_sale",
            sale=sale,
            price=300_000,
            decided=450,
        ),
        "chi_b03": _intent(
            show, b03, chi, 2, OrderIntent.Status.CLAIMED, 410, source="flash_sale", sale=sale, price=300_000
        ),
        "dung_b01": _intent(show, b01, dung, 1, OrderIntent.Status.CANCELLED, 500),
        "an_b02": _intent(show, b02, an, 1, OrderIntent.Status.PENDING, 560),
    }
    # The board's confirm of An's order is recorded as an action (its time wins over decided_at).
    action = OrderAction.objects.create(intent=intents["an_b01"], actor=host, kind=OrderAction.Kind.CONFIRM, key="k-1")
    OrderAction.objects.filter(pk=action.pk).update(created_at=_at(140))
    return {
        "host": host,
        "an": an,
        "binh": binh,
        "chi": chi,
        "dung": dung,
        "sale": sale,
        "intents": intents,
        "offers": offers,
    }
