"""Weekly market API under /api/v1/market/: buying — carts, checkout, my prices, my orders of a
session, business profiles and their review, invite codes, wholesale inquiries and quotes.

Thin views: a serializer checks the shape, ``market.cart`` / ``market.quotes`` / ``market.business``
decide, refusals leave through ``config.api.exception_handler`` as
``{"error": {"code", "message", "fields"}}``. Everyone must be signed in; organizer-only
endpoints answer 403 to others; an inquiry or quote that is not the user's answers 404.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import schema_error_response
from market import business, cart, pricing, quotes
from market.models import BusinessProfile, Inquiry, InviteCode, Quote, Session
from orders.api import OrderListOutput
from vendors.models import Product, Vendor
from vendors.permissions import is_organizer

MAX_ID = 2**63 - 1
_ERRORS = {**schema_error_response(), **schema_error_response(403), **schema_error_response(404)}
_CONFLICT = schema_error_response(409)


# ----------------------------------------------------------------------------- output


@extend_schema_serializer(component_name="MarketPrice")
class PriceOutput(serializers.Serializer):
    unit_price = serializers.IntegerField(help_text="VND this buyer pays per unit for this quantity")
    retail = serializers.IntegerField()
    tier_min = serializers.IntegerField(
        allow_null=True, help_text="the wholesale tier applied (its minimum quantity), if any"
    )
    is_wholesale = serializers.BooleanField()


@extend_schema_serializer(component_name="MarketCartLine")
class CartLineOutput(serializers.Serializer):
    product_id = serializers.IntegerField(source="product.pk")
    code = serializers.CharField(source="product.code")
    name = serializers.CharField(source="product.name")
    unit = serializers.CharField(source="product.unit")
    quantity = serializers.IntegerField()
    price = PriceOutput()
    total = serializers.IntegerField()
    available = serializers.IntegerField(help_text="what the stall can still sell")


@extend_schema_serializer(component_name="MarketCart")
class CartOutput(serializers.Serializer):
    vendor = serializers.SlugField(source="vendor.slug")
    vendor_name = serializers.CharField(source="vendor.legal_name")
    session = serializers.IntegerField(source="cart.session_id", allow_null=True)
    lines = CartLineOutput(many=True)
    items = serializers.IntegerField()
    total = serializers.IntegerField()


@extend_schema_serializer(component_name="MarketCarts")
class CartsOutput(serializers.Serializer):
    carts = CartOutput(many=True)
    total = serializers.IntegerField()


def _valid(serializer_class: type[serializers.Serializer], data) -> dict:
    """``data`` checked by ``serializer_class``; a refusal leaves as a 400 naming the fields."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _carts(user, **filters) -> dict:
    carts = cart.carts_of(buyer=user, **filters)
    return CartsOutput({"carts": carts, "total": sum(c.total for c in carts)}).data


@extend_schema_serializer(component_name="MarketBusinessProfile")
class BusinessProfileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=BusinessProfile.Kind.choices)
    company = serializers.CharField()
    tax_code = serializers.CharField()
    address = serializers.CharField()
    state = serializers.ChoiceField(choices=BusinessProfile.State.choices)
    state_name = serializers.CharField(source="get_state_display")
    review_note = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="MarketBusinessProfileReviewItem")
class BusinessProfileReviewOutput(BusinessProfileOutput):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.get_full_name")
    invite_code = serializers.CharField(source="invite_code.code", allow_null=True, default=None)


@extend_schema_serializer(component_name="MarketInviteCode")
class InviteCodeOutput(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=BusinessProfile.Kind.choices)
    max_uses = serializers.IntegerField()
    uses = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class _TierOutput(serializers.Serializer):
    # A wholesale tier: from ``min_quantity`` units, ``unit_price`` đồng a unit. (A comment, not a
    # docstring: the schema would publish it as the tiers' description.)
    min_quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField()


class QuoteTierOutput(_TierOutput):
    class Meta:
        ref_name = "MarketQuoteTier"


class PriceTierOutput(_TierOutput):
    class Meta:
        ref_name = "MarketPriceTier"


