"""Frames the hub sends, cut into parts that daphne's 16 KB message cap lets through (``live.hub.frames_under``)."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from live.hub import encode, frames_under, parts_under


def _chat(seq: int, text: str) -> dict:
    return {"type": "chat", "seq": seq, "at": "2026-12-04T20:00:00+07:00", "text": text, "user_id": 7, "name": "Lan", "role": "viewer"}


def _replay(events, *, upto, complete):
    return {"v": 1, "type": "replay", "seq": upto, "complete": complete, "events": events}


def test_a_frame_under_the_cap_is_sent_as_it_always_was():
    frame = _replay([_chat(1, "chốt B01 2"), _chat(2, "Bưởi ngọt không shop?")], upto=3, complete=True)
    assert frames_under(frame, 16384) == [encode(frame)]


def test_an_empty_replay_still_says_where_the_room_is():
    frame = _replay([], upto=42, complete=True)
    assert frames_under(frame, 16384) == [encode(frame)]


def test_a_long_replay_is_cut_under_the_cap_in_order_with_nothing_missing():
    events = [_chat(seq, f"{seq} " + "Bưởi đỏ Đông Cao ngọt lắm " * 8) for seq in range(101, 201)]
    parts = frames_under(_replay(events, upto=203, complete=False), 16384)
    decoded = [json.loads(part) for part in parts]
    assert len(parts) >= 3
    assert all(len(part.encode("utf-8")) <= 16384 for part in parts)
    assert {part["type"] for part in decoded} == {"replay"}
    assert [e for part in decoded for e in part["events"]] == events
    # Older events were cut: said once, on the first part; each part's seq is its last event, the last part's the room's.
    assert [part["complete"] for part in decoded] == [False] + [True] * (len(parts) - 1)
    assert [part["seq"] for part in decoded[:-1]] == [part["events"][-1]["seq"] for part in decoded[:-1]]
    assert decoded[-1]["seq"] == 203


def test_a_batch_keeps_its_state_events_and_a_directed_frame_needs_no_seq():
    events = [_chat(seq, "x" * 900) for seq in range(1, 6)] + [{"type": "viewers", "count": 1200}]
    batch = [json.loads(part) for part in frames_under({"v": 1, "type": "batch", "seq": 5, "events": events}, 2048)]
    assert [e for part in batch for e in part["events"]] == events
    assert batch[-1]["seq"] == 5 and "complete" not in batch[0]
    direct = [json.loads(part) for part in frames_under({"v": 1, "type": "direct", "events": events}, 2048)]
    assert [e for part in direct for e in part["events"]] == events
    assert all(set(part) == {"v", "type", "events"} for part in direct)


def _joined(texts: list[str]) -> str:
    """What the client does with ``part`` frames: join the data of each id, in order."""
    frames = [json.loads(text) for text in texts]
    assert {frame["type"] for frame in frames} == {"part"}
    assert len({frame["id"] for frame in frames}) == 1
    assert [frame["last"] for frame in frames] == [False] * (len(frames) - 1) + [True]
    return "".join(frame["data"] for frame in frames)


def test_a_welcome_over_the_cap_comes_in_parts_that_join_into_the_same_frame():
    offers = [{"id": n, "code": f"L{n:02d}", "name": f'Bưởi đỏ "Đông Cao" hộp quà Tết {n} quả 🎁 \\ ' * 3} for n in range(60)]
    welcome = {"v": 1, "type": "welcome", "seq": 7, "selling": {"offers": offers}}
    parts = parts_under(encode(welcome), 4096)
    assert len(parts) > 1
    assert all(len(part.encode("utf-8")) <= 4096 for part in parts)
    assert json.loads(_joined(parts)) == welcome
    # frames_under gives the same for a frame it cannot cut by events
    assert json.loads(_joined(frames_under(welcome, 4096))) == welcome


def test_each_oversized_frame_gets_its_own_part_id_and_a_small_one_is_left_alone():
    text = encode({"v": 1, "type": "ack", "ref": "r", "offers": ["x" * 100] * 100})
    first, second = parts_under(text, 2048), parts_under(text, 2048)
    assert json.loads(first[0])["id"] != json.loads(second[0])["id"]
    assert parts_under('{"v":1,"type":"pong"}', 2048) == ['{"v":1,"type":"pong"}']


def test_one_event_bigger_than_the_cap_comes_in_parts_between_the_others():
    huge = _chat(2, "Bưởi đỏ " * 2000)
    texts = frames_under(_replay([_chat(1, "a"), huge, _chat(3, "b")], upto=3, complete=True), 4096)
    assert all(len(text.encode("utf-8")) <= 4096 for text in texts)
    first, last = json.loads(texts[0]), json.loads(texts[-1])
    assert [e["seq"] for e in first["events"]] == [1] and [e["seq"] for e in last["events"]] == [3]
    assert json.loads(_joined(texts[1:-1]))["events"] == [huge]


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=1, max_size=3000), max_bytes=st.integers(min_value=256, max_value=4096))
def test_any_text_joins_back_whole_from_parts_under_the_cap(text, max_bytes):
    text = encode({"v": 1, "type": "chat", "text": text})
    parts = parts_under(text, max_bytes)
    assert all(len(part.encode("utf-8")) <= max_bytes for part in parts)
    assert (parts == [text]) if len(text.encode("utf-8")) <= max_bytes else _joined(parts) == text
