"""WebSocket fixtures: the real ASGI application (origin check, sessions, routing)."""

import asyncio
import contextlib
import io
import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from live import hub as hubs
from live import video
from live.limits import address_frames, address_handshakes, backoff, caps, offenders
from live.services import show_create

ORIGIN = b"http://localhost"


@pytest.fixture(autouse=True)
async def _fresh_hubs():
    """Hubs, channel layers, connection counts and address budgets are per process: reset them per test loop."""
    yield
    try:
        await hubs.hubs_stop_all()
        await _cancel_leftover_tasks()
    finally:  # a task stuck in this test must not leave its channel layer to the next one
        channel_layers.backends.clear()
        caps.by_user.clear()
        caps.by_address.clear()
        for limit in (address_frames, address_handshakes, backoff, offenders):
            limit.clear()
        video._room_joins.clear()


async def _cancel_leftover_tasks(grace: float = 5.0) -> None:
    """Cancel what the test left running; fail with the stack of any task that ignores it.

    On PostgreSQL and Redis a ws test now and then left a task that never finished after
    its cancellation, with every thread idle, and pytest-asyncio's loop teardown waited
    for it forever (one CI run hung in ``_cancel_all_tasks``). It was a hub's receive loop:
    redis-py now and then loses a cancellation inside its read, so hubs now end that loop
    with a message (``RoomHub._stop_receiving``). Should such a task come back, it fails its
    test with its stack, and is dropped from asyncio's registry so that the loop can close
    and the rest of the suite runs.
    """
    current = asyncio.current_task()
    left = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
    if not left:
        return
    for task in left:
        task.cancel()
    _done, stuck = await asyncio.wait(left, timeout=grace)
    if not stuck:
        return
    stacks = []
    for task in stuck:
        out = io.StringIO()
        task.print_stack(file=out)
        stacks.append(out.getvalue())
        asyncio.tasks._unregister_task(task)
    pytest.fail("tasks that ignore their cancellation:\n" + "\n".join(stacks))


@pytest.fixture
def live_show(transactional_db, vendor_user):
    now = timezone.now()
    return show_create(
        title="Bưởi đỏ Đông Cao", host=vendor_user, scheduled_start=now, scheduled_end=now + timedelta(hours=1)
    )


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


class Socket:
    """A WebsocketCommunicator with the room protocol's conveniences."""

    def __init__(self, communicator):
        self.c = communicator
        self.seen: list[dict] = []

    async def send(self, **frame):
        frame.setdefault("v", 1)
        await self.c.send_to(text_data=json.dumps(frame, ensure_ascii=False))

    async def send_text(self, text):
        await self.c.send_to(text_data=text)

    async def recv(self, timeout=2.0) -> dict:
        frame = json.loads(await self.c.receive_from(timeout=timeout))
        self.seen.append(frame)
        return frame

    async def wait_for(self, predicate, timeout=3.0) -> dict:
        """The next frame (or batch event) matching ``predicate``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError("expected frame never came")
            frame = await self.recv(timeout=remaining)
            for item in [frame, *frame.get("events", [])]:
                if predicate(item):
                    return item

    async def wait_type(self, type_, timeout=3.0, **match):
        return await self.wait_for(lambda f: f.get("type") == type_ and all(f.get(k) == v for k, v in match.items()), timeout)

    async def closed_with(self, timeout=3.0) -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            out = await self.c.receive_output(timeout=max(0.01, deadline - loop.time()))
            if out["type"] == "websocket.close":
                return out.get("code")
            if out.get("text"):
                self.seen.append(json.loads(out["text"]))

    async def close(self):
        await self.c.disconnect()


@pytest.fixture
async def connect():
    from config.asgi import application

    opened = []

    async def _connect(room, user=None, *, origin=ORIGIN, after=None, expect_welcome=True, client=("10.0.0.1", 5000), headers=()):
        headers = [(b"origin", origin), *headers] if origin else list(headers)
        if user is not None:
            headers.append((b"cookie", await database_sync_to_async(_session_cookie)(user)))
        path = f"/ws/rooms/{room.pk}/" + (f"?after={after}" if after is not None else "")
        communicator = WebsocketCommunicator(application, path, headers=headers)
        communicator.scope["client"] = client
        connected, _code = await communicator.connect(timeout=3)
        sock = Socket(communicator)
        sock.connected = connected
        opened.append(sock)
        if connected and expect_welcome:
            sock.welcome = await sock.recv()
            assert sock.welcome["type"] == "welcome", sock.welcome
            sock.replay = await sock.recv()
            assert sock.replay["type"] == "replay"
        return sock

    yield _connect
    for sock in opened:
        with contextlib.suppress(Exception, asyncio.CancelledError):  # already closed by the server
            await sock.c.disconnect(timeout=1)
