"""The organizers' deadlines and the disputes' escalation, as tasks run by the worker.

Orders are placed and moved with their times in the past (``at``, as the seed does), so
the deadline their state starts is already due and the worker (run here in batch mode,
``tests.tasks_worker``) checks it now.
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import Notification
from orders import disputes
from orders import services as order_services
from orders import tasks as order_tasks
from orders.models import Channel, Dispute, OrderEvent, Status
from tests.tasks_worker import run_due_tasks

pytestmark = pytest.mark.django_db

DELIVERY = {"name": "Phạm Thu Trang", "phone": "0912000111", "address": "12 Hàng Bạc, Hoàn Kiếm"}
CHECK = "orders.tasks.order_deadline_check"
HOUR = timedelta(hours=1)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (``order_changed`` and its receivers) as it would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def place(stall, buyer, *, at, sandbox=False):
    vendor, products = stall
    return order_services.order_place(
        buyer_id=buyer.pk, vendor_id=vendor.pk, placed_by_id=buyer.pk, client_key=uuid.uuid4().hex,
        channel=Channel.CHOT_DON if sandbox else Channel.STALL_CART,
        lines=[order_services.LineRequest(product_id=products["B01"].pk, quantity=2)], delivery=DELIVERY,
        sandbox=sandbox, at=at,
    )


def move(order, action, user, role, *, at, **kw):
    order, _ = order_services.order_transition(
        order_id=order.pk, action=action, actor=user, role=role, key=uuid.uuid4().hex, at=at, **kw
    )
    return order


def flags(order):
    return list(OrderEvent.objects.filter(order=order, action="overdue_flagged").values_list("key", "actor_role", "data"))


def queued(**kwargs):
    lookups = {f"args_kwargs__kwargs__{k}": v for k, v in kwargs.items()}
    return list(DBTaskResult.objects.filter(task_path=CHECK, **lookups).values_list("run_after", "status"))


def test_an_order_not_confirmed_in_24_hours_is_flagged_once_and_the_vendor_hears_of_it(
    stall, buyer_user, vendor_user, organizer_user, on_commit
):
    placed_at = timezone.now() - 25 * HOUR
    with on_commit():
        order = place(stall, buyer_user, at=placed_at)
    assert queued(order_id=order.pk) == [(placed_at + 24 * HOUR, "READY")]
    with on_commit():
        assert CHECK in run_due_tasks()
    run_due_tasks()  # the flag's notifications
    [(key, role, data)] = flags(order)
    assert (key, role, data["deadline"], data["late"]) == ("overdue:confirm", "system", "confirm", "vendor")
    event = OrderEvent.objects.get(order=order, action="overdue_flagged")
    assert "24 giờ" in event.reason and event.from_status == event.to_status == Status.PLACED
    order.refresh_from_db()
    assert order.status == Status.PLACED  # a flag changes no status
    assert Notification.objects.filter(user=vendor_user, url=order.get_absolute_url()).exists()
    # The organizers, the third party who steps in, are told too, with the console's overdue list.
    [told] = Notification.objects.filter(user=organizer_user)
    assert (told.url, order.number in told.title) == ("/don-hang/giam-sat/?overdue=1", True)
    # A second check (a retry, the sweep) records nothing more.
    assert order_tasks.deadline_flag(order_id=order.pk, deadline="confirm") is not None
    assert order_tasks.orders_overdue_sweep() == 0
    assert len(flags(order)) == 1


def test_the_check_does_nothing_when_the_order_moved_on_in_time(stall, buyer_user, vendor_user, on_commit):
    now = timezone.now()
    with on_commit():
        order = place(stall, buyer_user, at=now - 25 * HOUR)
    with on_commit():
        move(order, "confirm", vendor_user, "vendor", at=now - 20 * HOUR)
    # Placed → the confirm check (due, finds the order confirmed); confirmed → the ship check in 48 h.
    assert sorted(queued(order_id=order.pk)) == [(now - HOUR, "READY"), (now + 28 * HOUR, "READY")]
    with on_commit():
        run_due_tasks()
    assert flags(order) == []
    assert DBTaskResult.objects.get(task_path=CHECK, run_after=now - HOUR).return_value is False
    assert DBTaskResult.objects.get(task_path=CHECK, run_after=now + 28 * HOUR).status == "READY"  # not due yet


def test_a_confirmed_order_not_shipped_in_48_hours_is_flagged(stall, buyer_user, vendor_user, on_commit):
    now = timezone.now()
    with on_commit():
        order = place(stall, buyer_user, at=now - 60 * HOUR)
    with on_commit():
        move(order, "confirm", vendor_user, "vendor", at=now - 50 * HOUR)
    with on_commit():
        run_due_tasks()
    assert [(k, d["late"]) for k, _r, d in flags(order)] == [("overdue:ship", "vendor")]


def test_payment_not_recorded_then_not_acknowledged_in_7_days_flags_the_vendor_then_the_buyer(
    stall, buyer_user, vendor_user, on_commit
):
    now = timezone.now()
    with on_commit():
        order = place(stall, buyer_user, at=now - 20 * 24 * HOUR)
    with on_commit():
        move(order, "confirm", vendor_user, "vendor", at=now - 19 * 24 * HOUR)
    with on_commit():
        move(order, "ship", vendor_user, "vendor", at=now - 18 * 24 * HOUR, data={"own_delivery": True})
    with on_commit():
        move(order, "confirm_receipt", buyer_user, "buyer", at=now - 17 * 24 * HOUR, data={"goods_match": True})
    with on_commit():
        run_due_tasks()
    assert [(k, d["late"]) for k, _r, d in flags(order)] == [("overdue:record_payment", "vendor")]
    with on_commit():
        move(order, "record_payment", vendor_user, "vendor", at=now - 8 * 24 * HOUR, data={"method": "cash"})
    with on_commit():
        run_due_tasks()
    assert [(k, d["late"]) for k, _r, d in flags(order)] == [
        ("overdue:record_payment", "vendor"), ("overdue:acknowledge", "buyer"),
    ]
    run_due_tasks()  # the flag's notifications
    assert Notification.objects.filter(user=buyer_user, url=order.get_absolute_url(), body__contains="7 ngày").exists()
    with on_commit():
        move(order, "acknowledge_payment", buyer_user, "buyer", at=now)
    assert queued(order_id=order.pk, deadline="acknowledge") == [(now - HOUR * 24, "SUCCESSFUL")]  # a completed order has none


def test_practice_orders_have_no_deadlines(stall, buyer_user, on_commit):
    with on_commit():
        order = place(stall, buyer_user, at=timezone.now() - 30 * HOUR, sandbox=True)
    assert queued(order_id=order.pk) == []
    assert order_tasks.orders_overdue_sweep() == 0
    assert flags(order) == []


def test_the_sweep_flags_an_order_whose_check_was_never_queued(stall, buyer_user):
    order = place(stall, buyer_user, at=timezone.now() - 30 * HOUR)  # no commit callbacks ran: nothing queued
    assert queued(order_id=order.pk) == []
    assert order_tasks.orders_overdue_sweep() == 1
    assert [k for k, _r, _d in flags(order)] == ["overdue:confirm"]
    assert order_tasks.orders_overdue_sweep() == 0


def _disputed_three_days_ago(stall, buyer_user, vendor_user, on_commit, *, reason, text):
    """An order received four days ago whose buyer opened a dispute three days ago (each step committed)."""
    now = timezone.now()
    with on_commit():
        order = place(stall, buyer_user, at=now - 6 * 24 * HOUR)
    with on_commit():
        move(order, "confirm", vendor_user, "vendor", at=now - 6 * 24 * HOUR)
    with on_commit():
        move(order, "ship", vendor_user, "vendor", at=now - 5 * 24 * HOUR, data={"own_delivery": True})
    with on_commit():
        move(order, "confirm_receipt", buyer_user, "buyer", at=now - 4 * 24 * HOUR, data={"goods_match": False})
    with on_commit():
        dispute, _ = disputes.dispute_open(
            order_id=order.pk, actor=buyer_user, key=uuid.uuid4().hex, reason=reason, text=text, at=now - 3 * 24 * HOUR
        )
    return order, dispute


def test_a_dispute_the_vendor_does_not_answer_in_48_hours_escalates_by_itself(stall, buyer_user, vendor_user, on_commit):
    order, dispute = _disputed_three_days_ago(
        stall, buyer_user, vendor_user, on_commit, reason=Dispute.Reason.QUALITY, text="Bưởi bị khô, không như mô tả."
    )
    escalation = DBTaskResult.objects.filter(task_path="orders.tasks.dispute_escalate_task")
    assert list(escalation.values_list("run_after", "args_kwargs")) == [
        (dispute.answer_due_at, {"args": [], "kwargs": {"dispute_id": dispute.pk}})
    ]
    with on_commit():
        assert "orders.tasks.dispute_escalate_task" in run_due_tasks()
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.ESCALATED
    assert OrderEvent.objects.filter(order=order, action=disputes.ESCALATED, actor_role="system").count() == 1
    assert escalation.get().return_value is True


def test_an_answered_dispute_does_not_escalate(stall, buyer_user, vendor_user, on_commit):
    now = timezone.now()
    order, dispute = _disputed_three_days_ago(
        stall, buyer_user, vendor_user, on_commit, reason=Dispute.Reason.QUANTITY, text="Thiếu 1 quả."
    )
    with on_commit():
        disputes.dispute_answer(dispute_id=dispute.pk, actor=vendor_user, key=uuid.uuid4().hex, text="Shop gửi bù.",
                                at=now - 2 * 24 * HOUR - HOUR)
    with on_commit():
        run_due_tasks()
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.ANSWERED
    assert DBTaskResult.objects.filter(task_path="orders.tasks.dispute_escalate_task").count() == 1  # queued once
    assert not OrderEvent.objects.filter(order=order, action=disputes.ESCALATED).exists()
