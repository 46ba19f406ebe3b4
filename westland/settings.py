"""Settings for the Eén tegen eenzaamheid Westland portal.

Every value comes from the environment (django-environ). The defaults are safe for
local development only: a SQLite file, local-memory cache, eager Celery tasks and
e-mail on the console. Production changes environment values, never this file.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from westland import error_reporting, logs

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY or (SECRET_KEY == _DEV_SECRET_KEY and not DEBUG):
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
# Older signing keys still accepted while SECRET_KEY is rotated (docs/operations.md), so
# that sessions and password-reset links made with the old key keep working meanwhile.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_USES_HTTPS = SITE_URL.startswith("https://")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "import_export",
    "csp",
    "django_guid",
    "westland",
    "common",
    "coalition",
    "signals",
    "monitoring",
]

MIDDLEWARE = [
    # First: every log line of the request, and the tasks it queues, carry its id (westland.logs).
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "westland.middleware.RefuseNullBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "westland.middleware.IdleSessionTimeoutMiddleware",
    "westland.middleware.EnforceMFAMiddleware",
    "westland.middleware.NoStoreWhenSignedInMiddleware",
]

ROOT_URLCONF = "westland.urls"
WSGI_APPLICATION = "westland.wsgi.application"

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
                "westland.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The covering indexes' INCLUDE columns are for PostgreSQL; SQLite (make run) ignores them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache, Celery broker and allauth's rate limits when set. Nothing in it must
# survive: while Redis is down the cache reads as empty (common.cache), sessions are read
# from the database (cached_db) and a report is still stored (docs/adr/0008).
REDIS_URL = env.str("REDIS_URL", default="")
# Without Redis the cache, rate limits and the dashboard's cache version live in one
# process and tasks run inside the request: right for development and for a deliberate
# single-process install, wrong for several web processes. Production says which it is.
PORTAL_SINGLE_PROCESS = env.bool("PORTAL_SINGLE_PROCESS", default=False)
if not REDIS_URL and not DEBUG and not PORTAL_SINGLE_PROCESS:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DEBUG is off. For one web process with tasks run inside "
        "the request and no shared cache, set PORTAL_SINGLE_PROCESS=true instead."
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="westland"),
            # A Redis that does not answer must cost a request a moment, not a timeout.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task taken by a worker that dies (acks_late: never acknowledged) goes back to the
# queue after the visibility timeout, for another worker. An hour in production (longer
# than any task); the fault tests set a few seconds, and the unacknowledged messages are
# then also looked for more often than every 10 x 10 seconds.
celery_visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": celery_visibility_timeout}
if celery_visibility_timeout < 100:
    CELERY_BROKER_TRANSPORT_OPTIONS |= {"unacked_restore_interval": 1, "unacked_restore_throttle": 1}
CELERY_TIMEZONE = "Europe/Amsterdam"
# Beat's scheduler: Celery's own, which also records beat's heartbeat (common.heartbeat).
# Its schedule file (when each periodic task last ran) belongs to one checkout: by default
# in the project folder; `celery beat --schedule PATH` overrides this setting.
CELERY_BEAT_SCHEDULER = "common.heartbeat:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = env.str("CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "celerybeat-schedule"))
# The worker and beat each record a heartbeat in the database this often; /healthz answers
# 503 once either is older than the maximum age (docs/adr/0009).
PORTAL_HEARTBEAT_SECONDS = env.float("PORTAL_HEARTBEAT_SECONDS", default=15)
PORTAL_HEARTBEAT_MAX_AGE_SECONDS = env.float("PORTAL_HEARTBEAT_MAX_AGE_SECONDS", default=60)
if PORTAL_HEARTBEAT_MAX_AGE_SECONDS <= 2 * PORTAL_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("PORTAL_HEARTBEAT_MAX_AGE_SECONDS must be more than twice PORTAL_HEARTBEAT_SECONDS.")
# Periodic work. A test imports every task path listed here.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "coalition.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=0),
    },
    "remind-partners": {
        "task": "coalition.tasks.remind_partners",
        "schedule": crontab(day_of_week="monday", hour=8, minute=0),
    },
    "retry-due-emails": {
        "task": "common.tasks.retry_due_emails",
        "schedule": 60,
    },
    "overdue-signals-digest": {
        "task": "signals.tasks.send_overdue_digest",
        "schedule": crontab(hour=8, minute=30),
    },
    "erase-expired-personal-data": {
        "task": "signals.tasks.erase_expired_personal_data",
        "schedule": crontab(hour=2, minute=15),
    },
    "tend-import-jobs": {
        "task": "common.tasks.tend_import_jobs",
        "schedule": 5 * 60,
    },
    "erase-old-audit-rows": {
        "task": "signals.tasks.erase_old_audit_rows",
        "schedule": crontab(hour=2, minute=30),
    },
    "close-unused-accounts": {
        "task": "coalition.tasks.close_unused_accounts",
        "schedule": crontab(hour=2, minute=45),
    },
    "warm-monitoring-caches": {
        "task": "monitoring.tasks.warm_caches",
        "schedule": crontab(hour=4, minute=30),
    },
}

# Retention (docs/security.md): the audit log of views of contact details, and accounts
# nobody signed in to, are kept this many days (two years), then deleted or closed.
PORTAL_AUDIT_RETENTION_DAYS = env.int("PORTAL_AUDIT_RETENTION_DAYS", default=730)
PORTAL_ACCOUNT_RETENTION_DAYS = env.int("PORTAL_ACCOUNT_RETENTION_DAYS", default=730)

# Accounts
AUTH_USER_MODEL = "coalition.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "coalition.adapters.AccountAdapter"
MFA_ADAPTER = "coalition.adapters.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Eén tegen eenzaamheid Westland] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_USES_HTTPS else "http"
# allauth keeps its counters in the default cache: Redis in production, so every
# web process shares them.
ACCOUNT_RATE_LIMITS = {
    # Successful and failed sign-ins per address. `make load` raises this one (it signs 55
    # simulated people in from 127.0.0.1 at once); the limits on failed sign-ins stay.
    "login": env.str("ACCOUNT_LOGIN_RATE_LIMIT", default="30/m/ip"),
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    # The public intake (/signaal-doorgeven/): reports per client IP address.
    "public_intake": env.str("PUBLIC_INTAKE_RATE", default="10/h/ip"),
}
# The public intake refuses a report sent sooner than this after the form was opened.
PUBLIC_INTAKE_MIN_SECONDS = env.int("PUBLIC_INTAKE_MIN_SECONDS", default=8)
# An opened intake form can be sent for this long (a day): an older one is refused with a
# fresh form, so a harvested start time cannot be replayed for ever.
PUBLIC_INTAKE_MAX_AGE_SECONDS = env.int("PUBLIC_INTAKE_MAX_AGE_SECONDS", default=24 * 60 * 60)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Eén tegen eenzaamheid Westland"
# Roles that see residents' personal data or approve partners must use TOTP.
PORTAL_ENFORCE_MFA = env.bool("PORTAL_ENFORCE_MFA", default=not DEBUG)

# E-mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The outbox (common.models.Email) tries an e-mail this often, with growing waits, before
# it marks it failed for a beheerder to see.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Eén tegen eenzaamheid Westland <noreply@westland.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Personal data is encrypted at rest with these keys (newest first; the rest
# still decrypt, which is how keys are rotated).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    # A fixed development key: local demo data only, never real residents.
    FIELD_ENCRYPTION_KEYS = ["d2VzdGxhbmQtZGV2ZWxvcG1lbnQtb25seS1rZXktMzI="]

# Internationalisation: Dutch first, English available.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = SITE_USES_HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Static files: the project's own, plus static/vendor/ where `make setup` copies the
# NL Design System CSS and htmx from node_modules (package-lock.json pins them).
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security headers. HTTPS-only settings follow the site URL, so a local HTTP run works.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SITE_USES_HTTPS
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
# Opvolgers, coördinators, officers and administrators (who may see personal data) are
# signed out after this many seconds without a request (westland.middleware).
PORTAL_IDLE_SESSION_SECONDS = env.int("PORTAL_IDLE_SESSION_SECONDS", default=30 * 60)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = SITE_USES_HTTPS
SECURE_SSL_REDIRECT = SITE_USES_HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
# Forwarded headers are a client's own words unless a proxy of ours wrote them: they are
# trusted only when the operator says how many proxies stand in front (0: none, as under
# make serve). Behind the load balancer the rate limits (sign-in, the public intake) count
# the address it appends to X-Forwarded-For, and X-Forwarded-Proto says HTTPS.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SITE_USES_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SITE_USES_HTTPS
SECURE_HSTS_PRELOAD = SITE_USES_HTTPS
# Permissions-Policy: the portal uses no device feature (no camera, location, payment …),
# so every one of them is denied to its pages and to anything they might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
# Uploaded files (a survey, an admin import): larger than this is refused beside the
# field, in the form's clean. Files up to FILE_UPLOAD_MAX_MEMORY_SIZE stay in memory;
# larger admin imports are spooled to a temporary file until the form refuses them.
PORTAL_MAX_UPLOAD_MB = env.float("PORTAL_MAX_UPLOAD_MB", default=10)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=int(2.5 * 1024 * 1024))

# Content-Security-Policy (django-csp): everything from the portal itself, no
# inline script or style, so Plotly and htmx are loaded as static files.
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

# Imports and exports in the admin (django-import-export; each admin offers CSV and XLSX
# only): all or nothing, uploads parked in the shared cache rather than a web server's /tmp. Formula
# escaping is done by the resources themselves (the library's setting turns every
# XLSX cell into text and misses + - @).
IMPORT_EXPORT_USE_TRANSACTIONS = True
# An import of more rows than this (an admin import, a survey upload) is checked and stored
# by a Celery worker, with its progress on the page, instead of inside the request
# (common.import_jobs; docs/adr/0012-imports-in-the-background.md).
PORTAL_BACKGROUND_IMPORT_ROWS = env.int("PORTAL_BACKGROUND_IMPORT_ROWS", default=200)
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
# A control character in stored text (a pasted tab is fine, a vertical tab is not) would
# make the XLSX export fail; it is replaced by U+FFFD in the file instead.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# Logs (westland.logs): one line per record on standard error, UTC ISO 8601 time stamps,
# the request id on every line; LOG_FORMAT=json for one JSON object per line. gunicorn
# uses the same (westland/gunicorn_conf.py), Celery's worker and beat too (westland.celery).
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("LOG_FORMAT", default="plain").lower()
LOGGING = logs.config(LOG_LEVEL, LOG_FORMAT)
# The request id (django-guid): an incoming X-Request-ID is kept when it is a UUID (as a
# load balancer or proxy sends it), otherwise a new one is made; returned in the response.
DJANGO_GUID = {
    "GUID_HEADER_NAME": logs.REQUEST_ID_HEADER,
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
}

# Error reporting (optional): Sentry or a self-hosted GlitchTip, without personal data
# (westland.error_reporting).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
error_reporting.init(
    SENTRY_DSN,
    environment=env.str("SENTRY_ENVIRONMENT", default="production"),
    release=env.str("SENTRY_RELEASE", default=""),
)
