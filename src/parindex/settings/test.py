"""Settings for the test suite. DATABASE_URL selects PostgreSQL in CI's second pass."""

import os

from .base import *  # noqa: F401,F403
from .base import DATABASES, TASK_BACKENDS, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not ":memory:": the browser tests' live server answers requests on several threads,
    # and an in-memory database would be one connection shared by all of them at once.
    DATABASES["default"]["NAME"] = str(VAR_DIR / "parindex-test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30}
AXES_ENABLED = True

# The embedded queue whatever the environment says; tests run the worker loop themselves.
# The Redis tests (tests/jobs) use their own database number and flush only it.
TASKS = {"default": TASK_BACKENDS["database"]}
REDIS_URL = os.environ.get("PARINDEX_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
