"""Practice market pages: promotion into the weekly market, endorsements, badges.

* ``/cho-thuc-hanh/xet-len-cho/``: the organizers' queue (eligible first, with the evidence),
  approve / decline with a reason, revoke a promotion with a reason, the audit of decisions.
* ``/cho-thuc-hanh/de-cu/``: instructors endorse graduates.
* ``/cho-thuc-hanh/len-cho-dem/``: a trainee sees each criterion met or missing.
* ``/cho-thuc-hanh/huy-hieu/``: anyone verifies a badge by its code (like the certificate).

Thin views: a form checks the shape, ``practice_market.promotion`` decides; a refusal is
shown as a message and changes nothing.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from config.errors import ApplicationError
from practice_market import badges, promotion
from practice_market.models import Endorsement, PracticeAccess, Promotion


class ApproveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Ghi chú (không bắt buộc)"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        max_length=500,
        error_messages={"required": gettext_lazy("Hãy ghi lý do.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndorseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Nhận xét khi đề cử"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã huy hiệu"), max_length=16)


def _require_organizer(request) -> None:
    if not promotion.is_organizer(request.user):
        raise PermissionDenied(_("Chỉ ban tổ chức mới xét duyệt lên chợ đêm."))


def _require_instructor(request) -> None:
    if not promotion.is_instructor(request.user):
        raise PermissionDenied(_("Chỉ giảng viên mới đề cử được học viên."))


def _form_error(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# ----------------------------------------------------------------------------- organizers


@login_required
@require_GET
def queue(request):
    _require_organizer(request)
    return render(
        request,
        "practice_market/promotion/queue.html",
        {
            "queue": promotion.promotion_queue(),
            "history": promotion.promotion_history(limit=30),
            "criteria": promotion.criteria_current(),
            "action_labels": promotion.Action.LABELS,
        },
    )


class DecisionView(View):
    """POST: one organizer decision on the queue (approve, decline, revoke).

    The form checks the reason, ``service`` decides (called with the actor, the reason and the
    URL's ``url_kwarg`` as ``service_kwarg``) and ``done`` says what was decided; a refusal is
    shown as a message and changes nothing. Back to the queue either way.
    """

    http_method_names = ["post"]
    form_class: type[forms.Form] = ReasonForm
    service = None  # promotion.promotion_<verb>(*, actor, reason, <service_kwarg>) -> Promotion
    url_kwarg = "user_id"
    service_kwarg = "trainee_id"
    done = ""  # success message, formatted with the trainee's ``name`` and the ``vendor``

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, **kwargs):
        _require_organizer(request)
        form = self.form_class(request.POST)
        if not form.is_valid():
            _form_error(request, form)
            return redirect("practice_market:promotion_queue")
        try:
            decided = self.service(
                actor=request.user, reason=form.cleaned_data["reason"], **{self.service_kwarg: kwargs[self.url_kwarg]}
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, self.done % {"name": decided.trainee.get_full_name(), "vendor": decided.vendor.legal_name}
            )
        return redirect("practice_market:promotion_queue")


approve = DecisionView.as_view(
    form_class=ApproveForm,
    service=promotion.promotion_approve,
    done=gettext_lazy("Đã duyệt %(name)s (%(vendor)s) lên chợ đêm."),
)
decline = DecisionView.as_view(
    service=promotion.promotion_decline, done=gettext_lazy("Đã ghi quyết định chưa đồng ý cho %(name)s.")
)
revoke = DecisionView.as_view(
    service=promotion.promotion_revoke,
    url_kwarg="promotion_id",
    service_kwarg="promotion_id",
    done=gettext_lazy("Đã thu hồi quyết định lên chợ đêm của %(name)s."),
)


# ----------------------------------------------------------------------------- instructors


@login_required
@require_GET
def endorse_list(request):
    _require_instructor(request)
    criteria = promotion.criteria_current()
    graduates = (
        get_user_model()
        .objects.filter(practice_access__isnull=False, practice_access__locked_at__isnull=True)
        .order_by("last_name", "first_name", "pk")
    )
    mine = set(Endorsement.objects.filter(instructor=request.user).values_list("trainee_id", flat=True))
    rows = [
        {"item": promotion.eligibility_evaluate(user=user, criteria=criteria), "endorsed": user.pk in mine}
        for user in graduates
    ]
    return render(request, "practice_market/promotion/endorse.html", {"rows": rows, "form": EndorseForm()})


@login_required
@require_POST
def endorse(request, user_id: int):
    _require_instructor(request)
    form = EndorseForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return redirect("practice_market:endorse_list")
    try:
        endorsement = promotion.endorsement_add(
            instructor=request.user, trainee_id=user_id, note=form.cleaned_data["note"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đề cử %(name)s lên chợ đêm.") % {"name": endorsement.trainee.get_full_name()})
    return redirect("practice_market:endorse_list")


# ----------------------------------------------------------------------------- trainees


@login_required
@require_GET
def mine(request):
    access = PracticeAccess.objects.filter(user=request.user).first()
    item = promotion.eligibility_evaluate(user=request.user)
    decisions = (
        Promotion.objects.filter(trainee=request.user).select_related("vendor").order_by("-decided_at", "-pk")[:10]
    )
    return render(
        request,
        "practice_market/promotion/mine.html",
        {"item": item, "access": access, "decisions": decisions, "badges": request.user.badges.all()},
    )


# ----------------------------------------------------------------------------- badges (public)


def _too_many(request):
    return render(request, "429.html", status=429)


@require_GET
@ratelimit(key="ip", rate=lambda group, request: settings.LEARNING_VERIFY_RATE, block=False)
def badge_verify(request):
    if getattr(request, "limited", False):
        return _too_many(request)
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("practice_market:badge_verify_code", code=form.cleaned_data["code"].strip().upper())
    return render(request, "practice_market/badges/verify.html", {"form": form})


@require_GET
@ratelimit(key="ip", rate=lambda group, request: settings.LEARNING_VERIFY_RATE, block=False)
def badge_verify_code(request, code: str):
    if getattr(request, "limited", False):
        return _too_many(request)
    badge = badges.badge_find(code)
    vendors = []
    if badge is not None:
        vendors = list(badge.user.vendor_memberships.select_related("vendor").order_by("created_at"))
    return render(
        request,
        "practice_market/badges/verify.html",
        {
            "form": VerifyForm(initial={"code": code}),
            "code": code,
            "badge": badge,
            "memberships": vendors,
            "checked": True,
        },
    )


urlpatterns = [
    path("xet-len-cho/", queue, name="promotion_queue"),
    path("xet-len-cho/<int:user_id>/duyet/", approve, name="promotion_approve"),
    path("xet-len-cho/<int:user_id>/tu-choi/", decline, name="promotion_decline"),
    path("xet-len-cho/quyet-dinh/<int:promotion_id>/thu-hoi/", revoke, name="promotion_revoke"),
    path("de-cu/", endorse_list, name="endorse_list"),
    path("de-cu/<int:user_id>/", endorse, name="endorse"),
    path("len-cho-dem/", mine, name="promotion_mine"),
    path("huy-hieu/", badge_verify, name="badge_verify"),
    path("huy-hieu/<str:code>/", badge_verify_code, name="badge_verify_code"),
]
