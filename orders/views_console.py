"""The organizers' supervision console and the dispute pages (thin views: check who may, one read, render;
writes go to ``orders.services`` and ``orders.disputes``).

* ``console`` (/don-hang/giam-sat/, organizers only): real orders per source, vendor and state, the
  overdue ones (``orders.supervision``), the disputes' queue, and each order's step-in actions
  (``console_act``): record receipt from the buyer's phone call, confirm payment for the buyer,
  note a call to both sides, cancel with a reason.
* ``dispute_open`` (/don-hang/<number>/khieu-nai/): the order's disputes, and the buyer's form to open one.
* ``dispute_detail``: one dispute for the buyer, the vendor's members and organizers, with the vendor's
  answer form and the organizers' decision form; ``dispute_photo`` streams a photo to them only.

Every form carries an idempotency key made when the page rendered; a refusal is shown on the
page with nothing changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import ApplicationError
from orders import disputes, lifecycle, supervision
from orders.forms import new_key
from orders.models import ActorRole, Dispute, DisputePhoto, Order, Status
from orders.services import actor_may, is_organizer, order_note, order_transition

PAGE_ROLES = (ActorRole.BUYER, ActorRole.VENDOR, ActorRole.ORGANIZER)
#: The organizers' step-in actions: order moves of ``orders.lifecycle`` and one note.
STEP_INS = ("record_receipt", "confirm_payment_for_buyer", "organizer_contacted", "organizer_cancel")
CONTACTED = "organizer_contacted"


def _roles(order: Order, user) -> set[str]:
    return {role for role in PAGE_ROLES if actor_may(order=order, user=user, role=role)}


def _order_or_404(number: str, user) -> tuple[Order, set[str]]:
    order = Order.objects.select_related("vendor", "buyer").filter(number=number).first()
    if order is None:
        raise Http404
    roles = _roles(order, user)
    if not roles:
        raise Http404
    return order, roles


def _require_organizer(request) -> None:
    if not is_organizer(request.user):
        raise PermissionDenied(_("Chỉ ban tổ chức mới xem được trang giám sát đơn hàng."))


# ----------------------------------------------------------------------------- the console


def _console_filters(data) -> dict:
    vendor = data.get("vendor", "")
    return {
        "source": data.get("source", "")[:40],
        "vendor": vendor if vendor.isdigit() else "",
        "status": data.get("status", "") if data.get("status", "") in Status.values else "",
        "overdue": "1" if data.get("overdue") == "1" else "",
        "q": data.get("q", "").strip()[:40],
    }


def _step_in_label(action: str) -> str:
    if action == CONTACTED:
        return _("Đã liên hệ hai bên")
    return str(lifecycle.MOVES[action].label)


@login_required
@require_GET
def console(request):
    _require_organizer(request)
    now = timezone.now()
    filters = _console_filters(request.GET)
    orders = supervision.console_orders(
        source=filters["source"], vendor_id=int(filters["vendor"]) if filters["vendor"] else None,
        status=filters["status"], overdue=bool(filters["overdue"]), q=filters["q"], now=now,
    )
    page = Paginator(orders, 30).get_page(request.GET.get("page"))
    rows = []
    for order in page.object_list:
        offered = [a for a in STEP_INS if a == CONTACTED or order.status in lifecycle.MOVES[a].sources]
        rows.append(
            {
                "order": order,
                "overdue": supervision.overdue_reason(order, now),
                "steps": [{"action": a, "label": _step_in_label(a), "key": new_key()} for a in offered],
                "disputes": [d for d in order.disputes.all() if d.state != Dispute.State.DECIDED],
            }
        )
    counts = supervision.counts_by_status()
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "orders/console/console.html",
        {
            "rows": rows,
            "page_obj": page,
            "filters": filters,
            "query": query,
            "query_param": query,
            "figures": supervision.figures(now=now),
            "states": [(value, label, counts[value]) for value, label in Status.choices],
            "sources": supervision.per_source(now=now),
            "vendors": supervision.per_vendor(now=now),
            "queue": supervision.dispute_queue()[:50],
            "now": now,
            "settings_orders": supervision.OVERDUE,
        },
    )


@login_required
@require_POST
def console_act(request, number: str):
    """An organizer steps in on one order; back to the console (with its filters) with the outcome."""
    _require_organizer(request)
    order = Order.objects.filter(number=number, sandbox=False).first()
    if order is None:
        raise Http404
    action = request.POST.get("action", "")
    back = reverse("orders:console") + (("?" + request.POST["back"]) if request.POST.get("back") else "")
    if action not in STEP_INS:
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect(back)
    reason = request.POST.get("reason", "")
    key = request.POST.get("key", "")
    try:
        if action == CONTACTED:
            if not reason.strip():
                raise ApplicationError(_("Hãy ghi nội dung đã trao đổi với hai bên."))
            order_note(
                order_id=order.pk, actor=request.user, role=ActorRole.ORGANIZER, key=key, action=CONTACTED,
                reason=_("Đã liên hệ người mua và shop: %(what)s") % {"what": reason.strip()[:400]},
                data={"note": reason.strip()[:400]},
            )
            replayed = False
        else:
            data = {"goods_match": request.POST.get("goods_match") != "no"} if action == "record_receipt" else {}
            _order, replayed = order_transition(
                order_id=order.pk, action=action, actor=request.user, role=ActorRole.ORGANIZER, key=key,
                reason=reason, data=data,
            )
    except ApplicationError as exc:
        messages.error(request, _("%(number)s: chưa thực hiện được. %(reason)s") % {"number": number, "reason": exc.message})
        return redirect(back)
    if replayed:
        messages.info(request, _("Thao tác này đã được ghi nhận trước đó; không có gì thay đổi thêm."))
    else:
        messages.success(request, _("%(number)s: đã ghi nhận “%(what)s”.") % {"number": number, "what": _step_in_label(action)})
    return redirect(back)


# ----------------------------------------------------------------------------- disputes


def _open_context(order: Order, roles: set[str], **extra) -> dict:
    now = timezone.now()
    may_open = ActorRole.BUYER in roles and disputes.dispute_may_open(order, now=now)
    return {
        "order": order,
        "roles": roles,
        "disputes": order.disputes.all().order_by("-opened_at", "-pk"),
        "may_open": may_open,
        "window_ends": disputes.dispute_window_ends(order),
        "reasons": Dispute.Reason.choices,
        "photos_max": disputes.photos_max(),
        "window_days": disputes.window_days(),
        "answer_hours": disputes.answer_hours(),
        "key": new_key(),
        "is_buyer": ActorRole.BUYER in roles,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def dispute_open(request, number: str):
    """The order's disputes; the buyer opens one (GET shows the form while one may be opened)."""
    order, roles = _order_or_404(number, request.user)
    if request.method == "GET":
        undecided = order.disputes.exclude(state=Dispute.State.DECIDED).first()
        if undecided is not None:
            return redirect("orders:dispute", number=order.number, pk=undecided.pk)
        return render(request, "orders/disputes/open.html", _open_context(order, roles))
    if ActorRole.BUYER not in roles:
        raise Http404
    try:
        dispute, _replayed = disputes.dispute_open(
            order_id=order.pk,
            actor=request.user,
            key=request.POST.get("key", ""),
            reason=request.POST.get("reason", ""),
            text=request.POST.get("text", ""),
            photos=request.FILES.getlist("photos"),
        )
    except ApplicationError as exc:
        context = _open_context(order, roles, error=exc.message, posted=request.POST, fields=exc.fields)
        return render(request, "orders/disputes/open.html", context, status=exc.status if 400 <= exc.status < 500 else 400)
    messages.success(request, _("Đã gửi khiếu nại. Shop có %(n)s giờ để trả lời; ban tổ chức theo dõi.") % {"n": disputes.answer_hours()})
    return redirect("orders:dispute", number=order.number, pk=dispute.pk)


