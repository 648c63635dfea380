"""Settings shared by every environment, read from environment variables.

SQLite and local files are the defaults, so a fresh machine needs nothing running.
Production: DJANGO_SETTINGS_MODULE=parindex.settings.production (see README).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from parindex import logs

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The repository root when running from a checkout; holds var/ (database, uploads) and examples/.
BASE_DIR = Path(os.environ.get("PARINDEX_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("PARINDEX_VAR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database and uploads live here


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
# Off unless asked for (DEBUG=1): an unknown address answers the site's own 404 page, as deployed.
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",  # serves its bundled Swagger UI, so /api/docs works offline
    "django_tasks",
    "django_tasks_db",  # the embedded queue: tasks are rows of the app's own database
    "django_rq",  # the Redis queue, used when PARINDEX_TASKS_BACKEND=redis
    "parindex.history",
    "parindex.jobs",
    "parindex.units",
    "parindex.frameworks",
    "parindex.assessments",
    "parindex.surveys",
    "parindex.results",
    "parindex.awards",
    "parindex.plans",
    "parindex.notifications",
    "parindex.api",
    "parindex.demo",
    "parindex.ops",
    "parindex.work",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "parindex.history.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the person chose English (never the browser's Accept-Language).
    "parindex.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the outcome of authentication: rate-limits password guessing.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy: only this site's own files. No inline script (nor event handler
# attributes, nor htmx evaluating code: see base.html's htmx-config) and no inline style; Pico's
# icons are data: SVG images.
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
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
# Lock a name at one address only: many officers share one NAT address, and a list of two
# separate parameters would lock either (the whole office after 5 typos of anyone).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parindex.context_processors.navigation",
                "parindex.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'parindex.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database serves several request threads: take the write lock when a
    # transaction begins and wait for it, rather than failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first; English is the complete second language.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# 28/11/2026 and 78,30 in Vietnamese (Django's own `vi` formats write 28-11-2026).
FORMAT_MODULE_PATH = ["parindex.formats"]
# The language menu's choice, kept a year on this device (and on the person's account).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from here after collectstatic
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from the app folders while developing
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Files go through the storage API: local disk by default; S3-compatible object storage in
# production by setting STORAGE_BACKEND (e.g. storages.backends.s3.S3Storage) and its options.
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
S3_BACKEND = "storages.backends.s3.S3Storage"
if STORAGES["default"]["BACKEND"] == S3_BACKEND:
    # S3-compatible object storage (AWS, MinIO, Ceph, Garage…), through django-storages. The
    # keys may also come from boto3's own AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables.
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "access_key": os.environ.get("AWS_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_S3_SECRET_ACCESS_KEY") or None,
        "location": os.environ.get("AWS_LOCATION", ""),  # a folder inside the bucket
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,  # "path": MinIO
        "file_overwrite": False,  # a name taken gets a suffix, as on local disk
        "default_acl": None,  # private: evidence is served only through the checked views
        "querystring_auth": True,
    }

# Optional shared cache for several app servers (published statistics are cached per snapshot;
# each process's own memory is the default). Needs the `redis` client package.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}

# Evidence uploads: largest accepted file, in megabytes.
PARINDEX_MAX_UPLOAD_MB = int(os.environ.get("PARINDEX_MAX_UPLOAD_MB", "20"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Spreadsheets coming in (imports, uploads): refused past any of these, before being read whole.
PARINDEX_IMPORT_MAX_ROWS = int(os.environ.get("PARINDEX_IMPORT_MAX_ROWS", "700000"))
PARINDEX_IMPORT_MAX_CELL_CHARS = int(os.environ.get("PARINDEX_IMPORT_MAX_CELL_CHARS", "32767"))
PARINDEX_IMPORT_MAX_UNCOMPRESSED_MB = int(
    os.environ.get("PARINDEX_IMPORT_MAX_UNCOMPRESSED_MB", "512"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_work"  # "My work": what waits for the person
LOGOUT_REDIRECT_URL = "home"
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"

# Background work (parindex.jobs): Django's Tasks API through the django-tasks backport.
# "database" (the default) keeps the queue in the app's own database, so nothing else runs;
# "redis" queues on Redis through RQ (REDIS_URL). `parindex worker` runs the matching worker.
PARINDEX_TASKS_BACKEND = os.environ.get("PARINDEX_TASKS_BACKEND", "database").strip().lower()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "redis": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
if PARINDEX_TASKS_BACKEND not in TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PARINDEX_TASKS_BACKEND must be 'database' or 'redis'.")
TASKS = {"default": TASK_BACKENDS[PARINDEX_TASKS_BACKEND]}
# Rounds with more units than this build their Excel annex and compute their results as jobs
# (the person follows them on "My jobs"); smaller ones answer in the request.
PARINDEX_BACKGROUND_UNITS = int(os.environ.get("PARINDEX_BACKGROUND_UNITS", "1000"))
# A running job with no sign of life (heartbeat) for this long is marked failed by the reaper
# (at worker start and in `parindex deadline-check`).
PARINDEX_JOB_STALE_MINUTES = int(os.environ.get("PARINDEX_JOB_STALE_MINUTES", "15"))

# Logs go to stderr, every line with its request id: readable text by default, one JSON object
# per line with PARINDEX_LOG_FORMAT=json (the production default).
PARINDEX_LOG_FORMAT = os.environ.get("PARINDEX_LOG_FORMAT", "text")
PARINDEX_LOG_LEVEL = os.environ.get("PARINDEX_LOG_LEVEL", "INFO")
LOGGING = logs.config(PARINDEX_LOG_FORMAT, PARINDEX_LOG_LEVEL)

# Email (notifications): Django's SMTP backend, configured from the environment. The demo and
# development settings print mail to the console instead (EMAIL_BACKEND).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "parindex@localhost")
# The address of the site, for the links in emails.
PARINDEX_SITE_URL = os.environ.get("PARINDEX_SITE_URL", "http://127.0.0.1:8000")
