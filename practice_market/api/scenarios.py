"""Practice market API: the scripted audience's scenarios and their runs in a practice show.

* ``GET practice/scenarios/``: the scenarios in use (instructors and organizers also see
  those not in use), with their personas and the length of their timeline.
* ``POST practice/shows/<pk>/scenario-runs/``: the show's host starts a run
  (``scenario_id``, ``speed`` 0.25–20, ``viewers`` 1–500); ``GET`` lists the show's runs.
* ``GET practice/scenario-runs/<id>/``: a run's state (queued, running, finished, stopped,
  failed) and progress; ``POST …/stop/`` stops it.

Who: a run is started and stopped by the show's host; read by the host, instructors,
organizers and staff (anyone else gets the 404 of a run that does not exist). Refusals of
``practice_market.scenarios`` leave as ``{"error": {"code", "message", "fields"}}``,
nothing changed. The rendered script is not shown: the trainee meets the audience live.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role
from config.api import schema_error_response
from live.owners import owner_for
from practice_market import scenarios
from practice_market.models import PracticeShow, Scenario, ScenarioRun

_ERRORS = {**schema_error_response(), **schema_error_response(403), **schema_error_response(404)}
MAX_ID = 2**63 - 1


def _staffish(user) -> bool:
    return bool(user.is_staff or user.is_superuser or user.has_role(Role.INSTRUCTOR) or user.has_role(Role.ORGANIZER))


def _may_host(user, practice: PracticeShow) -> bool:
    return owner_for(practice.show).may_host(user, practice.show)


def _practice(request, pk: int) -> PracticeShow:
    practice = PracticeShow.objects.select_related("show").filter(pk=pk).first() if pk <= MAX_ID else None
    if practice is None or not (_may_host(request.user, practice) or _staffish(request.user)):
        raise NotFound(_("Không tìm thấy buổi live thực hành."))
    return practice


def _run(request, run_id: int) -> ScenarioRun:
    run = (
        ScenarioRun.objects.select_related("scenario", "practice_show__show").filter(pk=run_id).first()
        if run_id <= MAX_ID
        else None
    )
    if run is None or not (_may_host(request.user, run.practice_show) or _staffish(request.user)):
        raise NotFound(_("Không tìm thấy lượt chạy kịch bản."))
    return run


class PersonaOutput(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    manner = serializers.CharField()
    manner_label = serializers.CharField(source="get_manner_display")


@extend_schema_serializer(component_name="PracticeScenario")
class ScenarioOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    difficulty = serializers.IntegerField(help_text="1 easy, 2 medium, 3 hard")
    difficulty_label = serializers.CharField(source="get_difficulty_display")
    duration_seconds = serializers.IntegerField()
    no_diacritics_percent = serializers.IntegerField()
    is_published = serializers.BooleanField()
    beats = serializers.IntegerField(source="beat_count")
    personas = PersonaOutput(many=True, source="personas.all")


@extend_schema_serializer(component_name="PracticeScenarioRun")
class RunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    practice_show_id = serializers.IntegerField()
    scenario_id = serializers.IntegerField()
    scenario_title = serializers.CharField(source="scenario.title")
    speed = serializers.FloatField()
    viewers = serializers.IntegerField()
    state = serializers.ChoiceField(choices=ScenarioRun.State.values)
    state_label = serializers.CharField(source="get_state_display")
    beats_done = serializers.IntegerField()
    beats_total = serializers.SerializerMethodField()
    first_seq = serializers.IntegerField(allow_null=True, help_text="the room's first event of the run")
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(allow_blank=True)

    def get_beats_total(self, run) -> int:
        return len(run.script or [])


class ScenarioListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="practice_scenarios_list", responses={200: ScenarioOutput(many=True)})
    def get(self, request):
        from django.db.models import Count

        qs = Scenario.objects.annotate(beat_count=Count("beats")).prefetch_related("personas")
        if not _staffish(request.user):
            qs = qs.filter(is_published=True)
        return Response(ScenarioOutput(qs.order_by("difficulty", "title"), many=True).data)


class ShowRunsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="PracticeScenarioRunStart")
    class Input(serializers.Serializer):
        scenario_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        speed = serializers.FloatField(default=1.0)
        viewers = serializers.IntegerField(default=10)

    @extend_schema(operation_id="practice_show_scenario_runs_list", responses={200: RunOutput(many=True), **_ERRORS})
    def get(self, request, pk: int):
        practice = _practice(request, pk)
        runs = ScenarioRun.objects.filter(practice_show=practice).select_related("scenario")
        return Response(RunOutput(runs, many=True).data)

    @extend_schema(
        operation_id="practice_show_scenario_run_start",
        request=Input,
        responses={201: RunOutput, **_ERRORS},
    )
    def post(self, request, pk: int):
        practice = _practice(request, pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        scenario = Scenario.objects.filter(pk=data.validated_data["scenario_id"]).first()
        if scenario is None or not (scenario.is_published or _staffish(request.user)):
            raise NotFound(_("Không tìm thấy kịch bản."))
        run = scenarios.scenario_run_start(
            practice_show=practice,
            scenario=scenario,
            actor=request.user,
            speed=data.validated_data["speed"],
            viewers=data.validated_data["viewers"],
        )
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)


class RunApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="practice_scenario_run", responses={200: RunOutput, **_ERRORS})
    def get(self, request, run_id: int):
        return Response(RunOutput(_run(request, run_id)).data)


class RunStopApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="practice_scenario_run_stop", request=None, responses={200: RunOutput, **_ERRORS})
    def post(self, request, run_id: int):
        run = scenarios.scenario_run_stop(run=_run(request, run_id), actor=request.user)
        return Response(RunOutput(run).data)


urlpatterns = [
    path("practice/scenarios/", ScenarioListApi.as_view(), name="api-practice-scenarios"),
    path("practice/shows/<int:pk>/scenario-runs/", ShowRunsApi.as_view(), name="api-practice-scenario-runs"),
    path("practice/scenario-runs/<int:run_id>/", RunApi.as_view(), name="api-practice-scenario-run"),
    path("practice/scenario-runs/<int:run_id>/stop/", RunStopApi.as_view(), name="api-practice-scenario-run-stop"),
]