def _dispute_or_404(number: str, pk: int, user) -> tuple[Dispute, Order, set[str]]:
    order, roles = _order_or_404(number, user)
    dispute = Dispute.objects.filter(pk=pk, order=order).select_related("decided_by").first()
    if dispute is None:
        raise Http404
    return dispute, order, roles


def _detail_context(dispute: Dispute, order: Order, roles: set[str], **extra) -> dict:
    now = timezone.now()
    return {
        "dispute": dispute,
        "order": order,
        "roles": roles,
        "photos": list(dispute.photos.all()),
        "is_buyer": ActorRole.BUYER in roles,
        "is_vendor": ActorRole.VENDOR in roles,
        "is_organizer": ActorRole.ORGANIZER in roles,
        "may_answer": ActorRole.VENDOR in roles and dispute.state == Dispute.State.OPEN and now <= dispute.answer_due_at,
        "may_decide": ActorRole.ORGANIZER in roles and dispute.state in disputes.DECIDABLE,
        "answer_late": dispute.state == Dispute.State.OPEN and now > dispute.answer_due_at,
        "decision_text": disputes.decision_text(dispute),
        "decisions": Dispute.Decision.choices,
        "key": new_key(),
        "now": now,
        **extra,
    }


@login_required
@require_GET
def dispute_detail(request, number: str, pk: int):
    dispute, order, roles = _dispute_or_404(number, pk, request.user)
    return render(request, "orders/disputes/detail.html", _detail_context(dispute, order, roles))


