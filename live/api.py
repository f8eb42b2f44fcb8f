"""Read-only API of live shows: the list, one show, and a room's event log for catch-up.

Writes happen over the socket (docs/live-protocol.md); the log endpoint lets a client
that was away too long (``replay.complete == false``) page through what it missed.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from live import selectors
from live.models import Show
from live.owners import owner_for


class ShowOutput(serializers.ModelSerializer):
    room_id = serializers.IntegerField(source="room.pk")
    host_name = serializers.CharField()
    socket_path = serializers.SerializerMethodField()

    class Meta:
        model = Show
        fields = [
            "id",
            "title",
            "description",
            "host_name",
            "state",
            "audience",
            "scheduled_start",
            "scheduled_end",
            "room_id",
            "socket_path",
        ]

    def get_socket_path(self, show) -> str:
        return f"/ws/rooms/{show.room.pk}/"


def _visible_show(request, show_id: int) -> Show:
    show = get_object_or_404(Show.objects.select_related("host", "room"), pk=show_id)
    if not owner_for(show).may_enter(request.user, show):
        raise PermissionDenied
    return show


class ShowListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ShowOutput(many=True))
    def get(self, request):
        return Response(ShowOutput(selectors.shows_visible(user=request.user), many=True).data)


class ShowDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ShowOutput)
    def get(self, request, show_id: int):
        return Response(ShowOutput(_visible_show(request, show_id)).data)


class RoomEventsApi(APIView):
    """``?after=<seq>``: up to 200 events with a higher sequence, oldest first."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        after = serializers.IntegerField(min_value=0, default=0)

    class OutputSerializer(serializers.Serializer):
        events = serializers.ListField(child=serializers.DictField())
        more = serializers.BooleanField()

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer)
    def get(self, request, show_id: int):
        show = _visible_show(request, show_id)
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        events = selectors.events_after(room_id=show.room.pk, after=params.validated_data["after"], limit=201)
        return Response({"events": events[:200], "more": len(events) > 200})
