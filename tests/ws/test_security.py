"""The room socket under the attacks of issue 14: forged addresses, spread floods, handshake storms, reconnects."""

import asyncio

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PROXY = ("127.0.0.1", 40000)  # every socket reaches daphne through the local reverse proxy


def _forwarded(value: str):
    return [(b"x-forwarded-for", value.encode())]


async def test_behind_the_proxy_the_per_address_cap_counts_the_forwarded_client_not_a_forged_one(
    live_show, connect, settings
):
    """Hole 2: with --proxy-headers daphne trusted the leftmost X-Forwarded-For, which the client writes."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LIVE = {**settings.LIVE, "MAX_CONNECTIONS_PER_ADDRESS": 3}
    # One machine forging a fresh left-hand address for every socket (as daphne's --proxy-headers
    # would have put in the scope's client): its own address is what the proxy appended.
    kept = []
    for i in range(4):
        sock = await connect(live_show.room, client=(f"6.6.6.{i}", 1), expect_welcome=False, headers=_forwarded(f"6.6.6.{i}, 198.51.100.9"))
        kept.append(sock.connected and (await sock.recv())["type"] == "welcome")
    assert kept == [True, True, True, False]  # the fourth: refused at the handshake, the address is full
    # Another viewer behind the same proxy is its own address, not the proxy's.
    other = await connect(live_show.room, client=PROXY, headers=_forwarded("203.0.113.5"))
    assert other.welcome["type"] == "welcome"


async def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(live_show, connect, settings):
    settings.LIVE = {**settings.LIVE, "MAX_CONNECTIONS_PER_ADDRESS": 2}
    for i in range(2):
        await connect(live_show.room, client=("198.51.100.20", 1), headers=_forwarded(f"1.2.3.{i}"))
    third = await connect(live_show.room, client=("198.51.100.20", 1), expect_welcome=False, headers=_forwarded("1.2.3.9"))
    assert third.connected is False  # the address (not the forged header) is full: refused at the handshake


async def _ping_flood(sock, per_second: float, seconds: float):
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        try:
            await sock.send(type="ping")
        except Exception:  # noqa: BLE001 - closed by the server: the flood is over for this one
            return
        await asyncio.sleep(1 / per_second)


async def _closed_code(sock, timeout):
    try:
        return await sock.closed_with(timeout=timeout)
    except (AssertionError, TimeoutError):
        return None


async def test_a_flood_spread_over_sockets_of_one_address_is_closed_while_others_chat(
    live_show, connect, settings, buyer_user, vendor_user
):
    """Hole 3: each socket stays under its own 10 frames/s; together they are one address's flood."""
    settings.LIVE = {**settings.LIVE, "ADDRESS_BURST": 20, "ADDRESS_RATE": 10.0}
    host = await connect(live_show.room, vendor_user, client=("203.0.113.1", 1))
    buyer = await connect(live_show.room, buyer_user, client=("203.0.113.2", 1))
    flooders = [await connect(live_show.room, client=("198.51.100.66", 1000 + i)) for i in range(6)]
    floods = [asyncio.create_task(_ping_flood(sock, 8, 4.0)) for sock in flooders]
    await asyncio.sleep(0.5)
    await buyer.send(type="chat.send", text="Còn bưởi không ạ?", ref="q")
    assert (await host.wait_type("chat", text="Còn bưởi không ạ?"))["seq"]
    codes = await asyncio.gather(*[_closed_code(sock, 4.0) for sock in flooders])
    for task in floods:
        task.cancel()
    assert codes.count(4429) >= 4, codes  # 48 frames/s from one address against a budget of 10/s
    # The legitimate viewers never hit a limit.
    assert not [f for f in buyer.seen + host.seen if f.get("code") == "rate_limited"]


async def test_the_rooms_inbound_budget_refuses_a_flood_from_many_addresses(live_show, connect, settings, vendor_user):
    settings.LIVE = {**settings.LIVE, "ROOM_BURST": 30, "ROOM_RATE": 20.0}
    flooders = [await connect(live_show.room, client=(f"198.51.100.{i}", 1)) for i in range(1, 9)]
    floods = [asyncio.create_task(_ping_flood(sock, 8, 4.0)) for sock in flooders]
    codes = await asyncio.gather(*[_closed_code(sock, 4.5) for sock in flooders])
    for task in floods:
        task.cancel()
    assert codes.count(4429) >= 3, codes  # 64 frames/s into a room that takes 20/s
    told = [f for sock in flooders for f in sock.seen if f.get("code") == "rate_limited"]
    assert told


async def test_handshakes_per_address_are_limited_before_any_database_work(live_show, connect, settings):
    settings.LIVE = {**settings.LIVE, "HANDSHAKE_BURST": 5, "HANDSHAKE_RATE": 1.0}
    results = []
    for _ in range(8):
        sock = await connect(live_show.room, client=("198.51.100.30", 1), expect_welcome=False)
        results.append(sock.connected)
    assert results[:5] == [True] * 5
    assert results[5:].count(False) >= 2
    elsewhere = await connect(live_show.room, client=("198.51.100.31", 1))
    assert elsewhere.welcome["type"] == "welcome"


