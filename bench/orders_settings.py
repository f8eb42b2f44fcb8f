"""The orders benchmark's server: ``bench.settings`` with server errors written to its log."""

from bench.settings import *  # noqa: F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
    "root": {"level": "ERROR"},
}

# A rush of 1,000 buyers through 50 sockets: each concurrent request runs in a thread of its
# own, and persistent per-thread connections (CONN_MAX_AGE) ran PostgreSQL out of its 100.
# psycopg's pool (Django 5.1+) shares at most 40 between them.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 - required with the pool
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 8, "max_size": 40, "timeout": 30}  # noqa: F405
