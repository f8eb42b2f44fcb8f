"""Orders API under /api/v1/orders/: the buyer's orders and placing one (a stall cart),
the vendor's order desk, the organizers' list, one order with its lines and timeline,
and moving an order through its lifecycle.

Thin views: a serializer checks the shape, ``orders.services`` decides (``order_place``,
``order_transition``), refusals leave through ``config.api.exception_handler`` as
``{"error": {"code", "message", "fields"}}`` in the user's language. Who may see an order:
its buyer, a member of its vendor, an organizer; anyone else gets the same 404 as for an
order that does not exist (numbers cannot be probed).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import schema_error_response
from orders import lifecycle, selectors
from orders.models import ActorRole, Channel, Order, OrderEvent, Status
from orders.services import LineRequest, actor_may, is_organizer, order_place, order_transition
from vendors.models import Vendor

MAX_ID = 2**63 - 1
ROLES = (ActorRole.BUYER, ActorRole.VENDOR, ActorRole.ORGANIZER)
_ERRORS = {**schema_error_response(), **schema_error_response(403), **schema_error_response(404)}


class _Pagination(PageNumberPagination):
    page_size = 24
    max_page_size = 100
    page_size_query_param = "page_size"


# ----------------------------------------------------------------------------- output


@extend_schema_serializer(component_name="OrderVendor")
class _VendorBrief(serializers.Serializer):
    slug = serializers.CharField()
    legal_name = serializers.CharField()


@extend_schema_serializer(component_name="OrderListItem")
class OrderListOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_name = serializers.CharField(source="get_status_display")
    channel = serializers.ChoiceField(choices=Channel.choices)
    channel_name = serializers.CharField(source="get_channel_display")
    total = serializers.IntegerField(help_text="VND, whole đồng")
    items = serializers.SerializerMethodField()
    sandbox = serializers.BooleanField()
    source_kind = serializers.CharField()
    source_id = serializers.IntegerField(allow_null=True)
    source_label = serializers.CharField()
    vendor = _VendorBrief()
    placed_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_items(self, order) -> int:
        """Units in the order, all lines together."""
        return sum(line.quantity for line in order.lines.all())

    def get_url(self, order) -> str:
        return reverse("api-order", kwargs={"number": order.number})


class OrderLineOutput(serializers.Serializer):
    product_id = serializers.IntegerField()
    product_code = serializers.CharField()
    product_name = serializers.CharField()
    unit = serializers.CharField()
    unit_price = serializers.IntegerField()
    quantity = serializers.IntegerField()
    line_total = serializers.IntegerField()


class OrderEventOutput(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.SerializerMethodField()
    actor_role = serializers.ChoiceField(choices=ActorRole.choices)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    data = serializers.DictField()
    created_at = serializers.DateTimeField()

    def get_label(self, event) -> str:
        move = lifecycle.MOVES.get(event.action)
        return str(move.label) if move else event.action


class AllowedActionOutput(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    role = serializers.ChoiceField(choices=ActorRole.choices)
    needs_reason = serializers.BooleanField()


class _Delivery(serializers.Serializer):
    name = serializers.CharField(source="delivery_name")
    phone = serializers.CharField(source="delivery_phone")
    address = serializers.CharField(source="delivery_address")


@extend_schema_serializer(component_name="OrderDetail")
class OrderDetailOutput(OrderListOutput):
    delivery = _Delivery(source="*")
    note = serializers.CharField()
    carrier = serializers.CharField()
    tracking_code = serializers.CharField()
    own_delivery = serializers.BooleanField()
    goods_match = serializers.BooleanField(allow_null=True)
    payment_method = serializers.CharField()
    paid_amount = serializers.IntegerField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    payment_recorded_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    lines = OrderLineOutput(many=True, source="lines.all")
    timeline = OrderEventOutput(many=True, source="events.all")
    my_roles = serializers.ListField(child=serializers.ChoiceField(choices=ActorRole.choices))
    allowed_actions = AllowedActionOutput(many=True)


@extend_schema_serializer(component_name="OrderTransitionResult")
class TransitionOutput(serializers.Serializer):
    replayed = serializers.BooleanField(help_text="True: this key was already used for this action; nothing changed.")
    order = OrderDetailOutput()


# ----------------------------------------------------------------------------- reading helpers


def _orders():
    return selectors.orders_with_lines().prefetch_related(
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "pk"))
    )


def _held_roles(order: Order, user) -> list[str]:
    return [role for role in ROLES if actor_may(order=order, user=user, role=role)]


def _detail(order: Order, roles: list[str]) -> Order:
    """Attach what this user may see of the order beyond its fields: roles held, actions open."""
    order.my_roles = roles
    order.allowed_actions = [
        {"action": move.action, "label": str(move.label), "role": role, "needs_reason": move.needs_reason}
        for role in roles
        for move in lifecycle.MOVES.values()
        if order.status in move.sources and role in move.roles
    ]
    return order


def _visible_order(request, number: str) -> tuple[Order, list[str]]:
    order = _orders().filter(number=number).first()
    roles = _held_roles(order, request.user) if order is not None else []
    if not roles:
        raise NotFound()
    return order, roles


def _role_for(action: str, held: list[str]) -> str:
    """The role a user acts in when they do not say: one the move allows and they hold (buyer
    first, then vendor, then organizer); else one they hold, which the service refuses."""
    move = lifecycle.MOVES.get(action)
    for role in ROLES:
        if move is not None and role in move.roles and role in held:
            return role
    return held[0]


def _source_filter(orders, source: str):
    kind, _sep, ident = source.partition(":")
    return orders.filter(source_kind=kind, source_id=int(ident))


_SOURCE_HELP = "`kind:id`, e.g. `show:12` (the show or session the orders came from)"


# ----------------------------------------------------------------------------- the buyer


class OrderListApi(GenericAPIView):
    """GET: my orders as a buyer, newest first (`?status=`, `?practice=true` for practice orders).
    POST: place an order from a vendor's stall cart (one vendor per order)."""

    permission_classes = [IsAuthenticated]
    pagination_class = _Pagination

    @extend_schema_serializer(component_name="MyOrdersFilter")
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Status.choices, required=False)
        practice = serializers.BooleanField(required=False, default=False)

    @extend_schema_serializer(component_name="OrderPlaceInput")
    class InputSerializer(serializers.Serializer):
        class LineSerializer(serializers.Serializer):
            class Meta:
                ref_name = "OrderPlaceLine"

            product_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
            quantity = serializers.IntegerField(min_value=1, max_value=10_000)

        class DeliverySerializer(serializers.Serializer):
            class Meta:
                ref_name = "OrderPlaceDelivery"

            # Checked (and their messages written) by ``orders.services.delivery_clean``.
            name = serializers.CharField(allow_blank=True, max_length=500)
            phone = serializers.CharField(allow_blank=True, max_length=500)
            address = serializers.CharField(allow_blank=True, max_length=1000)

        vendor = serializers.SlugField(max_length=100, help_text="the vendor's slug; every product must be theirs")
        lines = LineSerializer(many=True, min_length=1, max_length=50)
        delivery = DeliverySerializer()
        note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
        client_key = serializers.CharField(
            max_length=64, help_text="idempotency key: the same key places the order once and returns it again"
        )
        expected_total = serializers.IntegerField(
            required=False, min_value=0, max_value=MAX_ID, help_text="the total the buyer was shown; refused if it differs"
        )

    def get_serializer_class(self):
        """What OPTIONS describes for POST."""
        return self.InputSerializer

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: OrderListOutput(many=True), **_ERRORS},
        operation_id="orders_mine",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        orders = selectors.orders_with_lines().filter(buyer=request.user, sandbox=data["practice"])
        if data.get("status"):
            orders = orders.filter(status=data["status"])
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(OrderListOutput(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OrderDetailOutput,
            200: OrderDetailOutput,
            **_ERRORS,
            **schema_error_response(409),
        },
        operation_id="orders_place",
        description="201: placed. 200: this `client_key` already placed this order (nothing changed). "
        "409 `not_enough_stock`; 400 `total_mismatch`, `invalid`, `key_reused`.",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        vendor = get_object_or_404(Vendor, slug=data["vendor"])
        order = order_place(
            buyer_id=request.user.pk,
            vendor_id=vendor.pk,
            placed_by_id=request.user.pk,
            client_key=data["client_key"],
            channel=Channel.STALL_CART,
            lines=[LineRequest(product_id=line["product_id"], quantity=line["quantity"]) for line in data["lines"]],
            delivery=dict(data["delivery"]),
            note=data["note"],
            source_kind="stall",
            source_id=vendor.pk,
            source_label=vendor.legal_name,
            expected_total=data.get("expected_total"),
        )
        replayed = order.replayed
        order, roles = _visible_order(request, order.number)
        return Response(
            OrderDetailOutput(_detail(order, roles)).data,
            status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
        )


# ----------------------------------------------------------------------------- the vendor's desk


class VendorDeskApi(GenericAPIView):
    """The order desk of a vendor the user is a member of (`?vendor=` when they belong to
    several), filtered by `?status=` and `?source=show:12`; `?practice=true` for practice orders."""

    permission_classes = [IsAuthenticated]
    pagination_class = _Pagination

    @extend_schema_serializer(component_name="OrderDeskFilter")
    class FilterSerializer(serializers.Serializer):
        vendor = serializers.SlugField(required=False, max_length=100)
        status = serializers.ChoiceField(choices=Status.choices, required=False)
        source = serializers.RegexField(r"^[a-z_]{1,16}:[0-9]{1,18}$", required=False, help_text=_SOURCE_HELP)
        practice = serializers.BooleanField(required=False, default=False)

    @extend_schema_serializer(component_name="OrderDeskItem")
    class OutputSerializer(OrderListOutput):
        buyer_name = serializers.CharField(source="delivery_name")
        delivery_phone = serializers.CharField()

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **_ERRORS},
        operation_id="orders_desk",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        vendors = Vendor.objects.filter(members__user=request.user).distinct().order_by("legal_name")
        if not vendors.exists():
            raise PermissionDenied()
        if data.get("vendor"):
            vendor = vendors.filter(slug=data["vendor"]).first()
            if vendor is None:
                raise NotFound()
            orders = selectors.orders_with_lines().filter(vendor=vendor)
        else:
            orders = selectors.orders_with_lines().filter(vendor__in=vendors)
        orders = orders.filter(sandbox=data["practice"])
        if data.get("status"):
            orders = orders.filter(status=data["status"])
        if data.get("source"):
            orders = _source_filter(orders, data["source"])
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


