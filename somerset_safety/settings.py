"""Settings for Safer Somerset.

Every value comes from the environment through django-environ (see `.env.example`). The
defaults run out of the box for development: SQLite, eager Celery, console email. In
production (DEBUG off and not make run's demo mode) the values production must supply are
required: each one missing is a system check error (`manage.py check --deploy`, and every
manage.py command that checks), and gunicorn, the Celery worker and beat refuse to start.
Nothing falls back to a development default there.
"""

from datetime import date, timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
DEMO_MODE = env.bool("DEMO_MODE", default=False)
# Production: anything but development (DEBUG on) and make run's synthetic demo.
PRODUCTION = not DEBUG and not DEMO_MODE
# Values production must set but did not: reported by somerset_safety.core.checks.
MISSING_PRODUCTION_SETTINGS: list[str] = []


def _required(name: str, dev_default: str) -> str:
    """A value production must set; development and the demo fall back to a harmless default.
    In production a missing value is recorded (and the service refuses to start), never
    replaced by the development default."""
    value = env.str(name, default="")
    if value:
        return value
    if PRODUCTION:
        MISSING_PRODUCTION_SETTINGS.append(name)
        return ""
    return dev_default


SECRET_KEY = _required("SECRET_KEY", "dev-only-insecure-key-not-for-real-data")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "simple_history",
    "somerset_safety.core",
    "somerset_safety.accounts",
    "somerset_safety.audit",
    "somerset_safety.deadlines",
    "somerset_safety.meetings",
    "somerset_safety.reports",
    "somerset_safety.records",
    "reviews",
    "partnerships",
    "commissioning",
    "duties",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "somerset_safety.core.middleware.RequestIdMiddleware",
    "somerset_safety.core.middleware.DatabaseAvailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "somerset_safety.accounts.middleware.SessionLifetimeMiddleware",
    "somerset_safety.accounts.middleware.SecondFactorRequiredMiddleware",
    "somerset_safety.accounts.middleware.RoleRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "somerset_safety.core.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "somerset_safety.urls"
WSGI_APPLICATION = "somerset_safety.wsgi.application"

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
                "somerset_safety.core.context_processors.service",
            ],
        },
    },
]

DATABASE_URL = _required("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
# In production without DATABASE_URL there is no database at all, never a silent SQLite file.
DATABASES = {
    "default": env.db_url_config(DATABASE_URL) if DATABASE_URL else {"ENGINE": "django.db.backends.dummy"}
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run's SQLite: wait for a lock rather than fail, and take the write lock at the start
    # of a transaction so two people saving at once queue instead of erroring.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails in seconds (health check, outage page), never hangs a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "TEST_DATABASE_NAME", default="test_safer_somerset"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, loading the user with their agency and roles in one query.
    "somerset_safety.accounts.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "somerset_safety.accounts.validators.ContextWordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:signed_out"
PASSWORD_RESET_TIMEOUT = 60 * 60

# Second factor (S1). Only make run's demo mode may switch it off, and then every page says so.
REQUIRE_SECOND_FACTOR = env.bool("REQUIRE_SECOND_FACTOR", default=not DEMO_MODE)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Safer Somerset")
OTP_TOTP_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

# Lock-out keyed on the username, not the IP: partner agencies share addresses (S3).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_CLIENT_IP_CALLABLE = "somerset_safety.core.middleware.client_ip"
# Proxies (addresses or networks, e.g. 10.0.0.0/24) whose X-Forwarded-For is believed for the
# client's address in audit events; from anyone else the header is ignored.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Emergency ("break-glass") access to a restricted record lasts this long (S9).
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=60)
AXES_VERBOSE = False

# Sessions live in the database (S20); idle 20 minutes, absolute 10 hours (S4).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=20 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=10 * 60 * 60)
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=2 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_SECONDS
# Activity is recorded in the session (and its expiry moved on) at most once a minute, not on
# every request: the idle time is counted from the last recorded activity, so a session ends
# between 19 and 20 minutes after its last request, never later (accounts.middleware).
SESSION_ACTIVITY_INTERVAL_SECONDS = env.int("SESSION_ACTIVITY_INTERVAL_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"

# Headers (S19).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    # The PDFs' font, bundled so that a report looks the same on every server.
    ("fonts/arimo", BASE_DIR / "node_modules" / "@fontsource" / "arimo" / "files"),
]
# Collected, hashed and compressed with DEBUG off (the PDF tests use the same backend).
PRODUCTION_STATICFILES_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else PRODUCTION_STATICFILES_BACKEND
    },
}
# Uploaded documents are private: outside the web root, served only through authorised views.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "emails"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="safer-somerset@localhost")
SITE_URL = _required("SITE_URL", "http://127.0.0.1:8000")

