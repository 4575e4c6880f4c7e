"""Settings for the test suite and type checking: the real settings with safe test defaults.

pytest-django and the mypy Django plugin load settings before any conftest runs, so the
defaults that production refuses to guess (the secret key) are supplied here.
"""

import os
import tempfile

os.environ.setdefault("CALLINGTIME_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("CALLINGTIME_DATA_DIR", tempfile.mkdtemp(prefix="callingtime-test-"))

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when it is missing
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
