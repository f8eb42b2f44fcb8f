"""A known small data set of two market sessions for the dashboard's tests (orders only through
``order_place`` and ``order_transition``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.roles import Role
from live.models import Show, ViewerSample
from market.models import BusinessProfile, Session
from orders.disputes import dispute_open
from orders.models import ActorRole, Channel
from orders.services import LineRequest, order_place
from tests.market.trust_helpers import DELIVERY, complete, key, step


def _order(buyer, product, quantity, *, source_kind, source_id, sandbox=False, channel=Channel.STALL_CART):
    return order_place(
        buyer_id=buyer.pk, vendor_id=product.vendor_id, placed_by_id=buyer.pk, client_key=key(), channel=channel,
        lines=[LineRequest(product_id=product.pk, quantity=quantity)], delivery=DELIVERY, source_kind=source_kind,
        source_id=source_id, sandbox=sandbox, held=not sandbox,  # the stalls' rooms hold every unit on offer
    )  # fmt: skip


def build(published_session, make_user, organizer_user) -> dict:
    """Session A (a week earlier, ended) and session B (the published one, then held):

    A: consumer An buys 2 × B01 (240.000 ₫, completed); distributor Bình buys C01 (150.000 ₫, cancelled).
    B: An buys B02 in stall 1's show (180.000 ₫, confirmed; a returning buyer); retailer Chi
       (verified business) buys B03 (350.000 ₫, completed, then a dispute); the second stall's
       owner buys B01 from stall 1 (120.000 ₫, placed: cross-selling); consumer Dũng buys 2 × C02
       (440.000 ₫, declined); An's practice order (5 × B01) never counts.
    Stall 1's room saw 10, 30 and 20 viewers.
    """
    b = published_session.session
    stall1, stall2 = published_session.stalls
    p1, p2 = stall1.products, stall2.products
    an = make_user("an@example.vn", roles=[Role.CONSUMER], full_name="Nguyễn Văn An")
    binh = make_user("binh@example.vn", roles=[Role.DISTRIBUTOR], full_name="Trần Bình")
    chi = make_user("chi@example.vn", roles=[Role.CONSUMER], full_name="Lê Chi")
    BusinessProfile.objects.create(
        user=chi, kind=BusinessProfile.Kind.RETAILER, company="Cửa hàng Chi", tax_code="0101234567",
        address="Hà Đông", state=BusinessProfile.State.VERIFIED,
    )  # fmt: skip
    dung = make_user("dung@example.vn", roles=[Role.CONSUMER], full_name="Phạm Dũng")
    a = Session.objects.create(
        title="Chợ đêm tuần trước", starts_at=b.starts_at - timedelta(days=7), ends_at=b.ends_at - timedelta(days=7),
        state=Session.State.ENDED,
    )  # fmt: skip
    earlier = timezone.now() - timedelta(days=3)

    o = _order(an, p1["B01"], 2, source_kind="session", source_id=a.pk)
    complete(o, vendor_user=stall1.user, at=earlier)
    o = _order(binh, p2["C01"], 1, source_kind="session", source_id=a.pk)
    step(o, "buyer_cancel", binh, ActorRole.BUYER)

    o = _order(an, p1["B02"], 1, source_kind="show", source_id=stall1.slot.show_id, channel=Channel.CHOT_DON)
    step(o, "confirm", stall1.user, ActorRole.VENDOR)
    o = _order(chi, p1["B03"], 1, source_kind="session", source_id=b.pk)
    complete(o, vendor_user=stall1.user, at=earlier)
    dispute_open(order_id=o.pk, actor=chi, key=key(), reason="quality", text="Trà bị ẩm")
    _order(stall2.user, p1["B01"], 1, source_kind="session", source_id=b.pk)
    o = _order(dung, p2["C02"], 2, source_kind="session", source_id=b.pk)
    step(o, "decline", stall2.user, ActorRole.VENDOR, reason="Hết hàng")
    _order(an, p1["B01"], 5, source_kind="session", source_id=b.pk, sandbox=True)

    room = stall1.slot.show.room
    start = stall1.slot.starts_at
    for minute, viewers in enumerate((10, 30, 20)):
        ViewerSample.objects.create(room=room, minute=start + timedelta(minutes=minute), viewers=viewers)
    Session.objects.filter(pk=b.pk).update(state=Session.State.ENDED)
    Show.objects.filter(pk__in=[stall1.slot.show_id, stall2.slot.show_id]).update(state=Show.State.ENDED)
    b.refresh_from_db()
    return {"a": a, "b": b, "stall1": stall1, "stall2": stall2, "organizer": organizer_user, "an": an}
