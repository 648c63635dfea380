"""Background work: long operations run by a worker, followed by the person who started them.

Queue: Django's Tasks API (`@task`, `.enqueue()`) through the `django-tasks` backport. parindex
stays on Django 5.2, the LTS release supported until April 2028; the backport offers the same
API as Django 6's `django.tasks`, so moving to Django 6 is an import change. Two backends,
chosen by `PARINDEX_TASKS_BACKEND`: `database` (the default, `django-tasks-db`: the queue is a
table of the app's own database, so a laptop needs nothing else running) and `redis`
(`django-tasks-rq`: RQ on `REDIS_URL`). `parindex worker` runs the matching worker.

The record: one `Job` row per piece of work a person started (who, which kind, state
queued → running → done | failed, progress, the result file through Django's storage API, the
failure message in the starter's language). Only its starter sees it (`policy.visible_jobs`:
"not found" for anyone else, as for a missing one). One task runs every kind
(`tasks.run_job(job_id)`); what each kind does is a function of its app's services, named in
`kinds.KINDS`.

Invariants:
- A job is started by a service of its app, which asks the policy first; the job is queued in
  the transaction that writes its row (the database backend: the task row is written in the
  same transaction; another backend: when the transaction commits, and a refused enqueue marks
  the job failed).
- A job ends done or failed, never "running" forever: the runner marks every failure; a worker
  that dies leaves a running job whose heartbeat stops, and the reaper (`services.reap_stale`,
  at worker start and in `parindex deadline-check`) marks it failed after
  `PARINDEX_JOB_STALE_MINUTES` without one.
- Only idempotent kinds are retried (`Kind.attempts` > 1), and only after a transient error
  (the database or the network); every other failure is reported on the job.
- What a job changes is recorded in the change log by the service it calls, as its starter.

Hooks for other work: `signals.job_finished` (a job ended, done or failed) and
`signals.daily_check` (the daily `deadline-check`, with the round deadlines falling that day).
"""
