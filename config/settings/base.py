"""Settings shared by every environment; everything deployment-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "config.apps.SimirAdminConfig",  # django.contrib.admin, for administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_celery_beat",
    "django_filters",
    "django_tables2",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here (the CSP allows no CDN)
    # SIMIR's apps, each depending only on those above it (docs/arquitectura.md).
    "common",
    "programs",
    "indicators",
    "reporting",
    "compliance",
    "interchange",
    "institutional",
    "jobs",
    "followup",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication, so its 400 page has the usual header; before any view reads the data.
    "common.middleware.RejectControlCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so a view's «database is locked» reaches it first (process_exception runs bottom-up).
    "config.errors.DatabaseLockedMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "programs.context_processors.roles",
            ],
        },
    },
]

# SQLite is the embedded default so one command starts a working system.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several web processes and threads write to one file. IMMEDIATE takes the write lock at BEGIN,
    # where SQLite waits for it (busy timeout); a deferred transaction that read first fails at
    # once with «database is locked» when another writer is ahead. WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es-mx"
# Every text of the interface lives in one catalog (locale/es_MX), compiled and committed.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("es-mx", "Español (México)")]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("SIMIR_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Celery: with no broker configured, tasks run eagerly in-process (embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Nothing reads task results (long jobs report progress in their Job row). Storing them would also
# make every publish wait on the result store, which with Redis down fails only after ~20 s.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies is redelivered: tasks are idempotent, so running one twice is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A request must not hang when the broker is down: a short retry, then the caller keeps a trace.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    # How often a worker looks for messages of dead workers: interval × throttle seconds.
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# E-mail: console in the embedded default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SIMIR <simir@localhost>")

# A change reason holds a reviewer's whole observation (up to 2,000 characters) or an import's
# path; the library's default column is varchar(100), which PostgreSQL enforces.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Separation of duties: nobody approves an avance whose figures or justification they wrote, or
# that they sent (reporting/workflow.py). Turn off only where one person must do both.
SIMIR_SEPARATION_OF_DUTIES = env_bool("SIMIR_SEPARATION_OF_DUTIES", True)

# Days before a capture window closes when URs with pending avances get a reminder.
SIMIR_REMINDER_DAYS = int(os.environ.get("SIMIR_REMINDER_DAYS", "3"))
# Days an export file is kept for download before the daily clean-up removes it.
SIMIR_EXPORT_RETENTION_DAYS = int(os.environ.get("SIMIR_EXPORT_RETENTION_DAYS", "7"))

# Import limits (docs/intercambio.md, «Lectura del archivo»), checked while the file is read: the
# reading stops at the first row or byte past them. A whole APF year is ~15,000 indicator rows.
SIMIR_IMPORT_MAX_BYTES = int(os.environ.get("SIMIR_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
SIMIR_IMPORT_MAX_ROWS = int(os.environ.get("SIMIR_IMPORT_MAX_ROWS", "100000"))
# Uploads through the web (the avances template, docs/intercambio.md «Carga por la web») go row by
# row through the capture services, so they have their own, smaller caps than the command line import.
SIMIR_UPLOAD_MAX_BYTES = int(os.environ.get("SIMIR_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
SIMIR_UPLOAD_MAX_ROWS = int(os.environ.get("SIMIR_UPLOAD_MAX_ROWS", "5000"))
# Validation stops at this many errors: each one is kept in memory until the report.
SIMIR_IMPORT_MAX_ERRORS = int(os.environ.get("SIMIR_IMPORT_MAX_ERRORS", "1000"))
# An XLSX is a zip: its parts are measured uncompressed before openpyxl opens it. The sheet is read
# as a stream; the shared strings stay in memory (~150 bytes each besides their text).
SIMIR_IMPORT_XLSX_MAX_SHEET_BYTES = int(os.environ.get("SIMIR_IMPORT_XLSX_MAX_SHEET_BYTES", str(512 * 1024 * 1024)))
SIMIR_IMPORT_XLSX_MAX_STRINGS_BYTES = int(os.environ.get("SIMIR_IMPORT_XLSX_MAX_STRINGS_BYTES", str(32 * 1024 * 1024)))
SIMIR_IMPORT_XLSX_MAX_STRINGS = int(os.environ.get("SIMIR_IMPORT_XLSX_MAX_STRINGS", "500000"))
# Uncompressed ÷ compressed size of a part above 1 MB; Excel's own sheets stay around 5–20.
SIMIR_IMPORT_XLSX_MAX_RATIO = int(os.environ.get("SIMIR_IMPORT_XLSX_MAX_RATIO", "100"))

# Content Security Policy: only this site's own scripts, styles and images; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling: 5 failed attempts for a username from one address lock it for 15 minutes.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("SIMIR_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SIMIR_LOCKOUT_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# Behind a reverse proxy REMOTE_ADDR is the proxy, and locking (user, proxy) locks the user out for
# everyone. The client is the X-Forwarded-For entry our first trusted proxy wrote (config/proxy.py);
# 0 trusts no header at all (nothing in front: development). Production assumes 1 (the TLS proxy).
SIMIR_TRUSTED_PROXY_COUNT = int(os.environ.get("SIMIR_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.proxy.client_ip"

# REST API (/api/v1/, docs/api.md): JSON, or CSV for lists (?format=csv); pages of 100 rows, up to
# 1,000 with ?por_pagina; a personal token (Authorization: Token <clave>) or the web session.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.CSVRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token (or per user of the docs page); «N/second|minute|hour|day». The count lives in
# Django's cache, which is per process unless a shared cache is configured.
SIMIR_API_RATE = os.environ.get("SIMIR_API_RATE", "1000/hour")
# Avances in one POST /api/v1/avances/lote/; each goes through the capture service, in the request.
SIMIR_API_BATCH_MAX = int(os.environ.get("SIMIR_API_BATCH_MAX", "1000"))
SPECTACULAR_SETTINGS = {
    "TITLE": "SIMIR API",
    "DESCRIPTION": "Lectura de catálogos, programas, indicadores, avances y resultados trimestrales (docs/api.md).",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema holds no data, but SIMIR shows nothing to strangers; a token or the session reads it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