# ----------------------------------------------------------------------------- the organizers


class OrganizerOrdersApi(GenericAPIView):
    """Organizers: every order, filtered by `?status=`, `?vendor=`, `?channel=`, `?source=`,
    `?practice=true`; oldest first when a state is chosen (what waits longest comes first)."""

    permission_classes = [IsAuthenticated]
    pagination_class = _Pagination

    @extend_schema_serializer(component_name="OrganizerOrdersFilter")
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Status.choices, required=False)
        vendor = serializers.SlugField(required=False, max_length=100)
        channel = serializers.ChoiceField(choices=Channel.choices, required=False)
        source = serializers.RegexField(r"^[a-z_]{1,16}:[0-9]{1,18}$", required=False, help_text=_SOURCE_HELP)
        practice = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: VendorDeskApi.OutputSerializer(many=True), **_ERRORS},
        operation_id="orders_organizer_list",
    )
    def get(self, request):
        if not is_organizer(request.user):
            raise PermissionDenied()
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        orders = selectors.orders_with_lines().filter(sandbox=data["practice"])
        if data.get("status"):
            orders = orders.filter(status=data["status"]).order_by("placed_at", "pk")
        if data.get("vendor"):
            orders = orders.filter(vendor__slug=data["vendor"])
        if data.get("channel"):
            orders = orders.filter(channel=data["channel"])
        if data.get("source"):
            orders = _source_filter(orders, data["source"])
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(VendorDeskApi.OutputSerializer(page, many=True).data)


