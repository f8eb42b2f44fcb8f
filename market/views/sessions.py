"""Weekly market pages: sessions, the lobby, the timetable and its calendar, sellers' applications
and slots, the organizers' timetable editor.

Thin views: a permission check, one read (``market.selectors``), render; every write goes to
``market.timetable`` and a refusal (``ApplicationError``) is shown on the page, nothing changed.

Who sees what: published, live and ended sessions (their lobby, timetable and calendar) are
public like the live rooms they lead to; an open session is seen by promoted sellers (who
apply) and the organizers; drafts by the organizers only. Applying needs a member of a
promoted vendor; the editor needs an organizer.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from config.errors import ApplicationError
from market import selectors, timetable
from market.models import Application, Session, Slot
from market.notifications import schedule_ics
from vendors.permissions import is_organizer

# ----------------------------------------------------------------------------- forms


class SessionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên phiên chợ"), max_length=200)
    theme = forms.CharField(label=gettext_lazy("Chủ đề"), max_length=120, required=False)
    day = forms.DateField(
        label=gettext_lazy("Ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Để trống: thứ Sáu tới."),
    )
    start = forms.TimeField(
        label=gettext_lazy("Mở chợ"), initial=datetime.time(20, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=gettext_lazy("Đóng chợ"), initial=datetime.time(22, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    stages = forms.IntegerField(label=gettext_lazy("Số sân khấu song song"), min_value=1, max_value=30, initial=3)
    slot_minutes = forms.IntegerField(
        label=gettext_lazy("Độ dài mỗi lượt (phút)"), min_value=10, max_value=120, initial=30
    )
    is_special = forms.BooleanField(label=gettext_lazy("Phiên đặc biệt"), required=False)

    def session_data(self) -> dict:
        """The checked form as ``timetable.session_create`` / ``session_update`` take it (hours as moments)."""
        data = self.cleaned_data
        day = data.get("day") or timetable.next_friday()
        starts_at = datetime.datetime.combine(day, data["start"], tzinfo=timetable.MARKET_TZ)
        ends_at = datetime.datetime.combine(day, data["end"], tzinfo=timetable.MARKET_TZ)
        if ends_at <= starts_at:  # closes after midnight
            ends_at += datetime.timedelta(days=1)
        kept = ("title", "theme", "stages", "slot_minutes", "is_special")
        return {**{name: data[name] for name in kept}, "starts_at": starts_at, "ends_at": ends_at}


class ApplicationForm(forms.Form):
    vendor = forms.ChoiceField(label=gettext_lazy("Chủ thể"))
    product_ids = forms.MultipleChoiceField(
        label=gettext_lazy("Sản phẩm sẽ bán"), widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Ghi chú cho ban tổ chức"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, sellers, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = [(str(s.vendor_id), s.vendor.legal_name) for s in sellers]
        self.fields["product_ids"].choices = [
            (str(p.pk), f"{p.code} · {p.name}" + ("" if p.is_verified else " — " + str(_("chưa xác minh"))))
            for p in products
        ]


class SlotForm(forms.Form):
    stage = forms.IntegerField(label=gettext_lazy("Sân khấu"), min_value=1, max_value=30)
    starts_at = forms.DateTimeField(label=gettext_lazy("Giờ bắt đầu"))


# ----------------------------------------------------------------------------- helpers


def _organizer(request) -> bool:
    return is_organizer(request.user)


def _visible_session(request, session_id: int) -> Session:
    session = get_object_or_404(Session, pk=session_id)
    if not selectors.session_visible(session=session, user=request.user, organizer=_organizer(request)):
        raise Http404
    return session


def _require_organizer(request) -> None:
    if not _organizer(request):
        raise PermissionDenied


def _refused(request, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


# ----------------------------------------------------------------------------- public pages


def session_list(request):
    organizer = _organizer(request)
    context = selectors.sessions_for(user=request.user, organizer=organizer)
    context["organizer"] = organizer
    context["form"] = SessionForm() if organizer else None
    return render(request, "market/sessions/session_list.html", context)


def lobby(request, session_id: int):
    """The session's lobby: stalls on air and coming, viewers in each, search, the timetable."""
    session = _visible_session(request, session_id)
    query = (request.GET.get("q") or "").strip()[:100]
    view = selectors.lobby(session=session, query=query)
    context = {
        "session": session,
        "lobby": view,
        "query": query,
        "organizer": _organizer(request),
        "refresh": {
            "api": reverse("api-market-lobby", kwargs={"session_id": session.pk})
            if request.user.is_authenticated
            else "",
            "every": 20,
        },
    }
    return render(request, "market/sessions/lobby.html", context)


def timetable_page(request, session_id: int):
    session = _visible_session(request, session_id)
    rows = selectors.stall_rows(session=session)
    stages, grid = selectors.timetable_grid(session=session, rows=rows)
    return render(
        request, "market/sessions/timetable.html", {"session": session, "stages": stages, "grid": grid, "rows": rows}
    )


