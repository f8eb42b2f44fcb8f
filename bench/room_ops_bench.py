"""What one room action costs the room's database thread: CPU per join, chat message and purchase.

A worker's event loop shares the GIL with the room's database thread, so every millisecond
of the ORM's Python there is a millisecond the fan-out waits (docs/benchmarks.md, "Where
a sale's tail goes at 4,000 viewers"). This measures that cost directly, on one thread,
with the code the room calls: a logged-in viewer's join (``live.admission.admit``:
the session, the user, the room, the viewer's role and bans), ``live.services.chat_post``
(with its per-user rate limit) and ``selling.services.sales.sale_buy`` (one buyer's
purchase of the bench's flash sale, ``bench/flash_sale.py``). And one cost on the event
loop: a fresh viewer's history (the last 100 chat messages) framed for its socket, as
every join did until 7 Dec 2026 (``history_framed_per_join``) and as the hub now shares
one framing among the joins at the same sequence (``history_framed_once``).
And one tick's fan-out: the hub's ``_flush`` over ``--sockets`` sockets that take every
frame at once (``tick_fanout``), beside the bare loop that frames the tick once and hands
it to each socket (``tick_bare_loop``); ``us_per_socket`` is a tick's CPU per socket.

    .venv/bin/python bench/room_ops_bench.py [--rounds 3] [--count 300] [--redis redis://127.0.0.1:6379/7]
    .venv/bin/python bench/room_ops_bench.py --profile sale_buy   # cProfile one action instead

Without ``--redis`` the cache is local memory (the rate limit then costs no round trip);
with it, the rate limit goes to that Redis as in production. A fresh SQLite database in a
temporary directory; never part of ``make test``.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))


def cpu_ms_per_call(action, count: int) -> float:
    action(-1)  # warm: the first call builds caches (queries, translations)
    start = time.thread_time()
    for i in range(count):
        action(i)
    return (time.thread_time() - start) / count * 1000


class _TakingSocket:
    """A hub subscriber whose socket takes every frame at once: the kernel's write is left out."""

    def __init__(self, hub_state):
        hub_state.replaying = False
        self.hub_state = hub_state
        self.participant = SimpleNamespace(user_id=None, may_moderate=False, may_host=False, simulated=False)
        self.conn_id = None
        self.frames = 0

    def backlog_bytes(self) -> int:
        return 0

    def write_now(self, wire: bytes) -> bool:
        if self.hub_state.closing:
            return True
        self.frames += 1
        return True

    async def send_raw(self, text: str) -> None:
        raise AssertionError("a socket that takes every frame never needs the ASGI send")


def _tick_fanout(hub, sockets: int):
    """Two actions: one tick of ``hub._flush`` to ``sockets`` sockets, and the bare loop it stands beside.

    The bare loop frames the tick once and hands it to every socket, which is the least a
    fan-out in Python can do; the hub's own loop adds its per-socket bookkeeping (replay,
    congestion, resume, the parts of a huge tick). Their difference is what that
    bookkeeping costs a tick.
    """
    from live.hub import HubState, encode, ws_text_frame

    loop = asyncio.new_event_loop()
    atexit.register(loop.close)
    subs = [_TakingSocket(HubState()) for _ in range(sockets)]
    hub.subscribers.update(subs)
    seq = iter(range(1, 10**9))

    def chat_event() -> dict:
        n = next(seq)
        return {
            "type": "chat",
            "seq": n,
            "at": "2026-12-07T21:00:00+00:00",
            "text": f"Bưởi ngon quá {n}",
            "user_id": 4,
            "name": "Người Xem 2",
            "role": "viewer",
        }

    def fanout(_i):
        before = subs[-1].frames
        hub.pending = [chat_event()]
        loop.run_until_complete(hub._flush())
        assert subs[-1].frames == before + 1, "the tick reached every socket"

    def bare_loop(_i):
        event = chat_event()
        wire = ws_text_frame(encode({"v": 1, "type": "batch", "seq": event["seq"], "events": [event]}))
        for sub in list(subs):
            sub.write_now(wire)

    return fanout, bare_loop


