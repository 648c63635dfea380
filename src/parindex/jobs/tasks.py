"""The tasks the queue runs (Django's Tasks API through the django-tasks backport).

Arguments are ids and dates (JSON), never rows: the worker reads the rows when it runs.
"""

from __future__ import annotations

import datetime

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    """Run one person's job (jobs.services.run)."""
    from . import services

    return services.run(job_id)


@task()
def deadline_check(day: str) -> dict:
    """The daily check: reap stale jobs, then tell `signals.daily_check` the round deadlines
    falling on `day` (ISO date). Idempotent: running it twice only repeats the signal."""
    from . import selectors, services, signals

    reaped = services.reap_stale()
    date = datetime.date.fromisoformat(day)
    deadlines = selectors.deadlines_on(date)
    signals.daily_check.send(None, day=date, deadlines=deadlines)
    return {"reaped": len(reaped), "deadlines": len(deadlines)}
