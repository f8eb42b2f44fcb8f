"""The organizers' console (orders.supervision, orders.views_console) and the dispute pages: who may see
and do what, overdue flags from the settings, step-in actions on the timeline, practice orders left out."""

import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from orders import disputes, supervision
from orders import services as order_services
from orders.models import Channel, Dispute, Order, OrderEvent, Status
from tests.orders.test_disputes import DELIVERY, key, move, open_, png, received_order


def place(stall, buyer, code="B01", quantity=1, *, sandbox=False, source_id=None, label=""):
    vendor, products = stall
    return order_services.order_place(
        buyer_id=buyer.pk, vendor_id=vendor.pk, placed_by_id=buyer.pk, client_key=uuid.uuid4().hex,
        channel=Channel.CHOT_DON, lines=[order_services.LineRequest(product_id=products[code].pk, quantity=quantity)],
        delivery=DELIVERY, sandbox=sandbox, source_kind="show" if source_id else "", source_id=source_id, source_label=label,
    )


def backdate(order, **stamps):
    Order.objects.filter(pk=order.pk).update(**stamps)


@pytest.fixture
def stranger(make_user):
    return make_user("khac@example.vn", roles=[Role.CONSUMER])


# ----------------------------------------------------------------------------- overdue from the settings


@pytest.mark.django_db
def test_overdue_follows_each_state_deadline_from_the_settings(stall, buyer_user, vendor_user):
    now = timezone.now()
    fresh = place(stall, buyer_user)
    late_confirm = place(stall, buyer_user)
    backdate(late_confirm, placed_at=now - timedelta(hours=25))
    late_ship = move(place(stall, buyer_user), "confirm", vendor_user, "vendor")
    backdate(late_ship, confirmed_at=now - timedelta(hours=49))
    ship_in_time = move(place(stall, buyer_user), "confirm", vendor_user, "vendor")
    backdate(ship_in_time, confirmed_at=now - timedelta(hours=47))
    late_ack = received_order(stall, buyer_user, vendor_user)
    backdate(late_ack, received_at=now - timedelta(days=8))
    practice = place(stall, buyer_user, sandbox=True)
    backdate(practice, placed_at=now - timedelta(days=3))

    late = set(supervision.console_orders(overdue=True, now=now).values_list("pk", flat=True))
    assert late == {late_confirm.pk, late_ship.pk, late_ack.pk}
    assert supervision.overdue_reason(Order.objects.get(pk=late_confirm.pk), now) == "Chưa xác nhận quá 24 giờ"
    assert supervision.overdue_reason(Order.objects.get(pk=fresh.pk), now) == ""
    assert supervision.figures(now=now)["overdue"] == 3
    with override_settings(ORDERS={**_orders(), "SHIP_WITHIN_HOURS": 72, "CONFIRM_WITHIN_HOURS": 12}):
        late = set(supervision.console_orders(overdue=True, now=now).values_list("pk", flat=True))
        assert late == {late_confirm.pk, late_ack.pk}


def _orders():
    from django.conf import settings

    return dict(settings.ORDERS)


@pytest.mark.django_db
def test_figures_per_source_vendor_and_state_leave_practice_orders_out(stall, buyer_user, vendor_user):
    place(stall, buyer_user, source_id=7, label="Phiên thứ Sáu")
    place(stall, buyer_user, "B02", 2, source_id=7, label="Phiên thứ Sáu")
    move(place(stall, buyer_user, source_id=8, label="Phiên thứ Bảy"), "confirm", vendor_user, "vendor")
    place(stall, buyer_user, sandbox=True, source_id=7, label="Phiên thứ Sáu")
    sources = {row["key"]: row for row in supervision.per_source()}
    assert sources["show:7"]["n"] == 2 and sources["show:7"]["label"] == "Phiên thứ Sáu"
    assert sources["show:7"]["total"] == 120_000 + 2 * 180_000
    assert sources["show:8"]["n"] == 1
    counts = supervision.counts_by_status()
    assert counts[Status.PLACED] == 2 and counts[Status.CONFIRMED] == 1 and counts[Status.COMPLETED] == 0
    (row,) = supervision.per_vendor()
    assert row["n"] == 3 and row["open"] == 3
    assert supervision.figures()["orders"] == 3
    assert supervision.console_orders(source="show:7").count() == 2


# ----------------------------------------------------------------------------- the console page


