"""Test settings: Shomer's own settings, with tasks run in-process and a throwaway home."""

import os
import tempfile

os.environ.setdefault("SHOMER_HOME", tempfile.mkdtemp(prefix="shomer-test-"))

from shomer.settings import *  # noqa: E402, F403

# Tasks run inline (the real task code, not a mock); tests/webhooks/test_worker.py drives a
# real Celery worker over Redis.
CELERY_TASK_ALWAYS_EAGER = True
# Hashing with argon2 on every login would slow the suite for no benefit.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# WhiteNoise warns when the collected-static folder is missing; tests serve from finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
