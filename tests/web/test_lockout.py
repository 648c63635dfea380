"""Log-in lockout: a name is locked at one address, never a whole office behind one address."""

import pytest
from axes.utils import reset
from django.urls import reverse

from tests import cast

PASSWORD = cast.PASSWORD


@pytest.fixture
def users(db):
    reset()
    yield [cast.person(name) for name in ("alice", "bob")]
    reset()


def log_in(client, username, password):
    client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR="10.0.0.1")


def test_five_failures_lock_that_name_only(client, settings, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "alice", "wrong")
    locked = log_in(client, "alice", PASSWORD)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "The account “alice” is locked for 15 minutes on this computer after 5 failed" in text
    other = log_in(client, "bob", PASSWORD)  # a colleague behind the same address
    assert other.status_code == 302


def test_the_lockout_page_is_translated(client, settings, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "alice", "wrong")
    client.cookies["django_language"] = "vi"
    locked = client.post(reverse("login"), {"username": "alice", "password": PASSWORD},
                         REMOTE_ADDR="10.0.0.1")
    assert "15 phút" in locked.content.decode()
