"""The scripted audience's player against a real daphne, over the live protocol.

A 50-beat scenario played at 20× by 20 simulated viewers: every comment reaches the room
once and in the script's order, the chốt comments become the simulated buyers' intents in
the practice room, and the host can accept one (a sandbox order); a flash-sale beat buys
through ``sale.buy``. A player whose sockets
are all cut mid-scenario reconnects with ``?after=`` and finishes without a comment lost
or doubled.
"""

import asyncio
import contextlib
import json
import uuid
from datetime import timedelta

import pytest
import websockets
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from live.models import RoomEvent
from live.selectors import participant_for
from live.services import show_start
from orders.models import Order
from practice_market import scenarios
from practice_market.models import ScenarioRun
from practice_market.player import play_run
from selling.analytics import show_analytics
from selling.models import FlashSale, OrderIntent, ShowOffer
from tests.live.servers import free_port, start_daphne, stop
from tests.practice_market.test_scenarios import make_practice_show, make_scenario
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _script_beats(count: int, personas: int) -> list[dict]:
    """``count`` beats two seconds apart; every fifth a chốt đơn by a persona who has not ordered yet."""
    beats, orders = [], 0
    for i in range(count):
        if i % 5 == 4:
            code = "{code}" if orders % 2 == 0 else "{code2}"
            who, action, text, expect = f"p{orders % personas}", "order", f"chot {code} {orders + 1}", "accept"
            orders += 1
        else:
            who, action, text, expect = f"p{i % personas}", "comment", f"Câu {i}: {{name}} còn hàng không ạ?", "answer"
        beats.append(
            {
                "at_seconds": 2 * i,
                "persona_key": who,
                "action": action,
                "text": text,
                "expect": expect,
                "expect_within_seconds": 60,
            }
        )
    return beats


def _setup(vendor_user, stall, *, beats: int, personas: int, viewers: int, speed: float, sale: bool = False):
    vendor, products = stall
    practice = make_practice_show(vendor_user, vendor, [products["B01"], products["B02"]])
    show_start(room_id=practice.show.room.pk, actor=participant_for(user=vendor_user, show=practice.show))
    script = _script_beats(beats, personas)
    if sale:  # the host's flash sale is open; a persona buys two at the end of the script
        now = timezone.now()
        FlashSale.objects.create(
            offer=ShowOffer.objects.get(show=practice.show, product=products["B01"]),
            sale_price=99_000,
            quantity=20,
            per_buyer_cap=5,
            countdown_seconds=10,
            duration_seconds=600,
            opens_at=now - timedelta(seconds=1),
            closes_at=now + timedelta(minutes=10),
        )
        script.append(
            {
                "at_seconds": 2 * beats,
                "persona_key": "p0",
                "action": "sale_buy",
                "text": "2",
                "expect": "accept",
                "expect_within_seconds": 120,
            }
        )
    scenario = make_scenario(
        personas=[(f"p{n}", f"Khách {n}", "asks_price") for n in range(personas)],
        beats=script,
        percent=30,
        duration=2 * beats,
    )
    run = scenarios.scenario_run_start(
        practice_show=practice, scenario=scenario, actor=vendor_user, speed=speed, viewers=viewers, enqueue=False
    )
    client = Client()
    client.force_login(vendor_user)
    return run, practice.show, f"sessionid={client.cookies['sessionid'].value}"


class Host:
    """The host's own socket (a browser's, from the protocol): what the room shows, and the order board."""

    def __init__(self, port, room_id, cookie):
        self.url = f"ws://127.0.0.1:{port}/ws/rooms/{room_id}/"
        self.origin = f"http://127.0.0.1:{port}"
        self.cookie = cookie
        self.chats: list[dict] = []
        self.viewer_counts: list[int] = []
        self.intents: dict[int, dict] = {}
        self.acks: dict[str, dict] = {}
        self.ready = asyncio.Event()

    async def run(self):
        async with websockets.connect(
            self.url, origin=self.origin, additional_headers={"Cookie": self.cookie}, proxy=None
        ) as ws:
            self.ws = ws
            async for raw in ws:
                frame = json.loads(raw)
                if frame["type"] == "welcome":
                    self.viewer_counts.append(frame["viewers"])
                if frame["type"] == "replay":
                    self.ready.set()
                for event in frame.get("events", []):
                    if event.get("type") == "chat":
                        self.chats.append(event)
                    elif event.get("type") == "viewers":
                        self.viewer_counts.append(event["count"])
                    elif event.get("type") == "intent":
                        self.intents[event["id"]] = event
                if frame["type"] in ("ack", "error") and frame.get("ref"):
                    self.acks[frame["ref"]] = frame

    async def confirm(self, intent_id):
        ref = uuid.uuid4().hex[:12]
        await self.ws.send(
            json.dumps(
                {"v": 1, "type": "board.confirm", "intent_id": intent_id, "key": f"xacnhan-{intent_id}", "ref": ref}
            )
        )
        for _ in range(100):
            if ref in self.acks:
                return self.acks[ref]
            await asyncio.sleep(0.05)
        raise AssertionError("board.confirm never answered")


