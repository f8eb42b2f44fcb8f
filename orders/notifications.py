"""Each change of an order tells the other side: by e-mail and on their notification list.

Connected to ``orders.services.order_changed`` (sent after commit) in ``OrdersConfig.ready``,
which queues ``order_notify_task`` for the worker: the request that changed the order (a
placement in a rush, a vendor confirming fifty at once) neither waits for a mail server nor
pays for the notification rows; the worker writes them within its polling interval.
Who hears of an event: the buyer when the vendor, an organizer or the system acted; the
vendor's members when the buyer, an organizer or the system acted; never the person who
acted. A deadline missed (the system's ``overdue_flagged``) also tells the organizers, in-app,
with a link to the console's overdue list: they are the third party who steps in. Practice (sandbox) orders notify in-app only: no e-mail about a parcel that will
never exist, nor about history recorded after the fact (an event stamped more than an
hour before it is announced: the demo's seeding, an import). A failing mail server never undoes or breaks the change (it is logged).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from notifications.services import notification_create
from orders.models import ActorRole, Order, OrderEvent
from vendors.models import VendorMember

log = logging.getLogger(__name__)

#: Events older than this when announced are history being recorded, not news: in-app only.
MAIL_ONLY_WITHIN = timedelta(hours=1)


def recipients(order: Order, event: OrderEvent) -> list[int]:
    """User ids of the other side of ``event`` (the actor excluded)."""
    ids: list[int] = []
    if event.actor_role in (ActorRole.VENDOR, ActorRole.ORGANIZER, ActorRole.SYSTEM):
        ids.append(order.buyer_id)
    if event.actor_role in (ActorRole.BUYER, ActorRole.ORGANIZER, ActorRole.SYSTEM):
        ids += list(VendorMember.objects.filter(vendor_id=order.vendor_id).values_list("user_id", flat=True))
    return [uid for uid in dict.fromkeys(ids) if uid != event.actor_id]


def _organizers_told_of_overdue(order: Order, event: OrderEvent, title: str, body: str) -> int:
    from django.urls import reverse

    from accounts.roles import Role

    if order.sandbox or event.action != "overdue_flagged":
        return 0
    url = reverse("orders:console") + "?overdue=1"
    organizers = get_user_model().objects.filter(groups__name=Role.ORGANIZER, is_active=True).values_list("pk", flat=True)
    for user_id in organizers:
        notification_create(user_id=user_id, title=title, body=body, url=url)
    return len(organizers)


def _texts(order: Order, event: OrderEvent) -> tuple[str, str]:
    from orders.views import event_text  # the timeline's words, one place

    title = _("Đơn %(number)s: %(status)s") % {"number": order.number, "status": order.get_status_display()}
    body = event_text(event)
    if event.reason:
        body += ". " + _("Lý do: %(reason)s") % {"reason": event.reason}
    return title, body


def order_notify(*, order_id: int, event_id: int) -> int:
    """Notify the other side of one event; returns how many people were told."""
    order = Order.objects.select_related("vendor").filter(pk=order_id).first()
    event = OrderEvent.objects.filter(pk=event_id, order_id=order_id).first()
    if order is None or event is None:
        return 0
    users = get_user_model().objects.filter(pk__in=recipients(order, event), is_active=True)
    url = order.get_absolute_url()
    told = 0
    with override(settings.LANGUAGE_CODE):  # Vietnamese first
        title, body = _texts(order, event)
        link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
        for user in users:
            notification_create(user_id=user.pk, title=title, body=body, url=url)
            told += 1
            if order.sandbox or not user.email or timezone.now() - event.created_at > MAIL_ONLY_WITHIN:
                continue
            message = _(
                "Xin chào %(name)s,\n\n%(body)s.\n\nĐơn hàng %(number)s · %(vendor)s · trạng thái: %(status)s.\n"
                "Xem đơn hàng: %(link)s\n\nChợ Đêm Trên Mây"
            ) % {
                "name": user.get_short_name() or user.email,
                "body": body,
                "number": order.number,
                "vendor": order.vendor.legal_name,
                "status": order.get_status_display(),
                "link": link,
            }
            try:
                send_mail(f"[Chợ Đêm Trên Mây] {title}", message, None, [user.email])
            except Exception:  # a mail server's failure must not break the order's change
                log.exception("order %s: e-mail to user %s failed", order.number, user.pk)
        told += _organizers_told_of_overdue(order, event, title, body)
    return told


@task
def order_notify_task(*, order_id: int, event_id: int) -> int:
    """The worker's half of ``order_notify``."""
    return order_notify(order_id=order_id, event_id=event_id)


def on_order_changed(sender, *, order_id: int, event_id: int, **kwargs) -> None:
    try:
        order_notify_task.enqueue(order_id=order_id, event_id=event_id)
    except Exception:  # the change is committed; a notification's failure is logged, not raised
        log.exception("order %s: could not queue the notifications of event %s", order_id, event_id)


def connect() -> None:
    from orders.services import order_changed

    order_changed.connect(on_order_changed, dispatch_uid="orders.notifications")
