"""Benchmark: server time of the weekly market's organizer dashboard and of a live session's lobby, on PostgreSQL.

    .venv/bin/python bench/market.py                     # 3 runs × 30 requests per page
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/market.py --runs 3 -n 50

Creates (or reuses) the database named by DATABASE_URL (default ``chodem_market_bench``),
migrates it and seeds the whole demo when its five past sessions are missing (255 vendors,
five Friday sessions of ~1,000 orders each, next Friday's published session with 30 stalls).
Then next Friday's session is brought to now in this database only (live, its first row of
stalls on air) so the lobby has 30 stalls of a live session. Each page is requested through
Django's test client in-process as an organizer (the lobby also as a buyer); reported per run:
p50 / p95 / max wall time of the whole request (routing, queries, template), the number of
SQL statements and the median time in SQL; then the spread of the p50s over the runs.
Targets (issue 13): dashboard pages < 200 ms, the lobby < 100 ms. Never part of ``make test``.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chodem_market_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"  # production-like: no query logging
os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


class QueryCounter(list):
    """An execute_wrapper that times each SQL statement."""

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.append((time.perf_counter() - started) * 1000)


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def live_now():
    """Next Friday's published session, moved to now (this database only): live, first stalls on air."""
    from django.utils import timezone

    from live.models import Show
    from market.models import Session, Slot

    session = (
        Session.objects.filter(state__in=[Session.State.PUBLISHED, Session.State.LIVE]).order_by("-starts_at").first()
    )
    if session is None:
        sys.exit("no published session to bring live: seed the demo first")
    now = timezone.now()
    shift = now - timedelta(minutes=5) - session.starts_at
    if abs(shift) > timedelta(minutes=30):
        Session.objects.filter(pk=session.pk).update(
            starts_at=session.starts_at + shift, ends_at=session.ends_at + shift, state=Session.State.LIVE
        )
        for slot in Slot.objects.filter(session=session):
            Slot.objects.filter(pk=slot.pk).update(starts_at=slot.starts_at + shift, ends_at=slot.ends_at + shift)
            Show.objects.filter(pk=slot.show_id).update(
                scheduled_start=slot.starts_at + shift, scheduled_end=slot.ends_at + shift
            )
    session.refresh_from_db()
    on_air = Slot.objects.filter(session=session, starts_at__lte=now, ends_at__gt=now).values_list("show_id", flat=True)
    Show.objects.filter(pk__in=list(on_air)).update(state=Show.State.LIVE, started_at=session.starts_at)
    return session


def measure(client, path: str, n: int) -> tuple[list[float], int, float]:
    from django.db import connection

    for _ in range(5):  # warm the connection, the template cache and PostgreSQL's buffers
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        client.get(path)
    timings, sql_ms = [], []
    for _ in range(n):
        per_request = QueryCounter()
        with connection.execute_wrapper(per_request):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        sql_ms.append(sum(per_request))
    timings.sort()
    return timings, len(queries), statistics.median(sql_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=30, help="requests per page and run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(url)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from market.models import Session, Slot
    from orders.models import Order

    call_command("migrate", verbosity=0)
    if Session.objects.filter(state=Session.State.ENDED).count() < 5:
        started = time.monotonic()
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"seeded the demo in {time.monotonic() - started:.1f}s")
    session = live_now()
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them in production
        cursor.execute("ANALYZE")
    User = get_user_model()
    # Not setup_test_environment(): its instrumented template rendering is not what production runs.
    organizer = Client(SERVER_NAME="127.0.0.1")
    organizer.force_login(User.objects.get(email="bantochuc@demo.chodem.vn"))
    buyer = Client(SERVER_NAME="127.0.0.1")
    buyer.force_login(User.objects.get(email="nguoimua@demo.chodem.vn"))
    last = Session.objects.filter(state=Session.State.ENDED).order_by("-starts_at").first()
    pages = [
        ("dashboard: all sessions", organizer, "/cho-dem/bang-dieu-khien/", 200),
        ("dashboard: one past session", organizer, f"/cho-dem/bang-dieu-khien/phien/{last.pk}/", 200),
        ("dashboard: the live session", organizer, f"/cho-dem/bang-dieu-khien/phien/{session.pk}/", 200),
        ("dashboard CSV: top vendors", organizer, "/cho-dem/bang-dieu-khien/vendors.csv", 200),
        ("API: all sessions", organizer, "/api/v1/market/dashboard/", 200),
        ("API: one past session", organizer, f"/api/v1/market/dashboard/sessions/{last.pk}/", 200),
        ("lobby of the live session (buyer)", buyer, f"/cho-dem/{session.pk}/", 100),
        ("lobby, search 'mat ong' (buyer)", buyer, f"/cho-dem/{session.pk}/?q=mat+ong", 100),
    ]
    real = Order.objects.filter(sandbox=False).count()
    stalls = Slot.objects.filter(session=session).count()
    print(
        f"PostgreSQL {connection.pg_version}; {Session.objects.filter(state='ended').count()} past sessions, "
        f"{real} real orders; live session with {stalls} stalls; {args.runs} runs × {args.n} requests per page"
    )
    p50s: dict[str, list[float]] = {label: [] for label, *_rest in pages}
    for run in range(1, args.runs + 1):
        print(f"\nrun {run}")
        print(f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'SQL p50':>8}")
        for label, client, path, _target in pages:
            timings, queries, sql = measure(client, path, args.n)
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            p50 = statistics.median(timings)
            p50s[label].append(p50)
            print(f"{label:36} {p50:>8.1f} {p95:>8.1f} {timings[-1]:>8.1f} {queries:>8} {sql:>8.1f}")
    print(f"\n{'page':36} {'p50 over runs (min–max)':>26} {'target':>8}")
    for label, _client, _path, target in pages:
        low, high = min(p50s[label]), max(p50s[label])
        verdict = "ok" if high < target else "OVER"
        print(f"{label:36} {f'{low:.1f}–{high:.1f} ms':>26} {f'<{target}':>8} {verdict}")


if __name__ == "__main__":
    main()