@extend_schema_serializer(component_name="MarketQuote")
class QuoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit_price = serializers.IntegerField()
    min_quantity = serializers.IntegerField()
    tiers = QuoteTierOutput(many=True)
    delivery_terms = serializers.CharField()
    valid_until = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=Quote.State.choices)
    expired = serializers.SerializerMethodField()
    sent_at = serializers.DateTimeField()
    order = serializers.CharField(source="order.number", allow_null=True, default=None)

    def get_expired(self, quote) -> bool:
        return quotes.quote_is_expired(quote)


@extend_schema_serializer(component_name="MarketInquiry")
class InquiryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    vendor = serializers.SlugField(source="vendor.slug")
    vendor_name = serializers.CharField(source="vendor.legal_name")
    buyer_name = serializers.CharField(source="buyer.get_full_name")
    product_id = serializers.IntegerField(source="product.pk")
    product_code = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")
    quantity = serializers.IntegerField()
    message = serializers.CharField()
    session = serializers.IntegerField(source="session_id", allow_null=True)
    state = serializers.ChoiceField(choices=Inquiry.State.choices)
    created_at = serializers.DateTimeField()
    quotes = QuoteOutput(many=True, source="quotes.all")


class _Delivery(serializers.Serializer):
    class Meta:
        ref_name = "MarketDelivery"

    # Checked (and their messages written) by ``orders.services.delivery_clean``.
    name = serializers.CharField(allow_blank=True, max_length=500)
    phone = serializers.CharField(allow_blank=True, max_length=500)
    address = serializers.CharField(allow_blank=True, max_length=1000)


# ----------------------------------------------------------------------------- carts


class CartListApi(APIView):
    """GET: my carts, one per stall, priced for me (`?session=` only that session's).
    POST: put units of a product on offer into my cart at its stall."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketCartAddInput")
    class InputSerializer(serializers.Serializer):
        product_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        quantity = serializers.IntegerField(min_value=1, max_value=10_000)
        session = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)

    @extend_schema_serializer(component_name="MarketCartFilter")
    class FilterSerializer(serializers.Serializer):
        session = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: CartsOutput, **_ERRORS}, operation_id="market_carts_list"
    )
    def get(self, request):
        filters = _valid(self.FilterSerializer, request.query_params)
        return Response(_carts(request.user, session_id=filters.get("session")))

    @extend_schema(
        request=InputSerializer,
        responses={200: CartsOutput, **_ERRORS, **_CONFLICT},
        operation_id="market_carts_add",
        description="409 `not_enough_stock` (more than the stall can sell); 400 `not_on_offer`; 403 `own_stall`.",
    )
    def post(self, request):
        data = _valid(self.InputSerializer, request.data)
        cart.cart_add(
            buyer=request.user, product_id=data["product_id"], quantity=data["quantity"], session_id=data.get("session")
        )
        return Response(_carts(request.user))


class CartLineApi(APIView):
    """PATCH: set a line's quantity (0 removes it). DELETE: take the product out of my cart."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketCartLineInput")
    class InputSerializer(serializers.Serializer):
        quantity = serializers.IntegerField(min_value=0, max_value=10_000)

    @extend_schema(
        request=InputSerializer,
        responses={200: CartsOutput, **_ERRORS, **_CONFLICT},
        operation_id="market_carts_line_set",
    )
    def patch(self, request, product_id):
        quantity = _valid(self.InputSerializer, request.data)["quantity"]
        cart.cart_update(buyer=request.user, product_id=product_id, quantity=quantity)
        return Response(_carts(request.user))

    @extend_schema(request=None, responses={200: CartsOutput, **_ERRORS}, operation_id="market_carts_line_remove")
    def delete(self, request, product_id):
        cart.cart_remove(buyer=request.user, product_id=product_id)
        return Response(_carts(request.user))


