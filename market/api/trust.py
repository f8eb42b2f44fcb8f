"""Weekly market API: trust (reviews, reliability records, the organizers' flags and blocks).

* ``GET /api/v1/market/reviews/?vendor=<slug>&product=<id>``: visible reviews, newest first.
* ``POST /api/v1/market/reviews/``: the buyer reviews a product of a completed order.
* ``POST /api/v1/market/reviews/<id>/reply/``: the vendor's one reply.
* ``POST /api/v1/market/reviews/<id>/hide/``: an organizer hides an abusive review.
* ``GET /api/v1/market/vendors/<slug>/record/``: a vendor's record and rating.
* ``GET /api/v1/market/buyers/<id>/record/``: a buyer's record (organizers; a vendor with an
  order from that buyer).
* ``GET|POST /api/v1/market/buyer-flags/``: organizers list, flag, block and clear buyers.

Refusals leave as ``{"error": {"code", "message", "fields"}}`` (``config.api``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import schema_error_response
from market import reviews
from market.flags import buyer_flag
from market.models import BuyerFlag, BuyerFlagEvent, Review
from market.reliability import buyer_record, vendor_record
from orders.models import Order
from orders.services import is_organizer
from vendors.models import Vendor, VendorMember

MAX_ID = 2**63 - 1
_ERRORS = {**schema_error_response(), **schema_error_response(403), **schema_error_response(404)}


class _Pagination(PageNumberPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"


# ----------------------------------------------------------------------------- output


@extend_schema_serializer(component_name="MarketReview")
class ReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.CharField(source="order.number")
    vendor = serializers.CharField(source="vendor.slug")
    product_id = serializers.IntegerField(allow_null=True)
    product_name = serializers.SerializerMethodField()
    stars = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField()
    reviewer = serializers.SerializerMethodField(help_text="the buyer's family name and initials")
    verified_purchase = serializers.SerializerMethodField()
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    hidden = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_product_name(self, review) -> str:
        return review.product.name if review.product_id else ""

    def get_reviewer(self, review) -> str:
        return reviews.reviewer_name(review.buyer)

    def get_verified_purchase(self, review) -> bool:
        """Always true: only the buyer of a completed order can write one."""
        return True

    def get_hidden(self, review) -> bool:
        return review.hidden_at is not None


@extend_schema_serializer(component_name="MarketRatingSummary")
class RatingOutput(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    stars = serializers.DictField(child=serializers.IntegerField(), help_text="reviews per number of stars, 5…1")


@extend_schema_serializer(component_name="MarketVendorRecord")
class VendorRecordOutput(serializers.Serializer):
    vendor = serializers.CharField()
    orders = serializers.IntegerField()
    confirm_due = serializers.IntegerField(help_text="confirmed, plus still waiting past the confirm window")
    confirmed_on_time = serializers.IntegerField()
    confirmed_on_time_percent = serializers.IntegerField(allow_null=True)
    ship_due = serializers.IntegerField(help_text="shipped, plus confirmed and still unshipped past the ship window")
    shipped_on_time = serializers.IntegerField()
    shipped_on_time_percent = serializers.IntegerField(allow_null=True)
    declined = serializers.IntegerField()
    disputes = serializers.IntegerField(help_text="decided disputes")
    disputes_lost = serializers.IntegerField(help_text="decided for the buyer: refund, partial refund, replacement")
    rating = RatingOutput()


@extend_schema_serializer(component_name="MarketBuyerFlag")
class FlagOutput(serializers.Serializer):
    level = serializers.ChoiceField(choices=BuyerFlag.Level.choices)
    reason = serializers.CharField()
    flagged_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="MarketBuyerRecord")
class BuyerRecordOutput(serializers.Serializer):
    buyer_id = serializers.IntegerField()
    orders = serializers.IntegerField()
    completed = serializers.IntegerField()
    refused = serializers.IntegerField(help_text="refused at the door")
    cancelled = serializers.IntegerField(help_text="cancelled by the buyer")
    flag = FlagOutput(allow_null=True)


# ----------------------------------------------------------------------------- reviews


def _reviews():
    return Review.objects.select_related("order", "vendor", "product", "buyer")


class ReviewListApi(GenericAPIView):
    """GET: visible reviews (`?vendor=<slug>`, `?product=<id>`), newest first.
    POST: review one product of my completed order (verified purchases only; one per product per order)."""

    permission_classes = [IsAuthenticated]
    pagination_class = _Pagination

    @extend_schema_serializer(component_name="MarketReviewFilter")
    class FilterSerializer(serializers.Serializer):
        vendor = serializers.SlugField(required=False, max_length=220)
        product = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    @extend_schema_serializer(component_name="MarketReviewInput")
    class InputSerializer(serializers.Serializer):
        order = serializers.CharField(max_length=20, help_text="the order's number, e.g. CDM-26-000123")
        product_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        stars = serializers.IntegerField(help_text="1…5 (checked by the service, with its message)")
        text = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")

    def get_serializer_class(self):
        return self.InputSerializer

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: ReviewOutput(many=True), **_ERRORS},
        operation_id="market_reviews_list",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        shown = _reviews().filter(hidden_at__isnull=True).order_by("-created_at", "-pk")
        if data.get("vendor"):
            shown = shown.filter(vendor__slug=data["vendor"])
        if data.get("product"):
            shown = shown.filter(product_id=data["product"])
        page = self.paginate_queryset(shown)
        return self.get_paginated_response(ReviewOutput(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: ReviewOutput, **_ERRORS, **schema_error_response(409)},
        operation_id="market_reviews_create",
        description="403 `not_verified_purchase` (not my order, a practice order, no such order); "
        "409 `order_not_completed`, `already_done`; 400 `invalid`.",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = reviews.review_create(
            order_number=data["order"],
            buyer=request.user,
            product_id=data["product_id"],
            stars=data["stars"],
            text=data["text"],
        )
        return Response(ReviewOutput(_reviews().get(pk=review.pk)).data, status=status.HTTP_201_CREATED)


class ReviewReplyApi(APIView):
    """POST: the reviewed vendor's one reply (a member of the vendor)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketReviewReplyInput")
    class InputSerializer(serializers.Serializer):
        reply = serializers.CharField(allow_blank=True, max_length=5000)

    @extend_schema(
        request=InputSerializer,
        responses={200: ReviewOutput, **_ERRORS, **schema_error_response(409)},
        operation_id="market_reviews_reply",
    )
    def post(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = reviews.review_reply(review_id=pk, actor=request.user, text=serializer.validated_data["reply"])
        return Response(ReviewOutput(_reviews().get(pk=review.pk)).data)


class ReviewHideApi(APIView):
    """POST: an organizer hides an abusive review, with a reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarketReviewHideInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True, max_length=1000)

    @extend_schema(
        request=InputSerializer,
        responses={200: ReviewOutput, **_ERRORS, **schema_error_response(409)},
        operation_id="market_reviews_hide",
    )
    def post(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = reviews.review_hide(review_id=pk, actor=request.user, reason=serializer.validated_data["reason"])
        return Response(ReviewOutput(_reviews().get(pk=review.pk)).data)


# ----------------------------------------------------------------------------- records


class VendorRecordApi(APIView):
    """GET: a vendor's record (confirmed and shipped on time, disputes lost) and rating."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: VendorRecordOutput, **_ERRORS}, operation_id="market_vendor_record")
    def get(self, request, slug: str):
        vendor = get_object_or_404(Vendor, slug=slug)
        record = vendor_record(vendor.pk)
        record.vendor = vendor.slug
        record.rating = reviews.rating_summary(vendor_id=vendor.pk)
        return Response(VendorRecordOutput(record).data)


class BuyerRecordApi(APIView):
    """GET: a buyer's record across all vendors. Organizers; or a member of a vendor the buyer
    placed a real order with (anyone else: 404, buyers cannot be probed)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: BuyerRecordOutput, **_ERRORS}, operation_id="market_buyer_record")
    def get(self, request, pk: int):
        if not is_organizer(request.user):
            vendors = VendorMember.objects.filter(user=request.user).values("vendor_id")
            if not Order.objects.filter(buyer_id=pk, sandbox=False, vendor_id__in=vendors).exists():
                raise NotFound()
        else:
            get_object_or_404(get_user_model(), pk=pk)
        return Response(BuyerRecordOutput(buyer_record(pk)).data)


class BuyerFlagApi(GenericAPIView):
    """Organizers. GET: buyers flagged or blocked now. POST: flag, block or clear a buyer, with a
    reason (audited); a blocked buyer cannot place orders."""

    permission_classes = [IsAuthenticated]
    pagination_class = _Pagination

    @extend_schema_serializer(component_name="MarketBuyerFlagItem")
    class OutputSerializer(FlagOutput):
        buyer_id = serializers.IntegerField()
        buyer_name = serializers.CharField(source="buyer.get_full_name")

    @extend_schema_serializer(component_name="MarketBuyerFlagInput")
    class InputSerializer(serializers.Serializer):
        buyer_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        level = serializers.ChoiceField(choices=BuyerFlagEvent.Level.choices)
        reason = serializers.CharField(allow_blank=True, max_length=1000)

    def get_serializer_class(self):
        return self.InputSerializer

    def _organizer(self, request):
        if not is_organizer(request.user):
            raise PermissionDenied()

    @extend_schema(responses={200: OutputSerializer(many=True), **_ERRORS}, operation_id="market_buyer_flags_list")
    def get(self, request):
        self._organizer(request)
        page = self.paginate_queryset(BuyerFlag.objects.select_related("buyer").order_by("-flagged_at", "-pk"))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={200: BuyerRecordOutput, **_ERRORS},
        operation_id="market_buyer_flags_set",
        description="Returns the buyer's record with the flag now (`flag: null` once cleared).",
    )
    def post(self, request):
        self._organizer(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        buyer_flag(buyer_id=data["buyer_id"], actor=request.user, level=data["level"], reason=data["reason"])
        return Response(BuyerRecordOutput(buyer_record(data["buyer_id"])).data)


urlpatterns = [
    path("market/reviews/", ReviewListApi.as_view(), name="api-market-reviews"),
    path("market/reviews/<int:pk>/reply/", ReviewReplyApi.as_view(), name="api-market-review-reply"),
    path("market/reviews/<int:pk>/hide/", ReviewHideApi.as_view(), name="api-market-review-hide"),
    path("market/vendors/<slug:slug>/record/", VendorRecordApi.as_view(), name="api-market-vendor-record"),
    path("market/buyers/<int:pk>/record/", BuyerRecordApi.as_view(), name="api-market-buyer-record"),
    path("market/buyer-flags/", BuyerFlagApi.as_view(), name="api-market-buyer-flags"),
]
