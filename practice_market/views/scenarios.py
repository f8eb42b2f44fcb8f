"""Practice market pages: the host runs a scripted audience in their practice show.

``/cho-thuc-hanh/buoi/<pk>/kich-ban/``: the scenarios in use (difficulty, length, who is
in the audience), a start form (speed, simulated viewers) and the show's runs with their
progress and a stop button. Only the show's host (and co-hosts) reach it; the console
of a practice room links here ("Chạy kịch bản"). Refusals come back as the service's
Vietnamese message on the same page, with nothing changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import ApplicationError
from live.owners import owner_for
from practice_market import scenarios
from practice_market.models import PracticeShow, Scenario, ScenarioRun

SPEEDS = [1, 2, 4, 8]
VIEWER_CHOICES = [10, 50, 100, 200, 500]


def _hosted(request, pk: int) -> PracticeShow:
    practice = PracticeShow.objects.select_related("show", "show__room").filter(pk=pk).first()
    if practice is None or not owner_for(practice.show).may_host(request.user, practice.show):
        raise Http404(_("Không tìm thấy buổi live thực hành."))
    return practice


def _page(request, practice: PracticeShow, *, error: str = "", chosen: dict | None = None, status: int = 200):
    library = (
        Scenario.objects.filter(is_published=True)
        .annotate(beat_count=Count("beats"))
        .prefetch_related("personas")
        .order_by("difficulty", "title")
    )
    runs = list(ScenarioRun.objects.filter(practice_show=practice).select_related("scenario")[:10])
    for run in runs:
        run.beats_total = len(run.script or [])
        run.is_active = run.state in (ScenarioRun.State.QUEUED, ScenarioRun.State.RUNNING)
    context = {
        "practice": practice,
        "show": practice.show,
        "scenarios": library,
        "runs": runs,
        "active": next((r for r in runs if r.is_active), None),
        "speeds": SPEEDS,
        "viewer_choices": VIEWER_CHOICES,
        "chosen": chosen or {"scenario": "", "speed": "1", "viewers": "10"},
        "error": error,
        "console_url": reverse("live:show_console", args=[practice.show.pk]),
    }
    return render(request, "practice_market/scenarios/runs.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_runs(request, pk: int):
    practice = _hosted(request, pk)
    if request.method == "GET":
        return _page(request, practice)
    chosen = {k: request.POST.get(k, "") for k in ("scenario", "speed", "viewers")}
    scenario = Scenario.objects.filter(pk=chosen["scenario"] if chosen["scenario"].isdigit() else 0).first()
    try:
        if scenario is None or not scenario.is_published:
            raise ApplicationError(_("Hãy chọn một kịch bản."), fields={"scenario": _("Bắt buộc")})
        run = scenarios.scenario_run_start(
            practice_show=practice,
            scenario=scenario,
            actor=request.user,
            speed=chosen["speed"].replace(",", "."),
            viewers=chosen["viewers"],
        )
    except ApplicationError as exc:
        return _page(request, practice, error=str(exc.message), chosen=chosen, status=400)
    messages.success(
        request,
        _("Đã xếp lịch kịch bản “%(title)s”: khán giả mô phỏng sẽ vào phòng trong giây lát.")
        % {"title": run.scenario.title},
    )
    return redirect("practice_market:scenario_runs", pk=practice.pk)


@login_required
@require_POST
def scenario_run_stop(request, pk: int, run_id: int):
    practice = _hosted(request, pk)
    run = ScenarioRun.objects.filter(pk=run_id, practice_show=practice).first()
    if run is None:
        raise Http404(_("Không tìm thấy lượt chạy kịch bản."))
    try:
        scenarios.scenario_run_stop(run=run, actor=request.user)
    except ApplicationError as exc:
        return _page(request, practice, error=str(exc.message), status=400)
    messages.success(request, _("Đã dừng kịch bản: khán giả mô phỏng rời phòng trong giây lát."))
    return redirect("practice_market:scenario_runs", pk=practice.pk)


urlpatterns = [
    path("buoi/<int:pk>/kich-ban/", scenario_runs, name="scenario_runs"),
    path("buoi/<int:pk>/kich-ban/<int:run_id>/dung/", scenario_run_stop, name="scenario_run_stop"),
]
