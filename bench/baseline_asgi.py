"""The baseline: chat written the way the Channels tutorial writes it.

Every socket has its own channel and joins the room's group; every chat message and
every reaction is one ``group_send``; every recipient's handler encodes JSON for itself.
Viewer counts are sent on every join and leave. No persistence.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

import json  # noqa: E402

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

VIEWERS = {"count": 0}


class TutorialRoomConsumer(AsyncWebsocketConsumer):
    group = "bench_room"

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        VIEWERS["count"] += 1
        await self.send(text_data=json.dumps({"type": "welcome"}))
        await self.channel_layer.group_send(self.group, {"type": "viewers.message", "count": VIEWERS["count"]})

    async def disconnect(self, code):
        VIEWERS["count"] -= 1
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.channel_layer.group_send(self.group, {"type": "viewers.message", "count": VIEWERS["count"]})

    async def receive(self, text_data=None, bytes_data=None):
        data = json.loads(text_data)
        if data.get("type") == "chat.send":
            await self.channel_layer.group_send(self.group, {"type": "chat.message", "text": data["text"]})
        elif data.get("type") == "reaction":
            await self.channel_layer.group_send(self.group, {"type": "reaction.message", "kind": data["kind"]})

    async def chat_message(self, event):
        await self.send(text_data=json.dumps({"type": "chat", "text": event["text"]}))

    async def reaction_message(self, event):
        await self.send(text_data=json.dumps({"type": "reaction", "kind": event["kind"]}))

    async def viewers_message(self, event):
        await self.send(text_data=json.dumps({"type": "viewers", "count": event["count"]}))


application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/rooms/<int:room_id>/", TutorialRoomConsumer.as_asgi())])})
