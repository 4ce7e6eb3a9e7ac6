"""One settings module, driven by environment variables (README.md lists them).

With nothing set, the portal runs embedded: SQLite in var/, files in var/media/,
e-mail on the console, Celery over kombu's filesystem transport in var/celery/.
Production sets DATABASE_URL, REDIS_URL, AWS_STORAGE_BUCKET_NAME…, EMAIL_URL,
SECRET_KEY and DEBUG=0; then no secret has a default.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# `.env` first, so that it can set every variable below, BEIAN_VAR_DIR included; the environment wins.
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Folders under VAR_DIR are made when the portal starts (BeianConfig.ready), not here: reading the
# settings writes nothing.
VAR_DIR = Path(env.str("BEIAN_VAR_DIR", default=str(BASE_DIR / "var")))

# Off unless set: a forgotten variable fails closed. The make targets and the test settings set DEBUG=1.
DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-used-with-debug-off")
else:
    # No default: a production process without a secret must not start.
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For development, set DEBUG=1 in the environment "
            "or in .env (the make targets do)."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_filters",
    "axes",
    "beian",
    "filers",
    "review",
    "products",
    "algorithms",
    "public_search",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every response gets the header, also an error page made after a later middleware failed.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware has checked the host: e-mails owed during a request link to its origin.
    "beian.portal_origin.PortalOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "beian.urls"

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
                "review.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "beian.wsgi.application"

# --- Database -------------------------------------------------------------
# PostgreSQL through psycopg2 when DATABASE_URL is set; else SQLite in var/ in
# WAL mode with IMMEDIATE transactions, so that the web process and the worker
# queue for the write lock instead of failing with "database is locked".
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Test databases are cloned from template0 with UTF-8, so pg_trgm and the
    # bigram indexes see Chinese characters as characters.
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "filers.User"

# --- Cache ------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by the web process and the worker, unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Authentication -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "filers.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "filers.passwords.NotLoginNameValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # ACC-04: lockout after repeated failures
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "filers/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# SEC-03: the lockout counts the same client address as the rate limits (TRUSTED_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "beian.throttling.client_address"
LOGIN_URL = "filers:login"
PASSWORD_RESET_TIMEOUT = 24 * 3600  # activation and reset links
LOGIN_REDIRECT_URL = "filers:workspace"
LOGOUT_REDIRECT_URL = "public_search:home"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Uploads are never served from a public media URL: a view checks permission.
MEDIA_URL = "/media-not-public/"

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    default_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail ---------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="算法备案系统 <noreply@beian.invalid>")
# The address links in e-mails point at when no request gives one (beat's reminders, the sweep);
# e-mails owed during a request link to that request's origin (beian.portal_origin). make run sets it.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Celery -----------------------------------------------------------------------
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message a worker took and never acknowledged (the worker was killed) goes back to the queue
        # after this long: kombu's default is an hour. It must exceed our longest task (the list export,
        # time_limit 1800 s), or a task still running would be delivered a second time.
        "visibility_timeout": 2400,
        # REL-01: a request that publishes waits at most about this long for a Redis that is down.
        "socket_connect_timeout": 2,
        "socket_timeout": 2,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
    # The result backend subscribes to a task's result as the task is sent, and by default retried a
    # refused connection 20 times (19 s of a web request); no request reads a result. One attempt and
    # its reconnection, a second each: at most about 2 s against a Redis that accepts and never answers.
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
    CELERY_REDIS_SOCKET_TIMEOUT = 1
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
else:
    CELERY_QUEUE_DIR = Path(env.str("CELERY_QUEUE_DIR", default=str(VAR_DIR / "celery")))
    # kombu's filesystem transport, stopping sooner (beian.celery.EmbeddedTransport).
    CELERY_BROKER_URL = "beianfs://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
        # kombu polls a filesystem queue, sleeping this long whenever a poll finds nothing to take, and
        # "nothing" includes the worker's prefetch being full (2 here). Its default of 1 s let the worker
        # drain 3-8 tasks a second; at 0.02 s it takes about 2 tasks per 20 ms at the least, 100 a second
        # when it gets the CPU (`make bench-worker`: 88-460 on 2 busy cores), for 0.5 % of a core idle.
        "polling_interval": 0.02,
    }
    CELERY_RESULT_BACKEND = "file://" + str(CELERY_QUEUE_DIR / "results")
CELERY_RESULT_EXPIRES = 3600
# Beat's schedule lives in code; each app adds its periodic jobs here.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "beian.heartbeat", "schedule": 60.0},
    # Repairs what a lost task left undone (numbers, deadlines) within minutes.
    "review-sweep": {"task": "review.tasks.sweep", "schedule": 300.0},
    # DL-06: refresh deadlines and send reminders each morning.
    "daily-deadlines": {"task": "review.tasks.daily_deadlines", "schedule": crontab(hour=7, minute=0)},
    # PUB-05: exported lists older than a week, with their files.
    "list-exports-prune": {
        "task": "public_search.tasks.list_exports_prune_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # SEC-03: the embedded rate-limit counters of windows that have ended.
    "rate-counters-prune": {"task": "beian.rate_counters_prune", "schedule": 3600.0},
    # REL-03: the keys that make a repeated create answer once, after a day.
    "idempotency-keys-prune": {"task": "beian.idempotency_keys_prune", "schedule": 3600.0},
}

# --- REST API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    # The token first: a request without valid credentials is told 401 with `WWW-Authenticate: Token`
    # (session authentication has no such header, so DRF would answer 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # SEC-03: a view with `throttle_scope = "<action>"` is limited by RATE_LIMITS[action].
    "DEFAULT_THROTTLE_CLASSES": ["beian.throttling.PolicyThrottle"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "互联网信息服务算法备案系统 API",
    "DESCRIPTION": "Filers, reviewers and the public use the same services as the portal's pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served by the portal itself: no CDN on an isolated network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # SEC-05: `<id:pk>` (beian.input_fields.IdConverter) takes ASCII digits up to a bigint's maximum.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**63 - 1},
    },
    "ENUM_NAME_OVERRIDES": {
        "IdTypeEnum": "filers.models.IdType",
        "ReviewStateEnum": "review.transitions.State",
        "PublicStateEnum": "public_search.models.PublicState",
    },
}

# --- Rate limits (SEC-03) and API tokens (SEC-04) -------------------------------------
# How many reverse proxies stand in front of the portal, each appending to X-Forwarded-For. 0: the
# client connects directly and the header, which anyone can write, is never read.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("TRUSTED_PROXIES must be 0 or more.")
# Per client address and action, a fixed window ("N/unit", unit s, min, h or d; "5/15min"; "0" = none).
RATE_LIMITS = {
    "register": env.str("RATE_LIMIT_REGISTER", default="10/h"),
    "login": env.str("RATE_LIMIT_LOGIN", default="20/min"),
    "password_reset": env.str("RATE_LIMIT_PASSWORD_RESET", default="5/h"),
    # 重新发送激活邮件: per client address (the page), and per account and per e-mail address (quietly:
    # the answer is the same, so it tells no one which accounts exist).
    "activation_resend": env.str("RATE_LIMIT_ACTIVATION_RESEND", default="10/h"),
    "activation_resend_account": env.str("RATE_LIMIT_ACTIVATION_RESEND_ACCOUNT", default="3/h"),
    "number_check": env.str("RATE_LIMIT_NUMBER_CHECK", default="60/min"),
    "search": env.str("RATE_LIMIT_SEARCH", default="60/min"),
    # RPT-01: problem reports sent from one address, and look-ups of a report's code.
    "report": env.str("RATE_LIMIT_REPORT", default="10/h"),
    "report_status": env.str("RATE_LIMIT_REPORT_STATUS", default="60/min"),
    # PUBLIC_API_RATE is this setting's earlier name.
    "open_data": env.str("RATE_LIMIT_OPEN_DATA", default=env.str("PUBLIC_API_RATE", default="120/min")),
}
# Redis's atomic counter when there is Redis, else the database's (beian.RateCounter).
RATE_LIMIT_STORE = "redis" if REDIS_URL else "database"
RATE_LIMIT_KEY_PREFIX = "beian:rl"

# API tokens (django-rest-knox): idle expiry renewed by use, and an absolute one from issue.
API_TOKEN_IDLE_MINUTES = env.int("API_TOKEN_IDLE_MINUTES", default=60)
API_TOKEN_MAX_HOURS = env.int("API_TOKEN_MAX_HOURS", default=12)
if API_TOKEN_IDLE_MINUTES <= 0 or API_TOKEN_MAX_HOURS * 60 < API_TOKEN_IDLE_MINUTES:
    raise ImproperlyConfigured("API_TOKEN_IDLE_MINUTES must be positive and at most API_TOKEN_MAX_HOURS.")
REST_KNOX = {
    "TOKEN_TTL": timedelta(minutes=API_TOKEN_IDLE_MINUTES),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(hours=API_TOKEN_MAX_HOURS),
    # A use renews the expiry (one write) only when it moves by more than this many seconds.
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",  # as DRF's authtoken had it: clients keep their header
}

# --- Security ------------------------------------------------------------------------
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)  # ACC-04
SESSION_SAVE_EVERY_REQUEST = True  # the age is an idle timeout, renewed by activity
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP inside the stack.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Content-Security-Policy (SEC-05) ------------------------------------------------------
# Every script, style sheet, font and image is the portal's own (whitenoise, drf-spectacular-sidecar):
# no inline script or style anywhere, no eval. Images may be data: URLs (Swagger UI's icons). The API's
# ReDoc page alone adds a nonce for the styles it writes and a blob: worker (beian/api_docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

PORTAL_NAME = _("互联网信息服务算法备案系统")
