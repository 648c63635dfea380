"""What waits for a person, in every role they hold, read through the policy querysets.

A fixed number of queries whatever the number of units, sheets or rounds: each list is one
query with its counts as SQL subqueries or aggregates (the late sheets of the managed rounds:
one more), and each list is cut at LIMIT with its full count (the pages behind the links
list the rest).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Case, Count, DateField, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from parindex import policy
from parindex.assessments.models import ExplanationRequest, Round, Score, Sheet
from parindex.assessments.selectors import late
from parindex.frameworks.models import Node
from parindex.results.selectors import published_rounds

S = Sheet.State
LIMIT = 20
# The deadline of the step a sheet is in (inclusive); the round's fields, by sheet state.
STEP_DEADLINE = {
    S.DRAFT: "round__self_deadline",
    S.SUBMITTED: "round__appraisal_deadline",
    S.EXPLANATION: "round__explanation_deadline",
    S.EXPLAINED: "round__final_deadline",
    S.FINALISED: "round__approval_deadline",
}
# The states in which the unit itself has something to do.
UNIT_TURN = (S.DRAFT, S.EXPLANATION)


@dataclass
class Listed:
    """The first LIMIT items of a list and how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class MyWork:
    unit_sheets: Listed
    to_appraise: Listed
    to_approve: Listed
    to_manage: Listed
    to_review: Listed
    published: list[Round] = field(default_factory=list)

    @property
    def anything_waiting(self) -> bool:
        lists = (self.unit_sheets, self.to_appraise, self.to_approve, self.to_manage,
                 self.to_review)
        return any(listed.total for listed in lists)


def _count(queryset, group: str):
    """COUNT(*) of `queryset` (filtered on an OuterRef) as a subquery; 0 when empty."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _step_deadline():
    return Case(*(When(state=state, then=F(path)) for state, path in STEP_DEADLINE.items()),
                output_field=DateField())


def _listed(queryset) -> Listed:
    items = list(queryset[: LIMIT + 1])
    total = len(items) if len(items) <= LIMIT else queryset.count()
    return Listed(items[:LIMIT], total)


def _days(items, today: datetime.date) -> None:
    """Days left until each item's `deadline` (0 on the day) and days past it, or None."""
    for item in items:
        days = (item.deadline - today).days if item.deadline else None
        item.days_left = days if days is not None and days >= 0 else None
        item.days_late = -days if days is not None and days < 0 else None


def unit_sheets(user, today: datetime.date) -> Listed:
    """The sheets of the person's units in rounds not yet approved, with the deadline of their
    step, their progress (leaves with a self value / leaves) and unanswered requests."""
    sheets = (
        policy.own_unit_sheets(user)
        .filter(round__approved_at__isnull=True)
        .select_related("round", "unit")
        .annotate(
            deadline=_step_deadline(),
            leaves=_count(Node.objects.filter(framework=OuterRef("framework_id"),
                                              rule__isnull=False), "framework"),
            scored=_count(Score.objects.filter(round=OuterRef("round_id"),
                                               unit=OuterRef("unit_id"),
                                               stage=Score.Stage.SELF), "round"),
            open_requests=_count(ExplanationRequest.objects.filter(sheet=OuterRef("pk"),
                                                                   answer=""), "sheet"),
        )
        .order_by(F("deadline").asc(nulls_last=True), "round__code", "unit__code")
    )
    listed = _listed(sheets)
    _days(listed.items, today)
    for sheet in listed.items:
        sheet.unit_turn = sheet.state in UNIT_TURN
    return listed


def to_appraise(user, today: datetime.date) -> Listed:
    """Sheets waiting for the person's appraisal, the nearest deadline first."""
    sheets = (
        policy.sheets_to_appraise(user)
        .select_related("round", "unit")
        .annotate(deadline=_step_deadline())
        .order_by(F("deadline").asc(nulls_last=True), "round__code", "unit__code")
    )
    listed = _listed(sheets)
    _days(listed.items, today)
    return listed


def to_approve(user, today: datetime.date) -> Listed:
    """Rounds waiting for the council, with how many sheets are finalised of how many."""
    rounds = (
        policy.rounds_to_approve(user)
        .annotate(
            deadline=F("approval_deadline"),
            sheet_count=Count("sheets"),
            finalised=Count("sheets", filter=Q(sheets__state=S.FINALISED)),
        )
        .order_by(F("deadline").asc(nulls_last=True), "code")
    )
    listed = _listed(rounds)
    _days(listed.items, today)
    for round in listed.items:
        round.ready = round.sheet_count > 0 and round.finalised == round.sheet_count
    return listed


def to_manage(user, today: datetime.date) -> Listed:
    """The open assessment rounds the person runs, with their sheets submitted and late
    (late as on the progress board: `assessments.selectors.late`)."""
    rounds = (
        policy.rounds_to_manage(user)
        .filter(kind=Round.Kind.ASSESSMENT, approved_at__isnull=True)
        .annotate(
            deadline=F("self_deadline"),
            sheet_count=Count("sheets"),
            submitted=Count("sheets", filter=~Q(sheets__state=S.DRAFT)),
        )
        .order_by("-year", "code")
    )
    listed = _listed(rounds)
    _days(listed.items, today)
    if listed.items:
        any_late = reduce(or_, (Q(round_id=r.pk) & late(r) for r in listed.items))
        counts = dict(
            Sheet.objects.filter(any_late).order_by().values("round_id")
            .annotate(n=Count("pk")).values_list("round_id", "n")
        )
        for round in listed.items:
            round.late_count = counts.get(round.pk, 0)
    return listed


def to_review(user, today: datetime.date) -> Listed:
    """Open campaigns whose nominations the person reviews, with how many await review."""
    campaigns = (
        policy.campaigns_to_review(user)
        .annotate(pending=Count("nominations", filter=Q(nominations__status="pending")))
        .order_by(F("deadline").asc(nulls_last=True), "code")
    )
    listed = _listed(campaigns)
    _days(listed.items, today)
    return listed


def my_work(user) -> MyWork:
    today = timezone.localdate()
    return MyWork(
        unit_sheets=unit_sheets(user, today),
        to_appraise=to_appraise(user, today),
        to_approve=to_approve(user, today),
        to_manage=to_manage(user, today),
        to_review=to_review(user, today),
        published=published_rounds()[:3],
    )
