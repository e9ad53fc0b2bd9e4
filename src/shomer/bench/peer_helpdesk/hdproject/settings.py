"""Settings for the django-helpdesk peer: the smallest project its install guide asks for.

The runner fills the database in from `HDBENCH_DATABASE` (a JSON `DATABASES["default"]`)
before Django starts; uploads go to `HDBENCH_MEDIA_ROOT`. Outbound mail is built but
dropped (dummy backend), so no benchmark talks to an SMTP server.
"""

import json
import os

SECRET_KEY = "helpdesk-peer-benchmark-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hdproject.urls"
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
            ]
        },
    }
]
DATABASES = {"default": json.loads(os.environ["HDBENCH_DATABASE"])}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# Cheap hashing: creating the bench user must not weigh on any figure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "he"
TIME_ZONE = "Asia/Jerusalem"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_ROOT = os.environ.get("HDBENCH_MEDIA_ROOT", "/tmp/helpdesk-peer-media")
MEDIA_URL = "/media/"
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "support@example.com"

# pinax-teams is an optional extra; without it teams mode must be off.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {"django.helpdesk": {"handlers": ["null"], "propagate": False}},
}
