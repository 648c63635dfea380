"""Evidence on S3-compatible object storage (django-storages), against moto's S3 server run on
this machine: upload through the service, read back through the permission-checked view, and
the health check's storage probe. Skipped when the server cannot start."""

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from parindex.assessments import services
from parindex.ops import archive
from tests.assessments.cycle import build_cycle, fresh
from tests.assessments.files import PDF, upload

BUCKET = "parindex-test"
KEYS = {"access_key": "testing-key", "secret_key": "testing-secret"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    server = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not Path(server).exists():
        pytest.skip("moto_server is not installed (pip install -r requirements-dev.txt)")
    port = free_port()
    process = subprocess.Popen([server, "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if process.poll() is not None:
                pytest.skip("moto_server exited at start")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.skip("moto_server did not answer")
        import boto3

        client = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                              aws_access_key_id=KEYS["access_key"],
                              aws_secret_access_key=KEYS["secret_key"])
        client.create_bucket(Bucket=BUCKET)
        yield url, client
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3(s3_server, settings):
    url, client = s3_server
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": BUCKET, "endpoint_url": url, "region_name": "us-east-1",
            "location": "media", "file_overwrite": False, "default_acl": None, **KEYS,
        }},
    }
    return client


def objects(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_evidence_on_object_storage(s3, client):
    cycle = build_cycle()
    evidence = services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1",
                                     upload("Kế hoạch.pdf", PDF))
    key = f"media/{evidence.file.name}"
    assert key in objects(s3)
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF

    client.force_login(cycle.officer)
    response = client.get(f"/assessments/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(cycle.other_officer)  # another unit's officer: as if missing
    assert client.get(f"/assessments/evidence/{evidence.pk}/").status_code == 404
    # A backup walks the bucket as it walks a folder.
    assert evidence.file.name in set(archive.stored_files(default_storage))


@pytest.mark.django_db
def test_health_check_on_object_storage(s3, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["storage"] == {"ok": True, "message": "read back"}
    assert not [k for k in objects(s3) if k.startswith("media/healthz/")]  # the probe is gone


def test_settings_from_the_environment(tmp_path):
    """STORAGE_BACKEND=…S3Storage and the AWS_* variables give the storage its options."""
    code = ("from django.conf import settings; import json; "
            "print(json.dumps(settings.STORAGES['default']))")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
           "DJANGO_SETTINGS_MODULE": "parindex.settings.dev", "PARINDEX_VAR": str(tmp_path),
           "STORAGE_BACKEND": "storages.backends.s3.S3Storage",
           "AWS_STORAGE_BUCKET_NAME": "evidence", "AWS_S3_ENDPOINT_URL": "https://s3.example.vn",
           "AWS_S3_ADDRESSING_STYLE": "path", "AWS_LOCATION": "parindex"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    storage = json.loads(done.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert {k: storage["OPTIONS"][k] for k in ("bucket_name", "endpoint_url", "location",
                                               "addressing_style", "file_overwrite")} == {
        "bucket_name": "evidence", "endpoint_url": "https://s3.example.vn",
        "location": "parindex", "addressing_style": "path", "file_overwrite": False}
