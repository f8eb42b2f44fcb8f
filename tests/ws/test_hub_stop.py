"""A stopping hub ends its receive loop even when the channel layer loses a cancellation."""

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer

from live import hub as hubs

pytestmark = pytest.mark.django_db(transaction=True)


class CancellationLosingLayer(InMemoryChannelLayer):
    """As redis-py 8.1 now and then does inside ``BZPOPMIN``: the cancellation is lost and the read goes on."""

    async def receive(self, channel):
        while True:
            try:
                return await super().receive(channel)
            except asyncio.CancelledError:
                continue


async def test_a_stopped_hub_leaves_no_receive_task_behind(live_show, monkeypatch):
    monkeypatch.setattr(hubs, "get_channel_layer", CancellationLosingLayer)
    hub = await hubs.hub_for(live_show.room.pk)
    receiving = next(t for t in asyncio.all_tasks() if t.get_name() == f"live-hub-{hub.room_id}-receive")
    await asyncio.sleep(0.05)  # the loop is waiting in the layer's receive
    await hub.stop()
    assert receiving.done()
