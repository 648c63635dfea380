"""Reads for the lists of a round's sheets: the round page, the progress board, the appraisal
queue.

Invariants: the caller passes the sheets the person may see (a `policy` queryset); a list page
reads one page of them, filtered and ordered in SQL; its counts are SQL aggregates. So no list
page grows with the number of units, and each runs a fixed number of queries.

A sheet's progress in the self-assessment: "submitted" once out of draft, else "not started"
until its first edit, else "in progress". It is late when the self-assessment deadline has
passed unsubmitted, or when it was submitted after the deadline (in local time).
"""

from __future__ import annotations

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone

from .models import Round, Sheet

PER_PAGE = 50
STATUSES = ("not_started", "in_progress", "submitted")
_SUBMITTED = ~Q(state=Sheet.State.DRAFT)
_STATUS = {
    "submitted": _SUBMITTED,
    "not_started": Q(state=Sheet.State.DRAFT, started_at__isnull=True),
    "in_progress": Q(state=Sheet.State.DRAFT, started_at__isnull=False),
}


def late(round: Round) -> Q:
    """The sheets of `round` that are late (nothing when it has no deadline or it is not past)."""
    deadline = round.self_deadline
    if deadline is None:
        return Q(pk__in=[])
    next_day = datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time())
    after = Q(submitted_at__gte=timezone.make_aware(next_day))
    if timezone.localdate() > deadline:
        return ~_SUBMITTED | (_SUBMITTED & after)
    return _SUBMITTED & after


def with_progress(round: Round, sheets: QuerySet[Sheet]) -> QuerySet[Sheet]:
    """The sheets annotated with `status` (see the module) and `late`."""
    return sheets.annotate(
        status=Case(
            *(When(condition, then=Value(name)) for name, condition in _STATUS.items()),
            output_field=CharField(),
        ),
        late=Case(When(late(round), then=True), default=False, output_field=BooleanField()),
    )


def progress_counts(round: Round, sheets: QuerySet[Sheet]) -> dict[str, int]:
    """How many sheets are not started, in progress, submitted, late, and in all. One query."""
    aggregates = {name: Count("pk", filter=condition) for name, condition in _STATUS.items()}
    aggregates["late"] = Count("pk", filter=late(round))
    aggregates["total"] = Count("pk")
    return sheets.aggregate(**aggregates)


def state_counts(sheets: QuerySet[Sheet]) -> list[tuple[str, str, int]]:
    """(state, its label, how many) for every state of the lifecycle. One query."""
    found = dict(sheets.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n"))
    return [(state, label, found.get(state, 0)) for state, label in Sheet.State.choices]


def filtered(
    round: Round,
    sheets: QuerySet[Sheet],
    *,
    status: str = "",
    state: str = "",
    query: str = "",
) -> QuerySet[Sheet]:
    """The sheets with a progress `status` (or "late"), a lifecycle `state`, and a unit whose
    name or code contains `query`; unknown values filter nothing."""
    if status == "late":
        sheets = sheets.filter(late(round))
    elif status in _STATUS:
        sheets = sheets.filter(_STATUS[status])
    if state in Sheet.State.values:
        sheets = sheets.filter(state=state)
    needle = query.strip()
    if needle:
        sheets = sheets.filter(Q(unit__name__icontains=needle) | Q(unit__code__icontains=needle))
    return sheets


def page(sheets: QuerySet[Sheet], number, per_page: int = PER_PAGE) -> Page:
    """One page of the (ordered) sheets, with their unit and submitter: two queries."""
    return Paginator(sheets.select_related("unit", "submitted_by"), per_page).get_page(number)
