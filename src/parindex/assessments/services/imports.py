"""Writes for rounds and their scores: `create_round` and the bulk score import.

Each is a door in the sense of `workflow`: it takes the acting person first, asks
`parindex.policy`, writes and records the change log in one transaction. The import keeps
`workflow.save_score`'s sheet rules (a stage is written only while its sheet state is open)
and, in a closed round, writes only as a correction with a reason that also corrects the
published results, so the public figures never disagree with the stored scores.

The file is streamed: rows are read, checked and written a chunk at a time inside the one
transaction, so memory holds a chunk and one small key per row seen (for duplicates), whatever
the file's size. New values go in with one raw `executemany` per chunk, each with its points
(`engine.values.stored_points`). Once a problem is found nothing more is written and the
transaction is rolled back at the end, after every problem (up to the reader's cap) is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.engine.io import Issues, ScoreRow, iter_score_rows
from parindex.engine.values import parse_value, stored_points
from parindex.frameworks.models import Node, top_level_ids
from parindex.frameworks.selectors import engine_framework
from parindex.imports import problem_text, read_limits
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


CHUNK = 10_000  # rows checked and written at a time


def import_scores(actor, round: Round, path: str | Path, *, reason: str = "") -> ScoresSummary:
    """Store a scores CSV/XLSX for `round` as `actor`; all or nothing.

    Each row is checked against the framework of the unit's group in this round; every problem
    is reported with its row and column (`InputError`). Values are stored as typed, after the
    engine has accepted them, and replace the existing value of the same unit, leaf and stage
    (its version goes up and the change log keeps the old value). A blank value is the same as
    no row (as in `parindex compute`).

    The import is one more door to the scores, so it keeps the doors' rules: only the round's
    manager imports (`policy.can_import_scores`); in a round run with sheets a self value goes
    only into a draft sheet and an appraised one only into a sheet in appraisal (a unit group
    the council approved is locked); once the round is closed (an assessment round approved
    whole, a results round's results published) values change only as a correction with its
    `reason`, logged as `correct`, and published results are corrected
    from the new scores in the same transaction.
    """
    if not policy.can_import_scores(actor, round):
        raise PermissionDenied(_("Only the round's manager may import its scores."))
    path, reason = Path(path), (reason or "").strip()
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        sheets = {
            s.unit_id: s
            for s in Sheet.objects.select_for_update(of=("self",)).filter(round=round)
            .select_related("unit")
        }
        run = _Import(actor, round, sheets, path, reason)
        rows = iter_score_rows(path, run.shape, read_limits())
        while chunk := list(islice(rows, CHUNK)):
            run.chunk(chunk)
        run.shape.raise_if_any()  # a file of the wrong shape: only that is reported
        run.issues.raise_if_any()
        summary = run.summary
        if not (summary.created or summary.updated):
            return summary
        if run.correcting and not reason:
            raise ValidationError(
                _("The round %(round)s is closed (approved or published): its scores change only "
                  "as a correction; give the reason.") % {"round": round.code},
                code="reason_required",
            )
        run.finish()
        if run.correcting and _is_published(round):
            from parindex.results.services import correct

            correct(actor, round, reason)
    return summary


def _is_published(round: Round) -> bool:
    return round.result_snapshots.published().exists()


def _is_closed(round: Round) -> bool:
    """Scores are only corrected once an assessment round is approved whole (a unit group
    approved before keeps its sheets locked: the stage rule refuses their rows), or once a
    results round's results are published."""
    if round.kind == Round.Kind.ASSESSMENT:
        return round.approved_at is not None
    return _is_published(round)


# The sheet states in which each stage's values may still be written.
OPEN_STATES = {
    Score.Stage.SELF: (Sheet.State.DRAFT,),
    Score.Stage.APPRAISED: (Sheet.State.SUBMITTED, Sheet.State.EXPLAINED),
}

_TABLE = Score._meta.db_table
INSERT = (f"INSERT INTO {_TABLE} (round_id, unit_id, node_id, field_id, stage, value, points, "
          f"note, version, updated_at, updated_by_id) "
          f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s)")
UPDATE = (f"UPDATE {_TABLE} SET value = %s, points = %s, note = %s, version = version + 1, "
          f"updated_at = %s, updated_by_id = %s WHERE id = %s")
MAX_VALUE = Score._meta.get_field("value").max_length


class _Frameworks:
    """The round's frameworks as the import checks rows against them: by unit group, with
    their engine trees, leaf node ids, and each (leaf, value)'s points memoised."""

    def __init__(self, round: Round):
        self.by_group = {fw.unit_group_id: fw for fw in round.frameworks.all()}
        nodes_of: dict[int, list[Node]] = {fw.pk: [] for fw in self.by_group.values()}
        for node in Node.objects.filter(framework__in=list(self.by_group.values())) \
                .order_by("position"):
            nodes_of[node.framework_id].append(node)
        self.codes = {pk: {n.code for n in nodes} for pk, nodes in nodes_of.items()}
        self.engines = {fw.pk: engine_framework(fw, nodes_of[fw.pk])
                        for fw in self.by_group.values()}
        self.node_ids = {(n.framework_id, n.code): n.pk
                         for nodes in nodes_of.values() for n in nodes}
        self.top = {pk: top for nodes in nodes_of.values()
                    for pk, top in top_level_ids(nodes).items()}  # Score.field of each leaf
        self.points: dict[tuple[int, str], object] = {}

    def points_of(self, leaf, node_id: int, value: str):
        """The stored points of `value` on the leaf, or the ValueError saying why not."""
        key = (node_id, value)
        found = self.points.get(key, self)
        if found is self:
            try:
                found = stored_points(leaf, parse_value(leaf, value))
            except ValueError as error:
                found = error
            if len(self.points) >= 100_000:
                self.points.clear()
            self.points[key] = found
        return found


class _Import:
    """One import run: checks chunks of rows, writes them while the file has no problem."""

    def __init__(self, actor, round: Round, sheets: dict[int, Sheet], path: Path, reason: str):
        self.actor, self.round, self.sheets, self.path = actor, round, sheets, path
        self.reason = reason
        self.shape = Issues(path.name)  # the reader's: columns, stage, empty codes
        self.issues = Issues(path.name)  # the rows against the round
        self.frameworks = _Frameworks(round)
        self.units: dict[str, Unit | None] = {}
        self.first_row: dict[int, int] = {}  # packed key (see _key) → its row
        self.correcting = _is_closed(round)
        self.action = "correct" if self.correcting else "score"
        self.now = timezone.now()
        self.summary = ScoresSummary()
        self.started: set[int] = set()  # units given a new self value
        self.codes = {}

    def chunk(self, rows: list[ScoreRow]) -> None:
        self._load_units({r.unit_code for r in rows} - self.units.keys())
        checked = [found for r in rows if (found := self._check(r)) is not None]
        self.summary.rows += len(checked)
        if self.shape.items or self.issues.items:
            return  # nothing more is written: the transaction will be rolled back
        if self.correcting and not self.reason:  # refused at the end, unless nothing changes
            self._count(checked)
        else:
            self._write(checked)

    def _load_units(self, codes: set[str]) -> None:
        found = {u.code: u for u in Unit.objects.filter(code__in=codes).only("code", "group")}
        self.units.update((code, found.get(code)) for code in codes)

    def _issue(self, row: int, column: str, message: str) -> None:
        self.issues.add(row, column, message)

    def _check(self, r: ScoreRow) -> tuple | None:
        """(unit, node id, stage, row, value, points, note) of a row that carries a value and
        fits; None (its problem noted) otherwise."""
        unit = self.units[r.unit_code]
        if unit is None:
            return self._issue(r.row, "unit_code", f"unknown unit '{r.unit_code}'")
        fw = self.frameworks.by_group.get(unit.group_id)
        if fw is None:
            return self._issue(r.row, "unit_code",
                               f"unit '{r.unit_code}' is not in the unit group of any "
                               f"framework of round '{self.round.code}'")
        leaf = self.frameworks.engines[fw.pk].leaves().get(r.criterion_code)
        if leaf is None:
            known = r.criterion_code in self.frameworks.codes[fw.pk]
            hint = "is not a leaf (enter its sub-criteria)" if known else "is not a criterion of"
            return self._issue(r.row, "criterion_code",
                               f"'{r.criterion_code}' {hint} framework '{fw.code}'")
        node_id = self.frameworks.node_ids[(fw.pk, leaf.code)]
        key = unit.pk << 33 | node_id << 1 | (r.stage == Score.Stage.SELF)
        first = self.first_row.setdefault(key, r.row)
        if first != r.row:
            return self._issue(r.row, "criterion_code",
                               f"unit '{r.unit_code}' already has a {r.stage} value "
                               f"for '{r.criterion_code}' on row {first}")
        if not r.value:
            return None
        points = self.frameworks.points_of(leaf, node_id, r.value)
        if isinstance(points, ValueError):
            return self._issue(r.row, "value", problem_text(points))
        if len(r.value) > MAX_VALUE:
            return self._issue(r.row, "value", "the value is too long")
        if not self._sheet_open(unit, r):
            return None
        self.codes[node_id] = leaf.code
        return (unit, node_id, r.stage, r.row, r.value, points, r.note)

    def _sheet_open(self, unit: Unit, r: ScoreRow) -> bool:
        """In an assessment round (not closed), a value goes only into a sheet whose stage is
        open: the same rule as `cycle.save_score`, on the locked sheets."""
        if self.round.kind != Round.Kind.ASSESSMENT or self.correcting:
            return True  # a results round, imported whole; or a correction
        sheet = self.sheets.get(unit.pk)
        if sheet is None:
            message = "the unit has no sheet in this round"
        elif sheet.state not in OPEN_STATES[r.stage]:
            message = f"sheet of {sheet.unit.code} is {sheet.state}: its {r.stage} scores are locked"
        else:
            return True
        self._issue(r.row, "stage", message)
        return False

    def _existing(self, checked: list[tuple]) -> dict[tuple, tuple]:
        """(unit id, node id, stage) → (id, value, note) of the chunk's stored values, locked."""
        if not checked:
            return {}
        rows = Score.objects.select_for_update(of=("self",)).filter(
            round=self.round, unit_id__in={c[0].pk for c in checked},
            node_id__in={c[1] for c in checked},
        ).values_list("unit_id", "node_id", "stage", "pk", "value", "note")
        return {(u, n, stage): rest for u, n, stage, *rest in rows}

    def _count(self, checked: list[tuple]) -> None:
        existing = self._existing(checked)
        for unit, node_id, stage, _row, value, _points, note in checked:
            old = existing.get((unit.pk, node_id, stage))
            if old is None:
                self.summary.created += 1
            elif (old[1], old[2]) != (value, note):
                self.summary.updated += 1
            else:
                self.summary.unchanged += 1

    def _write(self, checked: list[tuple]) -> None:
        """The chunk's new values in one executemany, its changed ones in another (their
        version goes up, so a sheet open in a browser cannot silently overwrite the import),
        and the change-log rows of every replaced value (and, in a correction, every new one)."""
        existing = self._existing(checked)
        actor_id, now = getattr(self.actor, "pk", None), self.now
        stamp = connection.ops.adapt_datetimefield_value(now)
        new, changed, logged = [], [], []
        for unit, node_id, stage, _row, value, points, note in checked:
            old = existing.get((unit.pk, node_id, stage))
            if old is None:
                new.append((self.round.pk, unit.pk, node_id, self.frameworks.top[node_id], stage,
                            value, points, note, stamp, actor_id))
                if stage == Score.Stage.SELF:
                    self.started.add(unit.pk)
                if self.correcting:
                    logged.append((unit, node_id, stage, None, value))
            elif (old[1], old[2]) != (value, note):
                changed.append((value, points, note, stamp, actor_id, old[0]))
                if old[1] != value:
                    logged.append((unit, node_id, stage, old[1], value))
        with connection.cursor() as cursor:
            if new:
                cursor.executemany(INSERT, new)
            if changed:
                cursor.executemany(UPDATE, changed)
        self.summary.created += len(new)
        self.summary.updated += len(changed)
        self.summary.unchanged += len(checked) - len(new) - len(changed)
        history.bulk([
            history.entry(self.actor, self.action, self.sheets.get(unit.pk, self.round),
                          scope=self.round, part=self.codes[node_id],
                          before={stage: old} if old is not None else {},
                          after={stage: value}, reason=self._reason(), at=now)
            for unit, node_id, stage, old, value in logged
        ])

    def _reason(self) -> str:
        return self.reason or f"import {self.path.name}"

    def finish(self) -> None:
        """The import's own change-log row; self-assessment marked started where it began."""
        history.record(self.actor, "import", self.round, scope=self.round,
                       reason=self._reason(), at=self.now,
                       after={"created": self.summary.created,
                              "replaced": self.summary.updated})
        drafts = [s.pk for s in self.sheets.values() if s.started_at is None]
        Sheet.objects.filter(pk__in=drafts, unit_id__in=self.started).update(
            started_at=self.now)
