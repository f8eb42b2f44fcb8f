"""Show analytics, CSV export and replay (mounted under /ban-hang/ in the ``selling`` namespace)."""

from django.urls import path

from selling import views_analytics

urlpatterns = [
    path("buoi/<int:show_id>/thong-ke/", views_analytics.analytics_page, name="show_analytics"),
    path("buoi/<int:show_id>/thong-ke.csv", views_analytics.analytics_csv, name="show_analytics_csv"),
    path("buoi/<int:show_id>/phat-lai/", views_analytics.replay_page, name="show_replay"),
]
