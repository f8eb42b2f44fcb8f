"""Order pages: thin views (permission check, one read, render; writes go to ``orders.services``).

* Buyers: "Đơn hàng của tôi" (``mine``), the order page (``detail``) with its timeline,
  progress and the buyer's actions (``act``).
* Vendors: the order desk (``desk``) with filters, bulk confirm and ship (``desk_bulk``),
  CSV (``desk_csv``), and each order's page with the vendor's actions and a packing slip.

Every action is a POST carrying an idempotency key made when the page rendered, and goes
through ``orders.services.order_transition``; a refusal is shown on the page, nothing changed.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.errors import ApplicationError
from core.money import format_vnd
from core.spreadsheet import csv_download, safe_cell
from orders import lifecycle, selectors
from orders.attestation import order_attestation
from orders.forms import BULK_ACTIONS, BUYER_ACTIONS, VENDOR_ACTIONS, ActionForm, DeskFilterForm, actions_for, new_key
from orders.models import ActorRole, Channel, Dispute, Order, OrderEvent, PaymentMethod, Status
from orders.services import actor_may, order_transition
from vendors.models import Vendor, VendorMember

PAGE_ROLES = (ActorRole.BUYER, ActorRole.VENDOR, ActorRole.ORGANIZER)
BULK_MAX = 200

# ----------------------------------------------------------------------------- reading helpers


def _with_history(queryset):
    return queryset.prefetch_related(
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "pk")),
        Prefetch("disputes", queryset=Dispute.objects.all()),
    )


def _attest(order):
    return order_attestation(order, order.events.all(), order.disputes.all())


def _roles(order: Order, user) -> set[str]:
    return {role for role in PAGE_ROLES if actor_may(order=order, user=user, role=role)}


def _order_or_404(number: str, user, *, roles=PAGE_ROLES) -> tuple[Order, set[str]]:
    order = _with_history(selectors.orders_with_lines()).filter(number=number).first()
    if order is None:
        raise Http404
    held = _roles(order, user)
    if not held & set(roles):
        raise Http404
    return order, held


def event_text(event: OrderEvent) -> str:
    """One line of the timeline, the way a buyer would say it."""
    data, reason = event.data or {}, event.reason
    action = event.action
    if action == "place":
        channel = data.get("channel")
        channel = Channel(channel).label if channel in Channel.values else ""
        text = _("Đơn hàng được đặt (%(channel)s)") % {"channel": channel} if channel else _("Đơn hàng được đặt")
        if data.get("source"):
            text += " · " + data["source"]
        return text
    if action == "confirm":
        return _("Shop đã xác nhận đơn và đang chuẩn bị hàng")
    if action == "decline":
        return _("Shop từ chối đơn")
    if action == "buyer_cancel":
        return _("Người mua đã hủy đơn")
    if action == "vendor_cancel":
        return _("Shop đã hủy đơn")
    if action == "organizer_cancel":
        return _("Ban tổ chức đã hủy đơn")
    if action == "ship":
        if data.get("own_delivery"):
            return _("Shop đã gửi hàng đi, shop tự giao đến người mua")
        return _("Shop đã giao hàng cho %(carrier)s, mã vận đơn %(code)s") % {
            "carrier": data.get("carrier", ""),
            "code": data.get("tracking_code", ""),
        }
    if action in ("confirm_receipt", "record_receipt"):
        match = data.get("goods_match")
        said = _("hàng đúng mô tả") if match else _("hàng KHÔNG đúng mô tả") if match is False else ""
        if action == "confirm_receipt":
            text = _("Người mua xác nhận đã nhận hàng")
        else:
            text = _("Ban tổ chức đã gọi điện cho người mua và ghi nhận người mua đã nhận hàng")
        return f"{text}: {said}" if said else text
    if action == "refuse_at_door":
        return _("Người mua không nhận hàng khi giao")
    if action == "return_received":
        return _("Shop đã nhận lại hàng hoàn")
    if action == "record_payment":
        method = data.get("method")
        method = PaymentMethod(method).label if method in PaymentMethod.values else ""
        return _("Shop ghi nhận đã thu %(amount)s (%(method)s)") % {
            "amount": format_vnd(data.get("amount")),
            "method": method,
        }
    if action == "acknowledge_payment":
        return _("Người mua xác nhận đã thanh toán đủ")
    if action == "confirm_payment_for_buyer":
        return _("Ban tổ chức xác nhận người mua đã thanh toán đủ (theo lời người mua)")
    if action == "refund":
        return _("Hoàn tiền theo quyết định khiếu nại")
    move = lifecycle.MOVES.get(action)
    if move is not None:
        return str(move.label)
    # A step that changes no status (an organizer's call, a dispute's step): who did it and why.
    return _("%(who)s: %(what)s") % {"who": _who(event.actor_role), "what": reason or action.replace("_", " ")}


def _who(role: str) -> str:
    """The actor as a buyer says it ("Shop", not the register's "Chủ thể")."""
    return {
        ActorRole.BUYER: _("Người mua"),
        ActorRole.VENDOR: _("Shop"),
        ActorRole.ORGANIZER: _("Ban tổ chức"),
        ActorRole.SYSTEM: _("Hệ thống"),
    }.get(role, "")


def _timeline(order: Order) -> list[dict]:
    rows = []
    for event in order.events.all():
        rows.append(
            {
                "event": event,
                "text": event_text(event),
                "who": ActorRole(event.actor_role).label if event.actor_role in ActorRole.values else "",
                "organizer": event.actor_role == ActorRole.ORGANIZER,
                "reason": event.reason if event.reason and event.action in lifecycle.MOVES else "",
            }
        )
    return rows


def _progress(order: Order) -> dict:
    """The steps of ``lifecycle.PROGRESS`` with done / current / todo (told apart by sign and words)."""
    path = [Status(s) for s in lifecycle.PROGRESS]
    stamps = {
        Status.PLACED: order.placed_at,
        Status.CONFIRMED: order.confirmed_at,
        Status.SHIPPED: order.shipped_at,
        Status.RECEIVED: order.received_at,
        Status.PAYMENT_RECORDED: order.payment_recorded_at,
        Status.COMPLETED: order.completed_at,
    }
    if order.status in path:
        reached = path.index(order.status)
    else:  # closed off the path: as far as it got
        reached = max((i for i, s in enumerate(path) if stamps[s]), default=0)
    steps = []
    for i, status in enumerate(path):
        done = i < reached or (i == reached and order.status == Status.COMPLETED)
        state = "done" if done else "current" if i == reached and order.status in path else "todo"
        steps.append({"label": status.label, "state": state, "n": i + 1, "at": stamps[status]})
    finished = sum(1 for step in steps if step["state"] == "done")
    return {"steps": steps, "closed": order.status not in path, "done": finished, "total": len(path)}


def _dispute_url(order: Order) -> str:
    try:
        return reverse("orders:dispute_open", args=[order.number])
    except NoReverseMatch:
        return ""


def _disputes(order: Order) -> list[dict]:
    """The order's disputes with a link to each (when the disputes pages exist)."""
    rows = []
    for dispute in order.disputes.all():
        try:
            url = reverse("orders:dispute", args=[order.number, dispute.pk])
        except NoReverseMatch:
            url = ""
        rows.append({"dispute": dispute, "url": url})
    return rows


def _actions(order: Order, roles: set[str]) -> list[dict]:
    offered = []
    if ActorRole.BUYER in roles:
        offered += [(a, ActorRole.BUYER) for a in actions_for(order.status, ActorRole.BUYER, BUYER_ACTIONS)]
    if ActorRole.VENDOR in roles:
        offered += [(a, ActorRole.VENDOR) for a in actions_for(order.status, ActorRole.VENDOR, VENDOR_ACTIONS)]
    return [
        {
            "action": a,
            "role": r,
            "label": lifecycle.MOVES[a].label,
            "key": new_key(),
            "needs_reason": lifecycle.MOVES[a].needs_reason,
        }
        for a, r in offered
    ]


def _detail_context(order: Order, roles: set[str], **extra) -> dict:
    return {
        "order": order,
        "roles": roles,
        "is_buyer": ActorRole.BUYER in roles,
        "is_vendor": ActorRole.VENDOR in roles,
        "timeline": _timeline(order),
        "progress": _progress(order),
        "attestation": _attest(order),
        "actions": _actions(order, roles),
        "dispute_url": _dispute_url(order) if ActorRole.BUYER in roles and _may_dispute(order) else "",
        "payment_methods": PaymentMethod.choices,
        "disputes": _disputes(order),
        **extra,
    }


DISPUTABLE = (Status.RECEIVED, Status.PAYMENT_RECORDED, Status.COMPLETED)


def _may_dispute(order: Order) -> bool:
    """Offer the dispute link within the window after receipt, when none is undecided
    (the dispute page itself enforces the rules; this only avoids offering a dead end)."""
    if order.sandbox or order.status not in DISPUTABLE or order.received_at is None:
        return False
    window = timedelta(days=settings.ORDERS["DISPUTE_WINDOW_DAYS"])
    if timezone.now() > order.received_at + window:
        return False
    return all(d.state == Dispute.State.DECIDED for d in order.disputes.all())

# ----------------------------------------------------------------------------- buyer


@login_required
@require_GET
def my_orders(request):
    state = request.GET.get("state", "")
    orders = _with_history(selectors.orders_with_lines()).filter(buyer=request.user, sandbox=False)
    if state in Status.values:
        orders = orders.filter(status=state)
    else:
        state = ""
    page = Paginator(orders, 20).get_page(request.GET.get("page"))
    rows = [{"order": o, "attestation": _attest(o)} for o in page.object_list]
    return render(
        request,
        "orders/my_orders.html",
        {
            "rows": rows,
            "page_obj": page,
            "state": state,
            "states": Status.choices,
            "query_param": urlencode({"state": state}) if state else "",
            "sells": VendorMember.objects.filter(user=request.user).exists(),
        },
    )


@login_required
@require_GET
def order_detail(request, number: str):
    order, roles = _order_or_404(number, request.user)
    return render(request, "orders/order_detail.html", _detail_context(order, roles))


def _role_for(action: str, roles: set[str]) -> str:
    """The role the user acts in: one the move allows and the user holds; else one they hold
    (so the service refuses it as not theirs to do)."""
    move = lifecycle.MOVES[action]
    for role in (ActorRole.BUYER, ActorRole.VENDOR):
        if role in move.roles and role in roles:
            return role
    return ActorRole.BUYER if ActorRole.BUYER in roles else ActorRole.VENDOR


@login_required
@require_POST
def order_act(request, number: str):
    order, roles = _order_or_404(number, request.user)
    form = ActionForm(request.POST)
    if not form.is_valid():
        error = next(iter(e for errors in form.errors.values() for e in errors), _("Dữ liệu gửi lên không hợp lệ."))
        return _refused(request, order, roles, error, form)
    action = form.cleaned_data["action"]
    try:
        _changed, replayed = order_transition(
            order_id=order.pk,
            action=action,
            actor=request.user,
            role=_role_for(action, roles),
            key=form.cleaned_data["key"],
            reason=form.cleaned_data["reason"],
            data=form.transition_data(),
        )
    except ApplicationError as exc:
        return _refused(request, order, roles, exc.message, form, status=exc.status)
    if replayed:
        messages.info(request, _("Thao tác này đã được ghi nhận trước đó; không có gì thay đổi thêm."))
    else:
        messages.success(request, _("Đã ghi nhận: %(what)s.") % {"what": lifecycle.MOVES[action].label})
    return redirect(order.get_absolute_url())


def _refused(request, order, roles, message, form, *, status=400):
    status = status if 400 <= status < 500 else 400
    context = _detail_context(order, roles, error=message, posted=form.data)
    return render(request, "orders/order_detail.html", context, status=status)


# ----------------------------------------------------------------------------- vendor desk


def _desk_vendor(request) -> tuple[Vendor | None, list[Vendor]]:
    """The vendor whose desk this is: the one the user is a member of, or the one they picked
    (``vendor``); another vendor's id is a 404. ``None`` when they must pick."""
    vendors = list(Vendor.objects.filter(members__user=request.user).order_by("legal_name").distinct())
    if not vendors:
        raise Http404
    raw = request.POST.get("vendor") if request.method == "POST" else request.GET.get("vendor")
    if raw:
        chosen = next((v for v in vendors if str(v.pk) == raw), None)
        if chosen is None:
            raise Http404
        return chosen, vendors
    return (vendors[0] if len(vendors) == 1 else None), vendors


def _desk_orders(vendor: Vendor, filters: dict):
    orders = selectors.orders_with_lines().filter(vendor=vendor, sandbox=filters["tab"] == "practice")
    if filters["state"]:
        orders = orders.filter(status=filters["state"])
    kind, _sep, ident = filters["source"].partition(":")
    if kind and ident.isdigit():
        orders = orders.filter(source_kind=kind, source_id=int(ident))
    return orders


def _desk_filters(data) -> dict:
    form = DeskFilterForm(data)
    form.is_valid()
    cleaned = form.cleaned_data
    return {"state": cleaned.get("state") or "", "source": cleaned.get("source") or "", "tab": cleaned.get("tab") or ""}


def _desk_query(vendor: Vendor | None, filters: dict, vendors_count: int) -> str:
    params = {k: v for k, v in filters.items() if v}
    if vendor is not None and vendors_count > 1:
        params = {"vendor": vendor.pk, **params}
    return urlencode(params)


@login_required
@require_GET
def desk(request):
    vendor, vendors = _desk_vendor(request)
    if vendor is None:
        return render(request, "orders/desk/pick.html", {"vendors": vendors})
    filters = _desk_filters(request.GET)
    orders = _desk_orders(vendor, filters)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    rows = [{"order": o, "key_confirm": new_key(), "key_ship": new_key()} for o in page.object_list]
    sources = (
        Order.objects.filter(vendor=vendor, sandbox=filters["tab"] == "practice")
        .exclude(source_id=None)
        .values_list("source_kind", "source_id", "source_label")
        .distinct()
        .order_by("-source_id")
    )
    query = _desk_query(vendor, filters, len(vendors))
    return render(
        request,
        "orders/desk/desk.html",
        {
            "vendor": vendor,
            "vendors": vendors,
            "rows": rows,
            "page_obj": page,
            "filters": filters,
            "states": Status.choices,
            "sources": [(f"{k}:{i}", label or f"{k} {i}") for k, i, label in sources],
            "query": query,
            "query_param": query,
            "practice_count": Order.objects.filter(vendor=vendor, sandbox=True).count(),
        },
    )


@login_required
@require_POST
def desk_bulk(request):
    """Confirm or ship many orders: each its own transition and key; a report per order."""
    vendor, vendors = _desk_vendor(request)
    if vendor is None:
        raise Http404
    filters = _desk_filters(request.POST)
    back = reverse("orders:desk") + "?" + _desk_query(vendor, filters, len(vendors))
    action = request.POST.get("action", "")
    numbers = list(dict.fromkeys(request.POST.getlist("numbers")))[:BULK_MAX]
    if action not in BULK_ACTIONS:
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect(back)
    if not numbers:
        messages.error(request, _("Hãy chọn ít nhất một đơn hàng."))
        return redirect(back)
    orders = {o.number: o for o in Order.objects.filter(vendor=vendor, number__in=numbers)}
    done, failed = [], []
    for number in numbers:
        order = orders.get(number)
        if order is None:
            failed.append((number, _("Không tìm thấy đơn hàng.")))
            continue
        data = {}
        if action == "ship":
            data = {
                "own_delivery": request.POST.get(f"own-{number}") == "on",
                "carrier": request.POST.get(f"carrier-{number}", ""),
                "tracking_code": request.POST.get(f"tracking-{number}", ""),
            }
        try:
            _order, replayed = order_transition(
                order_id=order.pk,
                action=action,
                actor=request.user,
                role=ActorRole.VENDOR,
                key=request.POST.get(f"key-{action}-{number}", ""),
                data=data,
            )
        except ApplicationError as exc:
            failed.append((number, exc.message))
            continue
        if not replayed:
            done.append(number)
    label = lifecycle.MOVES[action].label
    if done:
        messages.success(
            request,
            _("%(what)s: %(n)s đơn thành công (%(numbers)s).")
            % {"what": label, "n": len(done), "numbers": ", ".join(done)},
        )
    for number, reason in failed:
        messages.error(
            request, _("%(number)s: không thực hiện được. %(reason)s") % {"number": number, "reason": reason}
        )
    if not done and not failed:
        messages.info(request, _("Các đơn này đã được ghi nhận trước đó; không có gì thay đổi thêm."))
    return redirect(back)


@login_required
@require_GET
def desk_csv(request):
    vendor, _vendors = _desk_vendor(request)
    if vendor is None:
        raise Http404
    filters = _desk_filters(request.GET)
    suffix = "-thuc-hanh" if filters["tab"] == "practice" else ""
    response, writer = csv_download(f"don-hang-{vendor.slug}{suffix}-{timezone.localdate():%Y%m%d}.csv")
    writer.writerow(
        [
            _("Mã đơn"),
            _("Đặt lúc"),
            _("Trạng thái"),
            _("Người nhận"),
            _("Điện thoại"),
            _("Địa chỉ"),
            _("Sản phẩm"),
            _("Tổng tiền (đồng)"),
            _("Kênh"),
            _("Nguồn"),
            _("Đơn vị vận chuyển"),
            _("Mã vận đơn"),
            _("Ghi chú"),
        ]
    )
    for order in _desk_orders(vendor, filters).iterator(chunk_size=500):
        lines = "; ".join(f"{line.product_code} {line.product_name} × {line.quantity}" for line in order.lines.all())
        carrier = _("Shop tự giao") if order.own_delivery else order.carrier
        writer.writerow(
            [
                safe_cell(order.number),
                timezone.localtime(order.placed_at).strftime("%d/%m/%Y %H:%M"),
                safe_cell(str(order.get_status_display())),
                safe_cell(order.delivery_name),
                safe_cell(order.delivery_phone),
                safe_cell(order.delivery_address),
                safe_cell(lines),
                order.total,
                safe_cell(str(order.get_channel_display())),
                safe_cell(order.source_label),
                safe_cell(str(carrier)),
                safe_cell(order.tracking_code),
                safe_cell(order.note),
            ]
        )
    return response


@login_required
@require_GET
def packing_slip(request, number: str):
    order, _roles_held = _order_or_404(number, request.user, roles=(ActorRole.VENDOR, ActorRole.ORGANIZER))
    return render(request, "orders/desk/slip.html", {"order": order})
