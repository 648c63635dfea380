"""Reads for units."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from .models import Unit


def valid_in_year(year: int) -> Q:
    """Units whose validity dates overlap the calendar year (open ends always do), less those a
    reorganisation ended during it: their successors are assessed for that year."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        (Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        & (Q(ended_by__isnull=True) | Q(valid_to__gt=last))
    )


def units_valid_in(year: int, group_codes: list[str] | None = None) -> QuerySet[Unit]:
    units = Unit.objects.filter(valid_in_year(year)).select_related("group")
    if group_codes is not None:
        units = units.filter(group__code__in=group_codes)
    return units.order_by("code")


def unit_page(unit: Unit) -> dict:
    """A unit's reorganisations both ways: the lines it flowed out through (with the units it
    became) and in through (with the units it came from). Two queries."""
    from .models import ReorganisationLine

    lines = ReorganisationLine.objects.select_related("reorganisation", "old_unit", "new_unit")
    return {
        "became": list(lines.filter(old_unit=unit).order_by("reorganisation__date", "new_unit")),
        "came_from": list(lines.filter(new_unit=unit).order_by("reorganisation__date",
                                                               "old_unit")),
    }


def loose_ends() -> dict:
    """What still hangs on units a reorganisation ended: their people's roles, their sheets in
    rounds not yet approved, and the nominations awaiting review that they made or receive;
    each with the units it may move to. Four queries however many."""
    from parindex.assessments.models import Sheet
    from parindex.awards.models import Nomination

    from .models import ReorganisationLine, Role

    ended = Unit.objects.filter(ended_by__isnull=False)
    successors: dict[int, list[Unit]] = {}
    for line in ReorganisationLine.objects.filter(old_unit__in=ended).select_related(
            "new_unit").order_by("new_unit__code"):
        successors.setdefault(line.old_unit_id, []).append(line.new_unit)
    roles = list(Role.objects.filter(unit__in=ended).select_related("user", "unit__ended_by")
                 .order_by("unit__code", "kind", "user__username"))
    for role in roles:
        role.successors = successors.get(role.unit_id, [])
    sheets = list(
        Sheet.objects.filter(unit__in=ended, round__approved_at__isnull=True)
        .exclude(state=Sheet.State.APPROVED)
        .select_related("round", "unit__ended_by").order_by("round__code", "unit__code")
    )
    nominations = list(
        Nomination.objects.filter(status=Nomination.Status.PENDING)
        .filter(Q(unit__in=ended) | Q(recipient_unit__in=ended))
        .select_related("campaign", "unit", "recipient_unit").order_by("campaign__code", "pk")
    )
    return {"roles": roles, "sheets": sheets, "nominations": nominations}
