"""Practice market API: the caller's access (and what is still missing), practice shows
(list, schedule, one show), inviting classmates, and the caller's history.

Thin views: ``practice_market.selectors`` reads, ``practice_market.shows`` writes; refusals
(a non-graduate scheduling, another vendor's product, a stranger invited, bad input) leave
through ``config.api.exception_handler`` as ``{"error": {"code", "message", "fields"}}``,
nothing changed. A show the caller neither hosts nor was invited to is the same 404 as one
that does not exist.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import schema_error_response
from live.models import Show
from practice_market import selectors, shows
from practice_market.models import PracticeShow

_ERRORS = {**schema_error_response(), **schema_error_response(403), **schema_error_response(404)}
MAX_ID = 2**63 - 1


def _practice(request, pk: int) -> PracticeShow:
    practice = selectors.practice_show_for(user=request.user, show_id=pk) if pk <= MAX_ID else None
    if practice is None:
        raise NotFound(_("Không tìm thấy buổi live thực hành."))
    return practice


# ----------------------------------------------------------------------------- output


@extend_schema_serializer(component_name="PracticeAccess")
class AccessOutput(serializers.Serializer):
    state = serializers.ChoiceField(choices=["open", "locked", "in_progress", "not_registered"])
    message = serializers.CharField(help_text="what the trainee is told, e.g. what is still missing")
    missing = serializers.ListField(child=serializers.CharField(), help_text="e.g. ['2 bài học', 'bài tập thực hành']")
    certificate = serializers.SerializerMethodField()

    def get_certificate(self, obj) -> str | None:
        access = obj.access
        return access.graduation.code if access is not None and access.is_open else None


class _OfferOutput(serializers.Serializer):
    product_id = serializers.IntegerField()
    code = serializers.CharField(source="product.code")
    name = serializers.CharField(source="product.name")
    price = serializers.IntegerField(source="product.price", help_text="VND, whole đồng")


class _InviteOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    invited_at = serializers.DateTimeField()

    def get_name(self, invite) -> str:
        return invite.user.get_full_name() or invite.user.email


@extend_schema_serializer(component_name="PracticeShow")
class ShowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    show_id = serializers.IntegerField()
    title = serializers.CharField(source="show.title")
    state = serializers.ChoiceField(source="show.state", choices=Show.State.choices)
    scheduled_start = serializers.DateTimeField(source="show.scheduled_start")
    scheduled_end = serializers.DateTimeField(source="show.scheduled_end")
    practice = serializers.SerializerMethodField(help_text="always true: its orders are sandbox orders (TH-…)")
    host = serializers.SerializerMethodField()
    vendor = serializers.CharField(source="vendor.legal_name")
    is_host = serializers.SerializerMethodField()
    offers = serializers.SerializerMethodField()
    invites = serializers.SerializerMethodField()
    room_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_practice(self, obj) -> bool:
        return True

    def get_host(self, obj) -> str:
        return obj.show.host_name

    def get_is_host(self, obj) -> bool:
        return obj.trainee_id == self.context["request"].user.pk

    @extend_schema_field(_OfferOutput(many=True))
    def get_offers(self, obj):
        offers = obj.show.offers.filter(is_active=True).select_related("product").order_by("position")
        return _OfferOutput(offers, many=True).data

    @extend_schema_field(_InviteOutput(many=True))
    def get_invites(self, obj):
        if not self.get_is_host(obj):
            return []
        return _InviteOutput(obj.invites.select_related("user").order_by("invited_at"), many=True).data

    def get_room_url(self, obj) -> str:
        return reverse("live:show_watch", args=[obj.show_id])

    def get_url(self, obj) -> str:
        return reverse("api-practice-show", kwargs={"pk": obj.pk})


@extend_schema_serializer(component_name="PracticeShowList")
class ShowListOutput(serializers.Serializer):
    hosted = ShowOutput(many=True)
    invited = ShowOutput(many=True)


@extend_schema_serializer(component_name="PracticeHistoryItem")
class HistoryOutput(serializers.Serializer):
    id = serializers.IntegerField(source="practice_show.pk")
    title = serializers.CharField(source="practice_show.show.title")
    state = serializers.CharField(source="practice_show.show.state")
    scheduled_start = serializers.DateTimeField(source="practice_show.show.scheduled_start")
    role = serializers.ChoiceField(choices=["host", "buyer"])
    intents = serializers.IntegerField(help_text="chốt đơn comments (as host: all buyers'; as buyer: mine)")
    orders = serializers.IntegerField(help_text="sandbox orders accepted from them")
    total = serializers.IntegerField(help_text="VND of those orders")


# ----------------------------------------------------------------------------- views


class AccessApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["practice"],
        operation_id="practice_access",
        responses={200: AccessOutput, **_ERRORS},
        summary="Is the practice market open to me, and if not, what is still missing",
    )
    def get(self, request):
        return Response(AccessOutput(selectors.access_state(user=request.user)).data)


class ShowListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="PracticeShowCreateInput")
    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        scheduled_start = serializers.DateTimeField()
        scheduled_end = serializers.DateTimeField(required=False, allow_null=True)
        product_ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=50
        )
        description = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    @extend_schema(
        tags=["practice"],
        operation_id="practice_shows_list",
        responses={200: ShowListOutput, **_ERRORS},
        summary="My practice shows and the ones classmates invited me to (not ended)",
    )
    def get(self, request):
        data = {
            "hosted": list(selectors.shows_hosted(user=request.user)),
            "invited": list(selectors.shows_invited(user=request.user)),
        }
        return Response(ShowListOutput(data, context={"request": request}).data)

    @extend_schema(
        tags=["practice"],
        operation_id="practice_shows_create",
        request=Input,
        responses={201: ShowOutput, **_ERRORS},
        summary="Schedule a practice show with products of my own vendor (graduates only)",
    )
    def post(self, request):
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        practice = shows.practice_show_schedule(trainee=request.user, **serializer.validated_data)
        return Response(ShowOutput(practice, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ShowDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["practice"], operation_id="practice_show", responses={200: ShowOutput, **_ERRORS})
    def get(self, request, pk: int):
        return Response(ShowOutput(_practice(request, pk), context={"request": request}).data)


class InviteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="PracticeShowInviteInput")
    class Input(serializers.Serializer):
        user_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=50)

    @extend_schema(
        tags=["practice"],
        operation_id="practice_show_invite",
        request=Input,
        responses={200: ShowOutput, **_ERRORS},
        summary="Invite classmates of my course run as buyers (host only; idempotent)",
    )
    def post(self, request, pk: int):
        practice = _practice(request, pk)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        shows.practice_show_invite(practice_show=practice, actor=request.user, **serializer.validated_data)
        return Response(ShowOutput(practice, context={"request": request}).data)


class HistoryApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["practice"],
        operation_id="practice_history",
        responses={200: HistoryOutput(many=True), **_ERRORS},
        summary="Practice shows I hosted and those I joined as a buyer, newest first",
    )
    def get(self, request):
        return Response(HistoryOutput(selectors.history(user=request.user), many=True).data)


urlpatterns = [
    path("practice/access/", AccessApi.as_view(), name="api-practice-access"),
    path("practice/shows/", ShowListApi.as_view(), name="api-practice-shows"),
    path("practice/shows/<int:pk>/", ShowDetailApi.as_view(), name="api-practice-show"),
    path("practice/shows/<int:pk>/invites/", InviteApi.as_view(), name="api-practice-show-invites"),
    path("practice/history/", HistoryApi.as_view(), name="api-practice-history"),
]
