"""Practice market API: a practice show's score, the instructor's rubric grade and replay comments.

Thin views: who may read is :func:`practice_market.grading.may_view` (the trainee,
instructors, organizers, staff; anyone else gets the same 404 as for a show that does not
exist); every write is a service of :mod:`practice_market.grading`, whose refusals (a
trainee editing a score or a grade, bad input) leave through ``config.api.exception_handler``
as ``{"error": {"code", "message", "fields"}}``, nothing changed.
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

from config.api import schema_error_response
from practice_market import grading
from practice_market.models import PracticeScore, PracticeShow, ReplayComment, RubricGrade
from practice_market.scoring import COMPONENTS, component_reason

_ERRORS = {**schema_error_response(), **schema_error_response(403), **schema_error_response(404)}
MAX_ID = 2**63 - 1


def _practice(request, pk: int) -> PracticeShow:
    practice = (
        PracticeShow.objects.select_related("show", "trainee", "scenario").filter(pk=pk).first()
        if pk <= MAX_ID
        else None
    )
    if practice is None or not grading.may_view(request.user, practice):
        raise NotFound(_("Không tìm thấy buổi live thực hành."))
    return practice


# ----------------------------------------------------------------------------- output


class ScoreItemOutput(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True, help_text="the beat of the script (null: a real person's order)")
    t = serializers.IntegerField(allow_null=True, help_text="seconds from the show's start (the replay's ?t=)")
    persona = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=["in_time", "late", "missed"])
    seconds = serializers.IntegerField(allow_null=True, required=False, help_text="how long the host took")


@extend_schema_serializer(component_name="PracticeScoreComponent")
class ComponentOutput(serializers.Serializer):
    key = serializers.ChoiceField(choices=[key for key, _label, _weight in COMPONENTS])
    label = serializers.CharField()
    weight = serializers.IntegerField(help_text="out of 100, before judged components share the weight of the others")
    applicable = serializers.BooleanField(help_text="false: nothing to judge in this show (left out of the total)")
    points = serializers.FloatField()
    max_points = serializers.FloatField()
    reason = serializers.CharField(help_text="why, in the reader's language")
    counts = serializers.DictField()
    items = ScoreItemOutput(many=True)


class RubricOutput(serializers.Serializer):
    grade = serializers.IntegerField()
    comments = serializers.CharField(allow_blank=True)
    instructor = serializers.CharField(source="instructor.get_full_name")
    graded_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="PracticeReplayComment")
class CommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    at_seconds = serializers.IntegerField()
    text = serializers.CharField()
    author = serializers.CharField(source="author.get_full_name")
    created_at = serializers.DateTimeField()


class HistoryOutput(serializers.Serializer):
    practice_show_id = serializers.IntegerField()
    title = serializers.CharField()
    when = serializers.DateTimeField()
    scenario = serializers.CharField(allow_blank=True)
    total = serializers.IntegerField(allow_null=True)
    grade = serializers.IntegerField(allow_null=True)


@extend_schema_serializer(component_name="PracticeScoreReport")
class ReportOutput(serializers.Serializer):
    practice_show_id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField()
    total = serializers.IntegerField(allow_null=True, help_text="0–100; null until computed (when the show ends)")
    computed_at = serializers.DateTimeField(allow_null=True)
    components = ComponentOutput(many=True)
    rubric = RubricOutput(allow_null=True)
    replay_comments = CommentOutput(many=True)
    history = HistoryOutput(many=True)


def _components(score: PracticeScore | None) -> list[dict]:
    if score is None:
        return []
    stored = {c["key"]: c for c in score.breakdown.get("components", [])}
    rows = []
    for key, label, _weight in COMPONENTS:
        part = stored.get(key)
        if part is not None:
            rows.append(
                {
                    **part,
                    "label": str(label),
                    "reason": component_reason(key, part.get("counts", {}), part.get("items", [])),
                }
            )
    return rows


def _report(practice: PracticeShow) -> dict:
    score = PracticeScore.objects.filter(practice_show=practice).first()
    return {
        "practice_show_id": practice.pk,
        "title": practice.show.title,
        "state": practice.show.state,
        "total": score.total if score else None,
        "computed_at": score.computed_at if score else None,
        "components": _components(score),
        "rubric": RubricGrade.objects.filter(practice_show=practice).select_related("instructor").first(),
        "replay_comments": list(ReplayComment.objects.filter(practice_show=practice).select_related("author")),
        "history": grading.score_history(trainee_id=practice.trainee_id),
    }


# ----------------------------------------------------------------------------- views


class ScoreApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="practice_score_read",
        tags=["practice"],
        summary="A practice show's score report",
        responses={200: ReportOutput, **_ERRORS},
    )
    def get(self, request, pk: int):
        practice = _practice(request, pk)
        return Response(ReportOutput(_report(practice)).data)


class ScoreRecomputeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="practice_score_recompute",
        tags=["practice"],
        summary="Recompute the score from the room's log (instructors; a trainee is refused)",
        request=None,
        responses={200: ReportOutput, **_ERRORS},
    )
    def post(self, request, pk: int):
        practice = _practice(request, pk)
        grading.practice_score_recompute(practice_show_id=practice.pk, actor=request.user)
        return Response(ReportOutput(_report(practice)).data)


class RubricApi(APIView):
    permission_classes = [IsAuthenticated]

    class RubricInput(serializers.Serializer):
        """Named apart from the replay comment's ``Input`` in the OpenAPI document."""

        grade = serializers.IntegerField(min_value=0, max_value=100)
        comments = serializers.CharField(required=False, allow_blank=True, max_length=4000, trim_whitespace=True)

    @extend_schema(
        operation_id="practice_rubric_set",
        tags=["practice"],
        summary="Set the instructor's rubric grade (instructors; a trainee is refused)",
        request=RubricInput,
        responses={200: RubricOutput, **_ERRORS},
    )
    def put(self, request, pk: int):
        practice = _practice(request, pk)
        data = self.RubricInput(data=request.data)
        data.is_valid(raise_exception=True)
        rubric = grading.rubric_grade_set(
            practice_show_id=practice.pk,
            actor=request.user,
            grade=data.validated_data["grade"],
            comments=data.validated_data.get("comments", ""),
        )
        return Response(RubricOutput(rubric).data)


