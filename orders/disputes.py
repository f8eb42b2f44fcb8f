"""Disputes: a buyer's complaint after receipt, the vendor's answer, the organizers' decision.

    open ──dispute_answer (vendor, within DISPUTE_ANSWER_HOURS)──▶ answered ──┐
      └──dispute_escalate (system, the answer deadline passed)──▶ escalated ──┴─dispute_decide (organizer)──▶ decided

* ``dispute_open``: the buyer, on an order received / payment recorded / completed, within
  ``DISPUTE_WINDOW_DAYS`` of ``order.received_at``; one undecided dispute per order; a
  reason, a text, up to ``DISPUTE_PHOTOS_MAX`` photos checked by content and re-encoded
  (``vendors.uploads.check_image_file``, as the dossier uploads), kept in private storage.
* ``dispute_answer``: a member of the order's vendor, before ``answer_due_at``.
* ``dispute_escalate``: the system, once the answer deadline passed (a task queued by
  ``orders.tasks`` and its sweep call it; calling it again changes nothing).
* ``dispute_decide``: an organizer, once the vendor answered or the dispute escalated:
  refund (the order moves by ``order_transition(action="refund")``), replacement,
  partial refund (1…total đồng) or rejected, always with a reason.

Every step is one ``order_note`` in the order's history (actions ``dispute_opened``,
``dispute_answered``, ``dispute_escalated``, ``dispute_decided``) so both sides read it on
the order's timeline. Each step carries the client's key (unique per order in the
history): a replay returns ``(dispute, True)`` and changes nothing. A refused step raises
``ApplicationError`` in Vietnamese before anything is written.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from core.money import format_vnd
from orders.models import ActorRole, Dispute, DisputePhoto, Order, OrderEvent, Status
from orders.services import Code, _clean_key, actor_may, order_note, order_transition
from vendors.uploads import check_image_file

DISPUTABLE = (Status.RECEIVED, Status.PAYMENT_RECORDED, Status.COMPLETED)
UNDECIDED = (Dispute.State.OPEN, Dispute.State.ANSWERED, Dispute.State.ESCALATED)
DECIDABLE = (Dispute.State.ANSWERED, Dispute.State.ESCALATED)
TEXT_MAX = 2000
REASON_MAX = 500

OPENED, ANSWERED, ESCALATED, DECIDED = "dispute_opened", "dispute_answered", "dispute_escalated", "dispute_decided"


def window_days() -> int:
    return settings.ORDERS["DISPUTE_WINDOW_DAYS"]


def answer_hours() -> int:
    return settings.ORDERS["DISPUTE_ANSWER_HOURS"]


def photos_max() -> int:
    return settings.ORDERS["DISPUTE_PHOTOS_MAX"]


def dispute_window_ends(order: Order) -> datetime | None:
    """Until when the buyer may open a dispute on this order (None: not received)."""
    return None if order.received_at is None else order.received_at + timedelta(days=window_days())


def dispute_may_open(order: Order, *, now: datetime | None = None) -> bool:
    """Could the buyer open a dispute now? (state, window, no undecided one)."""
    ends = dispute_window_ends(order)
    return (
        order.status in DISPUTABLE
        and ends is not None
        and (now or timezone.now()) <= ends
        and not Dispute.objects.filter(order=order, state__in=UNDECIDED).exists()
    )


# ----------------------------------------------------------------------------- helpers


def _text(value: str, *, limit: int, field: str, required: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(required, code=Code.INVALID, fields={field: required})
    if len(value) > limit:
        message = _("Nội dung dài quá %(n)s ký tự.") % {"n": limit}
        raise ApplicationError(message, code=Code.INVALID, fields={field: message})
    return value


def _short(value: str, limit: int = 300) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _not_found() -> ApplicationError:
    return ApplicationError(_("Không tìm thấy khiếu nại."), code=Code.NOT_FOUND, status=404)


def _replay(order: Order, key: str, action: str) -> Dispute | None:
    """The dispute a replayed key already made (or None); a key used for another step is refused."""
    earlier = OrderEvent.objects.filter(order=order, key=key).first()
    if earlier is None:
        return None
    if earlier.action != action:
        raise ApplicationError(_("Khoá chống lặp này đã dùng cho một thao tác khác."), code=Code.KEY_REUSED)
    return Dispute.objects.get(pk=earlier.data["dispute_id"])


def _locked(dispute_id: int) -> tuple[Dispute, Order]:
    """The dispute and its order, the order's row locked (the same lock as every order change)."""
    order_id = Dispute.objects.filter(pk=dispute_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise _not_found()
    order = Order.objects.select_for_update().get(pk=order_id)
    return Dispute.objects.get(pk=dispute_id), order


# ----------------------------------------------------------------------------- the steps


def dispute_open(
    *,
    order_id: int,
    actor,
    key: str,
    reason: str,
    text: str,
    photos=(),
    at: datetime | None = None,
) -> tuple[Dispute, bool]:
    """The buyer opens a dispute; returns ``(dispute, replayed)``.

    ``photos``: uploaded files (at most ``DISPUTE_PHOTOS_MAX``), each decoded and
    re-encoded as JPEG without metadata; anything that is not a real JPEG, PNG or WebP is
    refused (by content, never by name). ``at`` backdates it for seeding only.
    """
    key = _clean_key(key)
    photos = [p for p in (photos or []) if p]
    order = Order.objects.filter(pk=order_id).first()
    if order is None or not actor_may(order=order, user=actor, role=ActorRole.BUYER):
        raise ApplicationError(_("Không tìm thấy đơn hàng."), code=Code.NOT_FOUND, status=404)
    replayed = _replay(order, key, OPENED)
    if replayed is not None:
        return replayed, True
    if reason not in Dispute.Reason.values:
        message = _("Hãy chọn lý do khiếu nại.")
        raise ApplicationError(message, code=Code.INVALID, fields={"reason": message})
    text = _text(text, limit=TEXT_MAX, field="text", required=_("Hãy mô tả vấn đề của đơn hàng."))
    if len(photos) > photos_max():
        message = _("Tối đa %(n)s ảnh cho một khiếu nại.") % {"n": photos_max()}
        raise ApplicationError(message, code=Code.INVALID, fields={"photos": message})
    checked = [check_image_file(photo, field="photos") for photo in photos]
    now = at or timezone.now()
    saved: list[DisputePhoto] = []
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order.pk)
            replayed = _replay(order, key, OPENED)
            if replayed is not None:
                return replayed, True
            _check_may_open(order, now)
            try:
                with transaction.atomic():
                    dispute = Dispute.objects.create(
                        order=order,
                        opened_by=actor,
                        reason=reason,
                        text=text,
                        opened_at=now,
                        answer_due_at=now + timedelta(hours=answer_hours()),
                    )
            except IntegrityError as exc:  # another undecided dispute won the race
                raise ApplicationError(_already_open_message(), code=Code.NOT_ALLOWED, status=409) from exc
            for item in checked:
                photo = DisputePhoto(dispute=dispute, content_type=item.content_type, size=item.size)
                photo.file.save("anh.jpg", item.content, save=False)
                saved.append(photo)
                photo.save()
            label = Dispute.Reason(reason).label
            order_note(
                order_id=order.pk,
                actor=actor,
                role=ActorRole.BUYER,
                key=key,
                action=OPENED,
                reason=_("Khiếu nại (%(reason)s): %(text)s") % {"reason": label, "text": _short(text)},
                data={"dispute_id": dispute.pk, "reason": reason, "photos": len(saved), "answer_due_at": dispute.answer_due_at.isoformat()},
                at=now,
            )
    except BaseException:
        for photo in saved:  # files are written outside the transaction: do not leave them behind
            photo.file.storage.delete(photo.file.name)
        raise
    return dispute, False


