"""Writes for rounds and their scores: `create_round` and the bulk score import.

Each is a door in the sense of `workflow`: it takes the acting person first, asks
`parindex.policy`, writes and records the change log in one transaction. The import keeps
`workflow.save_score`'s sheet rules (a stage is written only while its sheet state is open)
and, in a closed round, writes only as a correction with a reason that also corrects the
published results, so the public figures never disagree with the stored scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.engine.io import InputError, InputIssue, read_score_rows
from parindex.engine.values import parse_value
from parindex.frameworks.models import Node
from parindex.frameworks.selectors import engine_framework
from parindex.imports import read_limits
from parindex.units.models import Unit

from ..models import Round, Score, Sheet


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


def import_scores(actor, round: Round, path: str | Path, *, reason: str = "") -> ScoresSummary:
    """Store a scores CSV/XLSX for `round` as `actor`; all or nothing.

    Each row is checked against the framework of the unit's group in this round; every problem
    is reported with its row and column (`InputError`). Values are stored as typed, after the
    engine has accepted them, and replace the existing value of the same unit, leaf and stage
    (its version goes up and the change log keeps the old value). A blank value is the same as
    no row (as in `parindex compute`).

    The import is one more door to the scores, so it keeps the doors' rules: only the round's
    manager imports (`policy.can_import_scores`); in an assessment round a self value goes
    only into a draft sheet and an appraised one only into a sheet in appraisal; once the round
    is closed (approved by its council, or its results published) values change only as a
    correction with its `reason`, logged as `correct`, and published results are corrected
    from the new scores in the same transaction.
    """
    if not policy.can_import_scores(actor, round):
        raise PermissionDenied(_("Only the round's manager may import its scores."))
    path, reason = Path(path), (reason or "").strip()
    keep = _checked_rows(round, path, read_score_rows(path, read_limits()))
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        sheets = {
            s.unit_id: s
            for s in Sheet.objects.select_for_update(of=("self",)).filter(round=round)
            .select_related("unit")
        }
        correcting = _is_closed(round)
        if not correcting and round.kind == Round.Kind.ASSESSMENT:
            _check_sheets(path, keep, sheets)
        new, changed = _plan(round, keep)
        if not (new or changed):
            return ScoresSummary(rows=len(keep), unchanged=len(keep))
        if correcting and not reason:
            raise ValidationError(
                _("The round %(round)s is closed (approved or published): its scores change only "
                  "as a correction; give the reason.") % {"round": round.code},
                code="reason_required",
            )
        action = "correct" if correcting else "score"
        _write(actor, round, sheets, new, changed, action=action,
               reason=reason or f"import {path.name}")
        if correcting and _is_published(round):
            from parindex.results.services import correct

            correct(actor, round, reason)
    return ScoresSummary(rows=len(keep), created=len(new), updated=len(changed),
                         unchanged=len(keep) - len(new) - len(changed))


def _is_published(round: Round) -> bool:
    return round.result_snapshots.filter(published_at__isnull=False).exists()


def _is_closed(round: Round) -> bool:
    """After the council's approval or the first publication, scores are only corrected."""
    return round.approved_at is not None or _is_published(round)


Key = tuple[int, int, str]  # unit id, node id, stage


def _checked_rows(round: Round, path: Path, rows) -> dict[Key, tuple[int, str, str]]:
    """The rows that carry a value, by key → (row number, value, note); `InputError` lists
    every row that does not fit the round's frameworks."""
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

    keep: dict[Key, tuple[int, str, str]] = {}
    first_row: dict[Key, int] = {}
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
    return keep


# The sheet states in which each stage's values may still be written.
OPEN_STATES = {
    Score.Stage.SELF: (Sheet.State.DRAFT,),
    Score.Stage.APPRAISED: (Sheet.State.SUBMITTED, Sheet.State.EXPLAINED),
}


def _check_sheets(path: Path, keep: dict, sheets: dict[int, Sheet]) -> None:
    """In an assessment round, each value must go into a sheet whose stage is open: the same
    rule as `workflow.save_score`, checked on the locked sheets. (A results round is imported
    whole: it has no self-assessment cycle in parindex.)"""
    issues = []
    for (unit_id, _node_id, stage), (row, _value, _note) in keep.items():
        sheet = sheets.get(unit_id)
        if sheet is None:
            message = "the unit has no sheet in this round"
        elif sheet.state not in OPEN_STATES[stage]:
            message = f"sheet of {sheet.unit.code} is {sheet.state}: its {stage} scores are locked"
        else:
            continue
        issues.append(InputIssue(file=path.name, row=row, column="stage", message=message))
    if issues:
        raise InputError(sorted(issues, key=lambda issue: issue.row))


def _plan(round: Round, keep: dict) -> tuple[list[Score], list[tuple[Score, str]]]:
    """The scores to create, and the existing ones to change (each with its old value)."""
    existing = {
        (s.unit_id, s.node_id, s.stage): s
        for s in Score.objects.select_for_update(of=("self",)).filter(
            round=round,
            unit_id__in={k[0] for k in keep},
            node_id__in={k[1] for k in keep},
        ).select_related("node")
    }
    new, changed = [], []
    for key, (_row, value, note) in keep.items():
        score = existing.get(key)
        if score is None:
            unit_id, node_id, stage = key
            new.append(Score(round=round, unit_id=unit_id, node_id=node_id, stage=stage,
                             value=value, note=note))
        elif (score.value, score.note) != (value, note):
            old = score.value
            score.value, score.note = value, note
            changed.append((score, old))
    return new, changed


def _write(actor, round: Round, sheets: dict[int, Sheet], new: list[Score], changed: list,
           *, action: str, reason: str) -> None:
    """New values in one bulk insert, changed ones in one bulk update that bumps their version
    (so a sheet open in a browser cannot silently overwrite the import), and their change-log
    rows: every replaced value (and, in a correction, every new one) under its sheet (the round
    for a round without sheets), plus one row for the import itself."""
    now = timezone.now()
    for score in new:
        score.updated_by = actor
    for score, _old in changed:
        score.version = F("version") + 1
        score.updated_at, score.updated_by = now, actor
    Score.objects.bulk_create(new)
    Score.objects.bulk_update([score for score, _old in changed],
                              ["value", "note", "version", "updated_at", "updated_by"])
    logged = [(score, old) for score, old in changed if score.value != old]
    if action == "correct":
        logged += [(score, None) for score in new]
    codes = dict(Node.objects.filter(pk__in={s.node_id for s, _old in logged})
                 .values_list("pk", "code"))
    changes = [
        history.entry(
            actor, action, sheets.get(score.unit_id, round), scope=round,
            part=codes[score.node_id],
            before={score.stage: old} if old is not None else {},
            after={score.stage: score.value}, reason=reason, at=now,
        )
        for score, old in logged
    ]
    changes.append(history.entry(
        actor, "import", round, scope=round, reason=reason, at=now,
        after={"created": len(new), "replaced": len(changed)},
    ))
    history.bulk(changes)
    drafts = [s.pk for s in sheets.values() if s.started_at is None]
    started = {s.unit_id for s in new if s.stage == Score.Stage.SELF}
    Sheet.objects.filter(pk__in=drafts, unit_id__in=started).update(started_at=now)