async def test_an_address_closed_for_flooding_waits_before_its_next_socket(live_show, connect, settings):
    settings.LIVE = {**settings.LIVE, "VIOLATIONS_BEFORE_CLOSE": 3, "BACKOFF_SECONDS": 0.8}
    flooder = await connect(live_show.room, client=("198.51.100.40", 1))
    for _ in range(3):
        await flooder.send_text("x" * 20_000)
    assert await flooder.closed_with() == 4413
    again = await connect(live_show.room, client=("198.51.100.40", 2), expect_welcome=False)
    assert again.connected is False  # refused at the handshake
    neighbour = await connect(live_show.room, client=("198.51.100.41", 1))
    assert neighbour.welcome["type"] == "welcome"
    await asyncio.sleep(0.9)
    later = await connect(live_show.room, client=("198.51.100.40", 3))
    assert later.welcome["type"] == "welcome"
    # A second offence within ten minutes costs twice as long.
    for _ in range(3):
        await later.send_text("x" * 20_000)
    assert await later.closed_with() == 4413
    await asyncio.sleep(0.9)
    assert (await connect(live_show.room, client=("198.51.100.40", 4), expect_welcome=False)).connected is False


async def test_when_one_socket_is_closed_for_a_spread_flood_its_address_refused_sockets_go_with_it(
    live_show, connect, settings, buyer_user
):
    """The drill's ping flood: closed one by one at their own tenth refusal, the last took 6 s.

    A socket of the same address that only watches stays; the others are told in their own language.
    """
    settings.LIVE = {**settings.LIVE, "ADDRESS_BURST": 10, "ADDRESS_RATE": 5.0}
    flooding = ("198.51.100.70", 1)
    heavy = [await connect(live_show.room, client=flooding) for _ in range(3)]
    light = await connect(live_show.room, client=flooding, headers=[(b"accept-language", b"en")])
    watcher = await connect(live_show.room, client=flooding)
    buyer = await connect(live_show.room, buyer_user, client=("203.0.113.7", 1))
    loop = asyncio.get_running_loop()
    started = loop.time()
    floods = [asyncio.create_task(_ping_flood(sock, 9, 8.0)) for sock in heavy]
    floods.append(asyncio.create_task(_ping_flood(light, 1.5, 8.0)))  # alone, ten refusals would take ~7 s
    heavy_codes = await asyncio.gather(*[_closed_code(sock, 4.0) for sock in heavy])
    light_code = await _closed_code(light, 1.0)
    light_after = loop.time() - started
    for task in floods:
        task.cancel()
    assert heavy_codes.count(4429) >= 1, heavy_codes
    assert light_code == 4429 and light_after < 4.0, (light_code, light_after)
    assert "You are sending too fast" in [f for f in light.seen if f.get("code") == "rate_limited"][-1]["message"]
    # The neighbour who only watches is still in the room and still hears it.
    await buyer.send(type="chat.send", text="Bưởi còn không?", ref="q")
    assert (await watcher.wait_type("chat", text="Bưởi còn không?"))["seq"]


async def test_an_address_whose_sockets_are_refused_thirty_times_together_is_closed_though_none_is_refused_ten(
    live_show, connect, settings
):
    settings.LIVE = {**settings.LIVE, "ADDRESS_BURST": 5, "ADDRESS_RATE": 0.5}
    flooders = [await connect(live_show.room, client=("198.51.100.80", 1)) for _ in range(8)]
    for _ in range(5):  # 40 frames against a budget of 5: 35 refused, no socket more than 5 times
        for sock in flooders:
            await sock.send(type="ping")
    codes = await asyncio.gather(*[_closed_code(sock, 2.0) for sock in flooders])
    assert codes == [4429] * 8
    again = await connect(live_show.room, client=("198.51.100.80", 2), expect_welcome=False)
    assert again.connected is False  # the address waits out its back-off


async def test_a_crowd_behind_one_address_refused_only_by_the_rooms_budget_stays_in_the_room(
    live_show, connect, settings
):
    """Someone else's flood fills the room's budget: the crowd's refusals are no flood of its own."""
    settings.LIVE = {**settings.LIVE, "ROOM_BURST": 10, "ROOM_RATE": 0.5}
    crowd = [await connect(live_show.room, client=("198.51.100.90", 1)) for _ in range(8)]
    for _ in range(5):  # 40 frames, within the address's budget; 30 refused by the room's
        for sock in crowd:
            await sock.send(type="ping")
    codes = await asyncio.gather(*[_closed_code(sock, 1.0) for sock in crowd])
    assert codes == [None] * 8
    assert [f for sock in crowd for f in sock.seen if f.get("code") == "rate_limited"]  # they were told
