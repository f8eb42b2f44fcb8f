"""Practice market API: promotion into the weekly market, endorsements, badges.

Under /api/v1/practice/:

* ``promotion/criteria/``: the criteria in force (anyone signed in).
* ``promotion/me/``: my eligibility, each criterion met or not with its evidence.
* ``promotion/queue/``: the organizers' queue (eligible, not yet, declined; promoted).
* ``promotion/trainees/<id>/``: one trainee's eligibility (organizers, instructors).
* ``promotion/trainees/<id>/approve/`` · ``decline/`` (organizers) · ``endorse/`` (instructors).
* ``promotions/`` (organizers: every decision with its audit) · ``promotions/<id>/revoke/``.
* ``badges/<code>/``: public verification of a badge (like the certificate's).

Thin views: a serializer checks the shape, ``practice_market.promotion`` decides; refusals
leave through ``config.api.exception_handler`` as ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import schema_error_response
from practice_market import badges, promotion
from practice_market.models import Badge, Promotion

_ERRORS = {**schema_error_response(), **schema_error_response(403), **schema_error_response(404)}


# ----------------------------------------------------------------------------- output


@extend_schema_serializer(component_name="PromotionCriteria")
class CriteriaOutput(serializers.Serializer):
    min_shows = serializers.IntegerField()
    min_score = serializers.IntegerField()
    require_hardest = serializers.BooleanField()
    require_verified_vendor = serializers.BooleanField()
    require_verified_product = serializers.BooleanField()
    require_endorsement = serializers.BooleanField()


@extend_schema_serializer(component_name="PromotionCriterion")
class CriterionOutput(serializers.Serializer):
    key = serializers.ChoiceField(choices=["graduated", "shows", "hardest", "vendor", "product", "endorsement"])
    label = serializers.CharField()
    met = serializers.BooleanField()
    evidence = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())


class _Person(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    full_name = serializers.CharField(source="get_full_name")


class _Vendor(serializers.Serializer):
    slug = serializers.CharField()
    legal_name = serializers.CharField()


@extend_schema_serializer(component_name="PromotionDecisionBrief")
class _DecisionBrief(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    state = serializers.ChoiceField(choices=Promotion.State.choices)
    reason = serializers.CharField()
    decided_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="PromotionEligibility")
class EligibilityOutput(serializers.Serializer):
    trainee = _Person(source="user")
    vendor = _Vendor(allow_null=True)
    eligible = serializers.BooleanField()
    promoted = serializers.BooleanField(source="is_promoted")
    criteria = CriterionOutput(many=True)
    latest_decision = _DecisionBrief(source="latest", allow_null=True)


@extend_schema_serializer(component_name="PromotionEvent")
class EventOutput(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(promotion.Action.LABELS))
    actor = _Person()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="Promotion")
class PromotionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    trainee = _Person()
    vendor = _Vendor()
    state = serializers.ChoiceField(choices=Promotion.State.choices)
    state_name = serializers.CharField(source="get_state_display")
    reason = serializers.CharField()
    evidence = serializers.DictField()
    decided_by = _Person()
    decided_at = serializers.DateTimeField()
    events = EventOutput(many=True)


@extend_schema_serializer(component_name="PromotionQueue")
class QueueOutput(serializers.Serializer):
    eligible = EligibilityOutput(many=True)
    not_yet = EligibilityOutput(many=True)
    declined = EligibilityOutput(many=True)
    promoted = PromotionOutput(many=True)


@extend_schema_serializer(component_name="Endorsement")
class EndorsementOutput(serializers.Serializer):
    trainee = _Person()
    instructor = _Person()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="BadgeVerification")
class BadgeOutput(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=Badge.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    holder = serializers.CharField(source="user.get_full_name")
    awarded_at = serializers.DateTimeField()
    valid = serializers.SerializerMethodField()
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_valid(self, badge) -> bool:
        return badge.revoked_at is None


# ----------------------------------------------------------------------------- helpers


def _require_organizer(request) -> None:
    if not promotion.is_organizer(request.user):
        raise PermissionDenied(_("Chỉ ban tổ chức mới xét duyệt lên chợ đêm."))


def _trainee(user_id: int):
    return get_object_or_404(get_user_model(), pk=user_id, is_active=True)


def _promotions():
    return Promotion.objects.select_related("trainee", "vendor", "decided_by").prefetch_related("events__actor")


def _decision(promotion_id: int) -> Promotion:
    return get_object_or_404(_promotions(), pk=promotion_id)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


# ----------------------------------------------------------------------------- views


class CriteriaApi(APIView):
    """The promotion criteria in force (organizers edit them in the admin)."""

    @extend_schema(responses={200: CriteriaOutput, **_ERRORS}, operation_id="practice_promotion_criteria")
    def get(self, request):
        return Response(CriteriaOutput(promotion.criteria_current()).data)


class MyEligibilityApi(APIView):
    """My way into the weekly market: every criterion met or not, with its evidence."""

    @extend_schema(responses={200: EligibilityOutput, **_ERRORS}, operation_id="practice_promotion_me")
    def get(self, request):
        return Response(EligibilityOutput(promotion.eligibility_evaluate(user=request.user)).data)


class QueueApi(APIView):
    """The organizers' queue: trainees eligible, not yet eligible, declined; and those promoted."""

    @extend_schema(responses={200: QueueOutput, **_ERRORS}, operation_id="practice_promotion_queue")
    def get(self, request):
        _require_organizer(request)
        queue = promotion.promotion_queue()
        promoted = list(_promotions().filter(pk__in=[p.pk for p in queue.promoted]).order_by("-decided_at"))
        return Response(
            QueueOutput(
                {"eligible": queue.eligible, "not_yet": queue.not_yet, "declined": queue.declined, "promoted": promoted}
            ).data
        )


