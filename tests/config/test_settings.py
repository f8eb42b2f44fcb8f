"""Settings come from the environment: embedded defaults, or PostgreSQL and Redis when named.

Each case imports the settings in a fresh interpreter, because settings are read once
at import and the test process already has its own.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_host": settings.DATABASES["default"].get("HOST", ""),
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "layer_hosts": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts", []),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "debug": settings.DEBUG,
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "secure_cookies": settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE,
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


# Variables of the test run itself that a deployment never has.
NOT_IN_DEPLOYMENT = {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def load_settings(module, **env):
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_DEPLOYMENT}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False
    )
    return result


def test_embedded_defaults_need_no_service():
    result = load_settings("config.settings.dev")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db_engine"] == "django.db.backends.sqlite3"
    assert values["layer"] == "channels.layers.InMemoryChannelLayer"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["language"] == "vi" and values["time_zone"] == "Asia/Ho_Chi_Minh"
    assert values["debug"] is True


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    result = load_settings(
        "config.settings.dev",
        DATABASE_URL="postgres://postgres@db.internal:5432/chodem",
        REDIS_URL="redis://cache.internal:6379/4",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db_engine"] == "django.db.backends.postgresql"
    assert (values["db_name"], values["db_host"]) == ("chodem", "db.internal")
    assert values["layer"] == "channels_redis.core.RedisChannelLayer"
    assert values["layer_hosts"][0]["address"] == "redis://cache.internal:6379/4"
    # Idle consumers must survive: redis-py 8 drops them after ~5 s with the default timeout.
    assert values["layer_hosts"][0]["socket_timeout"] >= 30
    assert values["cache"] == "django_redis.cache.RedisCache"
    assert values["cache_location"] == "redis://cache.internal:6379/4"


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings("config.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_is_https_only_and_serves_its_own_static_files():
    result = load_settings("config.settings.production", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["hsts"] >= 31_536_000
    assert values["secure_cookies"] is True
    assert values["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_passes_the_deploy_check():
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_DEPLOYMENT}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="chodem.example.vn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_server_process_loads_every_view_before_its_first_request():
    """The first visitor after a worker (re)starts must not pay for importing the site (~1 s)."""
    probe = "import sys, config.asgi; print('learning.views' in sys.modules, 'fpdf' in sys.modules)"
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_DEPLOYMENT}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings.test", LIVE_GC_TUNING="0")
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "True"]
