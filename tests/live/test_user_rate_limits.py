"""Per-user windows (``live.limits.user_rate_allow``): what a chatting user runs into.

The same tests run on the local-memory cache (``make test``) and on Redis (the second
pass of ``.ci/run``), where every window of an action is counted in one round trip.
"""

from uuid import uuid4

import pytest

from live import limits
from live.limits import user_rate_allow


@pytest.fixture(autouse=True)
def _mid_window(monkeypatch):
    """One instant for the whole test: calls that straddled a window's edge would start a new count."""
    now = 1_800_000_030.0  # 30 s into a minute, an hour and its 5-second window
    monkeypatch.setattr(limits.time, "time", lambda: now)


def test_the_action_past_a_window_is_refused_and_the_next_user_is_not():
    scope, rules = f"chat:{uuid4()}", [(3, 60), (100, 3600)]
    assert [user_rate_allow(scope, rules) for _ in range(5)] == [True, True, True, False, False]
    assert user_rate_allow(f"chat:{uuid4()}", rules)


def test_every_window_counts_the_action():
    scope, rules = f"chat:{uuid4()}", [(100, 60), (2, 3600)]
    assert [user_rate_allow(scope, rules) for _ in range(3)] == [True, True, False]


def test_a_new_window_starts_a_new_count(monkeypatch):
    scope, rules = f"chat:{uuid4()}", [(1, 60)]
    assert [user_rate_allow(scope, rules) for _ in range(2)] == [True, False]
    monkeypatch.setattr(limits.time, "time", lambda: 1_800_000_090.0)  # the next minute
    assert user_rate_allow(scope, rules)
