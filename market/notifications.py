"""What the weekly market tells vendors and buyers: e-mail (with an .ics calendar) and notifications.

* ``session_published``: every seller with a slot gets its slot (and the whole timetable) by
  e-mail with an ``.ics`` of its slot and an in-app notification; every active buyer
  (consumer, distributor, retailer) gets the timetable by e-mail with the session's ``.ics``
  and a notification. Run by the task worker (``market.tasks.session_announce_task``).
* ``slot_changed``: a published slot moved or was added: its vendor's members are told.
* ``slot_reminder`` / ``session_reminder``: shortly before a slot / the opening.

A failing mail server never breaks anything (it is logged); notifications are written first.
Vietnamese first, as in ``orders.notifications``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.roles import BUYER_ROLES
from market.models import Session, Slot
from notifications.models import Notification
from notifications.services import notification_create
from vendors.models import VendorMember

log = logging.getLogger(__name__)

MARKET_TZ_NAME = "Asia/Ho_Chi_Minh"
BRAND = "Chợ Đêm Trên Mây"


# ----------------------------------------------------------------------------- .ics


def _ics_escape(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment: datetime) -> str:
    from datetime import UTC

    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets are folded (continuation lines start with a space)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return out


def schedule_ics(*, session: Session, slots: list[Slot], base_url: str | None = None) -> str:
    """An iCalendar (RFC 5545) of ``slots`` of ``session`` (the whole session as one event when empty)."""
    base = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    lobby = base + reverse("market:lobby", kwargs={"session_id": session.pk})
    stamp = _utc(timezone.now())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cho Dem Tren May//market//VI", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_escape(session.title)}", f"X-WR-TIMEZONE:{MARKET_TZ_NAME}"]  # fmt: skip
    events = [
        (f"market-slot-{s.pk}", s.starts_at, s.ends_at, f"{s.vendor} · {session.title}",
         _("Sân khấu %(stage)d") % {"stage": s.stage})
        for s in slots
    ] or [(f"market-session-{session.pk}", session.starts_at, session.ends_at, session.title, session.theme)]  # fmt: skip
    host = base.split("//", 1)[-1].split("/", 1)[0] or "chodem"
    for uid, start, end, summary, description in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(start)}",
            f"DTEND:{_utc(end)}",
            f"SUMMARY:{_ics_escape(summary)}",
            f"DESCRIPTION:{_ics_escape(description)}",
            f"URL:{lobby}",
            f"LOCATION:{_ics_escape(lobby)}",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER:-PT30M",
            f"DESCRIPTION:{_ics_escape(summary)}",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"


# ----------------------------------------------------------------------------- words


def _hhmm(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def timetable_text(slots: list[Slot]) -> str:
    return "\n".join(
        f"  {_hhmm(s.starts_at)}–{_hhmm(s.ends_at)} · "
        + _("sân khấu %(stage)d") % {"stage": s.stage}
        + f" · {s.vendor}"
        for s in slots
    )


def _lobby_url(session: Session) -> str:
    return reverse("market:lobby", kwargs={"session_id": session.pk})


def _send(messages: list[EmailMessage]) -> int:
    if not messages:
        return 0
    try:
        with get_connection() as connection:
            return connection.send_messages(messages) or 0
    except Exception:  # a mail server's failure must not break the market
        log.exception("market: %d e-mails failed", len(messages))
        return 0


def _email(*, to: str, subject: str, body: str, ics: str | None = None, filename: str = "cho-dem.ics") -> EmailMessage:
    message = EmailMessage(f"[{BRAND}] {subject}", body, None, [to])
    if ics:
        message.attach(filename, ics, "text/calendar; charset=utf-8; method=PUBLISH")
    return message


def _members(vendor_ids) -> dict[int, list]:
    by_vendor: dict[int, list] = {}
    for member in VendorMember.objects.filter(vendor_id__in=vendor_ids, user__is_active=True).select_related("user"):
        by_vendor.setdefault(member.vendor_id, []).append(member.user)
    return by_vendor


def buyers():
    """Everyone who may buy at the market (active users with a buyer role)."""
    return get_user_model().objects.filter(groups__name__in=BUYER_ROLES, is_active=True, is_simulated=False).distinct()


# ----------------------------------------------------------------------------- announcements


def session_published(*, session_id: int) -> int:
    """Tell vendors their slots and buyers the timetable; how many people were told."""
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return 0
    slots = list(Slot.objects.filter(session=session).select_related("vendor").order_by("starts_at", "stage"))
    url = _lobby_url(session)
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    told: set[int] = set()
    mails: list[EmailMessage] = []
    with override(settings.LANGUAGE_CODE):
        table = timetable_text(slots)
        members = _members({s.vendor_id for s in slots})
        for slot in slots:
            title = _("Lịch bán của bạn ở %(session)s: %(start)s, sân khấu %(stage)d") % {
                "session": session.title, "start": _hhmm(slot.starts_at), "stage": slot.stage}  # fmt: skip
            body = _(
                "%(vendor)s bán từ %(start)s đến %(end)s ngày %(day)s trên sân khấu %(stage)d. "
                "Hãy vào phòng trước giờ và bấm “Bắt đầu phát”."
            ) % {"vendor": slot.vendor, "start": _hhmm(slot.starts_at), "end": _hhmm(slot.ends_at),
                 "day": _day(slot.starts_at), "stage": slot.stage}  # fmt: skip
            room = reverse("live:show_watch", kwargs={"show_id": slot.show_id}) if slot.show_id else url
            ics = schedule_ics(session=session, slots=[slot])
            for user in members.get(slot.vendor_id, []):
                notification_create(user_id=user.pk, title=title, body=body, url=room)
                told.add(user.pk)
                if user.email:
                    mails.append(_email(to=user.email, subject=title, ics=ics, body=_(
                        "Xin chào %(name)s,\n\n%(body)s\n\nPhòng của bạn: %(room)s\n\nCả phiên:\n%(table)s\n\n%(brand)s"
                    ) % {"name": user.get_short_name() or user.email, "body": body,
                         "room": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + room, "table": table, "brand": BRAND}))  # fmt: skip
        title = _("%(session)s: lịch các gian hàng đã có") % {"session": session.title}
        body = _("Mở chợ %(start)s ngày %(day)s, %(n)d gian hàng.") % {
            "start": _hhmm(session.starts_at), "day": _day(session.starts_at), "n": len(slots)}  # fmt: skip
        ics = schedule_ics(session=session, slots=slots)
        rows = []
        for user in buyers().exclude(pk__in=told).only("pk", "email", "first_name"):
            rows.append(Notification(user_id=user.pk, title=title[:200], body=body[:1000], url=url[:300]))
            told.add(user.pk)
            if user.email:
                mails.append(_email(to=user.email, subject=title, ics=ics, body=_(
                    "Xin chào %(name)s,\n\n%(body)s\n\n%(table)s\n\nVào chợ: %(link)s\n\n%(brand)s"
                ) % {"name": user.get_short_name() or user.email, "body": body, "table": table,
                     "link": link, "brand": BRAND}))  # fmt: skip
        Notification.objects.bulk_create(rows, batch_size=500)
    _send(mails)
    return len(told)


def slot_changed(*, slot_id: int, moved: bool) -> int:
    """A published slot was moved or added: tell its vendor's members."""
    slot = Slot.objects.select_related("vendor", "session").filter(pk=slot_id).first()
    if slot is None:
        return 0
    with override(settings.LANGUAGE_CODE):
        words = {"session": slot.session.title, "start": _hhmm(slot.starts_at), "end": _hhmm(slot.ends_at),
                 "day": _day(slot.starts_at), "stage": slot.stage}  # fmt: skip
        if moved:
            title = _("Lượt bán ở %(session)s đã dời: %(start)s, sân khấu %(stage)d") % words
        else:
            title = _("Bạn có lượt bán ở %(session)s: %(start)s, sân khấu %(stage)d") % words
        body = _("Từ %(start)s đến %(end)s ngày %(day)s, sân khấu %(stage)d.") % words
        ics = schedule_ics(session=slot.session, slots=[slot])
        mails = []
        told = 0
        for user in _members([slot.vendor_id]).get(slot.vendor_id, []):
            notification_create(user_id=user.pk, title=title, body=body, url=_lobby_url(slot.session))
            told += 1
            if user.email:
                mails.append(_email(to=user.email, subject=title, body=body, ics=ics))
    _send(mails)
    return told


