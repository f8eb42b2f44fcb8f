"""One broadcaster per room per process: receive once, encode once, fan out per tick.

The Channels tutorial gives every socket its own channel and ``group_send``s to all of
them: each message then costs one channel-layer delivery and one JSON encode *per
recipient*, which cannot feed thousands of viewers. Here a process joins each room's
group once, through its ``RoomHub``; the hub

* keeps sequenced events in order and without gaps (anything missing or dropped by the
  channel layer is re-read from the database: ``_fill_gap`` and the periodic resync),
* coalesces a tick's worth of events, reaction counts and the viewer count into one
  ``batch`` frame, encoded once and written to every local socket (a tick is a rest of
  ``TICK_SECONDS`` after the previous flush, so a busy process sends fewer, fuller frames),
* holds a bounded queue for a socket whose transport is congested (latest-value state
  is simply overwritten; sequenced events queue up to ``OUTBOUND_QUEUE_MAX_EVENTS``,
  after which the socket is closed with 4408 and the client resumes by sequence),
* announces its local viewer count to the other processes (at most once per tick),
* keeps its sockets when the channel layer fails (Redis restarting): it reads the room's
  events from the database every tick until the layer is back, joins the group again
  and sends every socket a fresh ``welcome``, so that clients ask again for the directed
  frames the outage lost (``_ride_out_layer_outage``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
from collections import Counter, deque
from typing import Protocol

from channels.layers import get_channel_layer

from live import extensions, gc_tuning, selectors, services
from live.broadcast import apublish, room_group
from live.database import room_db
from live.limits import TokenBucket, live_setting
from live.models import Room
from live.protocol import VERSION, CloseCode

logger = logging.getLogger(__name__)

IDLE_STOP_SECONDS = 30.0
# What a viewer may send a host that offered it the camera, per offer: one answer, candidate
# frames (a browser batches its candidates every 250 ms: a handful), one leave.
RTC_BUDGET_PER_OFFER = (1, 30, 1)
RTC_PEERS_PER_SOCKET = 4  # hosts and co-hosts offering one viewer at once
VIEWER_SAMPLE_SECONDS = 15.0  # analytics: several samples per minute, the service keeps the peak
# While the channel layer is down the hub reads the room's new events from the database this
# often (one indexed query), and tries the layer again with this back-off.
OUTAGE_RESYNC_SECONDS = 0.1
OUTAGE_RETRY_SECONDS = (0.1, 2.0)
#: the message a stopping hub sends to its own channel to end its receive loop
STOP_RECEIVING = "room.stop_receiving"


def encode(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def ws_text_frame(text: str) -> bytes:
    """A server-to-client WebSocket text frame (RFC 6455: FIN, opcode 1, unmasked)."""
    payload = text.encode("utf-8")
    n = len(payload)
    if n < 126:
        header = bytes((0x81, n))
    elif n < 65536:
        header = b"\x81\x7e" + n.to_bytes(2, "big")
    else:
        header = b"\x81\x7f" + n.to_bytes(8, "big")
    return header + payload


def frames_under(frame: dict, max_bytes: int) -> list[str]:
    """``frame`` (one with ``events``) encoded, and cut into frames of at most ``max_bytes`` if it must be.

    autobahn holds what the server sends to daphne's ``--websocket-max-message-size``
    too (16 KB, a cap meant for what clients send). On the ordinary send path (TLS
    terminated in daphne, ``LIVE_DIRECT_WRITE=0``, another ASGI server) a bigger frame
    was refused: the replay of the last 100 chat messages (~40 KB) reset every joining
    socket, and a congested viewer's held events stopped the tick's fan-out. The events
    are cut in order, each encoded once; every part keeps the frame's other keys, its
    ``seq`` is the last sequenced event it holds (the frame's own ``seq`` on the last
    part), and a replay's ``complete: false`` is said on the first part only. What is
    still too big (one event; a frame without events) goes out as ``parts_under``.
    """
    text = encode(frame)
    if _fits(text, max_bytes):
        return [text]
    if not frame.get("events"):
        return parts_under(text, max_bytes)
    head = {key: value for key, value in frame.items() if key != "events"}
    budget = max_bytes - len(encode(head).encode("utf-8")) - 16  # ',"events":[' and ']'
    parts: list[list[tuple[int | None, str]]] = [[]]  # per frame: (seq, encoded event)
    size = 0
    for event in frame["events"]:
        piece = encode(event)
        weight = len(piece.encode("utf-8")) + 1
        if parts[-1] and size + weight > budget:
            parts.append([])
            size = 0
        parts[-1].append((event.get("seq"), piece))
        size += weight
    texts = []
    for index, part in enumerate(parts):
        part_head = dict(head)
        seqs = [seq for seq, _ in part if seq is not None]
        if "seq" in head and seqs and index < len(parts) - 1:
            part_head["seq"] = seqs[-1]
        if "complete" in head and index:
            part_head["complete"] = True
        body = ",".join(piece for _, piece in part)
        texts.extend(parts_under(f'{encode(part_head)[:-1]},"events":[{body}]}}', max_bytes))
    return texts


_PART_IDS = itertools.count(1)


def parts_under(text: str, max_bytes: int) -> list[str]:
    """``text`` as is, or, over ``max_bytes``, as ``part`` frames that the client joins before parsing.

    The last resort for what ``frames_under`` cannot cut: one event, a ``welcome`` or an
    ``ack`` that is too big by itself (a show offering dozens of products with long
    Vietnamese names, a moderator's long queue of reports). Without it such a frame was
    refused on the ordinary send path and the socket reset on every reconnect.
    """
    if _fits(text, max_bytes):
        return [text]
    part_id = str(next(_PART_IDS))
    head = len(encode({"v": VERSION, "type": "part", "id": part_id, "last": False, "data": ""}).encode("utf-8"))
    # A character of ``text`` costs at most 4 bytes inside a JSON string (UTF-8; '"' and '\\' take 2).
    size = max(1, (max_bytes - head) // 4)
    pieces = [text[start : start + size] for start in range(0, len(text), size)]
    last = len(pieces) - 1
    return [
        encode({"v": VERSION, "type": "part", "id": part_id, "last": index == last, "data": piece})
        for index, piece in enumerate(pieces)
    ]


def _fits(text: str, max_bytes: int) -> bool:
    return len(text) * 4 <= max_bytes or len(text.encode("utf-8")) <= max_bytes


class Subscriber(Protocol):
    """What a hub needs of a socket (``RoomConsumer`` implements it)."""

    participant: selectors.Participant
    hub_state: HubState

    async def send_raw(self, text: str) -> None: ...
    def write_now(self, wire: bytes) -> bool: ...
    async def close_with(self, code: int) -> None: ...
    def backlog_bytes(self) -> int: ...


class HubState:
    """Per-socket delivery bookkeeping owned by the hub."""

    __slots__ = ("delivered", "held", "replaying", "closing", "unsequenced", "rtc_peers")

    def __init__(self):
        self.delivered = 0
        self.held: list[dict] = []
        self.replaying = True
        self.closing = False
        # Directed and staff frames waiting for a congested (or still joining) socket, by frame type.
        self.unsequenced: dict[str, list[dict]] = {}
        # Camera signalling: the host sockets that offered this one a stream, each with what this
        # socket may still send it ([answers, candidate frames, leaves]; live.video).
        self.rtc_peers: dict[str, list[int]] = {}

    def note_directed(self, frame: dict) -> None:
        """Keep the signalling peers up to date with what this socket is sent (``live.video``)."""
        kind = frame.get("type")
        if kind == "rtc.offer":
            self.rtc_peers.pop(frame["from"], None)
            if len(self.rtc_peers) < RTC_PEERS_PER_SOCKET:
                self.rtc_peers[frame["from"]] = list(RTC_BUDGET_PER_OFFER)
        elif kind == "rtc.leave":
            self.rtc_peers.pop(frame.get("from"), None)


class RoomHub:
    def __init__(self, room_id: int):
        self.room_id = room_id
        self.group = room_group(room_id)
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # set by ``start``
        self.subscribers: set = set()
        self.last_seq = 0  # last event accepted in order (maybe not yet sent)
        self.flushed_seq = 0  # last event written to the sockets
        self.pending: list[dict] = []
        self.early: dict[int, dict] = {}
        self.staff_pending: list[dict] = []
        self.directed_pending: list[tuple[dict, dict]] = []  # (address, frame), see broadcast.to_*
        # Indexes for directed frames (broadcast.to_*), so that addressing one never scans the
        # room: in a sale's opening rush every purchase sends one to its buyer and one to the
        # hosts, and a scan per frame cost 2 x 500 x (every socket) checks in a second.
        self.by_conn: dict[str, object] = {}  # conn id -> socket
        self.by_user: dict[int, set] = {}  # user id -> that user's sockets here
        self.hosts: set = set()  # sockets of the show's hosts
        self.unsequenced_waiting: set = set()  # sockets holding directed or staff frames
        # Inbound frames of the whole room on this process (ROOM_BURST/ROOM_RATE).
        self.inbound = TokenBucket(live_setting("ROOM_BURST"), live_setting("ROOM_RATE"))
        self.reaction_taps: Counter = Counter()  # this tick's taps on this process, to announce
        self.reaction_unsaved: Counter = Counter()  # taps on this process not yet in the database
        self.reaction_delta: Counter = Counter()
        self.reaction_totals: dict[str, int] = {}
        self.presence: dict[str, tuple[int, float]] = {}
        self.simulated: set = set()  # sockets of scripted viewers (practice market): never counted
        self.viewers_sent: int | None = None
        self.presence_published: tuple[int, float] = (-1, 0.0)
        self.gap_since: float | None = None  # when events first arrived ahead of a missing one
        self.last_resync = time.monotonic()
        self.last_sample = 0.0  # when the viewer count was last recorded for analytics
        self.idle_since: float | None = None
        self.stopped = False
        self.layer_down = False  # the channel layer failed: see _ride_out_layer_outage
        self._tasks: list[asyncio.Task] = []
        self._receiving: asyncio.Task | None = None
        self._reaction_flush: asyncio.Task | None = None
        self._catch_up: asyncio.Task | None = None
        self.tick = live_setting("TICK_SECONDS")
        # The room's recent events and state, kept in order in memory so that a join or a
        # resume within the window costs no database read (a join storm must not queue
        # up behind the one thread Channels gives database calls).
        self.recent: deque[dict] = deque(maxlen=live_setting("REPLAY_MAX_EVENTS"))
        self.snapshot: dict | None = None
        self.snapshot_stale = False
        # Changes to the room's state seen (pin, show state ...) and how many of them the
        # snapshot holds: a join while a refresh is still reading gets its state from the
        # database, not a snapshot that misses the change (database calls run in parallel).
        self.snapshot_changes = self.snapshot_holds = 0
        # A fresh viewer's history (the last HISTORY_EVENTS events, ~40 KB of chat), encoded and
        # framed once per sequence number: (upto, [(wire frame, text), ...]). See _history_parts.
        self._history: tuple[int, list[tuple[bytes, str]]] | None = None

    # -- life cycle ---------------------------------------------------------

    async def start(self) -> None:
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        room, snapshot, recent = await room_db(_initial_state)(self.room_id, live_setting("HISTORY_EVENTS"))
        self.last_seq = self.flushed_seq = room.last_seq
        self.reaction_totals = dict(room.reaction_counts or {})
        self.snapshot = snapshot
        self.recent.extend(recent)
        self.loop = asyncio.get_running_loop()
        self._receiving = asyncio.create_task(self._receive_loop(), name=f"live-hub-{self.room_id}-receive")
        self._tasks = [self._receiving, asyncio.create_task(self._tick_loop(), name=f"live-hub-{self.room_id}-tick")]

    async def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        _HUBS.pop(self.room_id, None)
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current and task is not self._receiving:
                task.cancel()
        await self._stop_receiving(self._receiving)
        self.subscribers.clear()
        self.simulated.clear()
        self.by_user.clear()
        self.hosts.clear()
        if self.reaction_unsaved:
            with contextlib.suppress(Exception):
                await room_db(services.reactions_record)(room_id=self.room_id, counts=dict(self.reaction_unsaved))
        if self.channel:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.layer.group_discard(self.group, self.channel), 2)

    async def _stop_receiving(self, task: asyncio.Task | None) -> None:
        """End the receive loop with a message on its own channel; cancel it only if that fails.

        A cancellation that lands inside redis-py's read of ``BZPOPMIN`` is now and then lost
        (redis-py 8.1, channels-redis 4.3: about 1 receive in 100-230 cancelled at a random
        moment never ended, and read on for ever). A hub's receive task then outlived its hub,
        and a test's teardown waited on it (CI, 7 Dec 2026). Asked to stop by a message, the
        receive returns as for any other (0 in 300).
        """
        if task is None or task.done() or task is asyncio.current_task():
            return
        if self.channel and not self.layer_down:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.layer.send(self.channel, {"type": STOP_RECEIVING}), 1)
            await asyncio.wait([task], timeout=2)
        if not task.done():
            task.cancel()

    # -- subscribers --------------------------------------------------------

    @property
    def viewers(self) -> int:
        now = time.monotonic()
        ttl = 3 * live_setting("PRESENCE_HEARTBEAT_SECONDS")
        others = sum(c for ch, (c, seen) in self.presence.items() if ch != self.channel and now - seen < ttl)
        return others + self.local_viewers

    @property
    def local_viewers(self) -> int:
        """This process's sockets in the room, scripted viewers left out."""
        return len(self.subscribers) - len(self.simulated)

    async def attach(self, sub, *, after: int | None) -> None:
        """Welcome a socket, replay what it missed from the database, then go live."""
        state = sub.hub_state = HubState()
        self.subscribers.add(sub)
        if getattr(sub.participant, "simulated", False):
            self.simulated.add(sub)
        conn_id = getattr(sub, "conn_id", None)
        if conn_id is not None:
            self.by_conn[conn_id] = sub
        if sub.participant.user_id is not None:
            self.by_user.setdefault(sub.participant.user_id, set()).add(sub)
        if sub.participant.may_host:
            self.hosts.add(sub)
        self.idle_since = None
        # Replay up to what the sockets have been sent; anything newer is in ``pending``
        # and reaches this socket with the next batch.
        upto = self.flushed_seq
        limit = live_setting("REPLAY_MAX_EVENTS") if after is not None else live_setting("HISTORY_EVENTS")
        from_memory = self._replay_from_memory(after, upto, limit)
        in_memory = from_memory is not None and self.snapshot is not None and self.snapshot_holds == self.snapshot_changes
        if in_memory:
            events, complete = from_memory
            snapshot = dict(self.snapshot)
        else:
            snapshot, events, complete = await room_db(_replay)(self.room_id, after, upto, limit)
        if sub not in self.subscribers:  # left while we read
            return
        await sub.send_raw(encode(await self._welcome(sub, snapshot, upto)))
        replay = {"v": VERSION, "type": "replay", "seq": upto, "complete": complete, "events": events}
        if in_memory and after is None:
            await _write_parts(sub, self._history_parts(upto, replay))
        else:
            await self._send(sub, replay)
        state.delivered = max(upto, after or 0)
        held = [e for e in state.held if e["seq"] > state.delivered]
        state.held = []
        state.replaying = False
        if state.unsequenced:
            self.unsequenced_waiting.add(sub)  # directed frames that came while it joined: next tick
        if held:
            state.delivered = held[-1]["seq"]
            await self._send(sub, {"v": VERSION, "type": "batch", "seq": state.delivered, "events": held})

    def _history_parts(self, upto: int, replay: dict) -> list[tuple[bytes, str]]:
        """A fresh viewer's replay, framed once for every viewer who joins at the same ``upto``.

        Encoding and cutting the last 100 chat messages into frames under 16 KB cost each
        join three JSON encodes of them, a third of a join's time on the event loop in the
        drill's connection storm (py-spy, 7 Dec 2026); a crowd arriving at once asks for the
        very same frames.
        """
        if self._history is None or self._history[0] != upto:
            parts = [(ws_text_frame(text), text) for text in frames_under(replay, live_setting("MAX_FRAME_BYTES"))]
            self._history = (upto, parts)
        return self._history[1]

    async def _welcome(self, sub, snapshot: dict, upto: int) -> dict:
        snapshot.update(seq=upto, viewers=self.viewers, reactions=dict(self.reaction_totals))
        welcome = {"v": VERSION, "type": "welcome", **snapshot, "you": _you(sub)}
        if sub.participant.may_moderate:
            welcome["reports"] = await room_db(selectors.open_reports)(room_id=self.room_id)
        return welcome

    def detach(self, sub) -> None:
        self.subscribers.discard(sub)
        self.simulated.discard(sub)
        self.unsequenced_waiting.discard(sub)
        conn_id = getattr(sub, "conn_id", None)
        if conn_id is not None and self.by_conn.get(conn_id) is sub:
            del self.by_conn[conn_id]
        user_id = sub.participant.user_id
        if user_id is not None and user_id in self.by_user:
            self.by_user[user_id].discard(sub)
            if not self.by_user[user_id]:
                del self.by_user[user_id]
        self.hosts.discard(sub)
        if not self.subscribers:
            self.idle_since = time.monotonic()

    def react(self, kind: str, count: int) -> None:
        self.reaction_taps[kind] += count
        self.reaction_unsaved[kind] += count

    # -- inbound from the channel layer -------------------------------------

    async def _receive_loop(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
                if self.stopped:
                    return  # the hub's own STOP_RECEIVING, or anything after it: see _stop_receiving
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning(
                    "live: room %s lost its channel layer; keeping its sockets on the database", self.room_id, exc_info=True
                )
                await self._ride_out_layer_outage()
                continue
            try:
                self.on_message(message)
            except Exception:
                logger.exception("live: room %s could not handle %r", self.room_id, message.get("type"))

    async def _ride_out_layer_outage(self) -> None:
        """Keep the room's sockets while the channel layer is down, and pick the layer up again.

        Closing every socket (4012, as until 7 Dec 2026) sent the whole room through the
        reconnect back-off at once: on two busy cores most viewers were still outside
        seconds after Redis was back (docs/benchmarks.md). Sequenced events lose nothing
        meanwhile: this process's own reach its hub directly (``broadcast._hand_to_local_hub``)
        and the other processes' are read from the database every ``OUTAGE_RESYNC_SECONDS``
        (the tick loop). What only the layer carries (directed and staff frames, the other
        processes' reactions and viewer counts) is lost, so once the group is joined again
        (a restarted Redis has forgotten it) every socket gets a fresh ``welcome``: the
        clients refresh from it and ask again for their directed state, as after a reconnect.
        """
        self.layer_down = True
        delay, most = OUTAGE_RETRY_SECONDS
        while True:
            await asyncio.sleep(delay)
            try:
                await self.layer.group_add(self.group, self.channel)
                break
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - still down; the next try logs nothing new
                delay = min(2 * delay, most)
        logger.warning("live: room %s has its channel layer again; welcoming its sockets afresh", self.room_id)
        self.layer_down = False
        self.presence_published = (-1, 0.0)  # announce this process's viewers again
        await self._catch_up_from_database(fill=True, refresh_snapshot=True)
        for sub in list(self.subscribers):
            if sub.hub_state.replaying or sub.hub_state.closing or self.snapshot is None:
                continue  # still joining: its own welcome is on the way
            try:
                await self._send(sub, await self._welcome(sub, dict(self.snapshot), self.flushed_seq))
            except Exception:  # noqa: BLE001 - one socket's failure must not stop the others'
                await self._drop(sub)

    def on_message(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "room.presence":
            self.presence[message["process"]] = (int(message["count"]), time.monotonic())
            return
        if kind == "room.events":  # several publishes of one process, in order (``broadcast._Outbox``)
            for event in message["events"]:
                self.on_message(event)
            return
        if kind != "room.event":
            return
        frame = message["frame"]
        if message.get("to"):
            self.directed_pending.append((message["to"], frame))
            return
        if message.get("staff"):
            self.staff_pending.append(frame)
            return
        seq = frame.get("seq")
        if seq is None:
            if frame.get("type") == "reactions":
                for kind, n in frame.get("delta", {}).items():
                    self.reaction_delta[kind] += n
                    self.reaction_totals[kind] = self.reaction_totals.get(kind, 0) + n
            return
        if seq <= self.last_seq:
            return  # already delivered (duplicate or filled from the database)
        if seq == self.last_seq + 1:
            self._accept(frame)
            while self.last_seq + 1 in self.early:
                self._accept(self.early.pop(self.last_seq + 1))
        else:
            self.early[seq] = frame
            if self.gap_since is None:
                self.gap_since = time.monotonic()
            return
        if not self.early:
            self.gap_since = None

    def _accept(self, frame: dict) -> None:
        self.pending.append(frame)
        self.last_seq = frame["seq"]
        self.recent.append(frame)
        kind = frame["type"]
        patched = kind in extensions.snapshot_kinds() and extensions.patch_snapshot(self.snapshot, frame)
        if kind in {"show.state", "pin", "slow_mode"} or (kind in extensions.snapshot_kinds() and not patched):
            self.snapshot_stale = True
            self.snapshot_changes += 1
        elif kind == "chat.deleted":
            for i, old in enumerate(self.recent):
                if old["seq"] == frame["message_seq"] and old["type"] == "chat":
                    self.recent[i] = {**old, "text": "", "deleted": True}
                    self._history = None
                    break

    def _replay_from_memory(self, after: int | None, upto: int, limit: int):
        """(events, complete) for ``seq`` in (after, upto] from ``recent``, or None if it is not all there."""
        start = max(0, upto - limit) if after is None else min(after, upto)
        if upto - start > limit:
            return None
        if upto == start:
            return [], True
        if not self.recent or self.recent[0]["seq"] > start + 1:
            return None
        return [f for f in self.recent if start < f["seq"] <= upto], True

    async def _fill_gap(self) -> None:
        """Read from the database whatever the channel layer has not (yet) brought."""
        db_last = await room_db(
            lambda: Room.objects.filter(pk=self.room_id).values_list("last_seq", flat=True).first() or 0
        )()
        upto = max([db_last, *self.early])
        if upto > self.last_seq:
            frames = await room_db(selectors.events_between)(room_id=self.room_id, after=self.last_seq, upto=upto)
            for frame in frames:
                if frame["seq"] == self.last_seq + 1:
                    self._accept(frame)
        self.early = {s: f for s, f in self.early.items() if s > self.last_seq}
        while self.last_seq + 1 in self.early:
            self._accept(self.early.pop(self.last_seq + 1))
        self.gap_since = time.monotonic() if self.early else None

    # -- outbound, once per tick --------------------------------------------

    async def _tick_loop(self) -> None:
        resync_every = live_setting("RESYNC_SECONDS")
        while True:
            # A full tick of rest after each flush, as the ceiling's ticker does
            # (bench/ceiling_server.py). A quiet room gets its frames every tick; a busy
            # one, whose flushes and inbound frames fill the loop, stretches the period and
            # sends fewer, fuller frames. On a fixed cadence (until 8 Dec 2026) a loop that
            # was 55-60 % busy at 4,000 viewers still sent 7-8 frames a second to each
            # viewer; with the rest it sends ~5, as the ceiling does, and its CPU falls by
            # a quarter (docs/benchmarks.md, "Resting a tick after each flush").
            await asyncio.sleep(self.tick)
            try:
                now = time.monotonic()
                if not self.subscribers:
                    if self.idle_since is not None and now - self.idle_since > IDLE_STOP_SECONDS:
                        await self.stop()
                        return
                    continue
                periodic = now - self.last_resync > (OUTAGE_RESYNC_SECONDS if self.layer_down else resync_every)
                self._flush_reactions(save=periodic)
                if now - self.last_sample >= VIEWER_SAMPLE_SECONDS:
                    self.last_sample = now
                    self._background(room_db(services.viewers_sample)(room_id=self.room_id, viewers=self.viewers))
                await self._publish_presence(now)
                await self._flush()
                # Database reads run beside the ticks, never inside them: Channels gives
                # every database call of the process one thread, and a read queued behind
                # a join storm (measured: up to 480 ms) must not hold back the next flush.
                # An out-of-order arrival usually fills itself within milliseconds: only a
                # gap older than a few ticks is read from the database.
                fill = periodic or (self.gap_since is not None and now - self.gap_since > 3 * self.tick)
                if (fill or self.snapshot_stale) and (self._catch_up is None or self._catch_up.done()):
                    if fill:
                        self.last_resync = now
                    refresh, self.snapshot_stale = self.snapshot_stale, False
                    self._catch_up = self._background(self._catch_up_from_database(fill=fill, refresh_snapshot=refresh))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live: room %s tick failed", self.room_id)

    async def _catch_up_from_database(self, *, fill: bool, refresh_snapshot: bool) -> None:
        """Gap fill and snapshot refresh, one at a time, in the background of the ticks."""
        try:
            if fill:
                await self._fill_gap()
            if refresh_snapshot:
                changes = self.snapshot_changes
                self.snapshot = await room_db(_snapshot)(self.room_id)
                self.snapshot_holds = max(self.snapshot_holds, changes)
        except asyncio.CancelledError:
            raise
        except Exception:
            if refresh_snapshot:
                self.snapshot_stale = True
            logger.exception("live: room %s could not catch up from the database", self.room_id)

    async def _publish_presence(self, now: float) -> None:
        if self.layer_down:
            return  # announced again once the layer is back
        count = self.local_viewers
        last_count, last_at = self.presence_published
        if count == last_count and now - last_at < live_setting("PRESENCE_HEARTBEAT_SECONDS"):
            return
        self.presence_published = (count, now)
        try:
            await self.layer.group_send(self.group, {"type": "room.presence", "process": self.channel, "count": count})
        except Exception:  # noqa: BLE001 - the receive loop notices a dead layer
            logger.warning("live: presence publish failed for room %s", self.room_id)

    def _flush_reactions(self, *, save: bool) -> None:
        """Announce this tick's taps to every process (no database); save them every few seconds."""
        if self.reaction_taps:
            taps, self.reaction_taps = dict(self.reaction_taps), Counter()
            if not self.layer_down:  # no one to tell; still saved below
                self._background(apublish(self.room_id, {"type": "reactions", "delta": taps}))
        if save and self.reaction_unsaved and (self._reaction_flush is None or self._reaction_flush.done()):
            unsaved, self.reaction_unsaved = dict(self.reaction_unsaved), Counter()
            self._reaction_flush = self._background(
                room_db(services.reactions_record)(room_id=self.room_id, counts=unsaved)
            )

    def _background(self, coro) -> asyncio.Task:
        task = asyncio.create_task(coro)
        self._tasks.append(task)
        task.add_done_callback(lambda t: t in self._tasks and self._tasks.remove(t))
        return task

    def _state_events(self, *, force: bool = False) -> list[dict]:
        state = []
        viewers = self.viewers
        if force or viewers != self.viewers_sent:
            self.viewers_sent = viewers
            state.append({"type": "viewers", "count": viewers})
        if self.reaction_delta or force:
            state.append(
                {"type": "reactions", "delta": dict(self.reaction_delta), "totals": dict(self.reaction_totals)}
            )
            self.reaction_delta = Counter()
        return state

    async def _flush(self) -> None:
        events, self.pending = self.pending, []
        if events:
            self.flushed_seq = events[-1]["seq"]
        state = self._state_events()
        staff, self.staff_pending = self.staff_pending, []
        if events or state:
            batch = {"v": VERSION, "type": "batch", "seq": self.flushed_seq, "events": events + state}
            # Written as is to every socket that can take it now (one part unless the tick was huge).
            parts = [(ws_text_frame(text), text) for text in frames_under(batch, live_setting("MAX_FRAME_BYTES"))]
            limit = live_setting("OUTBOUND_BACKLOG_BYTES")
            queue_max = live_setting("OUTBOUND_QUEUE_MAX_EVENTS")
            for sub in list(self.subscribers):
                hs = sub.hub_state
                try:
                    if hs.replaying:
                        hs.held.extend(events)
                        continue
                    if hs.held or sub.backlog_bytes() > limit:
                        await self._deliver_congested(sub, hs, events, limit, queue_max)
                        continue
                    if events and events[0]["seq"] <= hs.delivered:
                        # This socket already has some of these (it resumed from a later sequence).
                        mine = [e for e in events if e["seq"] > hs.delivered] + state
                        hs.delivered = self.flushed_seq
                        if mine:
                            await self._send(
                                sub, {"v": VERSION, "type": "batch", "seq": self.flushed_seq, "events": mine}
                            )
                        continue
                    if events:
                        hs.delivered = self.flushed_seq
                    await _write_parts(sub, parts)
                except Exception:  # noqa: BLE001 - one socket's failure must not stop the tick's fan-out
                    await self._drop(sub)
        if staff:
            for sub in list(self.subscribers):
                if sub.participant.may_moderate:
                    await self._deliver_unsequenced(sub, "staff", staff)
        if self.directed_pending:
            await self._flush_directed()
        for sub in list(self.unsequenced_waiting):
            await self._deliver_unsequenced(sub, None, ())
        for event in events:
            if event["type"] == "user.banned":
                for sub in list(self.subscribers):
                    if sub.participant.user_id == event["user_id"] and not sub.participant.may_moderate:
                        await sub.close_with(CloseCode.FORBIDDEN)
        gc_tuning.collect_between_ticks()  # the loop waits for the next tick anyway

    async def _flush_directed(self) -> None:
        """Frames for some sockets only (a buyer's order outcome, the hosts' order board, signalling)."""
        directed, self.directed_pending = self.directed_pending, []
        per_socket: dict = {}
        for address, frame in directed:
            for sub in self._addressees(address):
                per_socket.setdefault(sub, []).append(frame)
        for sub, frames in per_socket.items():
            for frame in frames:
                sub.hub_state.note_directed(frame)
            await self._deliver_unsequenced(sub, "direct", frames)

    def _addressees(self, address: dict) -> tuple:
        """This process's sockets a directed frame is for, from the indexes."""
        if "conn" in address:
            sub = self.by_conn.get(address["conn"])
            return () if sub is None else (sub,)
        if "user" in address:
            return tuple(self.by_user.get(address["user"], ()))
        if address.get("role") == "hosts":
            return tuple(self.hosts)
        return ()

    async def _deliver_unsequenced(self, sub, kind: str | None, frames) -> None:
        """Directed and staff frames keep the slow-reader rules of the broadcasts.

        A socket that is still joining or whose transport is congested
        (``OUTBOUND_BACKLOG_BYTES``) holds them, in order; past ``OUTBOUND_QUEUE_MAX_EVENTS``
        frames or ``OUTBOUND_BACKLOG_BYTES`` held it is closed with 4408 (what they carry can be
        read again on request after the reconnect). Before this, a host that read slowly made
        the server buffer every viewer's signalling for it without bound.
        """
        hs = sub.hub_state
        if hs.closing:
            self.unsequenced_waiting.discard(sub)
            return
        if kind is not None:
            hs.unsequenced.setdefault(kind, []).extend(frames)
        limit = live_setting("OUTBOUND_BACKLOG_BYTES")
        try:
            if hs.replaying or sub.backlog_bytes() > limit:
                held = sum(len(v) for v in hs.unsequenced.values())
                too_many = held > live_setting("OUTBOUND_QUEUE_MAX_EVENTS")
                if too_many or (kind is not None and _held_bytes(hs.unsequenced) > limit):
                    hs.unsequenced = {}
                    self.unsequenced_waiting.discard(sub)
                    await sub.close_with(CloseCode.TOO_FAR_BEHIND)
                    return
                self.unsequenced_waiting.add(sub)
                return
            self.unsequenced_waiting.discard(sub)
            waiting, hs.unsequenced = hs.unsequenced, {}
            for frame_type, events in waiting.items():
                await self._send(sub, {"v": VERSION, "type": frame_type, "events": events})
        except Exception:  # noqa: BLE001 - one socket's failure must not stop the tick's fan-out
            self.unsequenced_waiting.discard(sub)
            await self._drop(sub)

    async def _deliver_congested(self, sub, hs: HubState, events: list[dict], limit: int, queue_max: int) -> None:
        """Latest-value state is skipped (the next frame carries it); sequenced events wait, bounded."""
        hs.held.extend(events)
        if len(hs.held) > queue_max:
            hs.held = []
            await sub.close_with(CloseCode.TOO_FAR_BEHIND)
            return
        if sub.backlog_bytes() <= limit:
            held, hs.held = hs.held, []
            frame_events = held + [
                {"type": "viewers", "count": self.viewers},
                {"type": "reactions", "delta": {}, "totals": dict(self.reaction_totals)},
            ]
            if held:
                hs.delivered = held[-1]["seq"]
            await self._send(sub, {"v": VERSION, "type": "batch", "seq": self.flushed_seq, "events": frame_events})

    async def _send(self, sub, frame: dict) -> None:
        """One socket's own frame, in parts under the message cap (``frames_under``)."""
        for text in frames_under(frame, live_setting("MAX_FRAME_BYTES")):
            await sub.send_raw(text)

    async def _drop(self, sub) -> None:
        """A socket whose send failed is closed, never left behind silently: it resumes by sequence."""
        logger.warning("live: room %s could not send to a socket; closing it for resume", self.room_id, exc_info=True)
        with contextlib.suppress(Exception):
            await sub.close_with(CloseCode.TOO_FAR_BEHIND)


async def _write_parts(sub, parts: list[tuple[bytes, str]]) -> None:
    """Frames encoded once for many sockets: straight to the transport if it takes them, else the ASGI send."""
    for wire, text in parts:
        if not sub.write_now(wire):
            await sub.send_raw(text)


def _held_bytes(held: dict[str, list[dict]]) -> int:
    return sum(len(encode(frame)) for frames in held.values() for frame in frames)


def _snapshot(room_id: int) -> dict:
    return selectors.room_snapshot(room=Room.objects.select_related("show", "show__host").get(pk=room_id))


def _initial_state(room_id: int, history: int):
    room = Room.objects.select_related("show", "show__host").get(pk=room_id)
    recent = selectors.events_between(room_id=room_id, after=max(0, room.last_seq - history), upto=room.last_seq)
    return room, selectors.room_snapshot(room=room), recent


def _replay(room_id: int, after: int | None, upto: int, limit: int):
    room = Room.objects.select_related("show", "show__host").get(pk=room_id)
    snapshot = selectors.room_snapshot(room=room)
    after_effective = max(0, upto - limit) if after is None or after > upto else after
    complete = upto - after_effective <= limit
    start = max(after_effective, upto - limit)
    events = selectors.events_between(room_id=room_id, after=start, upto=upto)
    if after is None:
        complete = True  # a fresh viewer asked for recent history, not for everything
    return snapshot, events, complete


def _you(sub) -> dict:
    p = sub.participant
    return {
        "user_id": p.user_id,
        "name": p.name,
        "role": p.role,
        "may_chat": p.user_id is not None,
        "may_moderate": p.may_moderate,
        "may_host": p.may_host,
        "conn": getattr(sub, "conn_id", None),
    }


_HUBS: dict[int, RoomHub] = {}
_STARTING: dict[int, asyncio.Future] = {}


def running_hub(room_id: int) -> RoomHub | None:
    """This process's hub of the room if one runs here, without starting one."""
    return _HUBS.get(room_id)


async def hub_for(room_id: int) -> RoomHub:
    """The running hub of a room in this process, started on first use."""
    hub = _HUBS.get(room_id)
    if hub is not None and not hub.stopped:
        return hub
    starting = _STARTING.get(room_id)
    if starting is not None:
        return await asyncio.shield(starting)
    future = asyncio.get_running_loop().create_future()
    _STARTING[room_id] = future
    try:
        hub = RoomHub(room_id)
        await hub.start()
        _HUBS[room_id] = hub
        future.set_result(hub)
        return hub
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()  # mark retrieved
        raise
    finally:
        _STARTING.pop(room_id, None)


async def hubs_stop_all() -> None:
    """Used by tests between event loops."""
    for hub in list(_HUBS.values()):
        await hub.stop()
    _HUBS.clear()
