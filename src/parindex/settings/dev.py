"""Default settings: a laptop with nothing installed (SQLite, local files)."""

import os

from .base import *  # noqa: F401,F403

# Development and the demo print mail to the console unless told otherwise.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# `make demo` and development serve the static files straight from the app folders (WhiteNoise,
# no collectstatic), with or without DEBUG.
WHITENOISE_USE_FINDERS = True
