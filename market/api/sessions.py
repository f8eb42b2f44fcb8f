"""Weekly market API under /api/v1/market/: sessions, their timetable and lobby, applications, slots.

Thin views: a serializer checks the shape, ``market.timetable`` decides, refusals leave through
``config.api.exception_handler`` as ``{"error": {"code", "message", "fields"}}``. Everyone must be
signed in. Sessions a user may not see (drafts for all but organizers; open sessions for all but
organizers and promoted sellers) answer 404 like one that does not exist.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import schema_error_response
from config.errors import ApplicationError
from market import selectors, timetable
from market.models import Application, Session, Slot
from vendors.models import Vendor
from vendors.permissions import is_organizer

MAX_ID = 2**63 - 1
_ERRORS = {**schema_error_response(), **schema_error_response(403), **schema_error_response(404)}


# ----------------------------------------------------------------------------- output


@extend_schema_serializer(component_name="MarketSession")
class SessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    theme = serializers.CharField()
    state = serializers.ChoiceField(choices=Session.State.choices)
    state_name = serializers.CharField(source="get_state_display")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    stages = serializers.IntegerField()
    slot_minutes = serializers.IntegerField()
    is_special = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="MarketSlot")
class SlotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    vendor = serializers.CharField(source="vendor.legal_name")
    vendor_slug = serializers.CharField(source="vendor.slug")
    stage = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    show = serializers.IntegerField(
        source="show_id", allow_null=True, help_text="the stall's live room (after publishing)"
    )


@extend_schema_serializer(component_name="MarketSessionDetail")
class SessionDetailOutput(SessionOutput):
    slots = SlotOutput(many=True)


class _Product(serializers.Serializer):
    class Meta:
        ref_name = "MarketLobbyProduct"

    code = serializers.CharField()
    name = serializers.CharField()
    price = serializers.IntegerField(help_text="VND, whole đồng")


@extend_schema_serializer(component_name="MarketStall")
class StallOutput(serializers.Serializer):
    slot = serializers.IntegerField(source="slot_id")
    vendor = serializers.CharField(source="vendor_name")
    district = serializers.CharField()
    stage = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    show = serializers.IntegerField(source="show_id", allow_null=True)
    room_url = serializers.CharField()
    state = serializers.ChoiceField(
        choices=[("live", "live"), ("due", "due"), ("next", "next"), ("ended", "ended")],
        help_text="live: on air; due: its time, not on air yet; next: later; ended",
    )
    viewers = serializers.IntegerField(allow_null=True, help_text="people in the room now (live stalls only)")
    products = _Product(many=True)


@extend_schema_serializer(component_name="MarketLobby")
class LobbyOutput(serializers.Serializer):
    session = SessionOutput()
    now = serializers.DateTimeField()
    query = serializers.CharField()
    matches = serializers.IntegerField()
    live = StallOutput(many=True)
    upcoming = StallOutput(many=True)
    ended = StallOutput(many=True)


@extend_schema_serializer(component_name="MarketApplication")
class ApplicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    vendor = serializers.CharField(source="vendor.legal_name")
    vendor_slug = serializers.CharField(source="vendor.slug")
    state = serializers.ChoiceField(choices=Application.State.choices)
    state_name = serializers.CharField(source="get_state_display")
    note = serializers.CharField()
    decline_reason = serializers.CharField()
    products = serializers.SerializerMethodField()
    slot = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_products(self, application) -> list[str]:
        """The product codes applied with."""
        return [ap.product.code for ap in application.products.all()]

    def get_slot(self, application) -> int | None:
        try:
            return application.slot.pk
        except Slot.DoesNotExist:
            return None


# ----------------------------------------------------------------------------- helpers


def _session(request, session_id: int) -> Session:
    session = Session.objects.filter(pk=session_id).first()
    if session is None or not selectors.session_visible(
        session=session, user=request.user, organizer=is_organizer(request.user)
    ):
        raise NotFound()
    return session


def _applications():
    return Application.objects.select_related("vendor", "slot").prefetch_related("products__product")


def _detail(session: Session) -> Session:
    session.slots_list = list(
        Slot.objects.filter(session=session).select_related("vendor").order_by("starts_at", "stage")
    )
    return session


# ----------------------------------------------------------------------------- sessions


class SessionListApi(APIView):
    """GET: sessions I may see, soonest first. POST (organizers): a new session in draft (next Friday
    20:00–22:00 unless times are given)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketSessionCreateInput")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        theme = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
        starts_at = serializers.DateTimeField(required=False, help_text="omit both for next Friday 20:00–22:00")
        ends_at = serializers.DateTimeField(required=False)
        stages = serializers.IntegerField(min_value=1, max_value=30, default=3)
        slot_minutes = serializers.IntegerField(min_value=10, max_value=120, default=30)
        is_special = serializers.BooleanField(default=False)

    @extend_schema(responses={200: SessionOutput(many=True), **_ERRORS}, operation_id="market_sessions_list")
    def get(self, request):
        organizer = is_organizer(request.user)
        sessions = [
            s for s in Session.objects.order_by("starts_at")
            if selectors.session_visible(session=s, user=request.user, organizer=organizer)
        ]  # fmt: skip
        return Response(SessionOutput(sessions, many=True).data)

    @extend_schema(
        request=InputSerializer, responses={201: SessionOutput, **_ERRORS}, operation_id="market_sessions_create"
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if ("starts_at" in fields) != ("ends_at" in fields):
            raise ApplicationError(_("Hãy cho cả giờ bắt đầu và giờ kết thúc."), fields={"ends_at": _("Thiếu giờ.")})
        session = timetable.session_create(actor=request.user, **fields)
        return Response(SessionOutput(session).data, status=status.HTTP_201_CREATED)


class SessionDetailApi(APIView):
    """GET: one session with its timetable (slots)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: SessionDetailOutput, **_ERRORS}, operation_id="market_session")
    def get(self, request, session_id: int):
        session = _detail(_session(request, session_id))
        data = SessionOutput(session).data
        data["slots"] = SlotOutput(session.slots_list, many=True).data
        return Response(data)


class SessionStateApi(APIView):
    """POST (organizers): move the session: `open` for applications, or `publish` its timetable."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketSessionStateInput")
    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=[("open", "open"), ("publish", "publish")])

    @extend_schema(
        request=InputSerializer, responses={200: SessionOutput, **_ERRORS}, operation_id="market_session_state"
    )
    def post(self, request, session_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = _session(request, session_id)
        action = {"open": timetable.session_open, "publish": timetable.session_publish}[data.validated_data["action"]]
        session = action(actor=request.user, session=session)
        return Response(SessionOutput(session).data)


class LobbyApi(APIView):
    """GET: the lobby of a session: stalls on air (most watched first), coming next and done,
    with the people in each room; `?q=` searches products and districts without diacritics."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketLobbyFilter")
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")

    @extend_schema(parameters=[FilterSerializer], responses={200: LobbyOutput, **_ERRORS}, operation_id="market_lobby")
    def get(self, request, session_id: int):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        session = _session(request, session_id)
        if session.state not in selectors.PUBLIC_STATES:
            raise NotFound()
        view = selectors.lobby(session=session, query=filters.validated_data["q"].strip())
        return Response(LobbyOutput(view).data)


# ----------------------------------------------------------------------------- applications


class ApplicationListApi(APIView):
    """GET: a session's applications (organizers: all; sellers: their vendors'). POST (a member of a
    promoted vendor): apply with verified products; applying again while waiting replaces the products."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketApplicationInput")
    class InputSerializer(serializers.Serializer):
        vendor = serializers.SlugField(max_length=220, help_text="the vendor's slug")
        product_ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=50
        )
        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema(responses={200: ApplicationOutput(many=True), **_ERRORS}, operation_id="market_applications")
    def get(self, request, session_id: int):
        session = _session(request, session_id)
        if is_organizer(request.user):
            applications = _applications().filter(session=session).order_by("created_at")
        else:
            applications = selectors.applications_of(user=request.user, session=session)
        return Response(ApplicationOutput(applications, many=True).data)

    @extend_schema(
        request=InputSerializer, responses={201: ApplicationOutput, **_ERRORS}, operation_id="market_application_submit"
    )
    def post(self, request, session_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = _session(request, session_id)
        vendor = Vendor.objects.filter(slug=data.validated_data["vendor"]).first()
        if vendor is None:
            raise NotFound()
        application = timetable.application_submit(
            actor=request.user,
            session=session,
            vendor=vendor,
            product_ids=data.validated_data["product_ids"],
            note=data.validated_data["note"],
        )
        return Response(ApplicationOutput(_applications().get(pk=application.pk)).data, status=status.HTTP_201_CREATED)


class ApplicationWithdrawApi(APIView):
    """POST (a member of the applying vendor): withdraw before the timetable is published."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={200: ApplicationOutput, **_ERRORS}, operation_id="market_application_withdraw"
    )
    def post(self, request, application_id: int):
        application = get_object_or_404(Application.objects.select_related("vendor"), pk=application_id)
        application = timetable.application_withdraw(actor=request.user, application=application)
        return Response(ApplicationOutput(_applications().get(pk=application.pk)).data)


class ApplicationDeclineApi(APIView):
    """POST (organizers): turn an application down with a reason (before publishing)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketApplicationDeclineInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

    @extend_schema(
        request=InputSerializer,
        responses={200: ApplicationOutput, **_ERRORS},
        operation_id="market_application_decline",
    )
    def post(self, request, application_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = get_object_or_404(Application, pk=application_id)
        application = timetable.application_decline(
            actor=request.user, application=application, reason=data.validated_data["reason"]
        )
        return Response(ApplicationOutput(_applications().get(pk=application.pk)).data)


# ----------------------------------------------------------------------------- slots


class _SlotInput(serializers.Serializer):
    stage = serializers.IntegerField(min_value=1, max_value=30)
    starts_at = serializers.DateTimeField(help_text="on the session's grid of slot_minutes from its opening")


class SlotAssignApi(APIView):
    """POST (organizers): give an application its slot (after publishing the slot gets its room at once)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketSlotAssignInput")
    class InputSerializer(_SlotInput):
        application = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    @extend_schema(request=InputSerializer, responses={201: SlotOutput, **_ERRORS}, operation_id="market_slot_assign")
    def post(self, request, session_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        timetable.require_organizer(request.user)
        application = Application.objects.filter(pk=data.validated_data["application"], session_id=session_id).first()
        if application is None:
            raise NotFound()
        slot = timetable.slot_assign(
            actor=request.user,
            application=application,
            stage=data.validated_data["stage"],
            starts_at=data.validated_data["starts_at"],
        )
        return Response(SlotOutput(Slot.objects.select_related("vendor").get(pk=slot.pk)).data, status=201)


class SlotDetailApi(APIView):
    """PATCH (organizers): move a slot (its room moves with it). DELETE: take it off before publishing."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketSlotMoveInput")
    class InputSerializer(_SlotInput):
        pass

    def _slot(self, request, slot_id: int) -> Slot:
        timetable.require_organizer(request.user)
        return get_object_or_404(Slot.objects.select_related("vendor"), pk=slot_id)

    @extend_schema(request=InputSerializer, responses={200: SlotOutput, **_ERRORS}, operation_id="market_slot_move")
    def patch(self, request, slot_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = timetable.slot_move(actor=request.user, slot=self._slot(request, slot_id), **data.validated_data)
        return Response(SlotOutput(Slot.objects.select_related("vendor").get(pk=slot.pk)).data)

    @extend_schema(request=None, responses={204: None, **_ERRORS}, operation_id="market_slot_unassign")
    def delete(self, request, slot_id: int):
        timetable.slot_unassign(actor=request.user, slot=self._slot(request, slot_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("market/sessions/", SessionListApi.as_view(), name="api-market-sessions"),
    path("market/sessions/<int:session_id>/", SessionDetailApi.as_view(), name="api-market-session"),
    path("market/sessions/<int:session_id>/state/", SessionStateApi.as_view(), name="api-market-session-state"),
    path("market/sessions/<int:session_id>/lobby/", LobbyApi.as_view(), name="api-market-lobby"),
    path(
        "market/sessions/<int:session_id>/applications/", ApplicationListApi.as_view(), name="api-market-applications"
    ),
    path("market/sessions/<int:session_id>/slots/", SlotAssignApi.as_view(), name="api-market-slot-assign"),
    path(
        "market/applications/<int:application_id>/withdraw/",
        ApplicationWithdrawApi.as_view(),
        name="api-market-application-withdraw",
    ),
    path(
        "market/applications/<int:application_id>/decline/",
        ApplicationDeclineApi.as_view(),
        name="api-market-application-decline",
    ),
    path("market/slots/<int:slot_id>/", SlotDetailApi.as_view(), name="api-market-slot"),
]
