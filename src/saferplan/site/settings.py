"""Django settings. The database is an embedded SQLite file in the data directory unless
``DATABASE_URL`` names another (PostgreSQL in production and in the test suite's second run).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from saferplan import config

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = config.data_dir()


def _secret_key() -> str:
    """Use ``SAFERPLAN_SECRET_KEY``, else a random key kept (mode 600) in the data directory."""
    if key := config.get("SAFERPLAN_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = config.flag("SAFERPLAN_DEBUG")
ALLOWED_HOSTS = (config.get("SAFERPLAN_ALLOWED_HOSTS") or "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "saferplan.datastore",
    "saferplan.accounts",
    "saferplan.plans",
    "saferplan.web",
    "saferplan.youthjustice",
    "saferplan.editions",
    "saferplan.jobs",
    "saferplan.resources",
    "saferplan.governance",
    "saferplan.documents",
    "saferplan.definitions",
]

# Background jobs (ADR 0005): django-tasks' queue, kept in this database, so the embedded
# default needs no other server; saferplan.jobs keeps each job's record and progress.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "saferplan.web.errors.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in user unless its view says otherwise (sign-in does).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Every request runs in the scope of the partnership chosen in the header (ADR 0004).
    "saferplan.accounts.tenancy.PartnershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "saferplan.site.urls"
WSGI_APPLICATION = "saferplan.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "saferplan.web.context.navigation",
            ],
        },
    },
]

# A web server thread keeps its PostgreSQL connection between requests (opening one costs a
# server process and an authentication), checked once per request before use so that a
# restarted server costs no request an error.
DATABASES = {
    "default": dj_database_url.parse(
        config.get("DATABASE_URL") or f"sqlite:///{config.sqlite_path()}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers (the web app) work while an import writes. Writers queue: each
    # transaction takes the write lock as it begins (BEGIN IMMEDIATE), waiting up to the
    # busy timeout for another writer, rather than reading first and then failing with
    # "database is locked" when another writer got in between its read and its write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000;",
        transaction_mode="IMMEDIATE",
        timeout=30,
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not SQLite's in-memory default, so session-wide fixtures and subprocesses
    # in the test suite see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-saferplan.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The public questionnaire pages' spam throttle counts in a cache every web server process
# shares: files in the data directory, so no cache server is needed (governance/throttle.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "throttle"),
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# GOV.UK Frontend comes from the npm registry (scripts/assets.sh), never copied by hand.
FRONTEND = BASE_DIR.parent.parent / "frontend"
STATICFILES_DIRS = [
    ("govuk", FRONTEND / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    FRONTEND / "build",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads (imports from the browser): bounded per file and per request, refused with a
# message by saferplan.web.uploads.LimitedUploadHandler before anything is kept, and
# written only inside the data directory (the temporary files too).
UPLOAD_MAX_FILE_BYTES = round(config.positive_number("SAFERPLAN_UPLOAD_MAX_FILE_MB", 1024) * 2**20)
UPLOAD_MAX_REQUEST_BYTES = round(
    config.positive_number("SAFERPLAN_UPLOAD_MAX_REQUEST_MB", 2048) * 2**20
)
FILE_UPLOAD_HANDLERS = [
    "saferplan.web.uploads.LimitedUploadHandler",
    "saferplan.web.uploads.SmallUploadHandler",
    "saferplan.web.uploads.HashingUploadHandler",
]
# An upload neither confirmed nor cancelled (nor being imported) is deleted after this long.
UPLOAD_KEEP_HOURS = config.positive_number("SAFERPLAN_UPLOAD_KEEP_HOURS", 24)
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "uploads" / "incoming")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_NUMBER_FILES = 100

# Passwords set through saferplan (accounts command) must pass these.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Single-use links an admin makes for setting a password (accounts.password_links).
PASSWORD_RESET_TIMEOUT = round(config.positive_number("SAFERPLAN_PASSWORD_LINK_HOURS", 72) * 3600)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling first
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords lock that user name at that address only (never the real user
# elsewhere), for a minute, then twice as long each time again, up to an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = "saferplan.accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "saferplan.accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Secure defaults; HTTPS-only cookie flags are switched on where TLS terminates.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_https = config.flag("SAFERPLAN_HTTPS")
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
if _https:
    # Behind a TLS-terminating proxy that says so in X-Forwarded-Proto: redirect plain HTTP,
    # and tell browsers to use HTTPS only for a year.
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the host's whole domain to HTTPS in browsers' built-in lists: a
    # decision for the council's domain owner, not for one application's settings.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Unhandled errors are logged with their traceback and the request's id (shown to the user
# on the error page), to standard error and to the data directory's log.
LOG_DIR = DATA_DIR / "logs"
LOG_DIR.mkdir(exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "saferplan.web.errors.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "formatter": "plain",
            "filename": str(LOG_DIR / "saferplan.log"),
            "maxBytes": 10 << 20,
            "backupCount": 5,
            "filters": ["request_id"],
        },
    },
    "loggers": {
        "django.request": {"handlers": ["stderr", "file"], "level": "ERROR", "propagate": False},
        "saferplan": {"handlers": ["stderr", "file"], "level": "WARNING", "propagate": False},
    },
}