# Celery: Redis when REDIS_URL is set, otherwise (development and make run only) tasks run
# eagerly in the web process. Production must have the broker, a worker and one beat.
REDIS_URL = _required("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL and not PRODUCTION
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "max_retries": 1,
    # How long a task a worker took but never acknowledged (it died) waits before redelivery.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TASK_PUBLISH_RETRY = False

# Names that differ between councils (DOMAIN §1, §2).
COUNCIL_NAME = env.str("COUNCIL_NAME", default="Somerset Council")
SERVICE_NAME = "Safer Somerset"
DECISION_BODY_NAME = env.str("DECISION_BODY_NAME", default="Executive")
# Counts below this are shown as "fewer than N" to partnership leads and in public papers.
SMALL_COUNT_THRESHOLD = env.int("SMALL_COUNT_THRESHOLD", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Lock-out is deliberately by username only (S3); see AXES_LOCKOUT_PARAMETERS above.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "somerset_safety.accounts.validators.normalised_username"
# The virus-scan hook for uploads (S17). Production uses ClamAV's daemon
# (somerset_safety.core.scanning.clamav_scan); "no scan" there needs the explicit opt-out.
NO_SCAN = "somerset_safety.core.uploads.no_scan"
UPLOAD_SCANNER = env.str("UPLOAD_SCANNER", default="" if PRODUCTION else NO_SCAN) or NO_SCAN
UPLOAD_SCANNER_NONE_ACCEPTED = env.bool("UPLOAD_SCANNER_NONE_ACCEPTED", default=False)
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")
CLAMAV_HOST = env.str("CLAMAV_HOST", default="127.0.0.1")
CLAMAV_PORT = env.int("CLAMAV_PORT", default=3310)
CLAMAV_TIMEOUT_SECONDS = env.float("CLAMAV_TIMEOUT_SECONDS", default=30)

# Deadlines: "due soon" days per kind override each app's default, e.g. "marac_action=5,dhr_decision_due=10".
DEADLINE_DUE_SOON_DAYS_BY_KIND = env.dict("DEADLINE_DUE_SOON_DAYS_BY_KIND", cast={"value": int}, default={})

# Reminders: days before the due date, the repeat while overdue, and escalation.
REMINDER_OFFSETS_DAYS = tuple(env.list("REMINDER_OFFSETS_DAYS", cast=int, default=[14, 7, 1]))
REMINDER_OVERDUE_EVERY_DAYS = env.int("REMINDER_OVERDUE_EVERY_DAYS", default=7)
REMINDER_ESCALATE_AFTER_DAYS = env.int("REMINDER_ESCALATE_AFTER_DAYS", default=14)
# Deadlines read per sweep batch (one INSERT … SELECT each, committed on its own).
REMINDER_SWEEP_BATCH_SIZE = env.int("REMINDER_SWEEP_BATCH_SIZE", default=2000)
# A reminder claimed for sending but not confirmed within this time (its sender died) is
# released and sent again; after REMINDER_MAX_ATTEMPTS it is reported as failed.
REMINDER_CLAIM_TIMEOUT_SECONDS = env.int("REMINDER_CLAIM_TIMEOUT_SECONDS", default=900)
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)

# Domestic Homicide Reviews (DOMAIN §2). Clock offsets are local practice, so they are settings.
DHR_DISPLAY_NAME = env.str("DHR_DISPLAY_NAME", default="Domestic Homicide Reviews")
DHR_REFERENCE_PREFIX = env.str("DHR_REFERENCE_PREFIX", default="DHR-")
DHR_DECISION_DUE_MONTHS = env.int("DHR_DECISION_DUE_MONTHS", default=1)
DHR_COMPLETION_MONTHS = env.int("DHR_COMPLETION_MONTHS", default=6)
DHR_AGENCY_REPORT_WEEKS = env.int("DHR_AGENCY_REPORT_WEEKS", default=6)
DHR_COMMISSIONER_COPY_DAYS = env.int("DHR_COMMISSIONER_COPY_DAYS", default=0)
# A published report stays online at least this long (Home Office statutory guidance).
DHR_PUBLISHED_ONLINE_MONTHS = env.int("DHR_PUBLISHED_ONLINE_MONTHS", default=12)
DHR_DUE_SOON_DAYS = env.int("DHR_DUE_SOON_DAYS", default=14)

# Statutory duties (DOMAIN §6).
DUTIES_DUE_SOON_DAYS = env.int("DUTIES_DUE_SOON_DAYS", default=60)
DUTIES_RG_DECISION_WORKING_DAYS = env.int("DUTIES_RG_DECISION_WORKING_DAYS", default=5)
DUTIES_RG_CHECK_DUE_SOON_DAYS = env.int("DUTIES_RG_CHECK_DUE_SOON_DAYS", default=2)
DUTIES_RECOVERY_PERIOD_MIN_DAYS = env.int("DUTIES_RECOVERY_PERIOD_MIN_DAYS", default=30)
# The day the council began keeping the register here (YYYY-MM-DD): an obligation never evidenced
# is first due one cycle later (or one cycle after its duty came into force, if later).
DUTIES_REGISTER_STARTED_ON = date.fromisoformat(env.str("DUTIES_REGISTER_STARTED_ON", default="2026-04-01"))

# Commissioned services (DOMAIN §5). Read through commissioning/conf.py, which has the defaults.
COMMISSIONING_REFERENCE_PREFIX = env.str("COMMISSIONING_REFERENCE_PREFIX", default="CON")
COMMISSIONING_REPROCUREMENT_LEAD_MONTHS = env.int("COMMISSIONING_REPROCUREMENT_LEAD_MONTHS", default=18)
COMMISSIONING_RETURN_WORKING_DAYS = env.int("COMMISSIONING_RETURN_WORKING_DAYS", default=20)
COMMISSIONING_PSR_STANDSTILL_WORKING_DAYS = env.int("COMMISSIONING_PSR_STANDSTILL_WORKING_DAYS", default=8)
COMMISSIONING_PSR_RESTART_WORKING_DAYS = env.int("COMMISSIONING_PSR_RESTART_WORKING_DAYS", default=5)
COMMISSIONING_PA2023_STANDSTILL_WORKING_DAYS = env.int(
    "COMMISSIONING_PA2023_STANDSTILL_WORKING_DAYS", default=8
)
COMMISSIONING_PCR_STANDSTILL_WORKING_DAYS = env.int("COMMISSIONING_PCR_STANDSTILL_WORKING_DAYS", default=8)
COMMISSIONING_NOTICE_PERIOD_MONTHS = env.int("COMMISSIONING_NOTICE_PERIOD_MONTHS", default=6)
COMMISSIONING_APPROVAL_LEAD_DAYS = env.int("COMMISSIONING_APPROVAL_LEAD_DAYS", default=56)
COMMISSIONING_PA2023_KPI_THRESHOLD = env.int("COMMISSIONING_PA2023_KPI_THRESHOLD", default=5_000_000)
COMMISSIONING_PA2023_MIN_KPIS = env.int("COMMISSIONING_PA2023_MIN_KPIS", default=3)
COMMISSIONING_CONTRACT_DETAILS_NOTICE_DAYS = env.int("COMMISSIONING_CONTRACT_DETAILS_NOTICE_DAYS", default=30)
COMMISSIONING_PERFORMANCE_NOTICE_MONTHS = env.int("COMMISSIONING_PERFORMANCE_NOTICE_MONTHS", default=12)
COMMISSIONING_TERMINATION_NOTICE_DAYS = env.int("COMMISSIONING_TERMINATION_NOTICE_DAYS", default=30)
COMMISSIONING_PSR_CHANGE_VALUE_LIMIT = env.int("COMMISSIONING_PSR_CHANGE_VALUE_LIMIT", default=500_000)
COMMISSIONING_PSR_CHANGE_SHARE_LIMIT_PERCENT = env.int(
    "COMMISSIONING_PSR_CHANGE_SHARE_LIMIT_PERCENT", default=25
)
COMMISSIONING_PSR_CHANGE_LIMITS_EITHER = env.bool("COMMISSIONING_PSR_CHANGE_LIMITS_EITHER", default=True)
COMMISSIONING_PSR_TRANSPARENCY_THRESHOLD = env.int(
    "COMMISSIONING_PSR_TRANSPARENCY_THRESHOLD", default=500_000
)
COMMISSIONING_PSR_TRANSPARENCY_NOTICE_DAYS = env.int("COMMISSIONING_PSR_TRANSPARENCY_NOTICE_DAYS", default=30)
COMMISSIONING_DUE_SOON_DAYS = env.int("COMMISSIONING_DUE_SOON_DAYS", default=28)
COMMISSIONING_RETURN_MAX_BYTES = env.int("COMMISSIONING_RETURN_MAX_BYTES", default=2 * 1024 * 1024)

# MARAC (DOMAIN §3). The minoritised-ethnicity list and the SafeLives benchmarks have their
# defaults in partnerships/conf.py and may be overridden here as MARAC_MINORITISED_ETHNICITIES
# and MARAC_BENCHMARKS.
MARAC_HIGH_RISK_THRESHOLD = env.int("MARAC_HIGH_RISK_THRESHOLD", default=14)
MARAC_ESCALATION_INCIDENTS = env.int("MARAC_ESCALATION_INCIDENTS", default=3)
MARAC_ESCALATION_MONTHS = env.int("MARAC_ESCALATION_MONTHS", default=12)
MARAC_AGENDA_WORKING_DAYS = env.int("MARAC_AGENDA_WORKING_DAYS", default=5)
MARAC_DUE_SOON_DAYS = env.int("MARAC_DUE_SOON_DAYS", default=7)
MARAC_IMPORT_MAX_BYTES = env.int("MARAC_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)

# Old versions are shown in the admin but never restored from there: a change goes through the
# services, which check it and audit it.
SIMPLE_HISTORY_REVERT_DISABLED = True

# The audit log (S13). The key seals each row (an HMAC chain) and signs the daily anchors; it
# lives in the environment only, never in the database, and must not change once set.
AUDIT_CHAIN_KEY = _required("AUDIT_CHAIN_KEY", "dev-only-audit-chain-key-not-for-real-data")
# Where the daily anchors are written: storage the database's administrators cannot rewrite.
AUDIT_ANCHOR_DIR = Path(env.str("AUDIT_ANCHOR_DIR", default=str(BASE_DIR / "var" / "audit-anchors")))
# The non-owning database role web, worker and beat connect as (granted by migrate; see README).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")
