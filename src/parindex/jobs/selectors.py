"""Reads: a person's own jobs (through `policy.visible_jobs`), and the deadlines of a day."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404

from parindex import policy
from parindex.assessments.models import Round

from .models import Job

DEADLINES = ["self_deadline", "appraisal_deadline", "explanation_deadline", "final_deadline",
             "approval_deadline"]
RECENT = 50  # jobs listed on "My jobs"


def my_jobs(user) -> list[Job]:
    """The person's latest jobs, newest first."""
    return list(policy.visible_jobs(user)[:RECENT])


def my_job(user, pk: int) -> Job:
    """One of the person's jobs; "not found" for anyone else's, as for a missing one."""
    return get_object_or_404(policy.visible_jobs(user), pk=pk)


def deadlines_on(day: datetime.date) -> list[tuple[Round, str, datetime.date]]:
    """(round, deadline field, date) for every round deadline falling on `day`, one query."""
    from django.db.models import Q

    query = Q()
    for name in DEADLINES:
        query |= Q(**{name: day})
    return [(round, name, day) for round in Round.objects.filter(query).order_by("code")
            for name in DEADLINES if getattr(round, name) == day]
