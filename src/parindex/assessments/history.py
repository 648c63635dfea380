"""The append-only record of every change in a round: who, when, old value, new value, why.

Writes go through `record` only, inside the transaction of the change they describe, so a change
and its history row are saved together or not at all. Rows are never updated or deleted
(the model refuses both).
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Change, Round, Sheet

Kind = Change.Kind


def record(
    *,
    round: Round,
    kind: str,
    user=None,
    sheet: Sheet | None = None,
    node_code: str = "",
    stage: str = "",
    old: object = "",
    new: object = "",
    reason: str = "",
) -> Change:
    return Change.objects.create(
        round=round,
        sheet=sheet,
        node_code=node_code,
        stage=stage,
        kind=kind,
        old="" if old is None else str(old),
        new="" if new is None else str(new),
        reason=reason or "",
        user=user if user is not None and user.is_authenticated else None,
    )


def sheet_history(sheet: Sheet, node_code: str | None = None) -> QuerySet[Change]:
    changes = Change.objects.filter(sheet=sheet).select_related("user")
    if node_code is not None:
        changes = changes.filter(node_code=node_code)
    return changes.order_by("-at", "-pk")


def round_history(round: Round) -> QuerySet[Change]:
    return (
        Change.objects.filter(round=round)
        .select_related("user", "sheet__unit")
        .order_by("at", "pk")
    )