class ReplayCommentsApi(APIView):
    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        at_seconds = serializers.IntegerField(min_value=0, max_value=7 * 24 * 3600)
        text = serializers.CharField(max_length=1000)

    @extend_schema(
        operation_id="practice_replay_comments_list",
        tags=["practice"],
        summary="Comments pinned to moments of the replay",
        responses={200: CommentOutput(many=True), **_ERRORS},
    )
    def get(self, request, pk: int):
        practice = _practice(request, pk)
        comments = ReplayComment.objects.filter(practice_show=practice).select_related("author")
        return Response(CommentOutput(comments, many=True).data)

    @extend_schema(
        operation_id="practice_replay_comment_add",
        tags=["practice"],
        summary="Pin a comment to a moment of the replay (instructors; a trainee is refused)",
        request=Input,
        responses={201: CommentOutput, **_ERRORS},
    )
    def post(self, request, pk: int):
        practice = _practice(request, pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        comment = grading.replay_comment_add(
            practice_show_id=practice.pk,
            actor=request.user,
            at_seconds=data.validated_data["at_seconds"],
            text=data.validated_data["text"],
        )
        return Response(CommentOutput(comment).data, status=status.HTTP_201_CREATED)


class MyScoresApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="practice_my_scores",
        tags=["practice"],
        summary="The signed-in trainee's practice shows with their scores, oldest first",
        responses={200: HistoryOutput(many=True), **_ERRORS},
    )
    def get(self, request):
        return Response(HistoryOutput(grading.score_history(trainee_id=request.user.pk), many=True).data)


urlpatterns = [
    path("practice/shows/<int:pk>/score/", ScoreApi.as_view(), name="api-practice-score"),
    path("practice/shows/<int:pk>/score/recompute/", ScoreRecomputeApi.as_view(), name="api-practice-score-recompute"),
    path("practice/shows/<int:pk>/rubric/", RubricApi.as_view(), name="api-practice-rubric"),
    path("practice/shows/<int:pk>/replay-comments/", ReplayCommentsApi.as_view(), name="api-practice-replay-comments"),
    path("practice/scores/mine/", MyScoresApi.as_view(), name="api-practice-my-scores"),
]