class TraineeEligibilityApi(APIView):
    """One trainee's eligibility (organizers and instructors)."""

    @extend_schema(responses={200: EligibilityOutput, **_ERRORS}, operation_id="practice_promotion_trainee")
    def get(self, request, user_id: int):
        if not (promotion.is_organizer(request.user) or promotion.is_instructor(request.user)):
            raise PermissionDenied(_("Chỉ ban tổ chức và giảng viên mới xem được hồ sơ xét duyệt."))
        return Response(EligibilityOutput(promotion.eligibility_evaluate(user=_trainee(user_id))).data)


class ApproveApi(APIView):
    """Promote a trainee who meets every criterion (refused with what is missing otherwise)."""

    @extend_schema(
        request=extend_schema_serializer(component_name="PromotionApproveInput")(ReasonInput),
        responses={201: PromotionOutput, **_ERRORS, **schema_error_response(409)},
        operation_id="practice_promotion_approve",
        description="400 `criteria_unmet` (the message names each missing criterion), `no_vendor`; "
        "403 `forbidden`; 409 `already_promoted`.",
    )
    def post(self, request, user_id: int):
        _require_organizer(request)
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = promotion.promotion_approve(
            actor=request.user, trainee_id=_trainee(user_id).pk, reason=serializer.validated_data["reason"]
        )
        return Response(PromotionOutput(_decision(decided.pk)).data, status=status.HTTP_201_CREATED)


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="required: the trainee reads it")


class DeclineApi(APIView):
    """Say "not yet" to a trainee, with a reason (required)."""

    @extend_schema(
        request=extend_schema_serializer(component_name="PromotionDeclineInput")(DeclineInput),
        responses={201: PromotionOutput, **_ERRORS, **schema_error_response(409)},
        operation_id="practice_promotion_decline",
    )
    def post(self, request, user_id: int):
        _require_organizer(request)
        serializer = ReasonInput(data=request.data)  # the service says "Hãy ghi lý do." when it is blank
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        decided = promotion.promotion_decline(actor=request.user, trainee_id=_trainee(user_id).pk, reason=reason)
        return Response(PromotionOutput(_decision(decided.pk)).data, status=status.HTTP_201_CREATED)