class CheckoutApi(APIView):
    """Place one order per stall for my carts (all, or `vendors`) through the one order path."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketCheckoutInput")
    class InputSerializer(serializers.Serializer):
        vendors = serializers.ListField(
            child=serializers.SlugField(max_length=100),
            required=False,
            max_length=50,
            help_text="only these stalls' carts",
        )
        delivery = _Delivery()
        note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
        client_key = serializers.CharField(
            max_length=40, help_text="idempotency key: the same key places the orders once and returns them again"
        )
        expected_total = serializers.IntegerField(
            required=False,
            min_value=0,
            max_value=MAX_ID,
            help_text="the total the buyer was shown; refused if it differs",
        )

    @extend_schema_serializer(component_name="MarketCheckoutResult")
    class OutputSerializer(serializers.Serializer):
        orders = OrderListOutput(many=True)
        total = serializers.IntegerField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, **_ERRORS, **_CONFLICT},
        operation_id="market_checkout",
        description="All or nothing. 409 `not_enough_stock`; 400 `cart_empty`, `total_mismatch`, `invalid` "
        "(delivery fields in `fields`). The same `client_key` returns the same orders.",
    )
    def post(self, request):
        data = _valid(self.InputSerializer, request.data)
        vendor_ids = None
        if data.get("vendors"):
            vendor_ids = list(Vendor.objects.filter(slug__in=data["vendors"]).values_list("pk", flat=True))
        placed = cart.cart_checkout(
            buyer=request.user,
            delivery=dict(data["delivery"]),
            client_key=data["client_key"],
            vendor_ids=vendor_ids,
            note=data["note"],
            expected_total=data.get("expected_total"),
        )
        from orders import selectors

        orders = list(selectors.orders_with_lines().filter(pk__in=[o.pk for o in placed]).order_by("pk"))
        body = self.OutputSerializer({"orders": orders, "total": sum(o.total for o in orders)}).data
        return Response(body, status=status.HTTP_201_CREATED)


class PriceApi(APIView):
    """My price for a product and quantity, and the wholesale tiers I may see (none unless my
    business profile is verified)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketProductPrice")
    class OutputSerializer(serializers.Serializer):
        product_id = serializers.IntegerField()
        quantity = serializers.IntegerField()
        price = PriceOutput()
        tiers = PriceTierOutput(many=True)

    @extend_schema_serializer(component_name="MarketPriceFilter")
    class FilterSerializer(serializers.Serializer):
        quantity = serializers.IntegerField(required=False, min_value=1, max_value=10_000, default=1)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: OutputSerializer, **_ERRORS}, operation_id="market_price"
    )
    def get(self, request, product_id):
        product = get_object_or_404(Product, pk=product_id)
        quantity = _valid(self.FilterSerializer, request.query_params)["quantity"]
        kind = pricing.wholesale_kind(request.user)
        tiers = pricing.visible_tiers(request.user, product, kind=kind) if kind else []
        price = pricing.price_for(product=product, quantity=quantity, kind=kind, tiers=tiers)
        return Response(
            self.OutputSerializer({"product_id": product.pk, "quantity": quantity, "price": price, "tiers": tiers}).data
        )


class SessionOrdersApi(APIView):
    """My orders of one session: its stall carts, chốt đơn and flash sales in its rooms, its quotes."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OrderListOutput(many=True), **_ERRORS}, operation_id="market_my_session_orders")
    def get(self, request, session_id):
        session = get_object_or_404(Session.objects.exclude(state=Session.State.DRAFT), pk=session_id)
        orders = cart.buyer_session_orders(buyer=request.user, session=session)[:500]
        return Response(OrderListOutput(orders, many=True).data)


# ----------------------------------------------------------------------------- business profiles


class BusinessProfileApi(APIView):
    """GET: my business profile (404 when I have none). PUT: submit or change it."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketBusinessProfileInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=BusinessProfile.Kind.choices)
        company = serializers.CharField(max_length=400, allow_blank=True)
        tax_code = serializers.CharField(
            max_length=40, allow_blank=True, help_text="MST: 10 digits, or 13 for a branch"
        )
        address = serializers.CharField(max_length=600, allow_blank=True)
        invite_code = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")

    @extend_schema(responses={200: BusinessProfileOutput, **_ERRORS}, operation_id="market_business_profile")
    def get(self, request):
        profile = get_object_or_404(BusinessProfile, user=request.user)
        return Response(BusinessProfileOutput(profile).data)

    @extend_schema(
        request=InputSerializer,
        responses={200: BusinessProfileOutput, **_ERRORS},
        operation_id="market_business_profile_submit",
    )
    def put(self, request):
        profile = business.business_profile_submit(user=request.user, **_valid(self.InputSerializer, request.data))
        return Response(BusinessProfileOutput(profile).data)


