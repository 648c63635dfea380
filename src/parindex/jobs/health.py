"""The queue's `/healthz` check: the configured task backend answers (the database queue's
table can be read, or Redis answers a ping). Says which backend, nothing more."""

from __future__ import annotations

from django.conf import settings


def queue() -> tuple[bool, str]:
    backend = settings.PARINDEX_TASKS_BACKEND
    if backend == "redis":
        import django_rq

        return bool(django_rq.get_connection("default").ping()), backend
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.exists()  # raises when the queue's table cannot be read
    return True, backend
