"""Shared test configuration. Engine tests (tests/engine) need no database."""

import pytest
from django.core.cache import cache
from django.utils import translation
from hypothesis import settings

from tests import cast

# No per-example time limit: CI shares two cores with a database server and a browser, and a
# slow example is not a wrong one. Example counts stay as each test sets them.
settings.register_profile("parindex", deadline=None)
settings.load_profile("parindex")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (published statistics are cached by snapshot)."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the installation's language: a request in English leaves English
    active in the thread (as Django's own locale middleware does), which must not leak into the
    next test."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def admin_user(db):
    """pytest-django's administrator (and so admin_client's) is the cast's."""
    return cast.administrator()
