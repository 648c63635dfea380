"""Vietnamese for everyone whatever the browser says; English is a person's own choice, kept in
the language cookie and, for a signed-in person, on their account for any device."""

import pytest
from axes.utils import reset
from django.test import Client
from django.urls import reverse

from parindex import history
from parindex.notifications.models import Preference
from tests import cast

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture
def alice(db):
    reset()
    yield cast.person("alice")
    reset()


def lang(response) -> str:
    html = response.content.decode()
    return html[html.index('<html lang="') + 12:].split('"', 1)[0]


def choose(client, language, next_url="/accounts/login/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url},
                       **ENGLISH_BROWSER)


def log_in(client):
    response = client.post(reverse("login"), {"username": "alice", "password": cast.PASSWORD},
                           REMOTE_ADDR="10.0.0.2", **ENGLISH_BROWSER)
    assert response.status_code == 302
    return response


def test_an_english_browser_gets_the_vietnamese_pages(client, db):
    response = client.get(reverse("login"), **ENGLISH_BROWSER)
    assert lang(response) == "vi" and response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_choosing_english_is_remembered_on_the_next_request(client, db):
    assert choose(client, "en").status_code == 302
    response = client.get(reverse("login"), **ENGLISH_BROWSER)
    assert lang(response) == "en" and "Log in" in response.content.decode()
    choose(client, "vi")
    assert lang(client.get(reverse("login"))) == "vi"


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese(client, db):
    client.cookies["django_language"] = "fr"
    assert lang(client.get(reverse("login"), **ENGLISH_BROWSER)) == "vi"


def test_a_signed_in_persons_choice_is_kept_on_the_account_for_any_device(client, alice):
    log_in(client)
    assert lang(client.get(reverse("notifications:inbox"), **ENGLISH_BROWSER)) == "vi"
    choose(client, "en", reverse("notifications:inbox"))
    preference = Preference.objects.get(user=alice)
    assert preference.language == "en"  # also the language of the emails
    [change] = history.for_object(preference)
    assert (change.actor, change.after) == (alice, {"language": "en"})
    assert lang(client.get(reverse("notifications:inbox"))) == "en"

    elsewhere = Client()  # another device: no cookie, a Vietnamese browser
    assert lang(elsewhere.get(reverse("login"))) == "vi"
    response = log_in(elsewhere)
    assert response.cookies["django_language"].value == "en"
    assert lang(elsewhere.get(reverse("notifications:inbox"))) == "en"


def test_logging_in_without_a_choice_keeps_vietnamese(client, alice):
    log_in(client)
    assert lang(client.get(reverse("notifications:inbox"), **ENGLISH_BROWSER)) == "vi"
    assert not Preference.objects.filter(user=alice).exclude(language="").exists()


def test_anonymous_choice_is_not_stored_anywhere(client, db):
    choose(client, "en")
    assert not Preference.objects.exists()
