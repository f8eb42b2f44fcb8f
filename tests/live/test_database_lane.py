"""A rush of extension calls (a flash sale's buys) waits on the event loop, not ahead of chat in the database thread."""

import asyncio
import time

# Channels' database thread is asgiref's one thread-sensitive thread; plain sync_to_async runs
# there without database_sync_to_async's close_old_connections, which would touch a
# connection an earlier test on this worker left open there (these tests use no database).
from asgiref.sync import sync_to_async

from live.limits import DatabaseLane

ran: list[str] = []  # the order in which the database thread ran the calls


def _work(name: str) -> None:
    time.sleep(0.01)
    ran.append(name)


async def _rush(buy, chat_call) -> list[str]:
    """Twenty buys asked for at once, then one chat message; returns the order the thread ran them in."""
    ran.clear()
    buys = [asyncio.create_task(buy(name=f"buy{i}")) for i in range(20)]
    await asyncio.sleep(0)  # every buy has asked for the thread
    await chat_call(name="chat")
    await asyncio.gather(*buys)
    return ran


async def test_chat_waits_behind_at_most_the_lanes_calls_not_the_whole_rush(settings):
    settings.LIVE = {**settings.LIVE, "EXTENSION_CALLS_IN_FLIGHT": 2}
    call = sync_to_async(_work)
    lane = DatabaseLane("EXTENSION_CALLS_IN_FLIGHT")

    order = await _rush(lambda **kw: lane.run(call, **kw), call)
    assert order.index("chat") <= 3  # the two in flight, and at most one let in while chat was queued
    assert sorted(order) == sorted(["chat", *(f"buy{i}" for i in range(20))])  # every buy still ran

    order = await _rush(call, call)  # without the lane: first come, first served
    assert order.index("chat") == 20