@pytest.mark.django_db
def test_the_console_is_for_organizers_only(client, stall, buyer_user, vendor_user, stranger, organizer_user):
    url = reverse("orders:console")
    assert url == "/don-hang/giam-sat/"
    response = client.get(url)
    assert response.status_code == 302 and "/tai-khoan/login/" in response["Location"]
    order = place(stall, buyer_user)
    for user in (buyer_user, vendor_user, stranger):
        client.force_login(user)
        assert client.get(url).status_code == 403
        response = client.post(reverse("orders:console_act", args=[order.number]), {"action": "organizer_cancel", "key": key(), "reason": "x"})
        assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == Status.PLACED


@pytest.mark.django_db
def test_the_console_lists_real_orders_with_filters_flags_and_the_dispute_queue(client, stall, buyer_user, vendor_user, organizer_user):
    now = timezone.now()
    real = place(stall, buyer_user, source_id=7, label="Phiên thứ Sáu")
    backdate(real, placed_at=now - timedelta(hours=30))
    practice = place(stall, buyer_user, sandbox=True)
    other = move(place(stall, buyer_user, "B02"), "confirm", vendor_user, "vendor")
    received = received_order(stall, buyer_user, vendor_user, code="B03", quantity=1)
    dispute, _ = open_(received, buyer_user)
    client.force_login(organizer_user)
    page = client.get(reverse("orders:console")).content.decode()
    assert real.number in page and other.number in page and practice.number not in page
    assert f'data-testid="overdue-{real.number}"' in page and "Chưa xác nhận quá 24 giờ" in page
    assert f'data-testid="overdue-{other.number}"' not in page
    assert reverse("orders:dispute", args=[received.number, dispute.pk]) in page
    filtered = client.get(reverse("orders:console"), {"status": "confirmed"}).content.decode()
    assert other.number in filtered and real.number not in filtered
    late = client.get(reverse("orders:console"), {"overdue": "1"}).content.decode()
    assert real.number in late and other.number not in late
    by_source = client.get(reverse("orders:console"), {"source": "show:7"}).content.decode()
    assert real.number in by_source and other.number not in by_source
    by_phone = client.get(reverse("orders:console"), {"q": received.number}).content.decode()
    assert received.number in by_phone and other.number not in by_phone
    # The step-ins offered fit the state: cancel on a placed order, no receipt to record.
    assert f'data-testid="step-organizer_cancel-{real.number}"' in page
    assert f'data-testid="step-record_receipt-{real.number}"' not in page


def _act(client, order, action, **fields):
    data = {"action": action, "key": fields.pop("k", None) or key(), **fields}
    return client.post(reverse("orders:console_act", args=[order.number]), data)


@pytest.mark.django_db
def test_organizer_step_ins_go_on_the_timeline(client, stall, buyer_user, vendor_user, organizer_user):
    client.force_login(organizer_user)
    shipped = move(move(place(stall, buyer_user), "confirm", vendor_user, "vendor"), "ship", vendor_user, "vendor", data={"own_delivery": True})
    k = key()
    response = _act(client, shipped, "record_receipt", k=k, reason="Người mua gọi điện lúc 9:10", goods_match="yes")
    assert response.status_code == 302
    order = Order.objects.get(pk=shipped.pk)
    assert order.status == Status.RECEIVED and order.goods_match is True
    _act(client, shipped, "record_receipt", k=k, reason="lặp")  # a double tap
    assert OrderEvent.objects.filter(order=order, action="record_receipt").count() == 1
    _act(client, shipped, "organizer_contacted", reason="Gọi shop và người mua, hẹn giao bù")
    note = OrderEvent.objects.get(order=order, action="organizer_contacted")
    assert note.actor_role == "organizer" and "hẹn giao bù" in note.reason and note.from_status == note.to_status
    move(order, "record_payment", vendor_user, "vendor", data={"method": "cash", "amount": order.total})
    _act(client, shipped, "confirm_payment_for_buyer", reason="Người mua xác nhận qua điện thoại")
    assert Order.objects.get(pk=shipped.pk).status == Status.COMPLETED
    # The buyer sees each organizer step on their order page.
    client.force_login(buyer_user)
    timeline = client.get(shipped.get_absolute_url()).content.decode()
    assert "hẹn giao bù" in timeline and "Ban tổ chức đã gọi điện cho người mua" in timeline


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_a_refusal_changes_nothing(client, stall, buyer_user, organizer_user):
    client.force_login(organizer_user)
    order = place(stall, buyer_user)
    response = client.post(
        reverse("orders:console_act", args=[order.number]), {"action": "organizer_cancel", "key": key(), "reason": ""}, follow=True
    )
    assert "Hãy ghi lý do" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Status.PLACED
    response = _act(client, order, "record_receipt", reason="Chưa giao mà ghi nhận")
    assert Order.objects.get(pk=order.pk).status == Status.PLACED
    _act(client, order, "organizer_contacted", reason="")
    assert not OrderEvent.objects.filter(order=order, action="organizer_contacted").exists()
    _act(client, order, "organizer_cancel", reason="Shop không liên lạc được")
    assert Order.objects.get(pk=order.pk).status == Status.CANCELLED
    practice = place(stall, buyer_user, sandbox=True)
    assert _act(client, practice, "organizer_cancel", reason="x").status_code == 404


