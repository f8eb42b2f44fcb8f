from django.urls import include, path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.my_orders, name="mine"),
    path("ban-hang/", views.desk, name="desk"),
    path("ban-hang/hang-loat/", views.desk_bulk, name="desk_bulk"),
    path("ban-hang/csv/", views.desk_csv, name="desk_csv"),
    path("", include("orders.urls_console")),  # the console and disputes (before <number>/)
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/thao-tac/", views.order_act, name="act"),
    path("<str:number>/phieu-giao-hang/", views.packing_slip, name="slip"),
]
