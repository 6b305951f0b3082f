"""Django settings for SocialOps, read from the environment (see .env.example).

With nothing configured SocialOps runs on a SQLite file with Celery tasks executed
in-process; DATABASE_URL and REDIS_URL switch it to PostgreSQL, Redis and real workers.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from socialops.env import env_bool, env_decimal, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

# Used only while DEBUG is on, so a fresh clone runs with no configuration at all.
DEVELOPMENT_SECRET_KEY = "socialops-development-only-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

PORT = env_int("PORT", 8000, minimum=1, maximum=65535)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "common",
    "socialops",
    "catalog",
    "campaigns",
    "promises",
    "insights",
    "integrations",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (or the language cookie); UserLanguageMiddleware then applies the
    # logged-in user's own choice.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "common.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "common.middleware.HtmxVaryMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a lockout found while authenticating into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socialops.urls"
WSGI_APPLICATION = "socialops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "socialops.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # SQLite serialises writers; wait for the lock instead of failing at once.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ----------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
# Seconds a health probe waits for the database or the broker before calling it down.
HEALTH_CHECK_TIMEOUT = env_int("HEALTH_CHECK_TIMEOUT", 2, minimum=1, maximum=60)

# Seconds a web request waits for Redis (broker, results, cache) before giving up on it: a
# webhook must answer Shopify within 5 s whatever Redis does; the sweeps catch up afterwards.
REDIS_CONNECT_TIMEOUT = env_int("REDIS_CONNECT_TIMEOUT", 1, minimum=1, maximum=30)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "socialops",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_CONNECT_TIMEOUT * 5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker, tasks run in the calling process: the embedded default needs no worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing: one connection attempt of REDIS_CONNECT_TIMEOUT, no retry loop (common.enqueue
# sends with retry=False; the defaults held a request ~19 s when Redis was down). The worker
# keeps reconnecting on its own (broker_connection_retry).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
}
CELERY_TIMEZONE = "UTC"

# --- Checks engine --------------------------------------------------------------------------
# Seconds between full sweeps (Celery beat with Redis; a thread of `serve` without it).
CHECKS_SWEEP_INTERVAL_SECONDS = env_int("CHECKS_SWEEP_INTERVAL_SECONDS", 300, minimum=10)
# Campaigns per batch of a sweep: each batch is one task and one reconcile transaction;
# 1,000 campaigns of ~50 items keep a batch near a second and its facts around 20 MB.
CHECKS_BATCH_SIZE = env_int("CHECKS_BATCH_SIZE", 1000, minimum=1)
# NEGATIVE_MARGIN fires below this margin per unit, in the store currency.
CHECKS_MARGIN_FLOOR = env_decimal("CHECKS_MARGIN_FLOOR", "0")
# The hour (UTC) of the nightly full sweep, the safety net of the incremental ones.
CHECKS_FULL_SWEEP_HOUR = env_int("CHECKS_FULL_SWEEP_HOUR", 3, minimum=0, maximum=23)
CELERY_BEAT_SCHEDULE = {
    "checks-sweep": {"task": "promises.sweep", "schedule": CHECKS_SWEEP_INTERVAL_SECONDS},
    "checks-full-sweep": {
        "task": "promises.full_sweep",
        "schedule": crontab(hour=CHECKS_FULL_SWEEP_HOUR, minute=0),
    },
}
# A task a lost worker held (acks_late) goes back to the queue after this many seconds:
# longer than any task's time limit, so a slow task is never handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = 2 * CELERY_TASK_TIME_LIMIT

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute-force protection of the login form, the admin login and POST /api/auth/token/
# (django-axes, attempts kept in the database so a Redis outage does not open or shut the door).
# Policy: after LOGIN_FAILURE_LIMIT wrong passwords for one username from one IP address, that
# pair is refused (429) for LOGIN_LOCKOUT_MINUTES; the same user from another address still gets
# in, so an attacker cannot lock a colleague out from elsewhere. A success resets the count.
AUTHENTICATION_BACKENDS = ["socialops.lockout.ThrottledModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Lockouts are logged; the start-up banner and every attempt are not.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "socialops.lockout.lockout_response"
# The client address Axes counts by: REMOTE_ADDR unless the proxy in front is trusted to set
# X-Forwarded-For (a client could otherwise send a new address with every guess).
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("LOGIN_CLIENT_IP_HEADERS") or ["REMOTE_ADDR"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Every page needs a login (LoginRequiredMiddleware); the few public views are marked
# @login_not_required and guard themselves where they expose data.

# --- REST API (/api/) -----------------------------------------------------------------------
# Token first: a client without credentials gets 401 with `WWW-Authenticate: Token`, not 403.
# Session auth serves the docs page and scripts in the browser, with CSRF as the pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's, in the caller's own language (common/i18n.py).
        "common.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["common.api.permissions.RolePermissions"],
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "common.api.errors.ApiSchema",
    "EXCEPTION_HANDLER": "common.api.errors.exception_handler",
    # JSON in: one request format to document, validate and fuzz.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # `?format=` is the campaign format filter (as on the campaigns page), not a renderer
    # switch: clients choose JSON or the schema's YAML with the Accept header.
    "URL_FORMAT_OVERRIDE": None,
}
# OpenAPI 3 schema at /api/schema/, Swagger UI at /api/docs/ served from our static files
# (the sidecar package), never from a CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "SocialOps API",
    "DESCRIPTION": (
        "Every resource of SocialOps and every action of its pages. Authenticate with "
        "`Authorization: Token <key>` (POST /api/auth/token/) or a session. Errors answer "
        '`{"detail", "code", "errors"}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "CampaignStatusEnum": "campaigns.choices.CampaignStatus",
        "ProductStatusEnum": "catalog.choices.ProductStatus",
        "CheckRunStatusEnum": "promises.choices.CheckRunStatus",
        "ConflictStateEnum": "promises.choices.ConflictState",
        "SeverityEnum": "promises.choices.Severity",
        "NotificationKindEnum": "notifications.choices.NotificationKind",
        "DeliveryStatusEnum": "notifications.choices.DeliveryStatus",
        "DestinationKindEnum": "notifications.choices.DestinationKind",
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# The languages a user can pick (their preference, else the browser's Accept-Language, else
# LANGUAGE_CODE). One catalog for the whole project: locale/<lang>/LC_MESSAGES/django.po.
LANGUAGES = [("en-us", "English"), ("fr", "Français")]
# /api/me/'s `language` and `active_language` share one enum in the schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["LanguageEnum"] = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
STORE_CURRENCY = env_str("STORE_CURRENCY", "EUR").upper()

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Uploaded files (CSV imports) ----------------------------------------------------------
# Import files are kept beside their job for its report and "Import for real". With a Celery
# worker, the web process and the worker must share this directory (a volume in compose).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
# The largest import file accepted by the upload page, in megabytes.
IMPORTS_MAX_UPLOAD_MB = env_int("IMPORTS_MAX_UPLOAD_MB", 200, minimum=1)
# Country given to a location an inventory import creates (the export names it, nothing more).
IMPORTS_LOCATION_COUNTRY = env_str("IMPORTS_LOCATION_COUNTRY", "FR").upper()
if len(IMPORTS_LOCATION_COUNTRY) != 2 or not IMPORTS_LOCATION_COUNTRY.isalpha():
    raise ImproperlyConfigured("IMPORTS_LOCATION_COUNTRY must be an ISO 3166-1 alpha-2 code")
# A job still queued this long after its upload is sent again (its task was never sent, the
# broker being down, or was lost); a second task runs the job only if it is still queued.
IMPORTS_PICK_UP_AFTER_SECONDS = env_int("IMPORTS_PICK_UP_AFTER_SECONDS", 300, minimum=0)
CELERY_BEAT_SCHEDULE["imports-pick-up"] = {"task": "socialops.pick_up_imports", "schedule": 60}

# --- Security (checked by `manage.py check --deploy` when DEBUG is off) ---------------------
# Content-Security-Policy (django-csp): every script and stylesheet is a static file of ours
# (htmx and the API docs included, no CDN), so nothing inline runs. Style attributes stay
# allowed (style-src-attr): the timeline and share bars size themselves with them, and an
# attribute cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers and container health checks speak plain HTTP to the app.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# The covering index on campaign items (INCLUDE columns) is a PostgreSQL optimisation;
# SQLite keeps the key column and ignores the rest, which is all the embedded mode needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every login at INFO; lockouts are warnings and still show.
        "axes": {"level": "WARNING"},
    },
}

# --- Shopify webhooks (catalog/webhooks) ----------------------------------------------------
# The app's client secret signing every webhook; empty refuses every webhook (401).
SHOPIFY_WEBHOOK_SECRET = env_str("SHOPIFY_WEBHOOK_SECRET")
# The largest webhook body accepted, in megabytes (413 above it). Not Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, for forms): a products/update with many variants and
# long descriptions passes it.
WEBHOOK_MAX_BODY_MB = env_int("WEBHOOK_MAX_BODY_MB", 10, minimum=1, maximum=100)
# The inbox sweep applies deliveries pending longer than this (their own task was lost).
WEBHOOK_INBOX_SWEEP_AFTER_SECONDS = env_int("WEBHOOK_INBOX_SWEEP_AFTER_SECONDS", 60, minimum=0)
CELERY_BEAT_SCHEDULE["webhook-inbox-sweep"] = {
    "task": "catalog.sweep_webhook_inbox",
    "schedule": env_int("WEBHOOK_INBOX_SWEEP_INTERVAL_SECONDS", 60, minimum=10),
}

# --- Integrations (integrations/) ----------------------------------------------------------
# Fernet keys encrypting the connections' tokens, comma-separated (the first encrypts, all
# decrypt, for rotation). The development key is public: it works only while DEBUG.
DEVELOPMENT_INTEGRATIONS_KEY = "c29jaWFsb3BzLWRldmVsb3BtZW50LW9ubHkta2V5ISE="
INTEGRATIONS_KEYS = env_list("INTEGRATIONS_KEY")
if not INTEGRATIONS_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("INTEGRATIONS_KEY must be set when DEBUG is off")
    INTEGRATIONS_KEYS = [DEVELOPMENT_INTEGRATIONS_KEY]
# Minutes between two syncs of a connection; the beat looks for due ones each minute.
INTEGRATIONS_SYNC_MINUTES = env_int("INTEGRATIONS_SYNC_MINUTES", 15, minimum=1)
# Where the clients send requests: the platforms themselves; tests point them at a local
# server. `{shop}` is the connection's myshopify.com domain.
SHOPIFY_ADMIN_URL = env_url(
    "SHOPIFY_ADMIN_URL", schemes=("http", "https"), default="https://{shop}"
)
# Shopify catalog reads: "auto" uses a bulk operation (one JSONL file) from this many variants
# and pages below it; "bulk" or "paged" force one way.
SHOPIFY_SYNC_MODE = env_str("SHOPIFY_SYNC_MODE", "auto")
SHOPIFY_BULK_MIN_VARIANTS = env_int("SHOPIFY_BULK_MIN_VARIANTS", 5000, minimum=0)
# Delivery days given to a shipping method Shopify adds (Shopify keeps none): deliberately
# slow, so a "fast delivery" claim is flagged until someone sets the real days.
SHOPIFY_NEW_METHOD_DAYS = (
    env_int("SHOPIFY_NEW_METHOD_MIN_DAYS", 3, minimum=0),
    env_int("SHOPIFY_NEW_METHOD_MAX_DAYS", 10, minimum=0),
)
META_GRAPH_URL = env_url(
    "META_GRAPH_URL", schemes=("http", "https"), default="https://graph.facebook.com"
)
TIKTOK_API_URL = env_url(
    "TIKTOK_API_URL", schemes=("http", "https"), default="https://business-api.tiktok.com"
)
PINTEREST_API_URL = env_url(
    "PINTEREST_API_URL", schemes=("http", "https"), default="https://api.pinterest.com"
)
# Days of daily ad metrics re-read at each sync: platforms restate the last days' purchases
# as their attribution windows (7-day click) close.
INTEGRATIONS_INSIGHTS_DAYS = env_int("INTEGRATIONS_INSIGHTS_DAYS", 7, minimum=1)
# Enforcement (integrations/enforcement.py): the defaults of a channel's policy. A paused ad
# is not paused again within the cooldown after SocialOps turned it back on (a stock level
# flapping around zero would otherwise flap the ad), and no connection sees more pauses an
# hour than the cap (a bad import selling out the whole catalog stops at the cap).
ENFORCEMENT_COOLDOWN_MINUTES = env_int("ENFORCEMENT_COOLDOWN_MINUTES", 30, minimum=0)
ENFORCEMENT_MAX_PAUSES_PER_HOUR = env_int("ENFORCEMENT_MAX_PAUSES_PER_HOUR", 20, minimum=0)
CELERY_BEAT_SCHEDULE["integrations-enqueue-due"] = {
    "task": "integrations.enqueue_due_syncs",
    "schedule": 60,
}

# --- Catalog feeds (campaigns/feeds) --------------------------------------------------------
# The storefront's base URL: feed items link to <STORE_URL>/products/<handle>?variant=<id>.
STORE_URL = env_url("STORE_URL", schemes=("http", "https"))

# --- Notifications (notifications/) ---------------------------------------------------------
# Email through Django's backends: the console in development (messages print in the log),
# SMTP when EMAIL_HOST is set, or any backend named by EMAIL_BACKEND.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SocialOps <socialops@localhost>")
# The address messages link back to (conflicts, the unsubscribe link).
SITE_URL = env_url("SITE_URL", schemes=("http", "https"), default=f"http://localhost:{PORT}")
CELERY_BEAT_SCHEDULE["notifications-escalate-overdue"] = {
    "task": "notifications.escalate_overdue",
    "schedule": env_int("NOTIFICATIONS_ESCALATION_INTERVAL_SECONDS", 300, minimum=10),
}
CELERY_BEAT_SCHEDULE["notifications-resend-stuck"] = {
    "task": "notifications.resend_stuck",
    "schedule": 600,
}
# Check runs whose announcement was lost (the broker was down) are notified by this catch-up.
CELERY_BEAT_SCHEDULE["notifications-announce-missed"] = {
    "task": "notifications.announce_missed_runs",
    "schedule": 300,
}
# The exec digest goes out once a day at this hour (TIME_ZONE).
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7, minimum=0, maximum=23)
CELERY_BEAT_SCHEDULE["notifications-daily-digest"] = {
    "task": "notifications.send_digests",
    "schedule": crontab(minute=0, hour=NOTIFICATIONS_DIGEST_HOUR),
}
