from django.urls import path

from orders import api

urlpatterns = [
    path("orders/", api.OrderListApi.as_view(), name="api-orders"),
    path("orders/desk/", api.VendorDeskApi.as_view(), name="api-orders-desk"),
    path("orders/console/", api.OrganizerOrdersApi.as_view(), name="api-orders-console"),
    path("orders/<str:number>/", api.OrderDetailApi.as_view(), name="api-order"),
    path("orders/<str:number>/transition/", api.OrderTransitionApi.as_view(), name="api-order-transition"),
]
