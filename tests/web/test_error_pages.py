"""Errors answer in the site's own pages, translated, with the right status; the favicon is
served at /favicon.ico and linked from every page."""

import os

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path, reverse

from tests import cast


def refused(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("refused/", refused),
    path("broken/", broken),
    path("", include("parindex.urls")),
]


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_an_unknown_address_answers_the_translated_404_page(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and 'lang="vi"' in html
    assert "parindex/parindex.css" in html  # the site's style, not Django's bare page
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/no-such-page/").content.decode()


def test_a_refusal_answers_the_translated_403_page(client, db, error_urls):
    response = client.get("/refused/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không có quyền truy cập" in html and reverse("login") in html
    client.force_login(cast.outsider())
    html = client.get("/refused/").content.decode()
    assert reverse("my_work") in html and "Việc của tôi" in html
    client.cookies["django_language"] = "en"
    assert "Access denied" in client.get("/refused/").content.decode()


def test_a_crash_answers_the_translated_500_page(db, error_urls):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Lỗi máy chủ" in html and "boom" not in html


def test_the_favicon_is_served_and_linked(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("parindex/favicon.ico")
    for name in ("favicon.ico", "favicon.svg", "favicon-32.png", "favicon-180.png"):
        assert finders.find(f"parindex/{name}"), name
    with open(finders.find("parindex/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/parindex/favicon.svg" type="image/svg+xml"' in html
    assert 'href="/static/parindex/favicon-32.png"' in html


def test_the_demo_and_development_settings_run_without_debug():
    from parindex.settings import dev

    assert dev.DEBUG is False or "DEBUG" in os.environ  # `make demo` shows the 404 page above
    assert dev.WHITENOISE_USE_FINDERS is True  # static files served without collectstatic


def test_an_expired_form_answers_the_translated_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in html and "CSRF" not in html
