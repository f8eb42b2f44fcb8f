"""Rooms across processes over a real Redis channel layer, and Redis restarting mid-show.

With ``REDIS_URL`` set (CI's second pass) the shared tests use that Redis and FAIL if it
is down; without it they start a private ``redis-server`` on a free port. The fault test
always uses its own redis-server, because it restarts it. The machine's Redis is never
stopped.
"""

import asyncio
import contextlib
import json
import os
import random
import uuid
from datetime import timedelta

import pytest
import redis
import websockets
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from live.models import Room
from live.services import show_create
from tests.live.servers import free_port, start_daphne, start_redis, stop
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def shared_redis_url():
    url = os.environ.get("REDIS_URL")
    if url:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()  # fails loudly when Redis is down
        yield url
        return
    port = free_port()
    proc = start_redis(port)
    yield f"redis://127.0.0.1:{port}/0"
    stop(proc)


@pytest.fixture
def show(transactional_db, vendor_user):
    now = timezone.now()
    return show_create(title="Bưởi đỏ", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1))


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


class ResumingClient:
    """A client written from docs/live-protocol.md: resume by ?after=, jittered reconnect."""

    def __init__(self, port_for, room_id, cookie=None):
        self.port_for = port_for  # callable: which server to (re)connect to
        self.room_id = room_id
        self.cookie = cookie
        self.last = None
        self.chat_seqs: list[int] = []
        self.welcomes = 0
        self.staff: list[dict] = []
        self.closes: list[int | None] = []
        self.acks: dict[str, dict] = {}
        self.ws = None
        self.connected = asyncio.Event()
        self.task = asyncio.create_task(self._run())

    async def _run(self):
        attempt = 0
        while True:
            port = self.port_for()
            url = f"ws://127.0.0.1:{port}/ws/rooms/{self.room_id}/" + (f"?after={self.last}" if self.last is not None else "")
            headers = {"Cookie": self.cookie} if self.cookie else {}
            try:
                async with websockets.connect(url, origin=f"http://127.0.0.1:{port}", additional_headers=headers, open_timeout=5) as ws:
                    self.ws = ws
                    async for raw in ws:
                        self._on(json.loads(raw))
                    self.closes.append(ws.close_code)
            except websockets.ConnectionClosed as closed:
                self.closes.append(closed.rcvd.code if closed.rcvd else None)
            except (OSError, websockets.InvalidStatus, TimeoutError):
                self.closes.append(None)
            self.connected.clear()
            self.ws = None
            attempt += 1
            await asyncio.sleep(random.uniform(0.05, min(2.0, 0.2 * 2**attempt)))

    def _on(self, frame):
        if frame["type"] == "welcome":
            self.welcomes += 1
            if self.last is None:
                self.last = 0
            self.connected.set()
        elif frame["type"] in {"replay", "batch"}:
            for event in frame["events"]:
                if event.get("type") == "chat":
                    self.chat_seqs.append(event["seq"])
                if "seq" in event:
                    self.last = max(self.last or 0, event["seq"])
        elif frame["type"] == "staff":
            self.staff.extend(frame["events"])
        elif frame["type"] in {"ack", "error"} and frame.get("ref"):
            self.acks[frame["ref"]] = frame

    async def chat(self, text, timeout=15.0):
        return (await self.request({"type": "chat.send", "text": text}, timeout))["seq"]

    async def request(self, message, timeout=15.0):
        """Send until acknowledged (the socket may be closed under us mid-way); the ack."""
        ref = uuid.uuid4().hex[:12]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            await asyncio.wait_for(self.connected.wait(), deadline - loop.time())
            with contextlib.suppress(websockets.ConnectionClosed, AttributeError):
                await self.ws.send(json.dumps({"v": 1, **message, "ref": ref}))
                for _ in range(40):
                    if ref in self.acks:
                        assert self.acks[ref]["type"] == "ack", self.acks[ref]
                        return self.acks[ref]
                    await asyncio.sleep(0.05)
        raise AssertionError(f"{message} never acknowledged")

    async def wait_chats(self, seqs, timeout=15.0):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if set(seqs) <= set(self.chat_seqs):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"missing {sorted(set(seqs) - set(self.chat_seqs))}")

    async def close(self):
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.task
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()


