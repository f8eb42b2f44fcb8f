"""Sessions and their timetable: every write (keyword-only ``<thing>_<verb>`` functions).

A session moves ``draft → open → published → live → ended`` (``TRANSITIONS``), and only so.
Promoted sellers apply with verified products while it is open; organizers assign each
accepted application a slot on a stage (no stage booked twice, no vendor in two places,
inside the session, on the session's grid of ``slot_minutes``) and move slots until the
session ends. Publishing turns every slot into a ``live.Show`` of ``owner_kind="market"``
with the application's products on offer (``selling.services.offers.offers_set``), then tells the
vendors and buyers (``market.notifications``) and queues the reminders and the session's
go-live and end on the task runner (``market.tasks``), never an in-process timer.

Locking: each write that checks the timetable locks the session's row first
(``SELECT … FOR UPDATE``), so two organizers assigning at once apply one after the other.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from config.errors import ApplicationError
from live.models import Show
from live.selectors import HOST, Participant
from live.services import show_create
from market.models import Application, ApplicationProduct, Seller, Session, Slot
from market.room import OWNER_KIND
from vendors.models import Product, Vendor
from vendors.permissions import is_organizer, require_member

MARKET_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_WEEKDAY = 4  # Friday
DEFAULT_START = datetime.time(20, 0)
DEFAULT_END = datetime.time(22, 0)
MAX_PRODUCTS_PER_APPLICATION = 20

State = Session.State

#: The allowed moves of a session's state; anything else is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (State.OPEN,),
    State.OPEN: (State.PUBLISHED,),
    State.PUBLISHED: (State.LIVE,),
    State.LIVE: (State.ENDED,),
    State.ENDED: (),
}

#: States in which the timetable may still change.
EDITABLE_STATES = (State.DRAFT, State.OPEN, State.PUBLISHED)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def require_organizer(user) -> None:
    if not is_organizer(user):
        raise ApplicationError(
            _("Chỉ ban tổ chức mới quản lý được phiên chợ."), code="not_organizer", status=status.HTTP_403_FORBIDDEN
        )


def next_friday(*, today: datetime.date | None = None) -> datetime.date:
    """The next Friday on or after ``today`` (Hanoi's date)."""
    today = today or timezone.localdate(timezone=MARKET_TZ)
    return today + timedelta(days=(DEFAULT_WEEKDAY - today.weekday()) % 7)


def evening(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The default opening hours of a session on ``day``: 20:00–22:00, Hanoi time."""
    return (
        datetime.datetime.combine(day, DEFAULT_START, tzinfo=MARKET_TZ),
        datetime.datetime.combine(day, DEFAULT_END, tzinfo=MARKET_TZ),
    )


def _session_for_update(session_id: int) -> Session:
    session = Session.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise ApplicationError(_("Không tìm thấy phiên chợ."), code="not_found", status=status.HTTP_404_NOT_FOUND)
    return session


def _check_shape(*, starts_at, ends_at, stages, slot_minutes) -> None:
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ApplicationError(
            _("Giờ kết thúc phải sau giờ bắt đầu."), fields={"ends_at": _("Giờ kết thúc phải sau giờ bắt đầu.")}
        )
    if not 1 <= int(stages) <= 30:
        raise ApplicationError(_("Số sân khấu từ 1 đến 30."), fields={"stages": _("Số sân khấu từ 1 đến 30.")})
    if not 10 <= int(slot_minutes) <= 120:
        raise ApplicationError(
            _("Mỗi lượt dài từ 10 đến 120 phút."), fields={"slot_minutes": _("Mỗi lượt dài từ 10 đến 120 phút.")}
        )
    if ends_at - starts_at < timedelta(minutes=int(slot_minutes)):
        raise ApplicationError(
            _("Phiên chợ phải dài ít nhất một lượt."),
            fields={"slot_minutes": _("Phiên chợ phải dài ít nhất một lượt.")},
        )
    if ends_at - starts_at > timedelta(hours=12):
        raise ApplicationError(
            _("Một phiên chợ dài tối đa 12 giờ."), fields={"ends_at": _("Một phiên chợ dài tối đa 12 giờ.")}
        )


# ---------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------


def session_create(
    *,
    actor,
    title: str,
    theme: str = "",
    day: datetime.date | None = None,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    stages: int = 3,
    slot_minutes: int = 30,
    is_special: bool = False,
) -> Session:
    """A new session in draft. Without times it is the next Friday's (or ``day``'s) 20:00–22:00;
    a special session gives its own ``starts_at``/``ends_at``."""
    require_organizer(actor)
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Hãy đặt tên phiên chợ."), fields={"title": _("Hãy đặt tên phiên chợ.")})
    if starts_at is None and ends_at is None:
        starts_at, ends_at = evening(day or next_friday())
    _check_shape(starts_at=starts_at, ends_at=ends_at, stages=stages, slot_minutes=slot_minutes)
    if ends_at <= timezone.now():
        raise ApplicationError(_("Phiên chợ phải ở tương lai."), fields={"starts_at": _("Phiên chợ phải ở tương lai.")})
    local_start = timezone.localtime(starts_at, MARKET_TZ)
    regular = local_start.weekday() == DEFAULT_WEEKDAY and local_start.time() == DEFAULT_START
    return Session.objects.create(
        title=title[:200],
        theme=(theme or "").strip()[:120],
        starts_at=starts_at,
        ends_at=ends_at,
        stages=int(stages),
        slot_minutes=int(slot_minutes),
        is_special=bool(is_special) or not regular,
        created_by=actor,
    )


def _move(session: Session, target: str) -> None:
    if target not in TRANSITIONS[session.state]:
        raise ApplicationError(
            _("Phiên chợ đang ở trạng thái “%(state)s”, không chuyển sang “%(target)s” được.")
            % {"state": session.get_state_display(), "target": State(target).label},
            code="bad_state",
        )
    session.state = target


@transaction.atomic
def session_open(*, actor, session: Session) -> Session:
    """Draft → open for applications."""
    require_organizer(actor)
    session = _session_for_update(session.pk)
    _move(session, State.OPEN)
    session.save(update_fields=["state"])
    return session


@transaction.atomic
def session_update(
    *,
    actor,
    session: Session,
    title: str,
    theme: str = "",
    starts_at=None,
    ends_at=None,
    stages=None,
    slot_minutes=None,
    is_special: bool | None = None,
) -> Session:
    """Change a session's words and hours while nothing is scheduled on them (before publishing)."""
    require_organizer(actor)
    session = _session_for_update(session.pk)
    if session.state not in (State.DRAFT, State.OPEN):
        raise ApplicationError(_("Lịch đã công bố: không sửa giờ phiên chợ được nữa."), code="bad_state")
    starts_at = starts_at or session.starts_at
    ends_at = ends_at or session.ends_at
    stages = session.stages if stages is None else int(stages)
    slot_minutes = session.slot_minutes if slot_minutes is None else int(slot_minutes)
    _check_shape(starts_at=starts_at, ends_at=ends_at, stages=stages, slot_minutes=slot_minutes)
    changed_grid = (starts_at, ends_at, stages, slot_minutes) != (
        session.starts_at,
        session.ends_at,
        session.stages,
        session.slot_minutes,
    )
    if changed_grid and ends_at <= timezone.now():
        raise ApplicationError(_("Phiên chợ phải ở tương lai."), fields={"starts_at": _("Phiên chợ phải ở tương lai.")})
    if changed_grid and session.slots.exists():
        raise ApplicationError(
            _("Đã có lượt được xếp: bỏ các lượt trước khi đổi giờ, số sân khấu hay độ dài lượt."), code="has_slots"
        )
    session.title = (title or session.title).strip()[:200]
    session.theme = (theme or "").strip()[:120]
    session.starts_at, session.ends_at, session.stages, session.slot_minutes = starts_at, ends_at, stages, slot_minutes
    if is_special is not None:
        local_start = timezone.localtime(starts_at, MARKET_TZ)
        regular = local_start.weekday() == DEFAULT_WEEKDAY and local_start.time() == DEFAULT_START
        session.is_special = bool(is_special) or not regular
    session.save()
    return session


# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------


def _require_seller(vendor: Vendor) -> Seller:
    seller = Seller.objects.filter(vendor=vendor, withdrawn_at__isnull=True).first()
    if seller is None:
        raise ApplicationError(
            _("Chủ thể chưa được lên chợ đêm: hãy hoàn thành chợ thực hành và được ban tổ chức duyệt trước."),
            code="not_promoted",
            status=status.HTTP_403_FORBIDDEN,
        )
    return seller


def _offerable_products(*, vendor: Vendor, session: Session, product_ids: Iterable[int]) -> list[Product]:
    wanted = list(dict.fromkeys(int(pk) for pk in product_ids))
    if not wanted:
        raise ApplicationError(
            _("Chọn ít nhất một sản phẩm sẽ bán."), fields={"product_ids": _("Chọn ít nhất một sản phẩm sẽ bán.")}
        )
    if len(wanted) > MAX_PRODUCTS_PER_APPLICATION:
        raise ApplicationError(
            _("Tối đa %(n)d sản phẩm mỗi lượt.") % {"n": MAX_PRODUCTS_PER_APPLICATION},
            fields={"product_ids": _("Quá nhiều sản phẩm.")},
        )
    products = {p.pk: p for p in Product.objects.filter(vendor=vendor, pk__in=wanted)}
    if len(products) != len(wanted):
        raise ApplicationError(
            _("Có sản phẩm không thuộc chủ thể của bạn."), code="not_found", fields={"product_ids": _("Sản phẩm lạ.")}
        )
    on = timezone.localtime(session.ends_at, MARKET_TZ).date()
    verified = set(Product.objects.verified(on=on).filter(pk__in=wanted).values_list("pk", flat=True))
    unverified = [products[pk] for pk in wanted if pk not in verified]
    if unverified:
        names = ", ".join(f"{p.name} ({p.code})" for p in unverified)
        raise ApplicationError(
            _("Chỉ bán được sản phẩm đã xác minh, hồ sơ còn hiệu lực đến ngày phiên chợ. Chưa đủ điều kiện: %(names)s.")
            % {"names": names},
            code="product_unverified",
            fields={"product_ids": _("Có sản phẩm chưa xác minh.")},
        )
    return [products[pk] for pk in wanted]


@transaction.atomic
def application_submit(
    *, actor, session: Session, vendor: Vendor, product_ids: Iterable[int], note: str = ""
) -> Application:
    """A promoted seller's member asks for a slot with the products it will sell.

    Re-submitting an application still waiting replaces its products; a withdrawn or
    declined one is submitted again. An application that already has a slot is changed
    by the organizers only."""
    require_member(actor, vendor)
    _require_seller(vendor)
    session = _session_for_update(session.pk)
    if session.state != State.OPEN:
        raise ApplicationError(_("Phiên chợ này không nhận đăng ký."), code="not_open")
    products = _offerable_products(vendor=vendor, session=session, product_ids=product_ids)
    application = Application.objects.select_for_update().filter(session=session, vendor=vendor).first()
    if application is not None and application.state == Application.State.ACCEPTED:
        raise ApplicationError(_("Đăng ký đã được xếp lượt: liên hệ ban tổ chức nếu cần đổi."), code="already_accepted")
    if application is None:
        application = Application(session=session, vendor=vendor)
    application.applicant = actor
    application.state = Application.State.SUBMITTED
    application.note = (note or "").strip()[:500]
    application.decline_reason = ""
    application.save()
    application.products.all().delete()
    ApplicationProduct.objects.bulk_create(ApplicationProduct(application=application, product=p) for p in products)
    return application


@transaction.atomic
def application_withdraw(*, actor, application: Application) -> Application:
    """The seller withdraws before the timetable is published (its slot, if any, is freed)."""
    require_member(actor, application.vendor)
    session = _session_for_update(application.session_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state not in (Application.State.SUBMITTED, Application.State.ACCEPTED):
        raise ApplicationError(_("Đăng ký này không còn hiệu lực."), code="bad_state")
    if session.state not in (State.DRAFT, State.OPEN):
        raise ApplicationError(_("Lịch đã công bố: hãy liên hệ ban tổ chức để rút khỏi phiên chợ."), code="published")
    Slot.objects.filter(application=application).delete()
    application.state = Application.State.WITHDRAWN
    application.save(update_fields=["state"])
    return application


@transaction.atomic
def application_decline(*, actor, application: Application, reason: str) -> Application:
    """The organizers turn an application down (before publishing) with a reason."""
    require_organizer(actor)
    session = _session_for_update(application.session_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if session.state not in (State.DRAFT, State.OPEN):
        raise ApplicationError(_("Lịch đã công bố: không từ chối đăng ký được nữa."), code="published")
    if application.state not in (Application.State.SUBMITTED, Application.State.ACCEPTED):
        raise ApplicationError(_("Đăng ký này không còn hiệu lực."), code="bad_state")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Hãy ghi lý do."), fields={"reason": _("Hãy ghi lý do.")})
    Slot.objects.filter(application=application).delete()
    application.state = Application.State.DECLINED
    application.decline_reason = reason[:300]
    application.save(update_fields=["state", "decline_reason"])
    _tell_declined([application.pk])
    return application


# ---------------------------------------------------------------------------
# Slots
# ---------------------------------------------------------------------------


def _check_slot(*, session: Session, vendor_id: int, stage: int, starts_at, exclude_pk=None):
    """Refuse a slot that leaves the session's grid, double-books a stage or puts a vendor in two places."""
    if starts_at is None:
        raise ApplicationError(_("Chọn giờ bắt đầu."), fields={"starts_at": _("Chọn giờ bắt đầu.")})
    if not 1 <= int(stage) <= session.stages:
        raise ApplicationError(
            _("Phiên chợ này có sân khấu 1 đến %(n)d.") % {"n": session.stages},
            code="bad_stage",
            fields={"stage": _("Sân khấu không có trong phiên.")},
        )
    length = timedelta(minutes=session.slot_minutes)
    ends_at = starts_at + length
    if starts_at < session.starts_at or ends_at > session.ends_at:
        raise ApplicationError(
            _("Lượt phải nằm trong giờ của phiên chợ."), code="outside", fields={"starts_at": _("Ngoài giờ phiên chợ.")}
        )
    if (starts_at - session.starts_at) % length:
        raise ApplicationError(
            _("Lượt bắt đầu theo bước %(n)d phút từ giờ mở chợ.") % {"n": session.slot_minutes},
            code="off_grid",
            fields={"starts_at": _("Giờ lẻ.")},
        )
    others = Slot.objects.exclude(pk=exclude_pk).filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    taken = others.filter(session=session, stage=stage).select_related("vendor").first()
    if taken is not None:
        raise ApplicationError(
            _("Sân khấu %(stage)d đã có %(vendor)s vào giờ này.") % {"stage": int(stage), "vendor": taken.vendor},
            code="stage_taken",
            fields={"stage": _("Sân khấu đã có người.")},
        )
    busy = others.filter(vendor_id=vendor_id).select_related("session").first()
    if busy is not None:
        raise ApplicationError(
            _("Chủ thể này đã có lượt trùng giờ (%(session)s, sân khấu %(stage)d).")
            % {"session": busy.session.title, "stage": busy.stage},
            code="vendor_busy",
            fields={"starts_at": _("Chủ thể đã có lượt trùng giờ.")},
        )
    return ends_at


@transaction.atomic
def slot_assign(*, actor, application: Application, stage: int, starts_at: datetime.datetime) -> Slot:
    """Give an application its slot (accepting it). After publishing, the slot gets its show at once."""
    require_organizer(actor)
    session = _session_for_update(application.session_id)
    if session.state not in EDITABLE_STATES:
        raise ApplicationError(_("Phiên chợ đã bắt đầu: không xếp thêm lượt được."), code="bad_state")
    application = Application.objects.select_for_update().select_related("vendor").get(pk=application.pk)
    if application.state not in (Application.State.SUBMITTED, Application.State.ACCEPTED):
        raise ApplicationError(_("Đăng ký này đã rút hoặc bị từ chối."), code="bad_state")
    if Slot.objects.filter(application=application).exists():
        raise ApplicationError(_("Đăng ký này đã có lượt: hãy dời lượt thay vì xếp lại."), code="has_slot")
    _require_seller(application.vendor)
    ends_at = _check_slot(session=session, vendor_id=application.vendor_id, stage=stage, starts_at=starts_at)
    slot = Slot.objects.create(
        session=session, application=application, vendor_id=application.vendor_id, stage=int(stage),
        starts_at=starts_at, ends_at=ends_at,
    )  # fmt: skip
    application.state = Application.State.ACCEPTED
    application.save(update_fields=["state"])
    if session.state == State.PUBLISHED:
        _publish_slot(slot, session=session)
        _after_publish_change(slot, moved=False)
    return slot


@transaction.atomic
def slot_move(*, actor, slot: Slot, stage: int, starts_at: datetime.datetime) -> Slot:
    """Move a slot to another stage or time; a published slot's show moves with it and its vendor is told."""
    require_organizer(actor)
    session = _session_for_update(slot.session_id)
    if session.state not in EDITABLE_STATES:
        raise ApplicationError(_("Phiên chợ đã bắt đầu: không dời lượt được."), code="bad_state")
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    ends_at = _check_slot(
        session=session, vendor_id=slot.vendor_id, stage=stage, starts_at=starts_at, exclude_pk=slot.pk
    )
    unchanged = slot.stage == int(stage) and slot.starts_at == starts_at
    slot.stage, slot.starts_at, slot.ends_at = int(stage), starts_at, ends_at
    slot.save(update_fields=["stage", "starts_at", "ends_at"])
    if slot.show_id and not unchanged:
        Show.objects.filter(pk=slot.show_id).update(scheduled_start=starts_at, scheduled_end=ends_at)
        _after_publish_change(slot, moved=True)
    return slot


@transaction.atomic
def slot_unassign(*, actor, slot: Slot) -> None:
    """Take a slot off the timetable before publishing (its application waits again)."""
    require_organizer(actor)
    session = _session_for_update(slot.session_id)
    if session.state not in (State.DRAFT, State.OPEN):
        raise ApplicationError(_("Lịch đã công bố: hãy dời lượt thay vì bỏ."), code="published")
    Application.objects.filter(pk=slot.application_id, state=Application.State.ACCEPTED).update(
        state=Application.State.SUBMITTED
    )
    Slot.objects.filter(pk=slot.pk).delete()


# ---------------------------------------------------------------------------
# Publishing, going live, ending
# ---------------------------------------------------------------------------


def _host_for(slot: Slot):
    """The stall's host: the member who applied (the vendor's owner if they have left)."""
    from vendors.models import MemberRole, VendorMember

    applicant_id = slot.application.applicant_id
    members = VendorMember.objects.filter(vendor_id=slot.vendor_id).select_related("user")
    member = next((m for m in members if m.user_id == applicant_id), None)
    member = member or next((m for m in members if m.role == MemberRole.OWNER), None) or members.first()
    return member.user


def _publish_slot(slot: Slot, *, session: Session) -> Show:
    from selling.services.offers import offers_set

    host = _host_for(slot)
    show = show_create(
        title=str(slot.vendor),
        host=host,
        host_display_name=str(slot.vendor)[:120],
        description=session.title if not session.theme else f"{session.title} · {session.theme}",
        scheduled_start=slot.starts_at,
        scheduled_end=slot.ends_at,
        owner_kind=OWNER_KIND,
    )
    slot.show = show
    slot.save(update_fields=["show"])
    product_ids = list(
        ApplicationProduct.objects.filter(application_id=slot.application_id)
        .order_by("pk")
        .values_list("product_id", flat=True)
    )
    actor = Participant(user_id=host.pk, name=show.host_name, role=HOST)
    # The offers list the stall's products now but hold no stock until the session goes
    # live (``session_go_live``): until then other channels keep selling the free stock.
    offers_set(room_id=show.room.pk, actor=actor, product_ids=product_ids, allocate=False)
    return show


def _tell_declined(application_ids: list[int]) -> None:
    from market import notifications

    for application_id in application_ids:
        transaction.on_commit(lambda pk=application_id: notifications.application_declined(application_id=pk))


def _after_publish_change(slot: Slot, *, moved: bool) -> None:
    from market import notifications, tasks

    transaction.on_commit(lambda: tasks.slot_reminders_schedule(slot_id=slot.pk))
    transaction.on_commit(lambda: notifications.slot_changed(slot_id=slot.pk, moved=moved))


@transaction.atomic
def session_publish(*, actor, session: Session) -> Session:
    """Open → published: every slot becomes a market show with its products on offer; vendors
    and buyers are told; reminders, go-live and end are queued."""
    from market import tasks

    require_organizer(actor)
    session = _session_for_update(session.pk)
    _move(session, State.PUBLISHED)
    slots = list(Slot.objects.filter(session=session, show__isnull=True).select_related("vendor", "application"))
    if not slots and not Slot.objects.filter(session=session).exists():
        raise ApplicationError(_("Chưa xếp lượt nào: không có gì để công bố."), code="empty")
    if session.starts_at <= timezone.now():
        raise ApplicationError(_("Giờ mở chợ đã qua: không công bố được."), code="too_late")
    for slot in slots:
        _publish_slot(slot, session=session)
    unplaced = list(
        Application.objects.filter(session=session, state=Application.State.SUBMITTED).values_list("pk", flat=True)
    )
    Application.objects.filter(pk__in=unplaced).update(
        state=Application.State.DECLINED, decline_reason=_("Hết lượt trong phiên này.")
    )
    _tell_declined(unplaced)
    session.published_at = timezone.now()
    session.save(update_fields=["state", "published_at"])
    session_id = session.pk
    transaction.on_commit(lambda: tasks.session_schedule(session_id=session_id))
    return session


@transaction.atomic
def session_go_live(*, session_id: int, now: datetime.datetime | None = None) -> bool:
    """Published → live at the opening time (the task's job; idempotent: False if nothing changed)."""
    session = _session_for_update(session_id)
    now = now or timezone.now()
    if session.state != State.PUBLISHED or now < session.starts_at - timedelta(minutes=1):
        return False
    session.state = State.LIVE
    session.save(update_fields=["state"])
    from selling.services.offers import show_offers_allocate

    for show_id in Slot.objects.filter(session=session, show__isnull=False).values_list("show_id", flat=True):
        show_offers_allocate(show_id=show_id)
    return True


@transaction.atomic
def session_end(*, session_id: int, now: datetime.datetime | None = None) -> bool:
    """Live → ended at the closing time (idempotent). Stalls' shows are ended by their hosts or the sweep."""
    session = _session_for_update(session_id)
    now = now or timezone.now()
    if session.state == State.PUBLISHED and now >= session.ends_at:
        session.state = State.LIVE  # a go-live the worker missed: pass through live on the way
    if session.state != State.LIVE or now < session.ends_at:
        return False
    session.state = State.ENDED
    session.save(update_fields=["state"])
    return True


def sessions_due(*, now: datetime.datetime | None = None) -> Q:
    """Sessions whose state is behind the clock (the periodic sweep catches what a lost task missed)."""
    now = now or timezone.now()
    return Q(state=State.PUBLISHED, starts_at__lte=now) | Q(state=State.LIVE, ends_at__lte=now)