def session_ics(request, session_id: int):
    """The session's calendar (.ics): every stall, or with ``?mine=1`` the signed-in seller's own slots."""
    session = _visible_session(request, session_id)
    if session.state not in selectors.PUBLIC_STATES:
        raise Http404
    vendor_ids = None
    if request.GET.get("mine") and request.user.is_authenticated:
        vendor_ids = list(selectors.seller_vendors(user=request.user).values_list("vendor_id", flat=True))
    slots = selectors.session_slots(session=session, vendor_ids=vendor_ids)
    body = schedule_ics(session=session, slots=slots, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    name = slugify(f"cho-dem-{timezone.localtime(session.starts_at):%Y-%m-%d}") or "cho-dem"
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


# ----------------------------------------------------------------------------- sellers


@login_required
def apply(request, session_id: int):
    """A promoted seller's application: the vendor and the verified products it will sell."""
    session = _visible_session(request, session_id)
    sellers = list(selectors.seller_vendors(user=request.user))
    if not sellers:
        messages.error(
            request,
            _("Chủ thể của bạn chưa được lên chợ đêm: hãy hoàn thành chợ thực hành và được ban tổ chức duyệt trước."),
        )
        return redirect("market:my_slots")
    chosen = request.POST.get("vendor") or request.GET.get("vendor") or str(sellers[0].vendor_id)
    seller = next((s for s in sellers if str(s.vendor_id) == chosen), sellers[0])
    from vendors.models import Product

    products = list(Product.objects.filter(vendor=seller.vendor).order_by("code"))
    offerable = {p.pk for p in selectors.offerable_products(vendor=seller.vendor, session=session)}
    existing = selectors.applications_of(user=request.user, session=session).filter(vendor=seller.vendor).first()
    initial = {"vendor": str(seller.vendor_id)}
    if existing is not None:
        initial["product_ids"] = [str(ap.product_id) for ap in existing.products.all()]
        initial["note"] = existing.note
    form = ApplicationForm(request.POST or None, initial=initial, sellers=sellers, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            timetable.application_submit(
                actor=request.user,
                session=session,
                vendor=seller.vendor,
                product_ids=[int(pk) for pk in form.cleaned_data["product_ids"]],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Đã gửi đăng ký. Ban tổ chức sẽ xếp lượt và báo cho bạn."))
            return redirect("market:my_slots")
    context = {
        "session": session, "form": form, "seller": seller, "products": products, "offerable": offerable,
        "existing": existing,
    }  # fmt: skip
    return render(request, "market/sessions/apply.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def withdraw(request, application_id: int):
    application = get_object_or_404(Application.objects.select_related("vendor", "session"), pk=application_id)
    try:
        timetable.application_withdraw(actor=request.user, application=application)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Đã rút đăng ký."))
    return redirect("market:my_slots")


@login_required
def my_slots(request):
    """A seller's applications and slots, with a link to each stall's room and calendar."""
    applications = list(selectors.applications_of(user=request.user))
    sellers = list(selectors.seller_vendors(user=request.user))
    open_sessions = list(Session.objects.filter(state=Session.State.OPEN).order_by("starts_at")) if sellers else []
    applied = {a.session_id for a in applications}
    context = {
        "applications": applications,
        "sellers": sellers,
        "open_sessions": [s for s in open_sessions if s.pk not in applied],
    }
    return render(request, "market/sessions/my_slots.html", context)


# ----------------------------------------------------------------------------- organizers


@login_required
@require_POST
def session_create(request):
    _require_organizer(request)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = timetable.session_create(actor=request.user, **form.session_data())
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Đã tạo phiên chợ (nháp)."))
            return redirect("market:editor", session_id=session.pk)
    else:
        messages.error(request, _("Hãy kiểm tra lại các ô của phiên chợ."))
    context = selectors.sessions_for(user=request.user, organizer=True)
    context.update(organizer=True, form=form)
    return render(request, "market/sessions/session_list.html", context, status=400)


def _session_initial(session: Session) -> dict:
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return {
        "title": session.title, "theme": session.theme, "day": start.date(), "start": start.time(), "end": end.time(),
        "stages": session.stages, "slot_minutes": session.slot_minutes, "is_special": session.is_special,
    }  # fmt: skip


@login_required
def editor(request, session_id: int, *, edit_form: SessionForm | None = None, status: int = 200):
    """The organizers' timetable: waiting applications to place, slots to move, open and publish."""
    _require_organizer(request)
    session = get_object_or_404(Session, pk=session_id)
    context = {"session": session, **selectors.editor(session=session)}
    context["editable"] = session.state in timetable.EDITABLE_STATES
    if session.state in (Session.State.DRAFT, Session.State.OPEN):
        context["edit_form"] = edit_form or SessionForm(initial=_session_initial(session))
    return render(request, "market/sessions/editor.html", context, status=status)


@login_required
@require_POST
def session_edit(request, session_id: int):
    """Change a session's title, theme and, while no slot is placed, its hours, stages and slot length."""
    _require_organizer(request)
    session = get_object_or_404(Session, pk=session_id)
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy kiểm tra lại các ô của phiên chợ."))
        return editor(request, session_id, edit_form=form, status=400)
    try:
        timetable.session_update(actor=request.user, session=session, **form.session_data())
    except ApplicationError as exc:
        _refused(request, exc)
        return editor(request, session_id, edit_form=form, status=400)
    messages.success(request, _("Đã lưu phiên chợ."))
    return redirect("market:editor", session_id=session_id)


def _slot_input(request) -> dict:
    form = SlotForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("Chọn sân khấu và giờ bắt đầu."))
    starts_at = form.cleaned_data["starts_at"]
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, timetable.MARKET_TZ)
    return {"stage": form.cleaned_data["stage"], "starts_at": starts_at}


def _reason_input(request) -> dict:
    return {"reason": request.POST.get("reason", "")}


def _no_input(request) -> dict:
    return {}


class EditorAction(View):
    """POST: one organizer action on an application or a slot of the timetable editor.

    The ``model`` row named by the URL's ``url_kwarg`` is found in the session (404 otherwise);
    ``service`` (a ``market.timetable`` function) is called with the actor, that row as
    ``target`` and what ``inputs`` reads from the form; ``done`` says what was done
    (``%(vendor)s``: the row's vendor). A refusal is shown, nothing changed. Back to the editor.
    """

    http_method_names = ["post"]
    model: type[Application] | type[Slot] = Slot
    url_kwarg = "slot_id"
    target = "slot"
    service = None  # timetable.<thing>_<verb>(*, actor, <target>, **inputs)
    inputs = staticmethod(_no_input)
    done = ""

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, session_id: int, **kwargs):
        _require_organizer(request)
        row = get_object_or_404(
            self.model.objects.select_related("vendor"), pk=kwargs[self.url_kwarg], session_id=session_id
        )
        try:
            self.service(actor=request.user, **{self.target: row}, **self.inputs(request))
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, self.done % {"vendor": row.vendor})
        return redirect("market:editor", session_id=session_id)


