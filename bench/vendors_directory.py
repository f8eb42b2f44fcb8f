"""Benchmark: server time of the product directory (filtered + searched) on PostgreSQL.

    .venv/bin/python bench/vendors_directory.py            # 300 requests per scenario
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/vendors_directory.py -n 500

Creates (or reuses) the database named by DATABASE_URL (default ``chodem_vendors_bench``),
migrates it, seeds the demo data (255 vendors, 1,054 products) when missing, then sends
each scenario's request through Django's test client in-process and reports the p50 / p95
/ max wall time of the whole request (URL routing, the search query, template rendering)
the number of SQL queries and the median time spent in SQL. Never part of ``make test``.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chodem_vendors_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"  # production-like: no query logging
os.environ["API_ANON_RATE"] = "1000000/min"  # measure the view, not the throttle
os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
# Persistent connections, as production runs them (production.py reads the same variable).
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")

SCENARIOS = [
    ("search, no filter", "/chu-the/san-pham/", {"q": "buoi do"}),
    ("search + district + verified", "/chu-the/san-pham/", {"q": "buoi do dong cao", "district": "me-linh", "verified": "on"}),
    ("search + group + stars", "/chu-the/san-pham/", {"q": "mat ong", "group": "food", "stars": "3"}),
    ("search + group, page 2", "/chu-the/san-pham/", {"q": "gom", "group": "handicraft", "page": "2"}),
    ("filters only, verified", "/chu-the/san-pham/", {"district": "gia-lam", "verified": "on"}),
    ("API search + filters", "/api/v1/products/", {"search": "che", "group": "beverage", "verified": "true"}),
]


class QueryCounter(list):
    """An execute_wrapper that times each SQL statement (connection.queries is reset per request)."""

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=300, help="requests per scenario")
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from vendors.models import Product

    call_command("migrate", verbosity=0)
    if Product.objects.count() < 1054:
        started = time.monotonic()
        call_command("seed_demo", only=["accounts", "vendors"], stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"seeded demo data in {time.monotonic() - started:.1f}s")
    setup_test_environment()
    print(f"PostgreSQL {connection.pg_version}, {Product.objects.count()} products, {args.n} requests per scenario")
    print(f"{'scenario':34} {'results':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'SQL p50':>8}")

    client = Client()
    for label, path, params in SCENARIOS:
        for _ in range(10):  # warm the connection, the template cache and PostgreSQL's buffers
            response = client.get(path, params)
        assert response.status_code == 200, (path, response.status_code)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            response = client.get(path, params)
        results = response.context["page_obj"].paginator.count if response.context else response.json()["count"]
        timings, sql_ms = [], []
        for _ in range(args.n):
            per_request = QueryCounter()
            with connection.execute_wrapper(per_request):
                started = time.perf_counter()
                client.get(path, params)
                timings.append((time.perf_counter() - started) * 1000)
            sql_ms.append(sum(per_request))
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{label:34} {results:>7} {statistics.median(timings):>8.1f} {p95:>8.1f} {timings[-1]:>8.1f}"
            f" {len(queries):>8} {statistics.median(sql_ms):>8.1f}"
        )


if __name__ == "__main__":
    main()