# ----------------------------------------------------------------------------- the dispute pages


@pytest.fixture
def received(stall, buyer_user, vendor_user):
    return received_order(stall, buyer_user, vendor_user)


@pytest.mark.django_db
def test_the_buyer_opens_a_dispute_from_the_page(client, received, buyer_user):
    client.force_login(buyer_user)
    url = reverse("orders:dispute_open", args=[received.number])
    form = client.get(url).content.decode()
    assert 'data-testid="dispute-open-form"' in form and "Hàng bị hư hỏng" in form
    response = client.post(url, {"key": key(), "reason": "damaged", "text": "Dập hai quả", "photos": [png(), png()]})
    dispute = Dispute.objects.get(order=received)
    assert response.status_code == 302 and response["Location"] == reverse("orders:dispute", args=[received.number, dispute.pk])
    assert dispute.photos.count() == 2
    # Coming back to the form while it is undecided leads to it.
    assert client.get(url)["Location"] == response["Location"]


@pytest.mark.django_db
def test_a_bad_photo_is_refused_on_the_page_with_nothing_saved(client, received, buyer_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(buyer_user)
    url = reverse("orders:dispute_open", args=[received.number])
    bad = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not a picture" * 20, content_type="image/jpeg")
    response = client.post(url, {"key": key(), "reason": "damaged", "text": "Dập", "photos": [bad]})
    assert response.status_code == 400
    assert "không đúng định dạng" in response.content.decode() and 'value="damaged" checked' in response.content.decode()
    assert not Dispute.objects.exists()


@pytest.mark.django_db
def test_dispute_pages_and_photos_only_for_the_buyer_the_vendor_and_organizers(
    client, received, buyer_user, vendor_user, organizer_user, stranger, make_user
):
    dispute, _ = open_(received, buyer_user, photos=[png()])
    photo = dispute.photos.get()
    page = reverse("orders:dispute", args=[received.number, dispute.pk])
    photo_url = reverse("orders:dispute_photo", args=[received.number, dispute.pk, photo.pk])
    other_vendor = make_user("htxkhac@example.vn", roles=[Role.VENDOR])
    for user in (stranger, other_vendor):
        client.force_login(user)
        assert client.get(page).status_code == 404
        assert client.get(photo_url).status_code == 404
        assert client.post(reverse("orders:dispute_open", args=[received.number]), {"key": key(), "reason": "damaged", "text": "x"}).status_code == 404
    client.logout()
    assert client.get(photo_url).status_code == 302
    for user in (buyer_user, vendor_user, organizer_user):
        client.force_login(user)
        html = client.get(page).content.decode()
        assert "Hai quả bưởi bị dập." in html and photo_url in html
        response = client.get(photo_url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    # The vendor (only) gets the answer form; the organizer no decision form before the answer.
    client.force_login(vendor_user)
    assert 'data-testid="dispute-answer-form"' in client.get(page).content.decode()
    client.force_login(buyer_user)
    assert 'data-testid="dispute-answer-form"' not in client.get(page).content.decode()
    client.force_login(organizer_user)
    assert 'data-testid="dispute-decide-form"' not in client.get(page).content.decode()
    # A vendor member cannot open a dispute, nor decide one; a buyer cannot answer.
    client.force_login(vendor_user)
    assert client.post(reverse("orders:dispute_decide", args=[received.number, dispute.pk]), {"key": key(), "decision": "refund", "reason": "x"}).status_code == 404
    client.force_login(buyer_user)
    assert client.post(reverse("orders:dispute_answer", args=[received.number, dispute.pk]), {"key": key(), "answer": "x"}).status_code == 404
    assert Dispute.objects.get(pk=dispute.pk).state == Dispute.State.OPEN


@pytest.mark.django_db
def test_answer_then_decide_from_the_pages_both_sides_read_it(client, received, buyer_user, vendor_user, organizer_user):
    dispute, _ = open_(received, buyer_user)
    page = reverse("orders:dispute", args=[received.number, dispute.pk])
    client.force_login(vendor_user)
    client.post(reverse("orders:dispute_answer", args=[received.number, dispute.pk]), {"key": key(), "answer": "Shop xin hoàn tiền"})
    client.force_login(organizer_user)
    assert 'data-testid="dispute-decide-form"' in client.get(page).content.decode()
    refused = client.post(
        reverse("orders:dispute_decide", args=[received.number, dispute.pk]),
        {"key": key(), "decision": "partial_refund", "amount": "999.999.999", "reason": "Quá tổng"},
    )
    assert refused.status_code == 400 and "Số tiền hoàn phải từ 1 đến" in refused.content.decode()
    client.post(
        reverse("orders:dispute_decide", args=[received.number, dispute.pk]),
        {"key": key(), "decision": "partial_refund", "amount": "100.000", "reason": "Hai quả dập do vận chuyển"},
    )
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.DECIDED and dispute.refund_amount == 100_000
    for user in (buyer_user, vendor_user):
        client.force_login(user)
        assert "Hoàn tiền một phần: 100.000 ₫" in client.get(page).content.decode()
        timeline = client.get(received.get_absolute_url()).content.decode()
        assert "Ban tổ chức: Quyết định khiếu nại: Hoàn tiền một phần: 100.000 ₫" in timeline
        assert "Trả lời khiếu nại: Shop xin hoàn tiền" in timeline


@pytest.mark.django_db
def test_after_the_window_the_buyer_is_told_and_cannot_open(client, received, buyer_user):
    backdate(received, received_at=timezone.now() - timedelta(days=disputes.window_days(), minutes=5))
    client.force_login(buyer_user)
    url = reverse("orders:dispute_open", args=[received.number])
    page = client.get(url).content.decode()
    assert 'data-testid="dispute-closed"' in page and 'data-testid="dispute-open-form"' not in page
    response = client.post(url, {"key": key(), "reason": "damaged", "text": "Muộn"})
    assert response.status_code == 409 and "không thể mở khiếu nại nữa" in response.content.decode()
    assert not Dispute.objects.exists()


@pytest.mark.django_db
def test_an_escalated_dispute_shows_late_to_the_vendor_and_goes_to_the_top_of_the_queue(
    client, stall, received, buyer_user, vendor_user, organizer_user
):
    late, _ = open_(received, buyer_user)
    other = received_order(stall, buyer_user, vendor_user, code="B02", quantity=1)
    waiting, _ = open_(other, buyer_user)
    Dispute.objects.filter(pk=late.pk).update(answer_due_at=timezone.now() - timedelta(minutes=5))
    page = reverse("orders:dispute", args=[received.number, late.pk])
    client.force_login(vendor_user)
    html = client.get(page).content.decode()
    assert 'data-testid="dispute-late"' in html and 'data-testid="dispute-answer-form"' not in html
    assert disputes.dispute_escalate(dispute_id=late.pk)
    assert [d.pk for d in supervision.dispute_queue()] == [late.pk, waiting.pk]
    client.force_login(organizer_user)
    console = client.get(reverse("orders:console")).content.decode()
    assert console.index(f"data-dispute=\"{late.pk}\"") < console.index(f"data-dispute=\"{waiting.pk}\"")
    assert "Quá hạn, ban tổ chức xử lý" in console
    assert 'data-testid="dispute-decide-form"' in client.get(page).content.decode()
    # The vendor reaches the order's disputes from the dispute URL without a form to open one.
    client.force_login(vendor_user)
    response = client.get(reverse("orders:dispute_open", args=[received.number]))
    assert response.status_code == 302 and response["Location"] == page


@pytest.mark.django_db
def test_the_console_and_the_dispute_page_read_in_english(client, received, buyer_user, organizer_user):
    from django.conf import settings

    dispute, _ = open_(received, buyer_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(organizer_user)
    console = client.get(reverse("orders:console")).content.decode()
    assert "Order supervision" in console and "Disputes waiting" in console and "Step in" in console
    assert "Giám sát đơn hàng" not in console
    page = client.get(reverse("orders:dispute", args=[received.number, dispute.pk])).content.decode()
    assert "<h1>Dispute: Damaged goods</h1>" in page and f"← Order {received.number}" in page
    assert "Damaged goods" in page and "The organizers' decision" in page and "Waiting for the shop&#x27;s answer" in page
