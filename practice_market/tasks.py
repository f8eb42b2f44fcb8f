"""The scripted audience's player as a task of the worker (``manage.py run_worker``).

``scenario_run_start`` queues :func:`scenario_run_play` after commit; the worker plays the
run into its room over the live protocol (``practice_market.player``), as a separate
client of the site at ``settings.PRACTICE_PLAYER_URL`` (the site's own address by default):
never a shortcut into the room's tables. A worker plays one run at a time, for as long
as the script lasts at its speed (a 5-minute scenario at 1× keeps it 5 minutes): run one
more worker per scenario expected to play at the same time. A worker killed mid-run
leaves the run "running"; the host stops it from the console.
"""

from __future__ import annotations

import asyncio
import logging

from django.conf import settings
from django_tasks import task

logger = logging.getLogger(__name__)


def player_base_url() -> str:
    """Where the player connects: ``PRACTICE_PLAYER_URL``, else the site's own address."""
    return getattr(settings, "PRACTICE_PLAYER_URL", "") or settings.WAGTAILADMIN_BASE_URL


@task
def scenario_run_play(*, run_id: int) -> dict:
    """Play one queued ``ScenarioRun``; a summary (beats played, comments, refusals)."""
    from practice_market.player import play_run

    stats = asyncio.run(play_run(run_id, base_url=player_base_url()))
    summary = {
        "beats": len(stats.beats),
        "comments_acked": stats.comments_acked,
        "buys": stats.buys,
        "reconnects": stats.reconnects,
        "refusals": dict(stats.refusals),
    }
    logger.info("practice player: run %s played: %s", run_id, summary)
    return summary
