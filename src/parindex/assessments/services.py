"""Writes for rounds and their scores."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parindex import history
from parindex.engine.io import InputError, InputIssue, read_score_rows
from parindex.engine.values import parse_value
from parindex.frameworks.models import Framework, Node
from parindex.frameworks.selectors import engine_framework
from parindex.imports import read_limits
from parindex.units.models import Unit

from .models import Round, Score, Sheet


def create_round(
    code: str,
    name: str,
    year: int,
    organiser_code: str | None,
    framework_codes: list[str],
    decision_number: str = "",
    published_on: datetime.date | None = None,
) -> Round:
    """Open a round over the given frameworks, at most one per unit group (a unit's group picks
    the framework it is scored on)."""
    errors = []
    if Round.objects.filter(code=code).exists():
        errors.append(f"round '{code}' already exists")
    organiser = None
    if organiser_code:
        organiser = Unit.objects.filter(code=organiser_code).first()
        if organiser is None:
            errors.append(f"unknown organiser unit '{organiser_code}'")
    frameworks = list(Framework.objects.filter(code__in=framework_codes))
    found = {fw.code for fw in frameworks}
    errors += [f"unknown framework '{c}'" for c in framework_codes if c not in found]
    groups: dict[int, str] = {}
    for fw in frameworks:
        if fw.unit_group_id in groups:
            errors.append(
                f"frameworks '{groups[fw.unit_group_id]}' and '{fw.code}' score the same unit group"
            )
        groups[fw.unit_group_id] = fw.code
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        round = Round.objects.create(
            code=code,
            name=name,
            year=year,
            organiser=organiser,
            decision_number=decision_number or "",
            published_on=published_on,
        )
        round.frameworks.set(frameworks)
    return round


@dataclass
class ScoresSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.rows} values: {self.created} created, {self.updated} replaced, "
            f"{self.unchanged} unchanged"
        )


def import_scores(round: Round, path: str | Path, *, user=None) -> ScoresSummary:
    """Store a scores CSV/XLSX for `round`; all or nothing.

    Each row is checked against the framework of the unit's group in this round; every problem
    is reported with its row and column (`InputError`). Values are stored as typed, after the
    engine has accepted them, and replace the existing value of the same unit, leaf and stage
    (its version goes up and the history keeps the old value). A blank value is the same as no
    row (as in `parindex compute`).
    """
    path = Path(path)
    rows = read_score_rows(path, read_limits())  # columns and stages
    issues: list[InputIssue] = []

    def issue(row: int, column: str, message: str) -> None:
        issues.append(InputIssue(file=path.name, row=row, column=column, message=message))

    frameworks = {fw.unit_group_id: fw for fw in round.frameworks.select_related("unit_group")}
    nodes_of: dict[int, list[Node]] = {fw.pk: [] for fw in frameworks.values()}
    for node in Node.objects.filter(framework__in=list(frameworks.values())).order_by("position"):
        nodes_of[node.framework_id].append(node)
    engines = {fw.pk: engine_framework(fw, nodes_of[fw.pk]) for fw in frameworks.values()}
    node_ids = {
        (node.framework_id, node.code): node.pk for nodes in nodes_of.values() for node in nodes
    }
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in={r.unit_code for r in rows}).only("code", "group")
    }

    keep: dict[tuple[int, int, str], tuple[int, str, str]] = {}  # key → (row, value, note)
    first_row: dict[tuple[int, int, str], int] = {}
    for r in rows:
        unit = units.get(r.unit_code)
        if unit is None:
            issue(r.row, "unit_code", f"unknown unit '{r.unit_code}'")
            continue
        fw = frameworks.get(unit.group_id)
        if fw is None:
            issue(
                r.row,
                "unit_code",
                f"unit '{r.unit_code}' is not in the unit group of any "
                f"framework of round '{round.code}'",
            )
            continue
        engine = engines[fw.pk]
        leaf = engine.leaves().get(r.criterion_code)
        if leaf is None:
            known = r.criterion_code in {n.code for n in nodes_of[fw.pk]}
            hint = "is not a leaf (enter its sub-criteria)" if known else "is not a criterion of"
            issue(r.row, "criterion_code", f"'{r.criterion_code}' {hint} framework '{fw.code}'")
            continue
        key = (unit.pk, node_ids[(fw.pk, leaf.code)], r.stage)
        if key in first_row:
            issue(
                r.row,
                "criterion_code",
                f"unit '{r.unit_code}' already has a {r.stage} value "
                f"for '{r.criterion_code}' on row {first_row[key]}",
            )
            continue
        first_row[key] = r.row
        if not r.value:
            continue
        try:
            parse_value(leaf, r.value)
        except ValueError as exc:
            issue(r.row, "value", str(exc))
            continue
        if len(r.value) > Score._meta.get_field("value").max_length:
            issue(r.row, "value", "the value is too long")
            continue
        keep[key] = (r.row, r.value, r.note)
    if issues:
        raise InputError(issues)

    with transaction.atomic():
        return _write_scores(round, keep, user=user, reason=f"import {path.name}")


def _write_scores(round: Round, keep: dict, *, user, reason: str) -> ScoresSummary:
    """New values in one bulk insert, changed ones in one bulk update that bumps their version
    (so a sheet open in a browser cannot silently overwrite the import), history for those."""
    summary = ScoresSummary(rows=len(keep))
    existing = {
        (s.unit_id, s.node_id, s.stage): s
        for s in Score.objects.filter(
            round=round,
            unit_id__in={k[0] for k in keep},
            node_id__in={k[1] for k in keep},
        ).select_related("node")
    }
    sheets = {s.unit_id: s for s in Sheet.objects.filter(round=round, unit_id__in={k[0] for k in keep})}
    now = timezone.now()
    new, changed, changes = [], [], []
    for key, (_, value, note) in keep.items():
        score = existing.get(key)
        if score is None:
            unit_id, node_id, stage = key
            new.append(
                Score(
                    round=round,
                    unit_id=unit_id,
                    node_id=node_id,
                    stage=stage,
                    value=value,
                    note=note,
                    updated_by=user,
                )
            )
        elif (score.value, score.note) != (value, note):
            if score.value != value:
                changes.append(history.entry(
                    user, "score", sheets.get(score.unit_id, round), scope=round,
                    part=score.node.code, before={score.stage: score.value},
                    after={score.stage: value}, reason=reason, at=now,
                ))
            score.value, score.note = value, note
            score.version = F("version") + 1
            score.updated_at, score.updated_by = now, user
            changed.append(score)
    Score.objects.bulk_create(new)
    Score.objects.bulk_update(changed, ["value", "note", "version", "updated_at", "updated_by"])
    # One history row per replaced value, and one for the import itself when it changed data.
    if new or changed:
        changes.append(history.entry(
            user, "import", round, scope=round, reason=reason, at=now,
            after={"created": len(new), "replaced": len(changed)},
        ))
    history.bulk(changes)
    summary.created, summary.updated = len(new), len(changed)
    summary.unchanged = len(keep) - len(new) - len(changed)
    return summary
