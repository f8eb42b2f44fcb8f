"""Fixtures for the selling service tests (the stall and the show are in tests/conftest.py)."""

import pytest


@pytest.fixture
def published(monkeypatch):
    """Every publish made after commit, as (room_id, frame, to)."""
    from live import broadcast

    sent = []
    monkeypatch.setattr(broadcast, "publish", lambda room_id, frame, *, staff_only=False, to=None: sent.append((room_id, frame, to)))
    return sent


@pytest.fixture
def as_participant():
    """``as_participant(user, "host")``: the room identity a socket would have."""
    from live.selectors import Participant

    def _make(user, role="viewer"):
        return Participant(user_id=user.pk, name=user.get_full_name(), role=role)

    return _make
