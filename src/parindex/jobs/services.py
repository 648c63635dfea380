"""Every write to a job: starting it (for the services of other apps, which ask the policy
first), and the worker's side — claiming, progress, the outcome, retries, reaping.

`start` is called inside the calling service's transaction. `run` is what the task runs: it
claims the job (queued → running, atomically, so two workers never both run it), runs its
kind's handler in the starter's language under a request id of its own, and leaves it done or
failed (see the package docstring for retries and the reaper).
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parindex import history, policy

from . import kinds, signals
from .models import Job

log = logging.getLogger(__name__)
State = Job.State
# Errors worth another attempt of an idempotent job: the database or the network hiccupped.
TRANSIENT = (DatabaseError, ConnectionError, TimeoutError)


class JobRefused(Exception):
    """A handler's refusal, with the message for the person who started the job."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def start(actor, kind: str, title: str, *, params: dict | None = None, link: str = "") -> Job:
    """A new queued job of `kind` started by `actor`, and its task queued (see `_enqueue`).
    The caller has asked the policy whether `actor` may do the work itself."""
    if not policy.can_start_jobs(actor):
        raise PermissionDenied(_("Sign in to start this work."))
    kinds.get(kind)  # an unknown kind is a programming error: KeyError
    job = Job.objects.create(kind=kind, title=title[:255], started_by=actor, params=params or {},
                             link=link[:500], language=translation.get_language() or "")
    _enqueue(job)
    return job


def find_active(actor, kind: str, params: dict) -> Job | None:
    """`actor`'s own job of this kind and parameters still waiting or running, to follow it
    rather than start the same work twice."""
    return policy.visible_jobs(actor).filter(
        kind=kind, params=params, state__in=[State.QUEUED, State.RUNNING]).first()


def _enqueue(job: Job) -> None:
    """Queue the task: at once on the database backend (its task row is written in this very
    transaction, so both exist or neither); on any other once the job's row is committed, and
    a refused enqueue (Redis down) ends the job failed with a message."""
    from django_tasks_db import DatabaseBackend

    from .tasks import run_job

    if isinstance(run_job.get_backend(), DatabaseBackend):
        _set_task_id(job, run_job.enqueue(job.pk).id)
        return

    def enqueue() -> None:
        try:
            _set_task_id(job, run_job.enqueue(job.pk).id)
        except Exception as exc:  # noqa: BLE001 (the person must learn it did not start)
            log.error("job %s could not be queued: %s", job.pk, type(exc).__name__)
            fail(job, _("The job could not be queued; try again later."))

    transaction.on_commit(enqueue)


def _set_task_id(job: Job, task_id: str) -> None:
    Job.objects.filter(pk=job.pk).update(task_id=str(task_id)[:64])
    job.task_id = str(task_id)[:64]


# --------------------------------------------------------------------------- the worker's side


def claim(job_id: int) -> Job | None:
    """queued → running, atomically; None when the job is gone or not waiting."""
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, state=State.QUEUED).first()
        if job is None:
            return None
        job.state, job.started_at, job.heartbeat_at = State.RUNNING, now, now
        job.attempts += 1
        job.message = ""
        job.save(update_fields=["state", "started_at", "heartbeat_at", "attempts", "message"])
    return job


def progress(job: Job, done: int, total: int = 0) -> None:
    """How far the job is (total 0: not known); also its heartbeat."""
    job.done, job.total = max(done, 0), max(total, 0)
    Job.objects.filter(pk=job.pk, state=State.RUNNING).update(
        done=job.done, total=job.total, heartbeat_at=timezone.now())


def finish(job: Job, outcome=None) -> Job:
    """Done, with the result file (an open binary file and its name) saved through the
    storage API."""
    if outcome is not None:
        content, name = outcome
        with content:
            job.result.save(Path(name).name, File(content), save=False)
        job.result_name = name[:255]
    job.state, job.finished_at = State.DONE, timezone.now()
    if job.total:
        job.done = job.total
    job.save(update_fields=["result", "result_name", "state", "finished_at", "done"])
    signals.job_finished.send(Job, job=job)
    return job


def fail(job: Job, message: str) -> Job:
    """Failed with `message` (for the person); the kind's own record is told too."""
    job.state, job.finished_at, job.message = State.FAILED, timezone.now(), message
    Job.objects.filter(pk=job.pk).update(state=job.state, finished_at=job.finished_at,
                                         message=message)
    kind = kinds.KINDS.get(job.kind)
    if kind is not None:
        kind.failed(job, message)
    signals.job_finished.send(Job, job=job)
    return job


def retry(job: Job) -> Job:
    """Back in the queue for another attempt."""
    job.state = State.QUEUED
    Job.objects.filter(pk=job.pk).update(state=State.QUEUED, heartbeat_at=None)
    _enqueue(job)
    return job


def reap_stale(now: datetime.datetime | None = None) -> list[Job]:
    """Running jobs with no sign of life for PARINDEX_JOB_STALE_MINUTES: failed, with a
    message. A worker that was killed leaves exactly these."""
    minutes = settings.PARINDEX_JOB_STALE_MINUTES
    limit = (now or timezone.now()) - datetime.timedelta(minutes=minutes)
    reaped = []
    for job in Job.objects.filter(state=State.RUNNING, heartbeat_at__lt=limit):
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _("The worker stopped while this job was running (no sign of life for "
                        "%(minutes)s minutes). Start it again.") % {"minutes": minutes}
        claimed = Job.objects.filter(pk=job.pk, state=State.RUNNING,
                                     heartbeat_at__lt=limit).update(state=State.FAILED)
        if claimed:
            reaped.append(fail(job, message))
    return reaped


def run(job_id: int) -> str:
    """Run one job to its end (the task's body); returns its final state."""
    job = claim(job_id)
    if job is None:
        return "skipped"
    kind = kinds.get(job.kind)
    history.new_request_id(f"job{job.pk}-")
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            outcome = kind.run(job, lambda done, total=0: progress(job, done, total))
        except TRANSIENT as exc:
            if job.attempts < kind.attempts:
                log.warning("job %s: attempt %s failed (%s), retrying", job.pk, job.attempts,
                            type(exc).__name__)
                retry(job)
                return State.QUEUED
            fail(job, _("The job failed %(count)s times on a passing error (the database or "
                        "the network). Start it again later.") % {"count": job.attempts})
            raise
        except JobRefused as refused:
            return fail(job, refused.message).state
        except (ValidationError, PermissionDenied) as refused:
            from parindex.web import error_messages

            return fail(job, " ".join(error_messages(refused))).state
        except Exception as exc:
            # Only the kind of error is logged here (the backend keeps the traceback): its
            # text may quote an uploaded file.
            log.error("job %s failed: %s", job.pk, type(exc).__name__)
            fail(job, _("The job stopped on an unexpected error."))
            raise
        return finish(job, outcome).state
