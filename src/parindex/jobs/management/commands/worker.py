"""`parindex worker`: run the background worker of the configured queue.

First the stale running jobs a dead worker left are marked failed (`reap_stale`); then the
database backend's `db_worker`, or RQ's worker for `PARINDEX_TASKS_BACKEND=redis`. `--batch`
runs what is waiting and exits (tests, cron). The worker acts for nobody itself: each job runs
as the person who started it.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from parindex.jobs.services import reap_stale

RQ_JOB_CLASS = "django_tasks_rq.backend.Job"


class Command(BaseCommand):
    help = "Run the background worker (the database queue, or Redis with PARINDEX_TASKS_BACKEND=redis)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="Run the waiting jobs, then exit.")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds between looks at an empty database queue (default 1).")

    def handle(self, *args, batch: bool, interval: float, verbosity: int, **options):
        for job in reap_stale():
            self.stdout.write(f"marked failed (no sign of life): job {job.pk} {job.title}")
        if settings.PARINDEX_TASKS_BACKEND == "redis":
            extra = {"burst": True} if batch else {}
            call_command("rqworker", "default", job_class=RQ_JOB_CLASS, verbosity=verbosity,
                         **extra)
        else:
            call_command("db_worker", queue_name="default", batch=batch, reload=False,
                         interval=interval, startup_delay=False, verbosity=verbosity)
