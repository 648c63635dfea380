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
