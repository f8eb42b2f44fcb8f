"""Practice market pages: the home (locked or unlocked), scheduling a practice show, one
show's page (products, invites, orders), inviting classmates.

Thin views: parse, call ``practice_market.shows``, render. Refusals come back as the
service's Vietnamese message on the same page, with nothing changed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import ApplicationError
from orders.models import Order
from practice_market import selectors, shows
from practice_market.models import PracticeShow
from vendors.models import Product, Vendor

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class ScheduleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên buổi live thực hành"), max_length=200)
    scheduled_start = forms.DateTimeField(label=gettext_lazy("Bắt đầu"), input_formats=[DATETIME_INPUT])
    duration_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Thời lượng"),
        coerce=int,
        choices=[
            (30, gettext_lazy("30 phút")),
            (60, gettext_lazy("60 phút")),
            (90, gettext_lazy("90 phút")),
            (120, gettext_lazy("120 phút")),
        ],
        initial=60,
    )
    description = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=2000, widget=forms.Textarea)


def _own_products(user):
    vendor = Vendor.objects.filter(members__user_id=user.pk).order_by("pk").first()
    if vendor is None:
        return None, []
    return vendor, list(Product.objects.filter(vendor=vendor).order_by("code"))


def _home_context(request, *, form=None, error: str = "", chosen: list[int] | None = None) -> dict:
    user = request.user
    access = selectors.access_state(user=user)
    context = {
        "access": access,
        "invited": list(selectors.shows_invited(user=user)),
        "history": selectors.history(user=user),
        "error": error,
    }
    if access.is_open:
        vendor, products = _own_products(user)
        start = timezone.localtime() + timedelta(hours=1)
        context.update(
            vendor=vendor,
            products=products,
            chosen=set(chosen or []),
            form=form
            or ScheduleForm(
                initial={"scheduled_start": start.replace(minute=0, second=0, microsecond=0).strftime(DATETIME_INPUT)}
            ),
            hosted=list(selectors.shows_hosted(user=user)),
        )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    """/cho-thuc-hanh/: locked (exactly what is missing) or unlocked (schedule, my shows, invites, history)."""
    if request.method == "GET":
        return render(request, "practice_market/shows/home.html", _home_context(request))
    form = ScheduleForm(request.POST)
    chosen = _ids(request.POST, "product_ids")
    if not form.is_valid():
        error = next(iter(e for errors in form.errors.values() for e in errors), _("Dữ liệu gửi lên không hợp lệ."))
        return render(
            request,
            "practice_market/shows/home.html",
            _home_context(request, form=form, error=error, chosen=chosen),
            status=400,
        )
    data = form.cleaned_data
    start: datetime = data["scheduled_start"]
    try:
        practice = shows.practice_show_schedule(
            trainee=request.user,
            title=data["title"],
            scheduled_start=start,
            scheduled_end=start + timedelta(minutes=data["duration_minutes"]),
            product_ids=chosen,
            description=data["description"],
        )
    except ApplicationError as exc:
        status = exc.status if 400 <= exc.status < 500 else 400
        return render(
            request,
            "practice_market/shows/home.html",
            _home_context(request, form=form, error=exc.message, chosen=chosen),
            status=status,
        )
    messages.success(request, _("Đã lên lịch buổi live thực hành. Hãy mời bạn học vào xem và mua thử."))
    return redirect("practice_market:show_detail", pk=practice.pk)


def _show_or_404(request, pk: int) -> PracticeShow:
    practice = selectors.practice_show_for(user=request.user, show_id=pk)
    if practice is None:
        raise Http404
    return practice


def _detail_context(request, practice: PracticeShow, *, error: str = "") -> dict:
    is_host = practice.trainee_id == request.user.pk
    show = practice.show
    orders = Order.objects.filter(source_kind="show", source_id=show.pk, sandbox=True).select_related("buyer")
    if not is_host:
        orders = orders.filter(buyer=request.user)
    return {
        "practice": practice,
        "show": show,
        "is_host": is_host,
        "offers": list(show.offers.filter(is_active=True).select_related("product").order_by("position")),
        "classmates": selectors.classmates_of(practice_show=practice) if is_host else [],
        "invites": list(practice.invites.select_related("user").order_by("invited_at")) if is_host else [],
        "orders": list(orders.order_by("-placed_at")[:50]),
        "summary": selectors.show_orders_summary(show_ids=[show.pk], buyer_id=None if is_host else request.user.pk).get(
            show.pk, {"intents": 0, "orders": 0, "total": 0}
        ),
        "watch_url": reverse("live:show_watch", args=[show.pk]),
        "console_url": reverse("live:show_console", args=[show.pk]),
        "error": error,
    }


@login_required
def show_detail(request, pk: int):
    practice = _show_or_404(request, pk)
    return render(request, "practice_market/shows/detail.html", _detail_context(request, practice))


@login_required
@require_POST
def show_invite(request, pk: int):
    practice = _show_or_404(request, pk)
    try:
        invites = shows.practice_show_invite(
            practice_show=practice, actor=request.user, user_ids=_ids(request.POST, "user_ids")
        )
    except ApplicationError as exc:
        status = exc.status if 400 <= exc.status < 500 else 400
        return render(
            request,
            "practice_market/shows/detail.html",
            _detail_context(request, practice, error=exc.message),
            status=status,
        )
    messages.success(
        request,
        _("Đã mời: %(names)s.") % {"names": ", ".join(i.user.get_full_name() or i.user.email for i in invites)},
    )
    return redirect("practice_market:show_detail", pk=practice.pk)


@login_required
@require_POST
def show_uninvite(request, pk: int, user_id: int):
    practice = _show_or_404(request, pk)
    try:
        shows.practice_invite_remove(practice_show=practice, actor=request.user, user_id=user_id)
    except ApplicationError as exc:
        status = exc.status if 400 <= exc.status < 500 else 400
        return render(
            request,
            "practice_market/shows/detail.html",
            _detail_context(request, practice, error=exc.message),
            status=status,
        )
    messages.success(request, _("Đã bỏ lời mời."))
    return redirect("practice_market:show_detail", pk=practice.pk)


def _ids(data, name: str) -> list[int]:
    ids = []
    for raw in data.getlist(name):
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            continue
    return ids


urlpatterns = [
    path("", home, name="home"),
    path("buoi/<int:pk>/", show_detail, name="show_detail"),
    path("buoi/<int:pk>/moi/", show_invite, name="show_invite"),
    path("buoi/<int:pk>/bo-moi/<int:user_id>/", show_uninvite, name="show_uninvite"),
]
