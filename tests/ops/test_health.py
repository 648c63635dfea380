"""`/healthz`: 200 with every check ok, 503 naming the failing check, never a secret."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from parindex.ops import health

pytestmark = pytest.mark.django_db


def get(client):
    response = client.get("/healthz")
    return response, json.loads(response.content)


def test_all_ok(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response, body = get(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert body == {"status": "ok", "checks": {
        "database": {"ok": True, "message": connection.vendor},
        "storage": {"ok": True, "message": "read back"},
        "queue": {"ok": True, "message": "database"},
    }}
    assert list(tmp_path.rglob("*.txt")) == []  # the probe file is gone


def test_database_down(client, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def refuse(*args, **kwargs):
        raise ConnectionError("could not connect to server at 10.0.0.5 user=secret password=hunter2")

    monkeypatch.setattr(connection, "cursor", refuse)
    response, body = get(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": False, "message": "error: ConnectionError"}
    assert body["checks"]["storage"]["ok"] is True
    assert b"hunter2" not in response.content and b"10.0.0.5" not in response.content


def test_storage_cannot_write(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("[Errno 13] Permission denied: '/srv/secret/media'")

    monkeypatch.setattr(default_storage, "save", refuse)
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"]["storage"] == {"ok": False, "message": "error: PermissionError"}
    assert body["checks"]["database"]["ok"] is True
    assert b"/srv/secret" not in response.content


def test_storage_reads_back_something_else(client, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(health, "PROBE", b"one")
    monkeypatch.setattr(default_storage, "open", lambda name, mode="rb": ContentFile(b"two"))
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"]["storage"] == {"ok": False, "message": "read back something else"}
    assert list(tmp_path.rglob("*.txt")) == []  # deleted even then


def test_a_registered_check_is_run_and_can_fail(client, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(health, "CHECKS", dict(health.CHECKS))
    health.register("queue", lambda: (False, "no worker seen for 300 s"))
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"]["queue"] == {"ok": False, "message": "no worker seen for 300 s"}


def test_only_get_and_head(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_queue_down(client, monkeypatch, settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    settings.MEDIA_ROOT = tmp_path

    def refuse(*args, **kwargs):
        raise ConnectionError("queue table gone: password=hunter2")

    monkeypatch.setattr(DBTaskResult.objects, "exists", refuse)
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"]["queue"] == {"ok": False, "message": "error: ConnectionError"}
    assert "hunter2" not in response.content.decode()
