"""The organizers' console and the dispute pages (included from ``orders.urls`` before ``<number>/``)."""

from django.urls import path

from orders import views_console as views

urlpatterns = [
    path("giam-sat/", views.console, name="console"),
    path("giam-sat/<str:number>/can-thiep/", views.console_act, name="console_act"),
    path("<str:number>/khieu-nai/", views.dispute_open, name="dispute_open"),
    path("<str:number>/khieu-nai/<int:pk>/", views.dispute_detail, name="dispute"),
    path("<str:number>/khieu-nai/<int:pk>/tra-loi/", views.dispute_answer, name="dispute_answer"),
    path("<str:number>/khieu-nai/<int:pk>/quyet-dinh/", views.dispute_decide, name="dispute_decide"),
    path("<str:number>/khieu-nai/<int:pk>/anh/<int:photo>/", views.dispute_photo, name="dispute_photo"),
]
