"""The organizers' deadlines and the disputes' escalation, as tasks on the worker.

Connected to ``orders.services.order_changed`` (sent after commit) in
``OrdersConfig.ready``: each change of an order queues the check of the deadline its new
state starts (the table is ``orders.deadlines``).

The check (``order_deadline_check``) does nothing if the order moved on; otherwise it
records an ``overdue_flagged`` step in the order's history (role "system", key
``overdue:<deadline>``, so a repeated check flags once), which the organizers' console
shows and the notifications follow. Practice (sandbox) orders have no deadlines.

A dispute opened on an order queues ``orders.disputes.dispute_escalate`` at its
``answer_due_at`` (the vendor's 48 hours).

The net: a task queued after commit is lost if the process dies in between, so
``orders_overdue_sweep`` (periodic, every 15 minutes, ``core.scheduling``) flags every
order past a deadline that is not flagged yet, and escalates unanswered disputes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from core.scheduling import periodic
from orders.deadlines import BY_NAME, DEADLINES
from orders.models import ActorRole, Dispute, Order, OrderEvent

logger = logging.getLogger(__name__)

OVERDUE_ACTION = "overdue_flagged"




# ----------------------------------------------------------------------------- the checks


def deadline_flag(*, order_id: int, deadline: str, now: datetime | None = None) -> OrderEvent | None:
    """Flag the order as late on ``deadline`` if it still is; the flag (or None: moved on, not yet due).

    Idempotent: the flag's key is ``overdue:<deadline>`` on that order, so a second check
    returns the first flag and records nothing.
    """
    from orders.services import order_note

    spec = BY_NAME[deadline]
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.sandbox or order.status != spec.status:
        return None
    due_at = spec.due_at(order)
    if due_at is None or (now or timezone.now()) < due_at:
        return None
    n = spec.length()
    return order_note(
        order_id=order.pk,
        actor=None,
        role=ActorRole.SYSTEM,
        key=spec.key,
        action=OVERDUE_ACTION,
        reason=str(spec.reason) % {"n": n},
        data={"deadline": spec.name, "late": spec.late, "due_at": due_at.isoformat(), "status": spec.status},
    )


@task
def order_deadline_check(*, order_id: int, deadline: str) -> bool:
    """The worker's check of one deadline; True if it flagged the order now or before."""
    return deadline_flag(order_id=order_id, deadline=deadline) is not None


@task
def dispute_escalate_task(*, dispute_id: int):
    """Escalate a dispute the vendor did not answer in time (``orders.disputes.dispute_escalate``)."""
    escalate = import_string("orders.disputes.dispute_escalate")
    result = escalate(dispute_id=dispute_id)
    return result if isinstance(result, bool | int | str | None) else True


# ----------------------------------------------------------------------------- queueing them


def _pending(task_obj, **kwargs):
    from django_tasks_db.models import DBTaskResult

    lookups = {f"args_kwargs__kwargs__{name}": value for name, value in kwargs.items()}
    return DBTaskResult.objects.filter(task_path=task_obj.module_path, status="READY", **lookups)


def deadline_schedule(*, order: Order) -> bool:
    """Queue the check of the deadline the order's state starts, if it has one; True if queued."""
    spec = DEADLINES.get(order.status)
    if spec is None or order.sandbox:
        return False
    due_at = spec.due_at(order)
    if due_at is None:
        return False
    order_deadline_check.using(run_after=due_at).enqueue(order_id=order.pk, deadline=spec.name)
    return True


def dispute_schedule(*, dispute: Dispute) -> bool:
    """Queue the escalation of an open dispute at its answer deadline (once); True if queued."""
    if dispute.state != Dispute.State.OPEN or _pending(dispute_escalate_task, dispute_id=dispute.pk).exists():
        return False
    dispute_escalate_task.using(run_after=dispute.answer_due_at).enqueue(dispute_id=dispute.pk)
    return True


def deadlines_follow(sender, *, order_id: int, event_id: int, **kwargs) -> None:
    """``order_changed`` receiver: queue what the change starts. Never breaks the change."""
    try:
        event = OrderEvent.objects.select_related("order").filter(pk=event_id, order_id=order_id).first()
        if event is None or event.action == OVERDUE_ACTION:
            return
        # A state the order already left (a quick second move) starts no deadline: the later event queues its own.
        if event.to_status and event.to_status != event.from_status and event.to_status == event.order.status:
            deadline_schedule(order=event.order)
        if event.action.startswith("dispute"):
            for dispute in Dispute.objects.filter(order_id=order_id, state=Dispute.State.OPEN):
                dispute_schedule(dispute=dispute)
    except Exception:  # the sweep catches up with whatever this missed
        logger.exception("orders: could not queue the deadlines of order %s (event %s)", order_id, event_id)


def connect() -> None:
    from orders.services import order_changed

    order_changed.connect(deadlines_follow, dispatch_uid="orders.tasks.deadlines_follow")


# ----------------------------------------------------------------------------- the net


@periodic(every=timedelta(minutes=15))
def orders_overdue_sweep() -> int:
    """Flag every real order past a deadline and not flagged yet; escalate unanswered disputes.
    How many orders and disputes this run acted on."""
    now = timezone.now()
    acted = 0
    for spec in DEADLINES.values():
        late = (
            Order.objects.filter(status=spec.status, sandbox=False, **{f"{spec.stamp}__lte": now - spec.window()})
            .exclude(events__key=spec.key)
            .values_list("pk", flat=True)
        )
        for order_id in late.iterator():
            acted += deadline_flag(order_id=order_id, deadline=spec.name, now=now) is not None
    try:
        escalate = import_string("orders.disputes.dispute_escalate")
    except ImportError:
        return acted
    for dispute_id in Dispute.objects.filter(state=Dispute.State.OPEN, answer_due_at__lte=now).values_list("pk", flat=True):
        acted += bool(escalate(dispute_id=dispute_id, now=now))
    return acted