class EndorseInput(serializers.Serializer):
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class EndorseApi(APIView):
    """An instructor endorses a graduate for the weekly market (once)."""

    @extend_schema(
        request=extend_schema_serializer(component_name="EndorseInput")(EndorseInput),
        responses={201: EndorsementOutput, **_ERRORS},
        operation_id="practice_promotion_endorse",
    )
    def post(self, request, user_id: int):
        serializer = EndorseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        endorsement = promotion.endorsement_add(
            instructor=request.user, trainee_id=_trainee(user_id).pk, note=serializer.validated_data["note"]
        )
        return Response(EndorsementOutput(endorsement).data, status=status.HTTP_201_CREATED)


class PromotionListApi(APIView):
    """Every decision (organizers), newest first, each with its audit trail."""

    @extend_schema(responses={200: PromotionOutput(many=True), **_ERRORS}, operation_id="practice_promotions_list")
    def get(self, request):
        _require_organizer(request)
        return Response(PromotionOutput(_promotions().order_by("-decided_at", "-pk")[:200], many=True).data)


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="required")


class RevokeApi(APIView):
    """Withdraw an approved promotion, with a reason (required)."""

    @extend_schema(
        request=extend_schema_serializer(component_name="PromotionRevokeInput")(RevokeInput),
        responses={200: PromotionOutput, **_ERRORS, **schema_error_response(409)},
        operation_id="practice_promotion_revoke",
    )
    def post(self, request, promotion_id: int):
        _require_organizer(request)
        serializer = ReasonInput(data=request.data)  # the service says "Hãy ghi lý do." when it is blank
        serializer.is_valid(raise_exception=True)
        decided = promotion.promotion_revoke(
            actor=request.user, promotion_id=promotion_id, reason=serializer.validated_data["reason"]
        )
        return Response(PromotionOutput(_decision(decided.pk)).data)


class BadgeVerifyApi(APIView):
    """Verify a badge by its code (public, like the certificate's verification)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: BadgeOutput, **schema_error_response(404)}, operation_id="practice_badge_verify")
    def get(self, request, code: str):
        badge = badges.badge_find(code)
        if badge is None:
            raise NotFound(_("Không có huy hiệu nào với mã này."))
        return Response(BadgeOutput(badge).data)


urlpatterns = [
    path("practice/promotion/criteria/", CriteriaApi.as_view(), name="api-practice-promotion-criteria"),
    path("practice/promotion/me/", MyEligibilityApi.as_view(), name="api-practice-promotion-me"),
    path("practice/promotion/queue/", QueueApi.as_view(), name="api-practice-promotion-queue"),
    path(
        "practice/promotion/trainees/<int:user_id>/",
        TraineeEligibilityApi.as_view(),
        name="api-practice-promotion-trainee",
    ),
    path(
        "practice/promotion/trainees/<int:user_id>/approve/",
        ApproveApi.as_view(),
        name="api-practice-promotion-approve",
    ),
    path(
        "practice/promotion/trainees/<int:user_id>/decline/",
        DeclineApi.as_view(),
        name="api-practice-promotion-decline",
    ),
    path(
        "practice/promotion/trainees/<int:user_id>/endorse/",
        EndorseApi.as_view(),
        name="api-practice-promotion-endorse",
    ),
    path("practice/promotions/", PromotionListApi.as_view(), name="api-practice-promotions"),
    path("practice/promotions/<int:promotion_id>/revoke/", RevokeApi.as_view(), name="api-practice-promotion-revoke"),
    path("practice/badges/<str:code>/", BadgeVerifyApi.as_view(), name="api-practice-badge"),
]