# ----------------------------------------------------------------------------- one order


class OrderDetailApi(APIView):
    """One order: lines, delivery, the whole timeline, and the actions open to me now."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OrderDetailOutput, **_ERRORS}, operation_id="orders_retrieve")
    def get(self, request, number):
        order, roles = _visible_order(request, number)
        return Response(OrderDetailOutput(_detail(order, roles)).data)


class TransitionInput(serializers.Serializer):
    class DataSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OrderTransitionData"

        carrier = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="ship")
        tracking_code = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="ship")
        own_delivery = serializers.BooleanField(required=False, help_text="ship: the shop delivers itself")
        goods_match = serializers.BooleanField(required=False, help_text="confirm_receipt / record_receipt")
        method = serializers.ChoiceField(choices=["cash", "transfer"], required=False, help_text="record_payment")
        amount = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID, help_text="record_payment")

    action = serializers.ChoiceField(choices=sorted(lifecycle.MOVES))
    key = serializers.CharField(max_length=64, help_text="idempotency key: a replay changes nothing twice")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    data = DataSerializer(required=False)
    # ``as`` is a Python keyword: declared through the class namespace.
    locals()["as"] = serializers.ChoiceField(
        choices=[ActorRole.BUYER, ActorRole.VENDOR, ActorRole.ORGANIZER],
        required=False,
        help_text="the role I act in; by default the one the action needs among those I hold on this order",
    )


class OrderTransitionApi(APIView):
    """Move the order one step of its lifecycle (the table of `orders.lifecycle`), once per key."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=extend_schema_serializer(component_name="OrderTransitionInput")(TransitionInput),
        responses={200: TransitionOutput, **_ERRORS, **schema_error_response(409)},
        operation_id="orders_transition",
        description="400 `invalid`, `key_reused`; 403 `forbidden` (not this role's move); "
        "409 `transition_not_allowed` (not from this state).",
    )
    def post(self, request, number):
        order, held = _visible_order(request, number)
        serializer = TransitionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed, replayed = order_transition(
            order_id=order.pk,
            action=data["action"],
            actor=request.user,
            role=data.get("as") or _role_for(data["action"], held),
            key=data["key"],
            reason=data["reason"],
            data=dict(data.get("data") or {}),
        )
        order, held = _visible_order(request, changed.number)
        return Response({"replayed": replayed, "order": OrderDetailOutput(_detail(order, held)).data})
