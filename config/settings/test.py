"""Settings for the pytest suite: fast hashing, no real e-mail, quiet logs.

DATABASE_URL and REDIS_URL still apply, so `.ci/run` can run the same suite
against PostgreSQL and Redis.
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

DEBUG = False
(BASE_DIR / "var").mkdir(exist_ok=True)
SECRET_KEY = "test-only-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "private": {"BACKEND": "core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min"}}  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that a daphne process started by a browser or
    # WebSocket test sees the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{env('PYTEST_XDIST_WORKER', default='main')}.sqlite3")}
# A room extension's failure on chat is logged in production (chat is never lost to it);
# under test it is raised, so a broken extension fails its own tests.
LIVE = {**LIVE, "RAISE_EXTENSION_ERRORS": True}  # noqa: F405

# Each pytest-xdist worker (gw0, gw1, …) on Redis gets a database of its own: the suite's
# cache.clear() flushes a whole Redis database, and two workers' rooms would otherwise share
# channel-layer groups (their test databases number rooms alike).
_XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
if REDIS_URL and _XDIST_WORKER.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _redis = urlsplit(REDIS_URL)  # noqa: F405
    _db = (int(_redis.path.lstrip("/") or 0) + int(_XDIST_WORKER[2:])) % 16
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_db}"))
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] = REDIS_URL  # noqa: F405
