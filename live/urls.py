from django.urls import path

from live import views

app_name = "live"
urlpatterns = [
    path("", views.show_list, name="show_list"),
    path("<int:show_id>/", views.show_watch, name="show_watch"),
    path("<int:show_id>/dieu-khien/", views.show_console, name="show_console"),
]