def _already_open_message() -> str:
    return _("Đơn hàng này đang có một khiếu nại chưa giải quyết; hãy theo dõi khiếu nại đó.")


def _check_may_open(order: Order, now: datetime) -> None:
    if order.status not in DISPUTABLE:
        raise ApplicationError(
            _("Chỉ khiếu nại được khi đã nhận hàng (đơn đang “%(status)s”).") % {"status": order.get_status_display()},
            code=Code.NOT_ALLOWED,
            status=409,
        )
    ends = dispute_window_ends(order)
    if ends is None or now > ends:
        raise ApplicationError(
            _("Đã quá %(n)s ngày kể từ khi nhận hàng: không thể mở khiếu nại nữa.") % {"n": window_days()},
            code=Code.NOT_ALLOWED,
            status=409,
        )
    if Dispute.objects.filter(order=order, state__in=UNDECIDED).exists():
        raise ApplicationError(_already_open_message(), code=Code.NOT_ALLOWED, status=409)


def dispute_answer(*, dispute_id: int, actor, key: str, text: str, at: datetime | None = None) -> tuple[Dispute, bool]:
    """A member of the order's vendor answers before ``answer_due_at``; returns ``(dispute, replayed)``."""
    key = _clean_key(key)
    with transaction.atomic():
        dispute, order = _locked(dispute_id)
        if not actor_may(order=order, user=actor, role=ActorRole.VENDOR):
            raise _not_found()
        replayed = _replay(order, key, ANSWERED)
        if replayed is not None:
            return replayed, True
        text = _text(text, limit=TEXT_MAX, field="answer", required=_("Hãy viết câu trả lời của shop."))
        now = at or timezone.now()
        if dispute.state != Dispute.State.OPEN:
            raise ApplicationError(
                _("Khiếu nại đang “%(state)s”: shop không trả lời được nữa.") % {"state": dispute.get_state_display()},
                code=Code.NOT_ALLOWED,
                status=409,
            )
        if now > dispute.answer_due_at:
            raise ApplicationError(
                _("Đã quá hạn %(n)s giờ để shop trả lời; ban tổ chức sẽ quyết định.") % {"n": answer_hours()},
                code=Code.NOT_ALLOWED,
                status=409,
            )
        dispute.vendor_answer, dispute.answered_at, dispute.state = text, now, Dispute.State.ANSWERED
        dispute.save(update_fields=["vendor_answer", "answered_at", "state"])
        order_note(
            order_id=order.pk,
            actor=actor,
            role=ActorRole.VENDOR,
            key=key,
            action=ANSWERED,
            reason=_("Trả lời khiếu nại: %(text)s") % {"text": _short(text)},
            data={"dispute_id": dispute.pk},
            at=now,
        )
    return dispute, False


