"""The Redis queue (PARINDEX_TASKS_BACKEND=redis: RQ through django-tasks-rq), when Redis
answers on 127.0.0.1:6379; skipped otherwise. It uses database 7 only, and flushes only it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.jobs.models import Job
from parindex.surveys.models import ImportJob
from tests.surveys.conftest import exported

from .conftest import run_worker

redis = pytest.importorskip("redis")
URL = "redis://127.0.0.1:6379/7"


def reachable() -> bool:
    try:
        return redis.Redis.from_url(URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


pytestmark = [pytest.mark.skipif(not reachable(), reason="no Redis on 127.0.0.1:6379"),
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_redis(settings, media):
    connection = redis.Redis.from_url(URL)
    connection.flushdb()
    settings.REDIS_URL = URL
    settings.RQ_QUEUES = {"default": {"URL": URL, "DEFAULT_TIMEOUT": 600}}
    settings.PARINDEX_TASKS_BACKEND = "redis"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend",
                                  "QUEUES": ["default"]}}
    yield connection
    connection.flushdb()


def test_a_survey_import_runs_through_redis(on_redis, staff_client, citizens):
    upload = SimpleUploadedFile("forms.csv", b"unit_code,Q1\nIAGRAI,A\nPLEIKU,B\n")
    staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]), {"file": upload})
    job = Job.objects.get()
    assert job.state == "queued" and job.task_id
    assert on_redis.exists(f"rq:job:{job.task_id}")  # on the Redis queue, not in a table
    run_worker()
    job.refresh_from_db()
    assert job.state == "done" and ImportJob.objects.get().status == "done"
    assert len(exported(citizens)) == 2


def test_a_refused_enqueue_fails_the_job_with_a_message(on_redis, settings, staff_client,
                                                        citizens):
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/7", "DEFAULT_TIMEOUT": 5}}
    upload = SimpleUploadedFile("forms.csv", b"unit_code,Q1\nIAGRAI,A\n")
    staff_client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]), {"file": upload})
    job = Job.objects.get()
    assert job.state == "failed" and "could not be queued" in job.message
    assert ImportJob.objects.get().status == "failed"