def profile_action(action, count: int) -> None:
    """Where one action's time goes: cumulative and own time of its top calls."""
    import cProfile
    import pstats

    action(-1)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(count):
        action(i)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        action(count)
    print(f"{len(queries)} statements in one call:")
    for query in queries:
        print("  ", query["sql"][:400])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=300, help="calls of each action per round")
    parser.add_argument("--sockets", type=int, default=2000, help="sockets of the tick_* actions")
    parser.add_argument("--redis", default="", help="the cache's Redis (default: local memory)")
    parser.add_argument("--profile", default="", help="instead of timing, cProfile this action and print its top calls")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="room-ops-")
    atexit.register(shutil.rmtree, tmp, True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
        CACHE_KEY_PREFIX=f"room-ops-{os.getpid()}",
    )
    os.environ.pop("REDIS_URL", None)
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE, check=True)
    import django

    django.setup()
    from datetime import timedelta

    from channels.auth import UserLazyObject
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from accounts.services import user_create
    from bench import flash_sale
    from live.admission import admit
    from live.selectors import Participant
    from live.services import chat_post, show_create
    from selling.services.sales import sale_buy

    # The bench's users chat far faster than a person may: open the windows, keep the counting.
    settings.LIVE = {**settings.LIVE, "USER_CHAT_RULES": [(10**9, 5), (10**9, 60)]}
    host = user_create(email="ops-host@example.vn", password=secrets.token_urlsafe(), full_name="Chủ Thể")
    buyer = user_create(email="ops-buyer@example.vn", password=secrets.token_urlsafe(), full_name="Người Mua")
    now = timezone.now()
    show = show_create(title="Bench ops", host=host, scheduled_start=now, scheduled_end=now + timedelta(days=1))
    sale_id, price = flash_sale.create_sale(show)
    room_id, actor = show.room.pk, Participant(user_id=buyer.pk, name="Người Mua", role="viewer")

    client = Client()
    client.force_login(buyer)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def join(_i):
        scope = {"session": session_store(session_key), "user": UserLazyObject()}
        refusal, participant = admit(room_id, scope)
        assert refusal is None and participant.user_id == buyer.pk, refusal

    from live import selectors
    from live.hub import RoomHub, frames_under, ws_text_frame

    for i in range(settings.LIVE["HISTORY_EVENTS"]):
        chat_post(room_id=room_id, actor=actor, text=f"Chị ơi bưởi đỏ còn không, ship Hà Đông được không ạ? {i}")
    last = show.room.__class__.objects.get(pk=room_id).last_seq
    history = selectors.events_between(room_id=room_id, after=last - settings.LIVE["HISTORY_EVENTS"], upto=last)
    replay = {"v": 1, "type": "replay", "seq": last, "complete": True, "events": history}
    hub = RoomHub(room_id)
    fanout, bare_loop = _tick_fanout(RoomHub(room_id), args.sockets)

    actions = {
        "join": join,
        "history_framed_per_join": lambda _i: [
            (ws_text_frame(text), text) for text in frames_under(replay, settings.LIVE["MAX_FRAME_BYTES"])
        ],
        "history_framed_once": lambda _i: hub._history_parts(last, replay),
        "chat_post": lambda i: chat_post(room_id=room_id, actor=actor, text=f"Bưởi ngon quá {i}"),
        "tick_fanout": fanout,
        "tick_bare_loop": bare_loop,
        "sale_buy": lambda i: sale_buy(
            room_id=room_id, actor=actor, sale_id=sale_id, quantity=1, unit_price=price, key=f"ops-{time.time_ns()}-{i}"
        ),
    }
    if args.profile:
        if args.profile not in actions:
            parser.error(f"--profile: one of {', '.join(actions)}")
        profile_action(actions[args.profile], args.count)
        return
    rounds = {name: [] for name in actions}
    for _ in range(args.rounds):
        for name, action in actions.items():  # interleaved: both under the same minutes
            rounds[name].append(cpu_ms_per_call(action, args.count))
    for name, values in rounds.items():
        print(
            json.dumps(
                {
                    "action": name,
                    "cache": "redis" if args.redis else "local memory",
                    "calls": args.count,
                    **(
                        {
                            "sockets": args.sockets,
                            "us_per_socket": round(statistics.median(values) * 1000 / args.sockets, 2),
                        }
                        if name.startswith("tick_")
                        else {}
                    ),
                    "cpu_ms_per_call": {
                        "min": round(min(values), 2),
                        "median": round(statistics.median(values), 2),
                        "max": round(max(values), 2),
                    },
                }
            )
        )


if __name__ == "__main__":
    main()
