"""`manage.py practice_play SCENARIO --room N --viewers 500 --speed 4`: the scripted audience from the command line.

Starts a run of SCENARIO (its id, or a word of its title) in practice room N, as that
show's host would from the console, and plays it in this process, over the live protocol,
against the site at ``--url`` (``PRACTICE_PLAYER_URL`` by default). The same player is a
load generator: it prints, every few seconds and at the end, the viewers it holds (sockets
welcomed and open), the comments per second the room acknowledged, and its own CPU
(user + system time over wall time, % of one core). ``--chatter 20`` adds 20 comments a
second from the watchers; ``--hold 30`` keeps the audience 30 s after the last beat.
"""

from __future__ import annotations

import asyncio
import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from config.errors import ApplicationError
from practice_market.models import PracticeShow, Scenario
from practice_market.player import Player, cpu_seconds, play_run
from practice_market.scenarios import scenario_run_start
from practice_market.tasks import player_base_url


class Meter:
    """What the load generator prints: viewers held, comments/s, its own CPU."""

    def __init__(self, out, every: float = 5.0):
        self.out = out
        self.every = every
        self.t0 = self.last_at = time.monotonic()
        self.cpu0 = self.last_cpu = cpu_seconds()
        self.last_acked = 0
        self.peak_held = 0
        self.first_beat_at: float | None = None

    def __call__(self, player: Player) -> None:
        now = time.monotonic()
        self.peak_held = max(self.peak_held, player.held)
        if self.first_beat_at is None and player.stats.beats:
            self.first_beat_at = now
        if now - self.last_at < self.every:
            return
        cpu = cpu_seconds()
        acked = player.stats.comments_acked
        self.out.write(
            f"[{now - self.t0:6.1f}s] viewers held {player.held}/{len(player.viewers)} · "
            f"comments/s {(acked - self.last_acked) / (now - self.last_at):5.1f} · "
            f"beats {len(player.stats.beats)}/{len(player.script)} · "
            f"CPU {100 * (cpu - self.last_cpu) / (now - self.last_at):5.1f} %"
        )
        self.last_at, self.last_cpu, self.last_acked = now, cpu, acked

    def summary(self, player: Player) -> str:
        wall = time.monotonic() - self.t0
        cpu = cpu_seconds() - self.cpu0
        playing = time.monotonic() - (self.first_beat_at or self.t0)
        s = player.stats
        refusals = ", ".join(f"{k} {v}" for k, v in sorted(s.refusals.items())) or "none"
        return (
            f"viewers held: {self.peak_held} of {len(player.viewers)} (peak) · handshakes refused {s.refused_handshakes} · "
            f"reconnects {s.reconnects}\n"
            f"comments acknowledged: {s.comments_acked} of {s.comments_sent} sent, "
            f"{s.comments_acked / playing if playing > 0 else 0:.1f}/s while playing; chat events received "
            f"(all viewers) {s.chat_events}, {s.chat_events / playing if playing > 0 else 0:.0f}/s\n"
            f"flash-sale buys: {s.buys} · refusals: {refusals}\n"
            f"own CPU: {cpu:.1f} s over {wall:.1f} s = {100 * cpu / wall:.1f} % of one core"
        )


class Command(BaseCommand):
    help = "Play a scenario's scripted audience into a practice room (also a load generator)."

    def add_arguments(self, parser):
        parser.add_argument("scenario", help="the scenario's id, or a word of its title")
        parser.add_argument("--room", type=int, required=True, help="the practice room's id")
        parser.add_argument("--viewers", type=int, default=10, help="simulated viewers, 1–500 (personas included)")
        parser.add_argument("--speed", type=float, default=1.0, help="0.25–20×")
        parser.add_argument("--url", default="", help="the site (default: PRACTICE_PLAYER_URL)")
        parser.add_argument("--origin", default="", help="the Origin header (default: the site's)")
        parser.add_argument("--chatter", type=float, default=0.0, help="extra comments per second from the watchers")
        parser.add_argument("--hold", type=float, default=0.0, help="seconds to keep the audience after the last beat")

    def handle(self, *args, **options):
        wanted = options["scenario"]
        scenarios = Scenario.objects.filter(Q(pk=int(wanted)) if wanted.isdigit() else Q(title__icontains=wanted))
        if scenarios.count() != 1:
            raise CommandError(f"No single scenario matches {wanted!r}: {[s.title for s in scenarios[:5]]}")
        scenario = scenarios.get()
        practice = PracticeShow.objects.select_related("show").filter(show__room__pk=options["room"]).first()
        if practice is None:
            raise CommandError(f"Room {options['room']} is not a practice show's room.")
        try:
            run = scenario_run_start(
                practice_show=practice,
                scenario=scenario,
                actor=practice.show.host,
                speed=options["speed"],
                viewers=options["viewers"],
                enqueue=False,
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        url = options["url"] or player_base_url()
        self.stdout.write(
            f"run {run.pk}: {scenario.title} → room {options['room']} at {url}, {run.viewers} viewers, {run.speed}×, "
            f"{len(run.script)} beats"
        )
        meter = Meter(self.stdout)
        players: list[Player] = []
        asyncio.run(
            play_run(
                run.pk,
                base_url=url,
                origin=options["origin"] or None,
                chatter=options["chatter"],
                report=meter,
                hold_seconds=options["hold"],
                on_player=players.append,
            )
        )
        run.refresh_from_db()
        self.stdout.write(f"run {run.pk}: {run.get_state_display()} · beats {run.beats_done}/{len(run.script)}")
        if run.error:
            self.stdout.write(f"error: {run.error}")
        if players:
            self.stdout.write(meter.summary(players[0]))
