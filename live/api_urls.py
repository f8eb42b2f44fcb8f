from django.urls import path

from live import api

urlpatterns = [
    path("live/shows/", api.ShowListApi.as_view(), name="live-show-list"),
    path("live/shows/<int:show_id>/", api.ShowDetailApi.as_view(), name="live-show-detail"),
    path("live/shows/<int:show_id>/events/", api.RoomEventsApi.as_view(), name="live-room-events"),
]
