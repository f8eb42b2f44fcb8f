"""One ended show with everything analytics reads, at fixed times (shared by the analytics tests).

The show (``selling_show``: B01 120.000 ₫, B02 180.000 ₫, B03 350.000 ₫) ran from 19:00:00
to 19:10:30 (Hanoi time): 11 show minutes. The expected figures are in ``EXPECTED``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from accounts.roles import Role
from live.models import Room, RoomEvent, Show, ViewerSample
from live.selectors import participant_for
from live.services import show_create
from selling.models import FlashSale, OrderAction, OrderIntent, ShowOffer
from selling.services import intents, sales
from tests.selling.helpers import comment_intent, delivery_remember

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


def _intent(show, buyer, text, seconds, *, chat_seq=None) -> OrderIntent:
    """The buyer's order comment ``text`` made into an intent by the chốt đơn service, created at ``seconds``."""
    intent = comment_intent(show, buyer, text, chat_seq=chat_seq)
    OrderIntent.objects.filter(pk=intent.pk).update(created_at=_at(seconds))
    return intent


def _decided(intent: OrderIntent, kind: str, seconds: int, *, action_seconds: int | None = None) -> OrderIntent:
    """Move the decision the service recorded (its ``OrderAction`` and ``decided_at``) to the show's clock."""
    OrderIntent.objects.filter(pk=intent.pk).update(decided_at=_at(seconds))
    at = _at(action_seconds if action_seconds is not None else seconds)
    OrderAction.objects.filter(intent=intent, kind=kind).update(created_at=at)
    intent.refresh_from_db()
    return intent


