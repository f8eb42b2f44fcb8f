"""Notifications: each order change tells the other side by e-mail and in-app; the list and its unread count.

The change queues the telling for the worker (``order_notify_task``); ``run_due_tasks`` is that worker."""

import uuid

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Notification
from notifications.selectors import unread_count
from orders import services as order_services
from orders.models import Channel
from tests.tasks_worker import run_due_tasks

DELIVERY = {"name": "Phạm Thu Trang", "phone": "0912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}


def place(stall, buyer, *, sandbox=False):
    vendor, products = stall
    return order_services.order_place(
        buyer_id=buyer.pk, vendor_id=vendor.pk, placed_by_id=buyer.pk, client_key=uuid.uuid4().hex,
        channel=Channel.CHOT_DON, lines=[order_services.LineRequest(product_id=products["B01"].pk, quantity=1)],
        delivery=DELIVERY, sandbox=sandbox,
    )


def move(order, action, user, role, **kw):
    return order_services.order_transition(order_id=order.pk, action=action, actor=user, role=role, key=uuid.uuid4().hex, **kw)[0]


@pytest.mark.django_db
def test_the_vendors_step_tells_the_buyer_by_mail_and_in_app(stall, buyer_user, vendor_user, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(stall, buyer_user)
    assert not Notification.objects.exists() and mailoutbox == []  # the request does not wait for the telling
    run_due_tasks()  # the worker tells them
    # the buyer placed it: the vendor's members hear of it, the buyer does not
    assert Notification.objects.filter(user=vendor_user).count() == 1
    assert not Notification.objects.filter(user=buyer_user).exists()
    assert [m.to for m in mailoutbox] == [[vendor_user.email]]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move(order, "confirm", vendor_user, "vendor")
    run_due_tasks()  # the worker tells them
    note = Notification.objects.get(user=buyer_user)
    assert note.title == f"Đơn {order.number}: Chờ lấy hàng" and note.url == order.get_absolute_url()
    assert "Shop đã xác nhận đơn" in note.body
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [buyer_user.email] and order.number in mail.subject
    assert f"/don-hang/{order.number}/" in mail.body and "Xin chào" in mail.body
    assert Notification.objects.filter(user=vendor_user).count() == 1  # the vendor is not told of their own step


@pytest.mark.django_db
def test_the_buyers_step_tells_the_vendor_and_an_organizers_both(stall, buyer_user, vendor_user, organizer_user, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    order = place(stall, buyer_user)
    move(order, "confirm", vendor_user, "vendor")
    move(order, "ship", vendor_user, "vendor", data={"own_delivery": True})
    with django_capture_on_commit_callbacks(execute=True):
        move(order, "confirm_receipt", buyer_user, "buyer", data={"goods_match": True})
    run_due_tasks()  # the worker tells them
    assert [m.to for m in mailoutbox] == [[vendor_user.email]]
    assert "Người mua xác nhận đã nhận hàng: hàng đúng mô tả" in mailoutbox[0].body
    mailoutbox.clear()
    move(order, "record_payment", vendor_user, "vendor", data={"method": "cash"})
    with django_capture_on_commit_callbacks(execute=True):
        move(order, "confirm_payment_for_buyer", organizer_user, "organizer", reason="Người mua gọi điện")
    run_due_tasks()  # the worker tells them
    assert sorted(m.to[0] for m in mailoutbox) == sorted([buyer_user.email, vendor_user.email])
    assert "Lý do: Người mua gọi điện" in mailoutbox[0].body


@pytest.mark.django_db
def test_practice_orders_notify_in_app_only(stall, buyer_user, vendor_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(stall, buyer_user, sandbox=True)
        move(order, "confirm", vendor_user, "vendor")
    run_due_tasks()  # the worker tells them
    assert Notification.objects.filter(user=buyer_user).count() == 1
    assert Notification.objects.filter(user=vendor_user).count() == 1
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_failing_mail_server_does_not_undo_the_change(stall, buyer_user, vendor_user, settings,
                                                        django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications.BrokenBackend"
    order = place(stall, buyer_user)
    with django_capture_on_commit_callbacks(execute=True):
        move(order, "confirm", vendor_user, "vendor")
    run_due_tasks()  # the worker tells them
    order.refresh_from_db()
    assert order.status == "confirmed" and Notification.objects.filter(user=buyer_user).count() == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


@pytest.mark.django_db
def test_the_header_counts_unread_and_the_list_marks_them_read(client, buyer_user, make_user):
    other = make_user("khac@example.vn")
    first = services.notification_create(user_id=buyer_user.pk, title="Đơn CDM-26-000001: Chờ lấy hàng", url="/don-hang/CDM-26-000001/")
    services.notification_create(user_id=buyer_user.pk, title="Đơn CDM-26-000002: Đang giao")
    theirs = services.notification_create(user_id=other.pk, title="Của người khác")
    client.force_login(buyer_user)
    page = client.get("/tim-kiem/").content.decode()
    assert 'data-testid="notifications-unread">2<' in page
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Đơn CDM-26-000002: Đang giao" in page and "Của người khác" not in page
    # opening one marks it read and follows its link
    response = client.post(reverse("notifications:read"), {"id": first.pk})
    assert response.status_code == 302 and response["Location"] == "/don-hang/CDM-26-000001/"
    assert unread_count(user=buyer_user) == 1
    # someone else's notification cannot be touched
    client.post(reverse("notifications:read"), {"id": theirs.pk})
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    client.post(reverse("notifications:read"))
    assert unread_count(user=buyer_user) == 0
    assert 'data-testid="notifications-unread"' not in client.get(reverse("notifications:list")).content.decode()
    assert unread_count(user=other) == 1


@pytest.mark.django_db
def test_the_list_needs_a_log_in_and_a_post_to_change(client, buyer_user):
    assert client.get(reverse("notifications:list")).status_code == 302
    client.force_login(buyer_user)
    assert client.get(reverse("notifications:read")).status_code == 405


@pytest.mark.django_db
def test_a_link_to_another_site_is_not_followed(client, buyer_user):
    note = services.notification_create(user_id=buyer_user.pk, title="x", url="https://evil.example/")
    client.force_login(buyer_user)
    response = client.post(reverse("notifications:read"), {"id": note.pk})
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.django_db
def test_history_recorded_after_the_fact_is_not_mailed(stall, buyer_user, vendor_user, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    order = place(stall, buyer_user)
    with django_capture_on_commit_callbacks(execute=True):
        move(order, "confirm", vendor_user, "vendor", at=timezone.now() - timedelta(days=3))
    run_due_tasks()  # the worker tells them
    assert Notification.objects.filter(user=buyer_user).count() == 1 and mailoutbox == []