def slot_reminder(*, slot_id: int) -> int:
    slot = Slot.objects.select_related("vendor", "session").filter(pk=slot_id).first()
    if slot is None:
        return 0
    with override(settings.LANGUAGE_CODE):
        title = _("Sắp đến lượt bán của %(vendor)s: %(start)s") % {
            "vendor": slot.vendor,
            "start": _hhmm(slot.starts_at),
        }
        body = _("Sân khấu %(stage)d. Vào phòng, kiểm tra camera và sản phẩm trước giờ.") % {"stage": slot.stage}
        url = reverse("live:show_watch", kwargs={"show_id": slot.show_id}) if slot.show_id else _lobby_url(slot.session)
        told = 0
        mails = []
        for user in _members([slot.vendor_id]).get(slot.vendor_id, []):
            notification_create(user_id=user.pk, title=title, body=body, url=url)
            told += 1
            if user.email:
                mails.append(_email(to=user.email, subject=title, body=body))
    _send(mails)
    return told


def session_reminder(*, session_id: int) -> int:
    """Buyers: the session opens soon (in-app only: they had the e-mail and its calendar)."""
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return 0
    with override(settings.LANGUAGE_CODE):
        title = _("%(session)s mở lúc %(start)s") % {"session": session.title, "start": _hhmm(session.starts_at)}
        body = _("Vào chợ để xem gian hàng nào đang bán.")
        url = _lobby_url(session)
        rows = [
            Notification(user_id=pk, title=title[:200], body=body, url=url)
            for pk in buyers().values_list("pk", flat=True)
        ]
    Notification.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def application_declined(*, application_id: int) -> int:
    """The seller's application got no slot (declined by an organizer, or left out at publishing)."""
    from market.models import Application

    application = Application.objects.select_related("session", "vendor").filter(pk=application_id).first()
    if application is None:
        return 0
    with override(settings.LANGUAGE_CODE):
        title = _("%(vendor)s chưa có lượt ở %(session)s") % {
            "vendor": application.vendor,
            "session": application.session.title,
        }
        body = application.decline_reason or _("Ban tổ chức chưa xếp được lượt cho bạn trong phiên này.")
        url = reverse("market:my_slots")
        users = _members([application.vendor_id]).get(application.vendor_id, [])
        for user in users:
            notification_create(user_id=user.pk, title=title, body=body, url=url)
    return len(users)