async def test_two_processes_share_a_room_through_redis(show, vendor_user, buyer_user, shared_redis_url):
    prefix = f"livetest{uuid.uuid4().hex[:8]}"
    port_a, port_b = free_port(), free_port()
    servers = [start_daphne(port_a, redis_url=shared_redis_url, prefix=prefix),
               start_daphne(port_b, redis_url=shared_redis_url, prefix=prefix)]
    try:
        host_cookie = await database_sync_to_async(_cookie)(vendor_user)
        buyer_cookie = await database_sync_to_async(_cookie)(buyer_user)
        host = ResumingClient(lambda: port_a, show.room.pk, host_cookie)
        buyer = ResumingClient(lambda: port_b, show.room.pk, buyer_cookie)
        await asyncio.wait_for(asyncio.gather(host.connected.wait(), buyer.connected.wait()), 10)
        seq = await host.chat("Từ máy chủ A")
        await buyer.wait_chats([seq], timeout=5)
        seq2 = await buyer.chat("Trả lời từ máy chủ B")
        await host.wait_chats([seq2], timeout=5)
        await buyer.wait_chats([seq2], timeout=5)
        assert host.chat_seqs == buyer.chat_seqs == [1, 2]
        await host.close()
        await buyer.close()
    finally:
        for proc in servers:
            stop(proc)


async def test_an_idle_viewer_still_receives_over_redis(show, vendor_user, shared_redis_url):
    """redis-py 8 drops idle consumers after ~5 s unless socket_timeout is raised: stay idle, then talk.

    60 s in CI's Redis pass (REDIS_URL set); 8 s on the embedded pass, which is already past the 5 s trap.
    """
    idle = 60 if os.environ.get("REDIS_URL") else 8
    port = free_port()
    server = start_daphne(port, redis_url=shared_redis_url, prefix=f"livetest{uuid.uuid4().hex[:8]}")
    try:
        viewer = ResumingClient(lambda: port, show.room.pk)
        await asyncio.wait_for(viewer.connected.wait(), 10)
        await asyncio.sleep(idle)
        host = ResumingClient(lambda: port, show.room.pk, await database_sync_to_async(_cookie)(vendor_user))
        seq = await host.chat("Còn ai xem không?")
        await viewer.wait_chats([seq], timeout=3)
        assert viewer.closes == [], "the idle viewer must not have been dropped"
        await viewer.close()
        await host.close()
    finally:
        stop(server)


async def test_a_redis_restart_keeps_every_viewer_in_the_room_and_loses_no_message(show, vendor_user, buyer_user):
    """Two processes share the room through a Redis that dies mid-show and comes back empty."""
    redis_port, port_a, port_b = free_port(), free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    redis_proc = start_redis(redis_port)
    servers = [start_daphne(port, redis_url=redis_url, prefix="livefault") for port in (port_a, port_b)]
    try:
        host = ResumingClient(lambda: port_a, show.room.pk, await database_sync_to_async(_cookie)(vendor_user))
        buyer = ResumingClient(lambda: port_b, show.room.pk, await database_sync_to_async(_cookie)(buyer_user))
        viewers = [ResumingClient(lambda port=port: port, show.room.pk) for port in (port_a, port_b, port_b)]
        everyone = [host, buyer, *viewers]
        await asyncio.wait_for(asyncio.gather(*[c.connected.wait() for c in everyone]), 10)
        for i in range(3):
            await host.chat(f"trước sự cố {i}")

        stop(redis_proc)  # Redis dies mid-show: group memberships go with it
        # Chat goes on (the chat limits, in the cache on the same Redis, let it through), and
        # the other process's viewers read it from the database.
        during = await host.chat("trong sự cố", timeout=5)
        for c in everyone:
            await c.wait_chats([during], timeout=5)
        redis_proc = start_redis(redis_port)
        # Back on the layer, every socket is welcomed afresh (directed frames of the outage are gone).
        for c in everyone:
            await wait_until(lambda c=c: c.welcomes >= 2, timeout=20)

        for i in range(3):
            await host.chat(f"sau sự cố {i}", timeout=20)
        chat_count = await database_sync_to_async(lambda: Room.objects.get(pk=show.room.pk).last_seq)()
        for c in everyone:  # every event in this room is a chat message
            await c.wait_chats(range(1, chat_count + 1), timeout=20)
            assert c.chat_seqs == list(range(1, chat_count + 1)), c.chat_seqs  # in order, none twice
            assert c.closes == [], "a socket was closed: its viewer left the room"
        # Frames only the channel layer carries cross processes again: a report made on B
        # reaches the host's moderation queue on A.
        report = await buyer.request({"type": "report", "message_seq": 1, "reason": "lừa đảo"})
        await wait_until(lambda: any(e.get("report", {}).get("id") == report["report_id"] for e in host.staff), timeout=10)
        for c in everyone:
            await c.close()
    finally:
        for proc in servers:
            stop(proc)
        stop(redis_proc)
