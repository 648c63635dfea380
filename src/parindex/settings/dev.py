"""Default settings: a laptop with nothing installed (SQLite, local files)."""

from .base import *  # noqa: F401,F403
