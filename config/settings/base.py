"""Settings shared by every environment.

Everything that differs between machines comes from the environment (12-factor):
the embedded defaults (SQLite, in-memory channel layer, local-memory cache, console
e-mail) need no service at all, and ``DATABASE_URL`` / ``REDIS_URL`` switch to
PostgreSQL and Redis.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_DIR = BASE_DIR / "site"

env = environ.Env()

# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default=None)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1

# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------
DJANGO_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by this site, not a CDN
    "django_filters",
    "channels",
    "csp",
    "django_tasks",
    "django_tasks_db",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "cms",
    "courses",
    "learning",
    "vendors",
    "live",
    "selling",
    "orders",
    "notifications",
    "practice_market",
    "market",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes last: it reads the outcome of every authentication attempt above.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Data: SQLite by default, PostgreSQL (psycopg 3) when DATABASE_URL is set
# ---------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep SQLite usable with a few concurrent ASGI tasks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="chodem"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py 8 drops idle consumers after ~5 s without this.
                        "socket_timeout": 60,
                        "socket_connect_timeout": 5,
                        "retry_on_timeout": True,
                        "health_check_interval": 15,
                    }
                ],
                "prefix": env("CHANNEL_LAYER_PREFIX", default="chodem"),
                "capacity": 1000,
                "expiry": 60,
                "group_expiry": 86400,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# ---------------------------------------------------------------------------
# Accounts: custom user, allauth (e-mail or phone), axes (brute force)
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
# "phone" without the star: allauth would otherwise refuse to log in any account that
# has no phone (staff created in the admin). The sign-up form still requires it
# (accounts.adapters.AccountAdapter.phone_form_field).
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_PHONE_VERIFICATION_ENABLED = env.bool("ACCOUNT_PHONE_VERIFICATION_ENABLED", default=False)
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Chợ Đêm Trên Mây] "

# Wrong passwords slow and lock the address that sends them, never the account everywhere
# (docs/architecture.md, "Log-in and brute force"): axes locks one login *from one address*
# after 5 failures; allauth's failed-login limit counts per address only (its default also
# counted 5 per e-mail from anywhere, which let anyone lock a host out of their show).
ACCOUNT_RATE_LIMITS = {"login_failed": env("ACCOUNT_LOGIN_FAILED_RATE", default="10/m/ip,60/h/ip")}
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# Who the client is (one rule for HTTP and the room sockets, core.http.client_ip): this many
# reverse proxies of ours stand in front, each appending to X-Forwarded-For, so the client is
# the entry that many from the right. 0: no proxy, the header is ignored. Axes, allauth
# (accounts.adapters), DRF's throttles, django-ratelimit and live's per-address caps all use it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# ---------------------------------------------------------------------------
# Internationalisation: Vietnamese first, English second
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [SITE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# ---------------------------------------------------------------------------
# Static and media files
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Private files (dossiers, submissions) never live under MEDIA_ROOT: they are
# served only through permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads over 1 MB go to a temporary file, never into memory (Django's ASGI handler also
# spools the raw body to disk above this). Form fields without files: at most 5 MB.
# The whole body is capped before Django reads it: REQUEST_BODY_MAX_BYTES (end of this file).
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# ---------------------------------------------------------------------------
# Wagtail
# ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Chợ Đêm Trên Mây"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_FINDERS = [{"class": "courses.embeds.OfflineVideoEmbedFinder"}]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_COMMENTS_ENABLED = True

# ---------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="120/min"),
        "user": env("API_USER_RATE", default="600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chợ Đêm Trên Mây API",
    "DESCRIPTION": "API của nền tảng Chợ Đêm Trên Mây (OCOP Hà Nội).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["config.api.only_public_api"],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Status",
        "OrderChannelEnum": "orders.models.Channel",
        "OrderActorRoleEnum": "orders.models.ActorRole",
        "ShowStateEnum": "live.models.Show.State",
        "MarketBusinessKindEnum": "market.models.BusinessProfile.Kind",
        "MarketBusinessStateEnum": "market.models.BusinessProfile.State",
        "MarketInquiryStateEnum": "market.models.Inquiry.State",
        "MarketQuoteStateEnum": "market.models.Quote.State",
        "PracticePromotionStateEnum": "practice_market.models.Promotion.State",
        "MarketSessionStateEnum": "market.models.Session.State",
        "MarketApplicationStateEnum": "market.models.Application.State",
        "MarketBuyerFlagLevelEnum": "market.models.BuyerFlag.Level",
        "MarketBuyerFlagEventLevelEnum": "market.models.BuyerFlagEvent.Level",
        "CourseLevelEnum": "courses.models.CourseLevel",
    },
    # No CDN: the interactive docs' assets come from drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# ---------------------------------------------------------------------------
# Security headers (tightened further in production.py)
# ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.api.csrf_failure"  # JSON under /api/, Django's page elsewhere
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN

# No CDN anywhere: every script, style, font and image is served by this site.
# Video embeds (YouTube, Facebook, HLS) are the only framed third parties.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", "ws:", "wss:"],
        "frame-src": [
            "'self'",
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://www.facebook.com",
        ],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Chợ Đêm Trên Mây <no-reply@chodemtrenmay.vn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------
# Logging: errors to the console, never to the user
# ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        "django.channels.server": {"level": "WARNING"},
        # fpdf2's font subsetting logs every glyph of every certificate at INFO.
        "fontTools": {"level": "WARNING"},
        # Wagtail runs its reference-index tasks inline and logs each one at INFO.
        "django_tasks": {"level": "WARNING"},
    },
}

# ---------------------------------------------------------------------------
# Accounts, continued: tell people by e-mail when their password or e-mail
# changes (in their language: site/locale/vi holds allauth's Vietnamese), and
# label Wagtail's admin log-in form in the reader's language
# ---------------------------------------------------------------------------
ACCOUNT_EMAIL_NOTIFICATIONS = True
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"

# ---------------------------------------------------------------------------
# HTTP rate limits (django-ratelimit; counters live in the cache, shared by every
# worker when REDIS_URL is set). Behind reverse proxies set TRUSTED_PROXY_COUNT (see
# the client-address section at the end of this file).
# ---------------------------------------------------------------------------
SITE_SEARCH_RATE = env("SITE_SEARCH_RATE", default="30/m")
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default=None)

# ---------------------------------------------------------------------------
# Courses: lesson videos may be uploaded as documents (MP4/WebM), so they need a larger limit
# ---------------------------------------------------------------------------
WAGTAILDOCS_EXTENSIONS = [*WAGTAILDOCS_EXTENSIONS, "mp4", "webm"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024

# ---------------------------------------------------------------------------
# Vendors: dossier upload limits and expiry reminders
# ---------------------------------------------------------------------------
VENDORS_UPLOAD_MAX_BYTES = env.int("VENDORS_UPLOAD_MAX_BYTES", default=8 * 1024 * 1024)
VENDORS_DOCUMENTS_PER_VENDOR = env.int("VENDORS_DOCUMENTS_PER_VENDOR", default=60)
VENDORS_DOCUMENTS_PER_PRODUCT = env.int("VENDORS_DOCUMENTS_PER_PRODUCT", default=15)
VENDORS_PHOTOS_PER_PRODUCT = env.int("VENDORS_PHOTOS_PER_PRODUCT", default=8)
VENDORS_PHOTOS_PER_VENDOR = env.int("VENDORS_PHOTOS_PER_VENDOR", default=12)
VENDORS_UPLOADS_PER_HOUR = env.int("VENDORS_UPLOADS_PER_HOUR", default=60)  # per user: documents + photos
VENDORS_INVITES_PER_HOUR = env.int("VENDORS_INVITES_PER_HOUR", default=20)  # per owner
VENDORS_IMAGE_MAX_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)
VENDORS_EXPIRY_REMINDER_DAYS = 30

# ---------------------------------------------------------------------------
# Learning: absolute links in e-mails and certificates, assignment upload limit
# ---------------------------------------------------------------------------
LEARNING_SITE_URL = env("LEARNING_SITE_URL", default=WAGTAILADMIN_BASE_URL)
LEARNING_SUBMISSION_MAX_BYTES = env.int("LEARNING_SUBMISSION_MAX_BYTES", default=50 * 1024 * 1024)
# The practice market's scripted audience connects to the site here, as any client does (practice_market/tasks.py).
PRACTICE_PLAYER_URL = env("PRACTICE_PLAYER_URL", default=WAGTAILADMIN_BASE_URL)
# Per address for the public certificate check, per user for learner writes and PDF generation.
LEARNING_VERIFY_RATE = env("LEARNING_VERIFY_RATE", default="30/m")
LEARNING_WRITE_RATE = env("LEARNING_WRITE_RATE", default="60/m")
LEARNING_CERTIFICATE_RATE = env("LEARNING_CERTIFICATE_RATE", default="10/m")

# The largest request body, refused with 413 before Django reads it (core.http.BodyCap and,
# under daphne, while it arrives: core.http.cap_daphne_request_bodies). The biggest upload
# anyone but staff makes is an assignment submission; /admin/ takes lesson videos. The
# proxy's client_max_body_size should say the same (deploy/).
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=LEARNING_SUBMISSION_MAX_BYTES + 1024 * 1024)
REQUEST_BODY_MAX_BYTES_ADMIN = env.int(
    "REQUEST_BODY_MAX_BYTES_ADMIN", default=WAGTAILDOCS_MAX_UPLOAD_SIZE + 1024 * 1024
)
# ---------------------------------------------------------------------------
# Live rooms (live/): limits that keep a room up under floods; see docs/operations.md
# ---------------------------------------------------------------------------
LIVE = {
    # One coalesced frame per connection per tick at most (chat, reactions, viewer count).
    "TICK_SECONDS": env.float("LIVE_TICK_SECONDS", default=0.1),
    # Largest inbound text frame the consumer reads (daphne's own cap is set on its command line);
    # a browser's WebRTC offer (live/video.py) is 5-7 KB of SDP, so this matches daphne's 16 KB.
    "MAX_FRAME_BYTES": 16384,
    # Inbound frames per connection: token bucket (burst, refill per second).
    "CONNECTION_BURST": 20,
    "CONNECTION_RATE": 10.0,
    # Frames refused for rate or size before the connection is closed (4429 / 4413).
    "VIOLATIONS_BEFORE_CLOSE": 10,
    # ... and refused for one address (all its sockets) within 10 s before all of them that
    # were refused are closed: a flood spread over many sockets ends at once (live.limits.Offenders).
    "ADDRESS_VIOLATIONS_BEFORE_CLOSE": 30,
    # Per-user rules shared by every process through the cache: (count, seconds) windows.
    "USER_CHAT_RULES": [(5, 5), (30, 60)],
    "USER_REPORT_RULES": [(10, 60)],
    # Connection caps (per process; put the proxy's per-address cap in front for the whole site).
    "MAX_CONNECTIONS_PER_USER": env.int("LIVE_MAX_CONNECTIONS_PER_USER", default=5),
    "MAX_CONNECTIONS_PER_ADDRESS": env.int("LIVE_MAX_CONNECTIONS_PER_ADDRESS", default=50),
    # Slow viewers: sequenced events held for a connection whose socket buffer is full,
    # and the socket backlog (bytes) above which a connection counts as congested.
    "OUTBOUND_QUEUE_MAX_EVENTS": 500,
    "OUTBOUND_BACKLOG_BYTES": 512 * 1024,
    # Replay on (re)connect: at most this many events; history for a fresh viewer.
    "REPLAY_MAX_EVENTS": 1000,
    "HISTORY_EVENTS": 100,
    # The hub re-reads the room's last sequence from the database this often, so a
    # broadcast the channel layer dropped still reaches everyone.
    "RESYNC_SECONDS": 2.0,
    # Presence heartbeat between processes sharing a room.
    "PRESENCE_HEARTBEAT_SECONDS": 10.0,
    # On daphne's plain TCP sockets the hub writes each tick's frame straight to the
    # socket (live.consumers._write_now, half the server's CPU at 2,000 viewers); off,
    # every frame takes the ordinary ASGI send. An escape hatch, and how tests reach that path.
    "DIRECT_WRITE": env.bool("LIVE_DIRECT_WRITE", default=True),
    # The room extensions' database calls (a flash sale's buys, the order board) queued on
    # the process's one database thread at a time: a rush of buys waits on the event loop,
    # and chat never finds more than this many of them ahead (live.limits.DatabaseLane).
    "EXTENSION_CALLS_IN_FLIGHT": env.int("LIVE_EXTENSION_CALLS_IN_FLIGHT", default=4),
    # An anonymous socket is admitted on the event loop from its room as an admission read
    # it at most this long ago (live.admission): a storm of anonymous handshakes, or a
    # restarted worker's viewers rejoining, costs one query a second, not one each.
    "ANONYMOUS_ADMISSION_SECONDS": env.float("LIVE_ANONYMOUS_ADMISSION_SECONDS", default=1.0),
    # Threads for a room's database calls (live.database.room_db), each with its own
    # connection: on PostgreSQL a buy waiting for a lock no longer holds up chat and
    # admissions. SQLite takes one writer at a time: 1 keeps Channels' one database thread.
    "DATABASE_THREADS": env.int(
        "LIVE_DATABASE_THREADS", default=6 if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else 1
    ),
    # Inbound frames per client address over all its sockets (a crowd behind one NAT pings
    # every 25 s and chats now and then), and per room, per process: floods spread over many
    # sockets that each stay under CONNECTION_RATE are refused like a single flooder's.
    "ADDRESS_BURST": env.int("LIVE_ADDRESS_BURST", default=60),
    "ADDRESS_RATE": env.float("LIVE_ADDRESS_RATE", default=30.0),
    "ROOM_BURST": env.int("LIVE_ROOM_BURST", default=1500),
    "ROOM_RATE": env.float("LIVE_ROOM_RATE", default=600.0),
    # Socket handshakes per client address per process (checked before sessions or the database).
    "HANDSHAKE_BURST": env.int("LIVE_HANDSHAKE_BURST", default=30),
    "HANDSHAKE_RATE": env.float("LIVE_HANDSHAKE_RATE", default=10.0),
    # An address whose socket was closed for flooding (4429, 4413) waits this long before the
    # next handshake is accepted; doubled for each repeat within 10 minutes, up to the maximum.
    "BACKOFF_SECONDS": env.float("LIVE_BACKOFF_SECONDS", default=10.0),
    "BACKOFF_MAX_SECONDS": env.float("LIVE_BACKOFF_MAX_SECONDS", default=120.0),
}
# ---------------------------------------------------------------------------
# Background and scheduled work: django-tasks (the backport of Django 6's tasks) with its
# database backend. `make run` starts `manage.py db_worker`; several workers on several
# machines share the one database queue (docs/operations.md). Why not Celery: see
# docs/architecture.md, "Tasks".
# ---------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# ---------------------------------------------------------------------------
# Orders (orders/): the organizers' deadlines, in hours; a dispute's windows in days/hours
# ---------------------------------------------------------------------------
ORDERS = {
    "CONFIRM_WITHIN_HOURS": env.int("ORDERS_CONFIRM_WITHIN_HOURS", default=24),
    "SHIP_WITHIN_HOURS": env.int("ORDERS_SHIP_WITHIN_HOURS", default=48),
    "ACKNOWLEDGE_WITHIN_DAYS": env.int("ORDERS_ACKNOWLEDGE_WITHIN_DAYS", default=7),
    "DISPUTE_WINDOW_DAYS": env.int("ORDERS_DISPUTE_WINDOW_DAYS", default=7),
    "DISPUTE_ANSWER_HOURS": env.int("ORDERS_DISPUTE_ANSWER_HOURS", default=48),
    "DISPUTE_PHOTOS_MAX": 5,
}

# Video of a room (live/video.py). Stream URLs must be https unless this is off (dev: DEBUG).
LIVE_VIDEO_HTTPS_ONLY = env.bool("LIVE_VIDEO_HTTPS_ONLY", default=not DEBUG)
# Camera mode is a WebRTC mesh: the host's browser sends one copy per viewer, at most this many.
LIVE_RTC_MAX_PEERS = env.int("LIVE_RTC_MAX_PEERS", default=8)
# ICE servers handed to the browsers, as RTCPeerConnection's iceServers (JSON), e.g.
# [{"urls": ["stun:stun.example.vn:3478"]}, {"urls": ["turn:turn.example.vn:3478"], "username": "…",
# "credential": "…"}]. Empty: host candidates only, which works on one LAN or localhost; across
# the internet (NAT, 4G) production needs a TURN server (docs/live-protocol.md, "Camera").
LIVE_ICE_SERVERS = env.json("LIVE_ICE_SERVERS", default=[])

if REDIS_URL:
    # Rate limits and slow mode read the cache on every chat message: fail fast, not after
    # the OS's connect timeout, when Redis is unreachable (limits then fail open).
    CACHES["default"]["OPTIONS"].setdefault("SOCKET_CONNECT_TIMEOUT", 2)
    CACHES["default"]["OPTIONS"].setdefault("SOCKET_TIMEOUT", 2)

# ---------------------------------------------------------------------------
# Throttles and rate limits: who is the client? DRF's default (NUM_PROXIES None)
# trusts the whole X-Forwarded-For header, which any client can set, so anonymous
# throttles could be dodged with a new fake address per request; django-ratelimit
# with RATELIMIT_IP_META_KEY="HTTP_X_FORWARDED_FOR" fails on a multi-address header.
# Both trust exactly TRUSTED_PROXY_COUNT proxies (0 = REMOTE_ADDR), counted from the right.
# ---------------------------------------------------------------------------
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
RATELIMIT_IP_META_KEY = RATELIMIT_IP_META_KEY or "core.http.client_ip"
