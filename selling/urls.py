from django.urls import include, path

app_name = "selling"

urlpatterns = [
    path("", include("selling.urls_orders")),
    path("", include("selling.urls_analytics")),
]
