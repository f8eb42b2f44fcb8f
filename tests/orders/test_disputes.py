"""Disputes (orders.disputes): open, answer, escalate, decide: every rule, replays, the order's timeline."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from config.errors import ApplicationError
from orders import disputes
from orders import services as order_services
from orders.models import Channel, Dispute, DisputePhoto, Order, OrderEvent, Status

DELIVERY = {"name": "Phạm Thu Trang", "phone": "0912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}


def png(color=(200, 40, 40), size=(40, 30), name="anh.png"):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def key():
    return uuid.uuid4().hex


def move(order, action, user, role, **kw):
    order, _ = order_services.order_transition(order_id=order.pk, action=action, actor=user, role=role, key=key(), **kw)
    return order


def received_order(stall, buyer, vendor_user, *, code="B01", quantity=2):
    vendor, products = stall
    order = order_services.order_place(
        buyer_id=buyer.pk, vendor_id=vendor.pk, placed_by_id=buyer.pk, client_key=key(), channel=Channel.STALL_CART,
        lines=[order_services.LineRequest(product_id=products[code].pk, quantity=quantity)], delivery=DELIVERY,
    )
    move(order, "confirm", vendor_user, "vendor")
    move(order, "ship", vendor_user, "vendor", data={"carrier": "GHTK", "tracking_code": "GH1"})
    return move(order, "confirm_receipt", buyer, "buyer", data={"goods_match": False})


def open_(order, buyer, *, k=None, photos=(), reason="damaged", text="Hai quả bưởi bị dập."):
    return disputes.dispute_open(order_id=order.pk, actor=buyer, key=k or key(), reason=reason, text=text, photos=photos)


def state_of(order):
    """Everything a step could change: the order, its history, its disputes and their photos."""
    order = Order.objects.get(pk=order.pk)
    return (
        order.status,
        order.updated_at,
        list(OrderEvent.objects.filter(order=order).values_list("pk", flat=True)),
        list(Dispute.objects.filter(order=order).values_list("pk", "state", "vendor_answer", "decision")),
        DisputePhoto.objects.filter(dispute__order=order).count(),
    )


@pytest.fixture
def received(stall, buyer_user, vendor_user):
    return received_order(stall, buyer_user, vendor_user)


# ----------------------------------------------------------------------------- opening


@pytest.mark.django_db
def test_the_buyer_opens_a_dispute_with_photos_reencoded_in_private_storage(received, buyer_user):
    dispute, replayed = open_(received, buyer_user, photos=[png(), png((10, 120, 10), name="hai.webp")])
    assert not replayed and dispute.state == Dispute.State.OPEN
    assert dispute.answer_due_at == dispute.opened_at + timedelta(hours=48)
    photos = list(dispute.photos.all())
    assert len(photos) == 2
    for photo in photos:
        assert photo.content_type == "image/jpeg"
        with photo.file.open("rb") as fh:
            assert fh.read(3) == b"\xff\xd8\xff"  # re-encoded as JPEG whatever was sent
        with pytest.raises(ValueError):
            _ = photo.file.url  # private: no public address
    event = OrderEvent.objects.get(order=received, action="dispute_opened")
    assert event.actor == buyer_user and event.actor_role == "buyer"
    assert "Hàng bị hư hỏng" in event.reason and "Hai quả bưởi bị dập." in event.reason
    assert event.data["dispute_id"] == dispute.pk and event.data["photos"] == 2
    assert Order.objects.get(pk=received.pk).status == Status.RECEIVED  # a dispute moves no status


@pytest.mark.django_db
def test_opening_is_idempotent_on_the_key(received, buyer_user):
    k = key()
    first, _ = open_(received, buyer_user, k=k, photos=[png()])
    before = state_of(received)
    again, replayed = open_(received, buyer_user, k=k, photos=[png()])
    assert replayed and again.pk == first.pk
    assert state_of(received) == before


@pytest.mark.django_db
def test_only_the_buyer_may_open_and_nothing_changes(received, vendor_user, organizer_user, make_user):
    stranger = make_user("khac@example.vn", roles=[Role.CONSUMER])
    before = state_of(received)
    for user in (vendor_user, organizer_user, stranger):
        with pytest.raises(ApplicationError) as exc:
            open_(received, user)
        assert exc.value.status == 404 and "Không tìm thấy" in exc.value.message
    assert state_of(received) == before


@pytest.mark.django_db
def test_a_second_undecided_dispute_is_refused(received, buyer_user):
    open_(received, buyer_user)
    before = state_of(received)
    with pytest.raises(ApplicationError) as exc:
        open_(received, buyer_user, reason="quality")
    assert "chưa giải quyết" in exc.value.message
    assert state_of(received) == before


@pytest.mark.django_db
def test_no_dispute_before_receipt_or_after_the_window(stall, buyer_user, vendor_user, received):
    vendor, products = stall
    shipped = order_services.order_place(
        buyer_id=buyer_user.pk, vendor_id=vendor.pk, placed_by_id=buyer_user.pk, client_key=key(), channel=Channel.STALL_CART,
        lines=[order_services.LineRequest(product_id=products["B02"].pk, quantity=1)], delivery=DELIVERY,
    )
    with pytest.raises(ApplicationError) as exc:
        open_(shipped, buyer_user)
    assert "đã nhận hàng" in exc.value.message
    # Seven days and a minute after receipt: too late.
    Order.objects.filter(pk=received.pk).update(received_at=timezone.now() - timedelta(days=7, minutes=1))
    before = state_of(received)
    with pytest.raises(ApplicationError) as exc:
        open_(received, buyer_user)
    assert "quá 7 ngày" in exc.value.message
    assert state_of(received) == before
    # The window is a setting.
    with override_settings(ORDERS={**_orders_settings(), "DISPUTE_WINDOW_DAYS": 8}):
        dispute, _ = open_(received, buyer_user)
        assert dispute.pk


def _orders_settings():
    from django.conf import settings

    return dict(settings.ORDERS)


@pytest.mark.django_db
def test_photos_are_checked_by_content_and_counted(received, buyer_user):
    before = state_of(received)
    fake = SimpleUploadedFile("anh.jpg", b"<?php echo 'not an image'; ?>" * 10, content_type="image/jpeg")
    with pytest.raises(ApplicationError) as exc:
        open_(received, buyer_user, photos=[png(), fake])
    assert "không đúng định dạng" in exc.value.message
    truncated = png()
    truncated = SimpleUploadedFile("anh.png", truncated.read()[:60], content_type="image/png")
    with pytest.raises(ApplicationError) as exc:
        open_(received, buyer_user, photos=[truncated])
    assert "hỏng" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        open_(received, buyer_user, photos=[png() for _ in range(6)])
    assert "Tối đa 5 ảnh" in exc.value.message
    with pytest.raises(ApplicationError):
        open_(received, buyer_user, reason="not-a-reason")
    with pytest.raises(ApplicationError):
        open_(received, buyer_user, text="   ")
    assert state_of(received) == before


# ----------------------------------------------------------------------------- answering and escalating


@pytest.mark.django_db
def test_the_vendor_answers_in_time_once(received, buyer_user, vendor_user, organizer_user):
    dispute, _ = open_(received, buyer_user)
    with pytest.raises(ApplicationError):
        disputes.dispute_answer(dispute_id=dispute.pk, actor=buyer_user, key=key(), text="Tôi là người mua")
    with pytest.raises(ApplicationError):
        disputes.dispute_answer(dispute_id=dispute.pk, actor=organizer_user, key=key(), text="BTC")
    k = key()
    answered, replayed = disputes.dispute_answer(dispute_id=dispute.pk, actor=vendor_user, key=k, text="Shop xin lỗi, hoàn tiền.")
    assert not replayed and answered.state == Dispute.State.ANSWERED and answered.vendor_answer == "Shop xin lỗi, hoàn tiền."
    before = state_of(received)
    _again, replayed = disputes.dispute_answer(dispute_id=dispute.pk, actor=vendor_user, key=k, text="khác")
    assert replayed and state_of(received) == before
    with pytest.raises(ApplicationError) as exc:
        disputes.dispute_answer(dispute_id=dispute.pk, actor=vendor_user, key=key(), text="Lần hai")
    assert "không trả lời được nữa" in exc.value.message
    assert state_of(received) == before
    event = OrderEvent.objects.get(order=received, action="dispute_answered")
    assert event.actor_role == "vendor" and "Shop xin lỗi" in event.reason


@pytest.mark.django_db
def test_after_48_hours_the_vendor_cannot_answer_and_escalation_happens_once(received, buyer_user, vendor_user):
    dispute, _ = open_(received, buyer_user)
    assert disputes.dispute_escalate(dispute_id=dispute.pk) is False  # not due yet
    assert Dispute.objects.get(pk=dispute.pk).state == Dispute.State.OPEN
    Dispute.objects.filter(pk=dispute.pk).update(answer_due_at=timezone.now() - timedelta(minutes=1))
    before = state_of(received)
    with pytest.raises(ApplicationError) as exc:
        disputes.dispute_answer(dispute_id=dispute.pk, actor=vendor_user, key=key(), text="Muộn")
    assert "quá hạn 48 giờ" in exc.value.message
    assert state_of(received) == before
    assert disputes.dispute_escalate(dispute_id=dispute.pk) is True
    assert disputes.dispute_escalate(dispute_id=dispute.pk) is False
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.ESCALATED and dispute.escalated_at
    events = OrderEvent.objects.filter(order=received, action="dispute_escalated")
    assert events.count() == 1 and events[0].actor is None and events[0].actor_role == "system"
    assert disputes.dispute_escalate(dispute_id=999_999) is False


@pytest.mark.django_db
def test_an_answered_dispute_never_escalates(received, buyer_user, vendor_user):
    dispute, _ = open_(received, buyer_user)
    disputes.dispute_answer(dispute_id=dispute.pk, actor=vendor_user, key=key(), text="Đã trả lời")
    Dispute.objects.filter(pk=dispute.pk).update(answer_due_at=timezone.now() - timedelta(hours=1))
    assert disputes.dispute_escalate(dispute_id=dispute.pk) is False
    assert Dispute.objects.get(pk=dispute.pk).state == Dispute.State.ANSWERED


# ----------------------------------------------------------------------------- deciding


def _answered(order, buyer, vendor_user):
    dispute, _ = open_(order, buyer)
    dispute, _ = disputes.dispute_answer(dispute_id=dispute.pk, actor=vendor_user, key=key(), text="Shop đồng ý")
    return dispute


@pytest.mark.django_db
def test_a_refund_returns_the_order_through_the_lifecycle(received, buyer_user, vendor_user, organizer_user):
    dispute = _answered(received, buyer_user, vendor_user)
    k = key()
    decided, replayed = disputes.dispute_decide(
        dispute_id=dispute.pk, actor=organizer_user, key=k, decision="refund", reason="Ảnh cho thấy hàng dập."
    )
    assert not replayed and decided.state == Dispute.State.DECIDED and decided.refund_amount == received.total
    order = Order.objects.get(pk=received.pk)
    assert order.status == Status.RETURNED and order.closed_at
    actions = list(OrderEvent.objects.filter(order=order).order_by("created_at", "pk").values_list("action", flat=True))
    assert actions[-4:] == ["dispute_opened", "dispute_answered", "refund", "dispute_decided"]
    note = OrderEvent.objects.get(order=order, action="dispute_decided")
    assert note.actor_role == "organizer" and "Hoàn tiền" in note.reason and "Ảnh cho thấy hàng dập." in note.reason
    assert note.data == {"dispute_id": dispute.pk, "decision": "refund", "amount": received.total}
    before = state_of(received)
    _same, replayed = disputes.dispute_decide(
        dispute_id=dispute.pk, actor=organizer_user, key=k, decision="refund", reason="Ảnh cho thấy hàng dập."
    )
    assert replayed and state_of(received) == before
    with pytest.raises(ApplicationError) as exc:  # deciding twice
        disputes.dispute_decide(dispute_id=dispute.pk, actor=organizer_user, key=key(), decision="rejected", reason="Đổi ý")
    assert "đã có quyết định" in exc.value.message
    assert state_of(received) == before


@pytest.mark.django_db
def test_partial_refund_needs_an_amount_within_the_total(received, buyer_user, vendor_user, organizer_user):
    dispute = _answered(received, buyer_user, vendor_user)
    before = state_of(received)
    for amount in (None, 0, received.total + 1, True):
        with pytest.raises(ApplicationError) as exc:
            disputes.dispute_decide(
                dispute_id=dispute.pk, actor=organizer_user, key=key(), decision="partial_refund", reason="Hai quả dập", amount=amount
            )
        assert "Số tiền hoàn phải từ 1 đến" in exc.value.message
    with pytest.raises(ApplicationError):
        disputes.dispute_decide(dispute_id=dispute.pk, actor=organizer_user, key=key(), decision="refund", reason="  ")
    with pytest.raises(ApplicationError):
        disputes.dispute_decide(dispute_id=dispute.pk, actor=organizer_user, key=key(), decision="maybe", reason="x")
    assert state_of(received) == before
    decided, _ = disputes.dispute_decide(
        dispute_id=dispute.pk, actor=organizer_user, key=key(), decision="partial_refund", reason="Hai quả dập", amount=120_000
    )
    assert decided.refund_amount == 120_000 and disputes.decision_text(decided) == "Hoàn tiền một phần: 120.000 ₫"
    assert Order.objects.get(pk=received.pk).status == Status.RECEIVED  # a partial refund leaves the order where it is


@pytest.mark.django_db
def test_only_organizers_decide_and_only_after_the_answer_or_escalation(received, buyer_user, vendor_user, organizer_user):
    dispute, _ = open_(received, buyer_user)
    before = state_of(received)
    with pytest.raises(ApplicationError) as exc:
        disputes.dispute_decide(dispute_id=dispute.pk, actor=organizer_user, key=key(), decision="rejected", reason="Sớm")
    assert "còn hạn trả lời" in exc.value.message
    for user in (buyer_user, vendor_user):
        with pytest.raises(ApplicationError) as exc:
            disputes.dispute_decide(dispute_id=dispute.pk, actor=user, key=key(), decision="refund", reason="Tự quyết")
        assert exc.value.status == 404
    assert state_of(received) == before
    Dispute.objects.filter(pk=dispute.pk).update(answer_due_at=timezone.now() - timedelta(minutes=1))
    disputes.dispute_escalate(dispute_id=dispute.pk)
    decided, _ = disputes.dispute_decide(
        dispute_id=dispute.pk, actor=organizer_user, key=key(), decision="replacement", reason="Shop không trả lời; đổi hàng."
    )
    assert decided.decision == "replacement" and decided.refund_amount is None
    # Decided: the buyer may open a new one on the same order (still within the window).
    again, _ = open_(received, buyer_user, reason="quantity", text="Hàng đổi thiếu 1 quả")
    assert again.pk != dispute.pk


@pytest.mark.django_db
def test_a_refund_rolls_back_whole_when_the_order_cannot_be_refunded(received, buyer_user, vendor_user, organizer_user):
    dispute = _answered(received, buyer_user, vendor_user)
    # Someone returned the order meanwhile (the history is append-only; the status is not).
    Order.objects.filter(pk=received.pk).update(status=Status.RETURNED)
    before = state_of(received)
    with pytest.raises(ApplicationError):
        disputes.dispute_decide(dispute_id=dispute.pk, actor=organizer_user, key=key(), decision="refund", reason="Hoàn")
    assert state_of(received) == before
    assert Dispute.objects.get(pk=dispute.pk).state == Dispute.State.ANSWERED


@pytest.mark.django_db
def test_a_replayed_key_of_another_step_is_refused(received, buyer_user, vendor_user):
    k = key()
    dispute, _ = open_(received, buyer_user, k=k)
    with pytest.raises(ApplicationError) as exc:
        disputes.dispute_answer(dispute_id=dispute.pk, actor=vendor_user, key=k, text="Trả lời")
    assert "thao tác khác" in exc.value.message
    assert Dispute.objects.get(pk=dispute.pk).state == Dispute.State.OPEN


@pytest.mark.django_db
def test_backdated_steps_for_the_demo_keep_their_times(received, buyer_user, vendor_user, organizer_user):
    now = timezone.now()
    dispute, _ = disputes.dispute_open(
        order_id=received.pk, actor=buyer_user, key=key(), reason="damaged", text="Dập", at=now - timedelta(minutes=30)
    )
    disputes.dispute_answer(dispute_id=dispute.pk, actor=vendor_user, key=key(), text="Xin lỗi", at=now - timedelta(minutes=20))
    decided, _ = disputes.dispute_decide(
        dispute_id=dispute.pk, actor=organizer_user, key=key(), decision="rejected", reason="Không đủ căn cứ", at=now - timedelta(minutes=10)
    )
    assert decided.opened_at < decided.answered_at < decided.decided_at < now
    stamps = dict(OrderEvent.objects.filter(order=received, action__startswith="dispute").values_list("action", "created_at"))
    assert stamps["dispute_opened"] == decided.opened_at and stamps["dispute_decided"] == decided.decided_at