class BusinessProfileReviewListApi(APIView):
    """Organizers: business profiles by state (`?state=pending` by default; `all`), oldest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: BusinessProfileReviewOutput(many=True), **_ERRORS}, operation_id="market_business_profiles"
    )
    def get(self, request):
        if not is_organizer(request.user):
            raise PermissionDenied()
        state = request.query_params.get("state", BusinessProfile.State.PENDING)
        if state not in (*BusinessProfile.State.values, "all"):
            state = BusinessProfile.State.PENDING
        profiles = business.business_profiles_for_review(state=None if state == "all" else state)[:500]
        return Response(BusinessProfileReviewOutput(profiles, many=True).data)


class BusinessProfileReviewApi(APIView):
    """Organizers: verify or reject (with a note) one business profile."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketBusinessReviewInput")
    class InputSerializer(serializers.Serializer):
        verify = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")

    @extend_schema(
        request=InputSerializer,
        responses={200: BusinessProfileOutput, **_ERRORS},
        operation_id="market_business_profile_review",
    )
    def post(self, request, pk):
        data = _valid(self.InputSerializer, request.data)
        profile = business.business_profile_review(profile_id=pk, actor=request.user, **data)
        return Response(BusinessProfileOutput(profile).data)


class InviteCodeApi(APIView):
    """Organizers: the invite codes (GET) and a new one (POST)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketInviteCodeInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=BusinessProfile.Kind.choices, default=BusinessProfile.Kind.DISTRIBUTOR)
        max_uses = serializers.IntegerField(min_value=1, max_value=500, default=1)
        days_valid = serializers.IntegerField(min_value=1, max_value=365, default=30)

    @extend_schema(responses={200: InviteCodeOutput(many=True), **_ERRORS}, operation_id="market_invite_codes")
    def get(self, request):
        if not is_organizer(request.user):
            raise PermissionDenied()
        return Response(InviteCodeOutput(InviteCode.objects.order_by("-expires_at")[:200], many=True).data)

    @extend_schema(
        request=InputSerializer, responses={201: InviteCodeOutput, **_ERRORS}, operation_id="market_invite_code_create"
    )
    def post(self, request):
        code = business.invite_code_create(actor=request.user, **_valid(self.InputSerializer, request.data))
        return Response(InviteCodeOutput(code).data, status=status.HTTP_201_CREATED)


# ----------------------------------------------------------------------------- inquiries and quotes


class InquiryListApi(APIView):
    """GET: my inquiries (`?as=vendor`: those sent to my stalls). POST: ask a stall for wholesale terms
    (verified distributors and retailers only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketInquiryInput")
    class InputSerializer(serializers.Serializer):
        product_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        quantity = serializers.IntegerField(min_value=1, max_value=10_000)
        message = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
        session = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)

    @extend_schema(responses={200: InquiryOutput(many=True), **_ERRORS}, operation_id="market_inquiries")
    def get(self, request):
        as_vendor = request.query_params.get("as") == "vendor"
        inquiries = quotes.inquiries_for(request.user, as_vendor=as_vendor)[:200]
        return Response(InquiryOutput(inquiries, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: InquiryOutput, **_ERRORS},
        operation_id="market_inquiry_create",
        description="403 `business_not_verified`: only verified distributors and retailers ask for quotes.",
    )
    def post(self, request):
        data = _valid(self.InputSerializer, request.data)
        inquiry = quotes.inquiry_create(
            buyer=request.user,
            product_id=data["product_id"],
            quantity=data["quantity"],
            message=data["message"],
            session_id=data.get("session"),
        )
        return Response(InquiryOutput(inquiry).data, status=status.HTTP_201_CREATED)