def build(make_user, show: Show) -> dict:
    """Fill ``show`` (from the ``selling_show`` fixture); returns the people and rows made.

    Every intent, decision and order is made by the services (chốt đơn, the board, the
    buyer's card, a flash sale bought through ``sale_buy``), then moved to the show's clock.
    """
    host = show.host
    an = make_user("an@example.vn", roles=[Role.CONSUMER], full_name="Nguyễn Văn An")
    binh = make_user("binh@example.vn", roles=[Role.CONSUMER], full_name="Trần Thị Bình")
    chi = make_user("chi@example.vn", roles=[Role.CONSUMER], full_name="Lê Minh Chi")
    dung = make_user("dung@example.vn", roles=[Role.CONSUMER], full_name="Phạm Văn Dũng")
    other_host = make_user("host2@example.vn", roles=[Role.VENDOR], full_name="Đỗ Thị Hoa")
    for buyer in (an, binh, chi, dung):
        delivery_remember(buyer)

    offers = {o.product.code: o for o in ShowOffer.objects.filter(show=show).select_related("product")}
    b01, b03 = offers["B01"], offers["B03"]

    def board(on_show, who=host):
        return {"room_id": on_show.room.pk, "actor": participant_for(user=who, show=on_show)}

    # Earlier and later shows: An ordered in an earlier show of the same host, Bình has a
    # confirmed order there; Chi ordered only in a later show of this host and in an
    # earlier show of another host, so Chi is not a returning buyer.
    def other_show(title, owner, start):
        other = show_create(title=title, host=owner, scheduled_start=start, scheduled_end=start + timedelta(hours=1))
        ShowOffer.objects.create(show=other, product=b01.product, stock_left=10)
        return other

    earlier = other_show("Phiên tuần trước", host, T0 - timedelta(days=7))
    declined = _intent(earlier, an, "chốt B01 1", -7 * 86400)
    intents.board_decline(**board(earlier), intent_id=declined.pk, key="earlier-decline", reason="Hết hàng")
    confirmed = _intent(earlier, binh, "chốt B01 1", -7 * 86400 + 60)
    intents.board_confirm(**board(earlier), intent_id=confirmed.pk, key="earlier-confirm")
    later = other_show("Phiên tuần sau", host, T0 + timedelta(days=7))
    _intent(later, chi, "chốt B01 1", 7 * 86400)
    elsewhere = other_show("Phiên của người khác", other_host, T0 - timedelta(days=3))
    confirmed = _intent(elsewhere, chi, "chốt B01 1", -3 * 86400)
    intents.board_confirm(**board(elsewhere, other_host), intent_id=confirmed.pk, key="elsewhere-confirm")

    room_id = show.room.pk
    for minute, viewers in SAMPLES.items():
        ViewerSample.objects.create(room_id=room_id, minute=T0 + timedelta(minutes=minute), viewers=viewers)
    ViewerSample.objects.create(room_id=room_id, minute=T0 - timedelta(minutes=2), viewers=50)  # before the start
    ViewerSample.objects.create(room_id=room_id, minute=T0 + timedelta(minutes=12), viewers=99)  # after the end

    an_comment = _chat(show, an, "chốt B01 2", 65)
    _chat(show, binh, "B01 giá bao nhiêu?", 130)
    _chat(show, binh, "em lấy 3 hộp B03 nha", 180, deleted=True)
    _chat(show, chi, "chot b09 3", 200)
    _chat(show, host, "Chào cả nhà, chốt B02 1 nhé", 240, role="host")
    _chat(show, chi, "đẹp quá", 250)
    binh_comment = _chat(show, binh, "2 b02", 320)

    made = {
        "an_b01": _intent(show, an, "chốt B01 2", 66, chat_seq=an_comment.seq),
        "binh_b02": _intent(show, binh, "2 b02", 321, chat_seq=binh_comment.seq),
        "dung_b01": _intent(show, dung, "chốt B01 1", 500),
        "an_b02": _intent(show, an, "chốt B02 1", 560),
    }
    # The board's confirm of An's order: its action's time (140) wins over decided_at (150).
    intents.board_confirm(**board(show), intent_id=made["an_b01"].pk, key="k-1")
    _decided(made["an_b01"], OrderAction.Kind.CONFIRM, 150, action_seconds=140)
    intents.board_decline(**board(show), intent_id=made["binh_b02"].pk, key="k-2", reason="Hết hàng loại này")
    _decided(made["binh_b02"], OrderAction.Kind.DECLINE, 360)
    intents.order_cancel(**board(show, dung), intent_id=made["dung_b01"].pk, key="k-3")
    _decided(made["dung_b01"], OrderAction.Kind.CANCEL, 540)

    # A flash sale on B03 (5 at 300.000 ₫, 2 each): Bình buys 1, Chi 2; it ends by time with 3 sold.
    Show.objects.filter(pk=show.pk).update(state=Show.State.LIVE)
    sale = sales.sale_start(
        **board(show),
        offer_id=b03.pk,
        sale_price=300_000,
        quantity=5,
        per_buyer_cap=2,
        countdown_seconds=30,
        duration_seconds=120,
    )
    now = timezone.now()
    FlashSale.objects.filter(pk=sale.pk).update(opens_at=now - timedelta(seconds=1))
    for buyer, quantity, seconds in ((binh, 1, 405), (chi, 2, 410)):
        ack = sales.sale_buy(
            **board(show, buyer), sale_id=sale.pk, quantity=quantity, unit_price=300_000, key=f"sale-{buyer.pk}"
        )
        made[f"{buyer.email.split('@')[0]}_b03"] = OrderIntent.objects.get(pk=ack["intent_id"])
        OrderIntent.objects.filter(pk=ack["intent_id"]).update(created_at=_at(seconds))
    FlashSale.objects.filter(pk=sale.pk).update(closes_at=now)
    sales.sales_close_due(sale_id=sale.pk)
    FlashSale.objects.filter(pk=sale.pk).update(
        created_at=_at(370), opens_at=_at(400), closes_at=_at(520), ended_at=_at(520)
    )
    sale.refresh_from_db()
    intents.board_confirm(**board(show), intent_id=made["binh_b03"].pk, key="k-4")
    _decided(made["binh_b03"], OrderAction.Kind.CONFIRM, 450)
    intents.board_claim(**board(show), intent_id=made["chi_b03"].pk, key="k-5")

    Show.objects.filter(pk=show.pk).update(
        state=Show.State.ENDED,
        scheduled_start=T0,
        scheduled_end=T0 + timedelta(hours=1),
        started_at=T0 + timedelta(seconds=0),
        ended_at=_at(630),
    )
    show.refresh_from_db()
    for intent in made.values():
        intent.refresh_from_db()
    return {
        "host": host,
        "an": an,
        "binh": binh,
        "chi": chi,
        "dung": dung,
        "sale": sale,
        "intents": made,
        "offers": offers,
    }
