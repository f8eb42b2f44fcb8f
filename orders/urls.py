from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.my_orders, name="mine"),
    path("<str:number>/", views.order_detail, name="detail"),
]
