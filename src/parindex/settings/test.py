"""Settings for the test suite. DATABASE_URL selects PostgreSQL in CI's second pass."""

from .base import *  # noqa: F401,F403
from .base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = ":memory:"
AXES_ENABLED = True