class InquiryDetailApi(APIView):
    """One inquiry and its quotes (its asker and the vendor's members only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: InquiryOutput, **_ERRORS}, operation_id="market_inquiry")
    def get(self, request, pk):
        inquiry, _side = quotes.inquiry_visible(request.user, pk)
        return Response(InquiryOutput(inquiry).data)


class QuoteSendApi(APIView):
    """A member of the inquiry's vendor answers with a quote (an earlier open one is withdrawn)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketQuoteInput")
    class InputSerializer(serializers.Serializer):
        class TierInput(serializers.Serializer):
            class Meta:
                ref_name = "MarketQuoteTierInput"

            min_quantity = serializers.IntegerField(min_value=1, max_value=10_000)
            unit_price = serializers.IntegerField(min_value=1, max_value=MAX_ID)

        unit_price = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        min_quantity = serializers.IntegerField(min_value=1, max_value=10_000)
        tiers = TierInput(many=True, required=False, max_length=5, default=list)
        delivery_terms = serializers.CharField(max_length=1000, allow_blank=True)
        valid_until = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer, responses={201: QuoteOutput, **_ERRORS, **_CONFLICT}, operation_id="market_quote_send"
    )
    def post(self, request, pk):
        data = _valid(self.InputSerializer, request.data)
        quote = quotes.quote_send(
            inquiry_id=pk,
            actor=request.user,
            unit_price=data["unit_price"],
            min_quantity=data["min_quantity"],
            tiers=[dict(tier) for tier in data["tiers"]],
            delivery_terms=data["delivery_terms"],
            valid_until=data["valid_until"],
        )
        return Response(QuoteOutput(quote).data, status=status.HTTP_201_CREATED)


class QuoteAcceptApi(APIView):
    """The asker accepts a valid quote: it becomes an order (channel `wholesale_quote`)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketQuoteAcceptInput")
    class InputSerializer(serializers.Serializer):
        quantity = serializers.IntegerField(min_value=1, max_value=10_000)
        delivery = _Delivery(required=False, help_text="by default my remembered delivery details")
        note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    @extend_schema(
        request=InputSerializer,
        responses={201: OrderListOutput, **_ERRORS, **_CONFLICT},
        operation_id="market_quote_accept",
        description="403: not my quote. 409 `quote_expired`, `quote_not_open`, `not_enough_stock`; "
        "400 `below_minimum`. Accepting again returns the same order.",
    )
    def post(self, request, pk):
        data = _valid(self.InputSerializer, request.data)
        order = quotes.quote_accept(
            quote_id=pk,
            buyer=request.user,
            quantity=data["quantity"],
            delivery=dict(data["delivery"]) if data.get("delivery") else None,
            note=data["note"],
        )
        return Response(OrderListOutput(order).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("market/carts/", CartListApi.as_view(), name="api-market-carts"),
    path("market/carts/lines/<int:product_id>/", CartLineApi.as_view(), name="api-market-cart-line"),
    path("market/checkout/", CheckoutApi.as_view(), name="api-market-checkout"),
    path("market/prices/<int:product_id>/", PriceApi.as_view(), name="api-market-price"),
    path("market/my-orders/<int:session_id>/", SessionOrdersApi.as_view(), name="api-market-my-session-orders"),
    path("market/business-profile/", BusinessProfileApi.as_view(), name="api-market-business-profile"),
    path("market/business-profiles/", BusinessProfileReviewListApi.as_view(), name="api-market-business-profiles"),
    path(
        "market/business-profiles/<int:pk>/review/",
        BusinessProfileReviewApi.as_view(),
        name="api-market-business-review",
    ),
    path("market/invite-codes/", InviteCodeApi.as_view(), name="api-market-invite-codes"),
    path("market/inquiries/", InquiryListApi.as_view(), name="api-market-inquiries"),
    path("market/inquiries/<int:pk>/", InquiryDetailApi.as_view(), name="api-market-inquiry"),
    path("market/inquiries/<int:pk>/quotes/", QuoteSendApi.as_view(), name="api-market-quote-send"),
    path("market/quotes/<int:pk>/accept/", QuoteAcceptApi.as_view(), name="api-market-quote-accept"),
]