def _refused(request, dispute, order, roles, exc: ApplicationError):
    context = _detail_context(dispute, order, roles, error=exc.message, posted=request.POST)
    return render(request, "orders/disputes/detail.html", context, status=exc.status if 400 <= exc.status < 500 else 400)


@login_required
@require_POST
def dispute_answer(request, number: str, pk: int):
    dispute, order, roles = _dispute_or_404(number, pk, request.user)
    if ActorRole.VENDOR not in roles:
        raise Http404
    try:
        _dispute, replayed = disputes.dispute_answer(
            dispute_id=dispute.pk, actor=request.user, key=request.POST.get("key", ""), text=request.POST.get("answer", "")
        )
    except ApplicationError as exc:
        return _refused(request, dispute, order, roles, exc)
    if not replayed:
        messages.success(request, _("Đã gửi câu trả lời của shop. Ban tổ chức sẽ quyết định."))
    return redirect("orders:dispute", number=order.number, pk=dispute.pk)


@login_required
@require_POST
def dispute_decide(request, number: str, pk: int):
    dispute, order, roles = _dispute_or_404(number, pk, request.user)
    if ActorRole.ORGANIZER not in roles:
        raise Http404
    raw = request.POST.get("amount", "").replace(".", "").replace(",", "").replace(" ", "")
    amount = int(raw) if raw.isdigit() else None
    try:
        decided, replayed = disputes.dispute_decide(
            dispute_id=dispute.pk,
            actor=request.user,
            key=request.POST.get("key", ""),
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            amount=amount,
        )
    except ApplicationError as exc:
        return _refused(request, dispute, order, roles, exc)
    if not replayed:
        messages.success(request, _("Đã ghi quyết định: %(what)s.") % {"what": disputes.decision_text(decided)})
    return redirect("orders:dispute", number=order.number, pk=dispute.pk)


@login_required
@require_GET
def dispute_photo(request, number: str, pk: int, photo: int):
    """A dispute's photo, only for the buyer, the vendor's members and organizers; 404 for anyone else."""
    dispute, _order, _roles_held = _dispute_or_404(number, pk, request.user)
    item = DisputePhoto.objects.filter(pk=photo, dispute=dispute).first()
    if item is None or not item.file:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type="image/jpeg", filename=f"khieu-nai-{dispute.pk}-{item.pk}.jpg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