@contextlib.asynccontextmanager
async def _daphne_and_host(show, cookie):
    port = free_port()
    server = start_daphne(port)
    host = Host(port, show.room.pk, cookie)
    task = asyncio.create_task(host.run())
    try:
        await asyncio.wait_for(host.ready.wait(), 10)
        yield port, host
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        stop(server)


def _room_chats(room_id):
    return list(RoomEvent.objects.filter(room_id=room_id, kind="chat").order_by("seq").values_list("seq", "payload"))


async def test_fifty_beats_by_twenty_viewers_arrive_in_order_and_the_orders_become_intents(vendor_user, stall):
    run, show, cookie = await database_sync_to_async(_setup)(
        vendor_user, stall, beats=50, personas=10, viewers=20, speed=20, sale=True
    )
    script = [b for b in run.script if b["action"] != "sale_buy"]
    async with _daphne_and_host(show, cookie) as (port, host):
        stats = await play_run(run.pk, base_url=f"http://127.0.0.1:{port}")
        expected = [b["text"] for b in script]
        await wait_until(lambda: len(host.chats) >= len(expected), timeout=10)
        # what the host's screen showed: every comment once, in the script's order, by its persona
        assert [c["text"] for c in host.chats] == expected
        assert [c["user_id"] for c in host.chats] == [b["user_id"] for b in script]
        assert stats.opened == 20 and stats.comments_acked == 50 and not stats.refusals.get("muted")
        assert [b["outcome"] for b in stats.beats] == ["ok"] * 51
        assert stats.buys == 1  # the flash-sale beat bought through sale.buy

        # the ten chốt comments are ten pending intents of the simulated buyers, in the practice room
        orders = [b for b in script if b["action"] == "order"]
        intents = await database_sync_to_async(
            lambda: list(
                OrderIntent.objects.filter(show=show, source="chat").order_by("chat_seq").select_related("buyer")
            )
        )()
        bought = await database_sync_to_async(
            lambda: list(OrderIntent.objects.filter(show=show, source="flash_sale"))
        )()
        assert [(i.buyer_id, i.quantity, i.unit_price) for i in bought] == [(run.script[-1]["user_id"], 2, 99_000)]
        assert [(i.buyer_id, i.product_code, i.quantity) for i in intents] == [
            (b["user_id"], b["product_code"], b["quantity"]) for b in orders
        ]
        assert all(i.buyer.is_simulated and i.source == "chat" and i.status == "pending" for i in intents)
        # the host accepts one: a sandbox order, delivered to the simulated buyer's address
        await wait_until(lambda: intents[0].pk in host.intents, timeout=10)
        ack = await host.confirm(intents[0].pk)
        assert ack["type"] == "ack", ack
        order = await database_sync_to_async(lambda: Order.objects.get(intent__pk=intents[0].pk))()
        assert order.sandbox
        # simulated viewers never count: the room showed the host alone, the analytics count no buyer
        assert host.viewer_counts and max(host.viewer_counts) == 1
        figures = await database_sync_to_async(show_analytics)(show)
        assert (figures.intents, figures.buyers) == (11, 0)

    chats = await database_sync_to_async(_room_chats)(show.room.pk)
    assert [p["text"] for _seq, p in chats] == expected
    run = await database_sync_to_async(ScenarioRun.objects.get)(pk=run.pk)
    assert (run.state, run.beats_done) == (ScenarioRun.State.FINISHED, 51)
    assert run.first_seq is not None and chats[0][0] >= run.first_seq
    # its sessions are gone: the simulated accounts cannot come back with them
    from django.contrib.sessions.models import Session

    assert await database_sync_to_async(Session.objects.count)() <= 1  # the host's own


async def test_a_player_that_loses_its_sockets_mid_scenario_resumes(vendor_user, stall):
    run, show, cookie = await database_sync_to_async(_setup)(
        vendor_user, stall, beats=20, personas=5, viewers=10, speed=20
    )
    expected = [b["text"] for b in run.script]
    cut = []

    def on_player(player):
        async def cut_after_eight():
            await wait_until(lambda: len(player.stats.beats) >= 8, timeout=30)
            for viewer in player.viewers.values():
                viewer.abort()  # the network goes: no close frame
            cut.append(len(player.stats.beats))

        cut.append(asyncio.create_task(cut_after_eight()))

    async with _daphne_and_host(show, cookie) as (port, host):
        stats = await play_run(run.pk, base_url=f"http://127.0.0.1:{port}", on_player=on_player)
        await wait_until(lambda: len(host.chats) >= len(expected), timeout=10)
        assert [c["text"] for c in host.chats] == expected
    assert 8 <= cut[1] < 20  # the sockets were cut mid-scenario
    assert stats.reconnects >= 10 and stats.opened >= 20  # every viewer came back
    assert [b["outcome"] for b in stats.beats] == ["ok"] * 20
    chats = await database_sync_to_async(_room_chats)(show.room.pk)
    assert [p["text"] for _seq, p in chats] == expected  # none lost, none twice
    run = await database_sync_to_async(ScenarioRun.objects.get)(pk=run.pk)
    assert (run.state, run.beats_done) == (ScenarioRun.State.FINISHED, 20)
