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


def _row(name: str, **fields: serializers.Field) -> type[serializers.Serializer]:
    """One row of a dashboard table, for the schema only (the figures are written by
    :mod:`market.dashboard`): a serializer named ``name`` (its component) with ``fields`` in order."""
    return type(name, (serializers.Serializer,), fields)


_int, _text, _moment = serializers.IntegerField, serializers.CharField, serializers.DateTimeField
_BUYER_KINDS = ["consumer", "distributor", "retailer"]


class DashboardOutput(serializers.Serializer):
    SessionOutput = _row("SessionOutput", id=_int(), title=_text(), starts_at=_moment(), state=_text())

    class TrendOutput(TotalsOutput):
        session_id = serializers.IntegerField()
        title = serializers.CharField()
        starts_at = serializers.DateTimeField()

    VendorOutput = _row("VendorOutput", vendor_id=_int(), vendor=_text(), district=_text(), orders=_int(), gmv=_int())
    ProductOutput = _row("ProductOutput", product_id=_int(), product=_text(), vendor=_text(), units=_int(), gmv=_int())
    DistrictOutput = _row("DistrictOutput", district=_text(), orders=_int(), gmv=_int())
    GroupOutput = _row("GroupOutput", group=_text(), units=_int(), gmv=_int())
    StarsOutput = _row("StarsOutput", stars=_int(), units=_int(), gmv=_int())
    BuyerKindOutput = _row(
        "BuyerKindOutput", kind=serializers.ChoiceField(choices=_BUYER_KINDS), buyers=_int(), orders=_int(), gmv=_int()
    )
    StallOutput = _row(
        "StallOutput",
        slot_id=_int(), vendor_id=_int(), vendor=_text(), stage=_int(), starts_at=_moment(), ends_at=_moment(),
        show_id=_int(allow_null=True), peak_viewers=_int(), average_viewers=serializers.FloatField(), orders=_int(),
        gmv=_int(), state=serializers.ChoiceField(choices=list(figures.STALL_STATES)),
    )  # fmt: skip
    OverdueOutput = _row(
        "OverdueOutput",
        number=_text(), vendor=_text(), status=_text(), total=_int(), placed_at=_moment(), reason=_text(),
    )  # fmt: skip

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

    def dashboard(self, **url_kwargs) -> figures.Dashboard:
        return figures.program_dashboard()

    @extend_schema(responses=DashboardOutput, tags=["market"])
    def get(self, request, **url_kwargs):
        _organizer(request)
        return Response(self.dashboard(**url_kwargs).as_json())


class SessionDashboardApi(DashboardApi):
    """GET: one session's figures, its stalls and, while it is live, its overdue orders (organizers)."""

    def dashboard(self, *, pk: int) -> figures.Dashboard:
        return figures.session_dashboard(session=get_object_or_404(Session, pk=pk))


urlpatterns = [
    path("market/dashboard/", DashboardApi.as_view(), name="api-market-dashboard"),
    path("market/dashboard/sessions/<int:pk>/", SessionDashboardApi.as_view(), name="api-market-dashboard-session"),
]
