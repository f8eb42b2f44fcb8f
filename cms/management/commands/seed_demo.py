"""`manage.py seed_demo`: the demo site, safe to run any number of times.

Each app that has demo data keeps it in its own ``<app>/demo.py`` with a
``seed(log)`` function that is idempotent; this command runs them in the order of
the journey (people first, then content, then what builds on it).
"""

import importlib
import time

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_APPS = (
    "accounts",
    "cms",
    "courses",
    "learning",
    "vendors",
    "live",
    "selling",
    "orders",
    "practice_market",
    "market",
)


class Command(BaseCommand):
    help = "Seed demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", choices=DEMO_APPS, help="Seed only these apps.")

    def handle(self, *args, only=None, **options):
        for app in only or DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            started = time.monotonic()
            with transaction.atomic():
                module.seed(self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"{app}: {time.monotonic() - started:.1f}s"))
