"""Frames the hub sends, cut into parts that daphne's 16 KB message cap lets through (``live.hub.frames_under``)."""

import json

from live.hub import encode, frames_under


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


def test_an_event_bigger_than_the_cap_goes_alone_rather_than_blocking_the_room():
    huge = _chat(2, "x" * 5000)
    parts = [json.loads(part) for part in frames_under(_replay([_chat(1, "a"), huge, _chat(3, "b")], upto=3, complete=True), 4096)]
    assert [[e["seq"] for e in part["events"]] for part in parts] == [[1], [2], [3]]
    assert parts[1]["events"][0] == huge
