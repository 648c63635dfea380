"""The web import's default path: the upload returns at once, a background thread imports.

The worker is held at a gate (threading events, no sleeping) so the page can be seen while it
runs, then released and joined.
"""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.surveys.models import ImportBatch, ImportJob
from parindex.surveys.selectors import survey_points
from parindex.surveys.services import imports as services  # patched where the jobs run
from tests.surveys.conftest import exported

from .conftest import D

WAIT = 30  # seconds; only reached if something is broken


@pytest.mark.django_db(transaction=True)
def test_upload_is_imported_by_a_background_thread(staff_client, citizens, settings, tmp_path,
                                                   monkeypatch):
    settings.SURVEY_IMPORTS_IN_THREAD = True
    settings.MEDIA_ROOT = tmp_path
    threads: list[threading.Thread] = []
    real_thread = threading.Thread

    def recording_thread(*args, **kwargs):
        thread = real_thread(*args, **kwargs)
        threads.append(thread)
        return thread

    monkeypatch.setattr(services.threading, "Thread", recording_thread)
    started, release = threading.Event(), threading.Event()
    seen_by_worker = []
    real_import = services.import_responses

    def gated_import(group, rows, **kwargs):
        job = kwargs["job"]
        seen_by_worker.append(ImportJob.objects.values_list("status", "rows_total").get(
            pk=job.pk))
        started.set()
        assert release.wait(WAIT), "the test never released the worker"
        return real_import(group, rows, **kwargs)

    monkeypatch.setattr(services, "import_responses", gated_import)

    body = "unit_code,Q1,Q2\n" + "IAGRAI,A,B\n" * 30 + "PLEIKU,C,C\n" * 10
    page = staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]),
                             {"file": SimpleUploadedFile("forms.csv", body.encode())})
    job = ImportJob.objects.get()
    assert page.status_code == 302
    assert page["Location"] == reverse("surveys:import_status", args=["r2021", job.pk])
    assert len(threads) == 1 and threads[0].daemon

    assert started.wait(WAIT), "the background import never started"
    # While it runs: claimed, the rows counted, the page keeps polling.
    assert seen_by_worker == [("running", 40)]
    running = staff_client.get(page["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in running and "<progress" in running
    assert not ImportBatch.objects.exists() and exported(citizens) == []

    release.set()
    threads[0].join(WAIT)
    assert not threads[0].is_alive()

    job.refresh_from_db()
    assert (job.status, job.imported, job.rows_done, job.rows_total) == ("done", 40, 40, 40)
    assert job.finished_at is not None and job.errors == []
    done = staff_client.get(page["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "40" in done
    assert ImportBatch.objects.get(job=job).forms == 40 and len(exported(citizens)) == 40
    assert survey_points(citizens.survey.round) == {
        "IAGRAI": {"8.2": D(12) * D("1.6") / 2}, "PLEIKU": {"8.2": D(12) * D("0.2")}}


@pytest.mark.django_db(transaction=True)
def test_a_failing_file_in_the_thread_ends_failed_with_its_rows(staff_client, citizens,
                                                                 settings, tmp_path,
                                                                 monkeypatch):
    settings.SURVEY_IMPORTS_IN_THREAD = True
    settings.MEDIA_ROOT = tmp_path
    threads: list[threading.Thread] = []
    real_thread = threading.Thread

    def recording_thread(*args, **kwargs):
        threads.append(real_thread(*args, **kwargs))
        return threads[-1]

    monkeypatch.setattr(services.threading, "Thread", recording_thread)
    body = "unit_code,Q1\nIAGRAI,A\nNOWHERE,A\nIAGRAI,Z\n"
    page = staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]),
                             {"file": SimpleUploadedFile("forms.csv", body.encode())})
    threads[0].join(WAIT)
    assert not threads[0].is_alive()
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "unit_code"), (4, "Q1")]
    text = staff_client.get(page["Location"]).content.decode()
    assert "<td>3</td><td>unit_code</td>" in text and "<td>4</td><td>Q1</td>" in text
    assert not ImportBatch.objects.exists() and exported(citizens) == []
