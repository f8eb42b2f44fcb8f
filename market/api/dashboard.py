"""Weekly market API: the organizers' dashboard (organizers only).

* ``GET /api/v1/market/dashboard/``: every session held so far — totals, the trend over
  sessions, top vendors and products, by district, product group, OCOP stars and buyer kind;
* ``GET /api/v1/market/dashboard/sessions/<id>/``: one session's figures, its stalls (viewers,
  orders, run-sheet state) and, while it is live, its overdue orders.

Money in whole đồng; rates in percent with one decimal. Definitions: :mod:`market.dashboard`.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from market import dashboard as figures
from market.models import Session
from orders.services import is_organizer


class TotalsOutput(serializers.Serializer):
    orders = serializers.IntegerField()
    gmv = serializers.IntegerField(help_text="đồng; less cancelled and declined orders")
    buyers = serializers.IntegerField()
    returning_buyers = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    confirmation_rate = serializers.FloatField(help_text="percent")
    completed = serializers.IntegerField()
    completion_rate = serializers.FloatField(help_text="percent")
    completed_value = serializers.IntegerField()
    disputes = serializers.IntegerField()
    open_disputes = serializers.IntegerField()
    cross_selling_orders = serializers.IntegerField()
    cross_selling_gmv = serializers.IntegerField()


class DashboardOutput(serializers.Serializer):
    class SessionOutput(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        starts_at = serializers.DateTimeField()
        state = serializers.CharField()

    class TrendOutput(TotalsOutput):
        session_id = serializers.IntegerField()
        title = serializers.CharField()
        starts_at = serializers.DateTimeField()

    class VendorOutput(serializers.Serializer):
        vendor_id = serializers.IntegerField()
        vendor = serializers.CharField()
        district = serializers.CharField()
        orders = serializers.IntegerField()
        gmv = serializers.IntegerField()

    class ProductOutput(serializers.Serializer):
        product_id = serializers.IntegerField()
        product = serializers.CharField()
        vendor = serializers.CharField()
        units = serializers.IntegerField()
        gmv = serializers.IntegerField()

    class DistrictOutput(serializers.Serializer):
        district = serializers.CharField()
        orders = serializers.IntegerField()
        gmv = serializers.IntegerField()

    class GroupOutput(serializers.Serializer):
        group = serializers.CharField()
        units = serializers.IntegerField()
        gmv = serializers.IntegerField()

    class StarsOutput(serializers.Serializer):
        stars = serializers.IntegerField()
        units = serializers.IntegerField()
        gmv = serializers.IntegerField()

    class BuyerKindOutput(serializers.Serializer):
        kind = serializers.ChoiceField(choices=["consumer", "distributor", "retailer"])
        buyers = serializers.IntegerField()
        orders = serializers.IntegerField()
        gmv = serializers.IntegerField()

    class StallOutput(serializers.Serializer):
        slot_id = serializers.IntegerField()
        vendor_id = serializers.IntegerField()
        vendor = serializers.CharField()
        stage = serializers.IntegerField()
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        show_id = serializers.IntegerField(allow_null=True)
        peak_viewers = serializers.IntegerField()
        average_viewers = serializers.FloatField()
        orders = serializers.IntegerField()
        gmv = serializers.IntegerField()
        state = serializers.ChoiceField(choices=list(figures.STALL_STATES))

    class OverdueOutput(serializers.Serializer):
        number = serializers.CharField()
        vendor = serializers.CharField()
        status = serializers.CharField()
        total = serializers.IntegerField()
        placed_at = serializers.DateTimeField()
        reason = serializers.CharField()

    sessions = SessionOutput(many=True)
    totals = TotalsOutput()
    trend = TrendOutput(many=True)
    top_vendors = VendorOutput(many=True)
    top_products = ProductOutput(many=True)
    by_district = DistrictOutput(many=True)
    by_product_group = GroupOutput(many=True)
    by_ocop_stars = StarsOutput(many=True)
    by_buyer_kind = BuyerKindOutput(many=True)
    stalls = StallOutput(many=True)
    overdue_orders = OverdueOutput(many=True)


def _organizer(request) -> None:
    if not is_organizer(request.user):
        raise PermissionDenied(_("Chỉ ban tổ chức xem được bảng điều khiển chợ đêm."))


class DashboardApi(APIView):
    """GET: the figures of every session held so far (organizers)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DashboardOutput, tags=["market"])
    def get(self, request):
        _organizer(request)
        return Response(figures.program_dashboard().as_json())


class SessionDashboardApi(APIView):
    """GET: one session's figures, its stalls and, while it is live, its overdue orders (organizers)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DashboardOutput, tags=["market"])
    def get(self, request, pk: int):
        _organizer(request)
        session = get_object_or_404(Session, pk=pk)
        return Response(figures.session_dashboard(session=session).as_json())


urlpatterns = [
    path("market/dashboard/", DashboardApi.as_view(), name="api-market-dashboard"),
    path("market/dashboard/sessions/<int:pk>/", SessionDashboardApi.as_view(), name="api-market-dashboard-session"),
]
