"""Background jobs through the web, as the person who starts them: queued, run by the worker,
done with the file downloadable by its starter alone (404 for anyone else); failures marked
failed with their message; a transient error retried; a job whose worker died reaped."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parindex import policy
from parindex.history.models import Change
from parindex.jobs import services as jobs
from parindex.jobs import signals
from parindex.jobs.models import Job
from parindex.results.models import ResultSnapshot
from parindex.surveys.models import ImportBatch, ImportJob
from tests import cast
from tests.results import factories as f
from tests.surveys.conftest import exported

from .conftest import run_worker

transactional = pytest.mark.django_db(transaction=True)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@transactional
def test_a_survey_import_is_queued_run_by_the_worker_and_seen_by_its_starter_alone(
        staff_client, staff, citizens, media, client):
    upload = SimpleUploadedFile("forms.csv", b"unit_code,Q1,Q2\n" + b"IAGRAI,A,B\n" * 3)
    staff_client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    page = staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]),
                             {"file": upload})
    record = ImportJob.objects.get()
    job = record.job
    assert page.status_code == 302 and (job.state, job.started_by) == ("queued", staff)
    assert DBTaskResult.objects.get().status == "READY"  # queued with the job, not run
    waiting = staff_client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    assert exported(citizens) == []

    run_worker()

    job.refresh_from_db()
    record.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts) == ("done", 3, 3, 1)
    assert (record.status, record.imported) == ("done", 3) and len(exported(citizens)) == 3
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    done = staff_client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in done.content.decode()
    assert reverse("surveys:import_status", args=["r2021", record.pk]) in done.content.decode()
    mine = staff_client.get(reverse("jobs:index")).content.decode()
    assert "forms.csv" in mine
    # "My work" links to the person's jobs (the menu keeps to one line at 1366 px without it).
    assert reverse("jobs:index") in staff_client.get(reverse("my_work")).content.decode()
    [change] = Change.objects.filter(action="import", after__file="forms.csv")
    assert change.actor == staff  # the change log names the uploader, not the worker

    client.force_login(cast.outsider())
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert "forms.csv" not in client.get(reverse("jobs:index")).content.decode()


@transactional
def test_a_large_annex_is_built_by_a_job_and_downloaded_by_its_starter_only(client, settings,
                                                                             media):
    settings.PARINDEX_BACKGROUND_UNITS = 2
    rnd, _group = f.published_round(3, 2021)
    url = reverse("results_xlsx", args=[rnd.code])
    assert client.get(url)["Location"].startswith(reverse("login"))  # jobs are a person's

    reader = cast.outsider("reader")
    client.force_login(reader)
    started = client.get(url)
    job = Job.objects.get()
    assert started["Location"] == reverse("jobs:detail", args=[job.pk])
    assert client.get(url)["Location"] == started["Location"]  # the same job, not a second
    download = reverse("jobs:download", args=[job.pk])
    assert client.get(download).status_code == 404  # not built yet

    run_worker()

    job.refresh_from_db()
    assert (job.state, job.result_name) == ("done", f"chi-so-cchc-{rnd.code}.xlsx")
    assert download in client.get(started["Location"]).content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'"chi-so-cchc-{rnd.code}.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert "Y2021-001" in str([c.value for row in book.worksheets[-1].iter_rows() for c in row])

    client.force_login(cast.outsider())
    assert client.get(download).status_code == 404
    assert client.get(started["Location"]).status_code == 404


@transactional
def test_a_small_round_answers_its_annex_directly(client, media):
    rnd, _group = f.published_round(3, 2021)
    response = client.get(reverse("results_xlsx", args=[rnd.code]))
    assert response.status_code == 200 and not Job.objects.exists()


@transactional
def test_computing_a_large_round_runs_as_the_person_who_asked(client, settings, media):
    settings.PARINDEX_BACKGROUND_UNITS = 2
    rnd = f.round_with(3)
    manager = cast.administrator()
    client.force_login(manager)
    page = client.post(reverse("results_manage_action", args=[rnd.code, "compute"]))
    job = Job.objects.get(kind="results_compute")
    assert page["Location"] == reverse("jobs:detail", args=[job.pk])
    assert not ResultSnapshot.objects.exists()
    run_worker()
    job.refresh_from_db()
    assert job.state == "done" and ResultSnapshot.objects.filter(round=rnd).exists()
    [change] = Change.objects.filter(action="compute")
    assert change.actor == manager and change.request_id.startswith(f"job{job.pk}-")


@transactional
def test_a_refused_import_fails_its_job_with_the_message(staff_client, citizens, media):
    upload = SimpleUploadedFile("bad.csv", b"unit_code,Q1\nNOWHERE,A\n")
    staff_client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]), {"file": upload})
    run_worker()
    job = Job.objects.get()
    assert job.state == "failed" and job.finished_at is not None
    assert job.message.startswith("Nothing was imported: 'NOWHERE' is not a unit")
    page = staff_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "NOWHERE" in page and 'role="alert"' in page
    assert not ImportBatch.objects.exists()


@transactional
def test_an_unexpected_error_fails_the_job_and_the_task(client, settings, media, monkeypatch):
    settings.PARINDEX_BACKGROUND_UNITS = 2
    rnd, _group = f.published_round(3, 2021)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("parindex.results.exports.annex_file", broken)
    client.force_login(cast.outsider())
    client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    client.get(reverse("results_xlsx", args=[rnd.code]))
    run_worker()
    job = Job.objects.get()
    assert (job.state, job.message, job.attempts) == (
        "failed", "The job stopped on an unexpected error.", 1)  # not a passing error: once
    assert DBTaskResult.objects.get().status == "FAILED"  # the traceback is kept there


@transactional
def test_a_passing_database_error_is_retried_for_idempotent_work(client, settings, media,
                                                                 monkeypatch):
    settings.PARINDEX_BACKGROUND_UNITS = 2
    rnd = f.round_with(3)
    from parindex.results import services

    real, calls = services.compute_round, []

    def flaky(actor, round):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("connection lost")
        return real(actor, round)

    monkeypatch.setattr(services, "compute_round", flaky)
    client.force_login(cast.administrator())
    client.post(reverse("results_manage_action", args=[rnd.code, "compute"]))
    run_worker()
    job = Job.objects.get()
    assert (job.state, job.attempts, len(calls)) == ("done", 2, 2)


@transactional
def test_a_job_whose_worker_died_is_marked_failed_never_running_forever(media, settings):
    settings.PARINDEX_JOB_STALE_MINUTES = 15
    person = cast.outsider()
    long_ago = timezone.now() - datetime.timedelta(minutes=16)
    dead = Job.objects.create(kind="results_annex", title="annex", started_by=person,
                              state="running", heartbeat_at=long_ago, started_at=long_ago,
                              language="en")
    alive = Job.objects.create(kind="results_annex", title="annex 2", started_by=person,
                               state="running", heartbeat_at=timezone.now(), language="en")
    run_worker()  # the worker reaps at start
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == "failed" and "no sign of life for 15 minutes" in dead.message
    assert alive.state == "running"


@transactional
def test_a_dead_import_leaves_its_survey_import_failed_too(staff, citizens, media, settings):
    from django.utils import translation

    from parindex.surveys.services import start_import

    upload = SimpleUploadedFile("forms.csv", b"unit_code,Q1\nIAGRAI,A\n")
    with translation.override("en"):  # the starter's language: the reaper's message is in it
        record = start_import(staff, citizens, upload)
    Job.objects.filter(pk=record.job.pk).update(
        state="running", heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    ImportJob.objects.filter(pk=record.pk).update(status="running")
    assert [j.pk for j in jobs.reap_stale()] == [record.job.pk]
    record.refresh_from_db()
    assert record.status == "failed" and "no sign of life" in record.errors[0]["message"]


@transactional
def test_the_daily_check_reaps_and_tells_the_day_deadlines(media):
    rnd = f.round_with(1)
    rnd.self_deadline = datetime.date(2026, 3, 31)
    rnd.save()
    stale = Job.objects.create(kind="results_annex", title="annex", started_by=cast.outsider(),
                               state="running", heartbeat_at=timezone.now()
                               - datetime.timedelta(days=1))
    heard = []

    def receiver(sender, day, deadlines, **kwargs):
        heard.append((day, [(r.code, name) for r, name, _d in deadlines]))

    signals.daily_check.connect(receiver)
    try:
        call_command("deadline_check", "--day", "2026-03-31", stdout=io.StringIO())
        Job.objects.filter(pk=stale.pk).update(heartbeat_at=timezone.now()
                                               - datetime.timedelta(days=1))
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    finally:
        signals.daily_check.disconnect(receiver)
    assert heard == [(datetime.date(2026, 3, 31), [(rnd.code, "self_deadline")])]
    stale.refresh_from_db()
    assert stale.state == "failed"


def test_a_bad_day_exits_2():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("deadline_check", "--day", "31/03/2026")
    assert caught.value.returncode == 2


@pytest.mark.django_db
def test_jobs_are_their_starters_alone():
    from django.contrib.auth.models import AnonymousUser

    mine, other, root = cast.outsider(), cast.outsider("someone"), cast.administrator()
    job = Job.objects.create(kind="results_annex", title="annex", started_by=mine)
    assert list(policy.visible_jobs(mine)) == [job]
    assert not policy.visible_jobs(other).exists() and not policy.visible_jobs(root).exists()
    assert not policy.visible_jobs(AnonymousUser()).exists()
    assert policy.can_start_jobs(mine) and not policy.can_start_jobs(AnonymousUser())
    mine.is_active = False
    assert not policy.can_start_jobs(mine)