def dispute_escalate(*, dispute_id: int, now: datetime | None = None) -> bool:
    """The answer deadline passed with no answer: hand the dispute to the organizers.

    True if it escalated now; False if there was nothing to do (answered, decided, already
    escalated, not due yet, gone). Safe to call any number of times (the task and the sweep).
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            dispute, order = _locked(dispute_id)
        except ApplicationError:
            return False
        if dispute.state != Dispute.State.OPEN or now < dispute.answer_due_at:
            return False
        dispute.state, dispute.escalated_at = Dispute.State.ESCALATED, now
        dispute.save(update_fields=["state", "escalated_at"])
        order_note(
            order_id=order.pk,
            actor=None,
            role=ActorRole.SYSTEM,
            key=f"dispute:{dispute.pk}:escalated",
            action=ESCALATED,
            reason=_("Shop chưa trả lời khiếu nại trong %(n)s giờ: chuyển ban tổ chức quyết định.") % {"n": answer_hours()},
            data={"dispute_id": dispute.pk},
            at=now,
        )
    return True


def decision_text(dispute: Dispute) -> str:
    """The decision in words, e.g. "Hoàn tiền một phần: 178.000 ₫"."""
    label = str(Dispute.Decision(dispute.decision).label) if dispute.decision in Dispute.Decision.values else ""
    if dispute.refund_amount:
        return f"{label}: {format_vnd(dispute.refund_amount)}"
    return label


def dispute_decide(
    *,
    dispute_id: int,
    actor,
    key: str,
    decision: str,
    reason: str,
    amount: int | None = None,
    at: datetime | None = None,
) -> tuple[Dispute, bool]:
    """An organizer decides, with a reason; returns ``(dispute, replayed)``.

    ``refund`` returns the whole total and moves the order to "Trả hàng" through
    ``order_transition(action="refund", role="organizer")``; ``partial_refund`` needs
    ``amount`` (1…total đồng); ``replacement`` and ``rejected`` leave the order's status.
    """
    key = _clean_key(key)
    with transaction.atomic():
        dispute, order = _locked(dispute_id)
        if not actor_may(order=order, user=actor, role=ActorRole.ORGANIZER):
            raise _not_found()
        replayed = _replay(order, key, DECIDED)
        if replayed is not None:
            return replayed, True
        if dispute.state == Dispute.State.DECIDED:
            raise ApplicationError(_("Khiếu nại này đã có quyết định."), code=Code.NOT_ALLOWED, status=409)
        if dispute.state not in DECIDABLE:
            raise ApplicationError(
                _("Shop còn hạn trả lời đến %(due)s: hãy chờ câu trả lời hoặc hết hạn.")
                % {"due": timezone.localtime(dispute.answer_due_at).strftime("%H:%M %d/%m/%Y")},
                code=Code.NOT_ALLOWED,
                status=409,
            )
        if decision not in Dispute.Decision.values:
            message = _("Hãy chọn một quyết định.")
            raise ApplicationError(message, code=Code.INVALID, fields={"decision": message})
        reason = _text(reason, limit=REASON_MAX, field="reason", required=_("Hãy ghi lý do quyết định."))
        refund_amount = None
        if decision == Dispute.Decision.PARTIAL_REFUND:
            if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= order.total:
                message = _("Số tiền hoàn phải từ 1 đến %(total)s đồng.") % {"total": f"{order.total:,}".replace(",", ".")}
                raise ApplicationError(message, code=Code.INVALID, fields={"amount": message})
            refund_amount = amount
        elif decision == Dispute.Decision.REFUND:
            refund_amount = order.total
        now = at or timezone.now()
        dispute.state, dispute.decision, dispute.decision_reason = Dispute.State.DECIDED, decision, reason
        dispute.refund_amount, dispute.decided_by, dispute.decided_at = refund_amount, actor, now
        if decision == Dispute.Decision.REFUND:
            # Refused here (the order is not in a state a refund leaves from) rolls everything back.
            order_transition(
                order_id=order.pk,
                action="refund",
                actor=actor,
                role=ActorRole.ORGANIZER,
                key=f"dispute:{dispute.pk}:refund",
                reason=_short(reason),
                data={"dispute_id": dispute.pk},
                at=now,
            )
        dispute.save(update_fields=["state", "decision", "decision_reason", "refund_amount", "decided_by", "decided_at"])
        order_note(
            order_id=order.pk,
            actor=actor,
            role=ActorRole.ORGANIZER,
            key=key,
            action=DECIDED,
            reason=_("Quyết định khiếu nại: %(decision)s. Lý do: %(reason)s")
            % {"decision": decision_text(dispute), "reason": _short(reason, 200)},
            data={"dispute_id": dispute.pk, "decision": decision, "amount": refund_amount},
            at=now,
        )
    return dispute, False
