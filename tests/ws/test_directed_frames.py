"""Frames for some sockets only (a buyer's order outcome, the hosts' board): the right sockets, and only them."""

import asyncio

from live.broadcast import TO_HOSTS, apublish, to_conn, to_user


async def _directed(sock):
    """The notes of the next ``direct`` frame this socket receives."""
    frame = await sock.wait_type("direct", timeout=2.0)
    return [event["note"] for event in frame["events"]]


async def _next_directed_is_its_own(room_id, sock) -> bool:
    """Send ``sock`` a frame of its own: True when that is the first directed frame it gets (none came before)."""
    await apublish(room_id, {"type": "ping", "note": "chỉ cho bạn"}, to=to_conn(sock.welcome["you"]["conn"]))
    return await _directed(sock) == ["chỉ cho bạn"]


async def test_a_users_frames_reach_each_of_their_sockets_and_the_hosts_frames_the_hosts(
    live_show, connect, buyer_user, vendor_user
):
    room_id = live_show.room.pk
    phone = await connect(live_show.room, buyer_user, client=("10.0.0.2", 5000))
    laptop = await connect(live_show.room, buyer_user, client=("10.0.0.3", 5000))
    host = await connect(live_show.room, vendor_user, client=("10.0.0.4", 5000))
    stranger = await connect(live_show.room, client=("10.0.0.5", 5000))

    await apublish(room_id, {"type": "intent", "note": "đơn của bạn"}, to=to_user(buyer_user.pk))
    await apublish(room_id, {"type": "board", "note": "bảng đơn"}, to=TO_HOSTS)
    assert await _directed(phone) == ["đơn của bạn"]
    assert await _directed(laptop) == ["đơn của bạn"]
    assert await _directed(host) == ["bảng đơn"]
    assert await _next_directed_is_its_own(room_id, stranger)

    # The phone leaves: the buyer's next frame goes to the laptop alone, and the host, gone
    # too, gets nothing more.
    await phone.close()
    await host.close()
    await asyncio.sleep(0.1)
    await apublish(room_id, {"type": "intent", "note": "đã giao"}, to=to_user(buyer_user.pk))
    await apublish(room_id, {"type": "board", "note": "bảng mới"}, to=TO_HOSTS)
    assert await _directed(laptop) == ["đã giao"]
    assert await _next_directed_is_its_own(room_id, stranger)