_application_action = {"model": Application, "url_kwarg": "application_id", "target": "application"}
slot_assign = EditorAction.as_view(
    **_application_action,
    service=timetable.slot_assign,
    inputs=_slot_input,
    done=gettext_lazy("Đã xếp lượt cho %(vendor)s."),
)
application_decline = EditorAction.as_view(
    **_application_action,
    service=timetable.application_decline,
    inputs=_reason_input,
    done=gettext_lazy("Đã từ chối đăng ký."),
)
slot_move = EditorAction.as_view(
    service=timetable.slot_move, inputs=_slot_input, done=gettext_lazy("Đã dời lượt của %(vendor)s.")
)
slot_unassign = EditorAction.as_view(
    service=timetable.slot_unassign, done=gettext_lazy("Đã bỏ lượt; đăng ký trở lại danh sách chờ.")
)


STATE_ACTIONS = {"open": timetable.session_open, "publish": timetable.session_publish}


@login_required
@require_POST
def session_state(request, session_id: int):
    """Open the session for applications, or publish its timetable."""
    _require_organizer(request)
    session = get_object_or_404(Session, pk=session_id)
    action = STATE_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("market:editor", session_id=session_id)
    try:
        session = action(actor=request.user, session=session)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        if session.state == Session.State.PUBLISHED:
            messages.success(
                request, _("Đã công bố lịch: người bán và người mua sẽ nhận lịch qua e-mail và thông báo.")
            )
        else:
            messages.success(request, _("Phiên chợ đã mở nhận đăng ký."))
    return redirect("market:editor", session_id=session_id)


urlpatterns = [
    path("", session_list, name="session_list"),
    path("tao-phien/", session_create, name="session_create"),
    path("luot-ban-cua-toi/", my_slots, name="my_slots"),
    path("dang-ky/<int:application_id>/rut/", withdraw, name="withdraw"),
    path("<int:session_id>/", lobby, name="lobby"),
    path("<int:session_id>/lich/", timetable_page, name="timetable"),
    path("<int:session_id>/lich.ics", session_ics, name="session_ics"),
    path("<int:session_id>/dang-ky/", apply, name="apply"),
    path("<int:session_id>/sap-xep/", editor, name="editor"),
    path("<int:session_id>/sap-xep/trang-thai/", session_state, name="session_state"),
    path("<int:session_id>/sap-xep/sua/", session_edit, name="session_edit"),
    path("<int:session_id>/sap-xep/xep/<int:application_id>/", slot_assign, name="slot_assign"),
    path("<int:session_id>/sap-xep/tu-choi/<int:application_id>/", application_decline, name="application_decline"),
    path("<int:session_id>/sap-xep/doi/<int:slot_id>/", slot_move, name="slot_move"),
    path("<int:session_id>/sap-xep/bo/<int:slot_id>/", slot_unassign, name="slot_unassign"),
]
