"""Practice shows: a graduate schedules a sandbox show with their own vendor's products and
invites classmates from their course run as buyers (tiêu thụ chéo).

Every write here is a keyword-only ``<thing>_<verb>`` function; every refusal is an
``ApplicationError`` with a Vietnamese message and nothing changed.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import ApplicationError
from learning.models import Registration
from live.models import Show
from live.selectors import participant_for
from live.services import show_create
from practice_market.models import PracticeAccess, PracticeInvite, PracticeShow
from practice_market.room import OWNER_KIND
from selling.services import offers
from vendors.models import Product, Vendor

MAX_PRODUCTS = 12
MAX_INVITES = 50
MAX_DURATION_HOURS = 6


def access_require_open(*, user: User) -> PracticeAccess:
    """The user's open practice access, or a refusal saying why there is none."""
    access = (
        PracticeAccess.objects.select_related("graduation__registration__run").filter(user_id=user.pk).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if access is None:
        raise ApplicationError(
            _("Chợ thực hành chỉ mở cho học viên đã tốt nghiệp khóa học livestream mở chợ thực hành."),
            code="practice_locked",
            status=403,
        )
    if not access.is_open:
        raise ApplicationError(
            _("Chợ thực hành của bạn đã bị khoá lại: %(reason)s") % {"reason": access.lock_reason or "—"},
            code="practice_locked",
            status=403,
        )
    return access


def _vendor_of(user: User) -> Vendor:
    vendor = Vendor.objects.filter(members__user_id=user.pk).order_by("pk").first()
    if vendor is None:
        raise ApplicationError(
            _("Bạn cần có hồ sơ chủ thể và sản phẩm trước khi mở buổi live thực hành."),
            code="no_vendor",
            status=403,
        )
    return vendor


def _classmate_user_ids(*, run_id: int | None, trainee_id: int) -> set[int]:
    """Everyone enrolled in the run the trainee graduated from, except the trainee."""
    if run_id is None:
        return set()
    return set(
        Registration.objects.filter(run_id=run_id, status=Registration.Status.ENROLLED)
        .exclude(user_id=trainee_id)
        .values_list("user_id", flat=True)
    )


def practice_show_schedule(
    *,
    trainee: User,
    title: str,
    scheduled_start: datetime,
    scheduled_end: datetime | None = None,
    product_ids: list[int],
    description: str = "",
) -> PracticeShow:
    """Schedule a practice show: a ``live.Show`` of ``owner_kind="practice"`` with its room and
    the chosen products of the trainee's own vendor on offer (verified or not).

    Refused for anyone without an open practice access, for another vendor's product, for
    no product, or for a time in the past. Offers go through ``selling.services.offers.offers_set``:
    a practice room is a sandbox, so they hold no real stock.
    """
    access = access_require_open(user=trainee)
    vendor = _vendor_of(trainee)
    title = (title or "").strip()
    if not title:
        raise ApplicationError(
            _("Vui lòng đặt tên buổi live thực hành."), code="missing_title", fields={"title": _("Bắt buộc")}
        )
    if len(title) > 200:
        raise ApplicationError(
            _("Tên buổi live tối đa 200 ký tự."), code="title_too_long", fields={"title": _("Quá dài")}
        )
    now = timezone.now()
    if scheduled_start is None:
        raise ApplicationError(
            _("Vui lòng chọn giờ bắt đầu."), code="missing_start", fields={"scheduled_start": _("Bắt buộc")}
        )
    if scheduled_start < now - timezone.timedelta(minutes=5):
        raise ApplicationError(
            _("Giờ bắt đầu đã qua, hãy chọn một thời điểm sắp tới."),
            code="start_in_past",
            fields={"scheduled_start": _("Đã qua")},
        )
    scheduled_end = scheduled_end or scheduled_start + timezone.timedelta(hours=1)
    if scheduled_end <= scheduled_start:
        raise ApplicationError(
            _("Giờ kết thúc phải sau giờ bắt đầu."), code="end_before_start", fields={"scheduled_end": _("Sai giờ")}
        )
    if scheduled_end - scheduled_start > timezone.timedelta(hours=MAX_DURATION_HOURS):
        raise ApplicationError(
            _("Một buổi live thực hành dài tối đa %(h)s giờ.") % {"h": MAX_DURATION_HOURS},
            code="too_long",
            fields={"scheduled_end": _("Quá dài")},
        )
    wanted = list(dict.fromkeys(int(pk) for pk in product_ids or []))
    if not wanted:
        raise ApplicationError(
            _("Hãy chọn ít nhất một sản phẩm của bạn để chào bán."),
            code="no_products",
            fields={"product_ids": _("Bắt buộc")},
        )
    if len(wanted) > MAX_PRODUCTS:
        raise ApplicationError(
            _("Tối đa %(n)s sản phẩm mỗi buổi.") % {"n": MAX_PRODUCTS},
            code="too_many_products",
            fields={"product_ids": _("Quá nhiều")},
        )
    own = set(Product.objects.filter(pk__in=wanted, vendor=vendor).values_list("pk", flat=True))
    foreign = [pk for pk in wanted if pk not in own]
    if foreign:
        raise ApplicationError(
            _("Chỉ được chào bán sản phẩm của chủ thể mình (%(vendor)s) trong buổi thực hành.")
            % {"vendor": vendor.legal_name},
            code="foreign_product",
            status=403,
            fields={"product_ids": str(foreign)},
        )
    with transaction.atomic():
        show = show_create(
            title=title,
            host=trainee,
            scheduled_start=scheduled_start,
            scheduled_end=scheduled_end,
            description=(description or "").strip()[:2000],
            audience=Show.Audience.INVITED,
            owner_kind=OWNER_KIND,
        )
        practice = PracticeShow.objects.create(
            show=show, trainee=trainee, vendor=vendor, run_id=access.graduation.registration.run_id
        )
        offers.offers_set(room_id=show.room.pk, actor=participant_for(user=trainee, show=show), product_ids=wanted)
    return practice


def practice_show_invite(*, practice_show: PracticeShow, actor: User, user_ids: list[int]) -> list[PracticeInvite]:
    """Invite classmates (enrolled in the run the host graduated from) as buyers; idempotent.

    Only the host may invite, only while the show has not ended, and only classmates.
    Returns the invites now on the show for ``user_ids``.
    """
    if actor.pk != practice_show.trainee_id:
        raise ApplicationError(_("Chỉ người dẫn buổi thực hành mới mời được bạn học."), code="not_host", status=403)
    access_require_open(user=actor)
    if practice_show.show.state == Show.State.ENDED:
        raise ApplicationError(_("Buổi live thực hành đã kết thúc."), code="show_ended", status=409)
    wanted = list(dict.fromkeys(int(pk) for pk in user_ids or []))
    if not wanted:
        raise ApplicationError(
            _("Hãy chọn ít nhất một bạn học để mời."), code="no_invitees", fields={"user_ids": _("Bắt buộc")}
        )
    classmates = _classmate_user_ids(run_id=practice_show.run_id, trainee_id=actor.pk)
    strangers = [pk for pk in wanted if pk not in classmates]
    if strangers:
        raise ApplicationError(
            _("Chỉ mời được bạn học cùng lớp của bạn."), code="not_classmate", fields={"user_ids": str(strangers)}
        )
    with transaction.atomic():
        already = PracticeInvite.objects.filter(practice_show=practice_show).count()
        new = [
            pk for pk in wanted if not PracticeInvite.objects.filter(practice_show=practice_show, user_id=pk).exists()
        ]
        if already + len(new) > MAX_INVITES:
            raise ApplicationError(_("Tối đa %(n)s bạn học mỗi buổi.") % {"n": MAX_INVITES}, code="too_many_invites")
        for pk in new:
            PracticeInvite.objects.get_or_create(practice_show=practice_show, user_id=pk)
    return list(PracticeInvite.objects.filter(practice_show=practice_show, user_id__in=wanted).select_related("user"))


def practice_invite_remove(*, practice_show: PracticeShow, actor: User, user_id: int) -> bool:
    """The host withdraws an invitation (the classmate can no longer enter the room)."""
    if actor.pk != practice_show.trainee_id:
        raise ApplicationError(_("Chỉ người dẫn buổi thực hành mới mời được bạn học."), code="not_host", status=403)
    deleted, _rows = PracticeInvite.objects.filter(practice_show=practice_show, user_id=user_id).delete()
    return bool(deleted)
