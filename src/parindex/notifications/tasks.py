"""The notification tasks (Django's Tasks API through the django-tasks backport)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_emails(ids: list[int]) -> int:
    """Mail these notifications now (people who chose immediate email); queued on commit."""
    from . import services

    return services.send_immediate(ids)
