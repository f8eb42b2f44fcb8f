"""A crowd that leaves is followed by a full collection (``live.gc_tuning.socket_closed``).

Under daphne what a closed socket leaves behind sits in reference cycles; without this the
process grew by ~16 KB per departed viewer until the ten-minute full collection.
"""

import asyncio

import pytest

from live import gc_tuning
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


async def test_once_as_many_viewers_left_as_remain_a_full_collection_follows(live_show, connect, monkeypatch):
    full_collections = []
    monkeypatch.setattr(gc_tuning, "_between_ticks", True)  # as the served process sets it
    monkeypatch.setattr(gc_tuning, "DEPARTED_BEFORE_FULL", 2)
    monkeypatch.setattr(gc_tuning, "FULL_AFTER_DEPARTURE_SECONDS", 0.01)
    monkeypatch.setattr(gc_tuning, "_open_sockets", 0)
    monkeypatch.setattr(gc_tuning, "_departed", 0)
    monkeypatch.setattr(gc_tuning, "_full_pending", False)
    monkeypatch.setattr(
        gc_tuning.gc, "collect", lambda generation=2: generation == 2 and full_collections.append(generation)
    )

    viewers = [await connect(live_show.room, client=(f"10.0.0.{i}", 5000)) for i in range(1, 5)]
    assert gc_tuning._open_sockets == 4
    await viewers[0].close()
    await asyncio.sleep(0.1)
    assert full_collections == []  # one left, three remain
    await viewers[1].close()
    await wait_until(lambda: full_collections)  # two left, two remain: one full collection, shortly after
    assert full_collections == [2]
    assert (gc_tuning._open_sockets, gc_tuning._departed) == (2, 0)
