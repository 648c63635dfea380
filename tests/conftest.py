"""Shared test configuration. Engine tests (tests/engine) need no database."""

from hypothesis import settings

# No per-example time limit: CI shares two cores with a database server and a browser, and a
# slow example is not a wrong one. Example counts stay as each test sets them.
settings.register_profile("parindex", deadline=None)
settings.load_profile("parindex")
