"""Test settings: Shomer's own settings, with tasks run in-process and a throwaway home."""

import os
import tempfile

os.environ.setdefault("SHOMER_HOME", tempfile.mkdtemp(prefix="shomer-test-"))

from shomer.settings import *  # noqa: F403

# Tasks run inline (the real task code, not a mock); tests/webhooks/test_worker.py drives a
# real Celery worker over Redis.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # noqa: F405
# Hashing with argon2 on every login would slow the suite for no benefit.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file, not memory, so that a real worker process (tests/webhooks/test_worker.py) and the
# browser tests' live server share the test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(SHOMER_HOME / "test.sqlite3")}  # noqa: F405
