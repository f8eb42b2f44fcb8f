from django.urls import path

from selling import views_orders

urlpatterns = [
    path("buoi/<int:show_id>/don-hang/", views_orders.show_orders, name="show_orders"),
    path("buoi/<int:show_id>/don-hang.csv", views_orders.show_orders_csv, name="show_orders_csv"),
]
