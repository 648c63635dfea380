"""Reads of assessments.

One sheet (`sheet_data`): the framework tree with both stages' values, points, evidence and
requests, in a fixed number of queries whatever the size of the framework; all arithmetic is the
engine's (`parse_value`, `leaf_points`, `compute`).

The lists of a round's sheets (the round page, the progress board, the appraisal queue).

Invariants: the caller passes the sheets the person may see (a `policy` queryset); a list page
reads one page of them, filtered and ordered in SQL; its counts are SQL aggregates. So no list
page grows with the number of units, and each runs a fixed number of queries.

A sheet's progress in the self-assessment: "submitted" once out of draft, else "not started"
until its first edit, else "in progress". It is late when the self-assessment deadline has
passed unsubmitted, or when it was submitted after the deadline (in local time).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from parindex.engine.compute import UnitInfo, UnitResult, compute
from parindex.engine.framework import Framework as EngineFramework
from parindex.engine.framework import Node as EngineNode
from parindex.engine.values import ValueProblem, leaf_points, parse_value, value_warnings
from parindex.frameworks.models import Node
from parindex.frameworks.selectors import engine_framework

from .models import CriterionAssignment, Evidence, ExplanationRequest, Round, Score, Sheet

SELF = Score.Stage.SELF
APPRAISED = Score.Stage.APPRAISED


@dataclass
class Row:
    """One node of the tree as the sheet shows it."""

    node: Node
    leaf: EngineNode
    depth: int
    field_code: str
    scores: dict[str, Score] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    requests: list[ExplanationRequest] = field(default_factory=list)
    # Set for the person reading the page: whether they may appraise this leaf (by the view),
    # the filters it matches (`flag_leaves`), and on a field, how many self scores they may
    # accept in it.
    can_appraise: bool = False
    flags: list[str] = field(default_factory=list)
    accept: int = 0

    @property
    def is_leaf(self) -> bool:
        return self.leaf.is_leaf

    @property
    def self_score(self) -> Score | None:
        return self.scores.get(SELF)

    @property
    def appraised_score(self) -> Score | None:
        return self.scores.get(APPRAISED)

    def points(self, stage: str) -> Decimal | None | str:
        """Points of the stored value; None = not applicable, "" = no value yet."""
        score = self.scores.get(stage)
        if score is None:
            return ""
        return points_of(self.leaf, score.value)

    @property
    def self_points(self):
        return self.points(SELF)

    @property
    def appraised_points(self):
        return self.points(APPRAISED)

    @property
    def cut(self) -> Decimal | None:
        """Points the appraisal took off (or added, negative): what the comparison view shows."""
        mine, theirs = self.self_points, self.appraised_points
        if isinstance(mine, Decimal) and isinstance(theirs, Decimal):
            return mine - theirs
        return None

    @property
    def active_evidence(self) -> list[Evidence]:
        return [e for e in self.evidence if e.removed_at is None]

    def warnings(self, stage: str) -> list[ValueProblem]:
        """What looks mistyped in the stored value (a ratio over 100%), for the page to say."""
        score = self.scores.get(stage)
        if score is None:
            return []
        return value_warnings(self.leaf, parse_value(self.leaf, score.value))

    @property
    def self_warnings(self):
        return self.warnings(SELF)

    @property
    def appraised_warnings(self):
        return self.warnings(APPRAISED)


def points_of(leaf: EngineNode, raw: str) -> Decimal | None:
    return leaf_points(leaf, parse_value(leaf, raw))


def field_codes(framework: EngineFramework) -> dict[str, str]:
    """Every node code → the code of its top-level node."""
    return {node.code: top.code for top in framework.nodes for node in top.iter_nodes()}


@dataclass
class SheetData:
    sheet: Sheet
    framework: EngineFramework
    rows: list[Row]

    def row(self, code: str) -> Row:
        return next(r for r in self.rows if r.node.code == code)

    def leaves(self) -> list[Row]:
        return [r for r in self.rows if r.is_leaf]

    def result(self, stage: str) -> UnitResult:
        """The engine's totals for one stage: per field, and achieved / max / index overall.

        Appraised totals count the self value where the appraisers have not (yet) set one, as
        finalising the appraisal does, so the running total is what the unit would get now.
        """
        values = {}
        for row in self.leaves():
            score = row.scores.get(stage)
            if score is None and stage == APPRAISED:
                score = row.scores.get(SELF)
            if score is not None:
                values[row.leaf.code] = parse_value(row.leaf, score.value)
        unit = UnitInfo(self.sheet.unit.code, self.sheet.unit.name, self.framework.unit_group)
        return compute(self.framework, {unit.code: values}, units=[unit]).results[0]


def load_nodes(sheet: Sheet) -> tuple[EngineFramework, list[Node]]:
    nodes = list(Node.objects.filter(framework_id=sheet.framework_id).order_by("position"))
    return engine_framework(sheet.framework, nodes), nodes


def sheet_data(sheet: Sheet, with_files: bool = True) -> SheetData:
    """`sheet` must come with select_related("round", "unit", "framework__unit_group")."""
    framework, nodes = load_nodes(sheet)
    by_code = {node.code: node for node in nodes}
    fields = field_codes(framework)
    scores = defaultdict(dict)
    for score in Score.objects.filter(round_id=sheet.round_id, unit_id=sheet.unit_id).select_related(
        "updated_by"
    ):
        scores[score.node_id][score.stage] = score
    evidence, requests = defaultdict(list), defaultdict(list)
    if with_files:
        for item in Evidence.objects.filter(sheet=sheet).select_related("uploaded_by"):
            evidence[item.node_id].append(item)
        for item in ExplanationRequest.objects.filter(sheet=sheet).select_related(
            "requested_by", "answered_by"
        ):
            requests[item.node_id].append(item)
    depth = {}
    rows = []
    for top in framework.nodes:
        stack = [(top, 0)]
        while stack:
            node, level = stack.pop()
            depth[node.code] = level
            model = by_code[node.code]
            rows.append(
                Row(
                    node=model,
                    leaf=node,
                    depth=level,
                    field_code=fields[node.code],
                    scores=scores.get(model.pk, {}),
                    evidence=evidence.get(model.pk, []),
                    requests=requests.get(model.pk, []),
                )
            )
            stack.extend((child, level + 1) for child in reversed(node.children))
    return SheetData(sheet=sheet, framework=framework, rows=rows)


@dataclass
class StepSummary:
    """What a step of the sheet's cycle will lock or send, for its confirmation page."""

    leaves: int
    scored: int  # leaves with a self value
    evidence: int  # evidence files attached (not removed)
    requests: list[tuple[Row, ExplanationRequest]]  # every explanation request, by leaf
    kept: list[Row]  # leaves whose self score stands as the appraised one on finalising

    @property
    def answered(self) -> int:
        return sum(1 for _row, item in self.requests if item.answer)

    @property
    def unanswered(self) -> list[tuple[Row, ExplanationRequest]]:
        return [(row, item) for row, item in self.requests if not item.answer]


# The sheet's filters, each a flag a leaf may carry (see `flag_leaves`).
FILTERS = ("unscored", "no_evidence", "asked", "cut")


@dataclass
class FieldProgress:
    """One top-level field in the sheet's table of contents."""

    row: Row
    scored: int  # leaves with a value at the person's stage
    total: int  # leaves the person's stage scores (survey leaves are not the unit's)
    achieved: Decimal | None
    max: Decimal | None


@dataclass
class Navigation:
    """The sheet's table of contents and filters, for one person's stage."""

    fields: list[FieldProgress]
    counts: dict[str, int]  # leaves per filter
    requests: list[tuple[Row, ExplanationRequest]]  # every explanation request, by leaf

    @property
    def scored(self) -> int:
        return sum(item.scored for item in self.fields)

    @property
    def total(self) -> int:
        return sum(item.total for item in self.fields)


def flag_leaves(data: SheetData, stage: str, result: UnitResult, *,
                decides: Callable[[Row], bool], with_appraisal: bool,
                explain: bool = False) -> Navigation:
    """Give each leaf row its `flags`: the filters it matches, and "needs" when the person has a
    decision to make on it (no value yet at `stage` where `decides(row)`, or an unanswered
    request when they `explain`); and sum them per field. `stage` is the stage the person fills
    in or reads, `result` its totals (`data.result(stage)`); requests and cuts count only
    `with_appraisal` (when the person sees it)."""
    counts = dict.fromkeys(FILTERS, 0)
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in data.leaves():
        survey = row.leaf.rule.kind == "survey"  # points from the survey, not from a person
        flags = set()
        if not survey and row.scores.get(stage) is None:
            flags.add("unscored")
        if not survey and not row.active_evidence:
            flags.add("no_evidence")
        if with_appraisal and row.requests:
            flags.add("asked")
        if with_appraisal and row.cut is not None and row.cut > 0:
            flags.add("cut")
        for name in flags:
            counts[name] += 1
        if ("unscored" in flags and decides(row)) or (
            explain and any(not item.answer for item in row.requests)
        ):
            flags.add("needs")
        row.flags = sorted(flags)
        if not survey:
            done = per_field[row.field_code]
            done[0] += "unscored" not in flags
            done[1] += 1
    fields = []
    for row in data.rows:
        if row.depth == 0:
            scored, total = per_field[row.node.code]
            points = result.fields.get(row.node.code)
            fields.append(FieldProgress(
                row=row, scored=scored, total=total,
                achieved=points.achieved if points else None,
                max=points.max if points else None,
            ))
    requests = ([(row, item) for row in data.leaves() for item in row.requests]
                if with_appraisal else [])
    return Navigation(fields=fields, counts=counts, requests=requests)


def acceptable(data: SheetData, field: str | None = None) -> list[Row]:
    """The leaves whose self score the appraiser may accept in one step (`accept_self_scores`):
    a self score, no appraised score yet, in a field the person appraises (`row.can_appraise`,
    set by the page), in `field` if given."""
    return [
        row for row in data.leaves()
        if row.can_appraise and row.self_score is not None
        and row.appraised_score is None and field in (None, row.field_code)
    ]


def step_summary(sheet: Sheet) -> StepSummary:
    """`sheet` as for `sheet_data`."""
    leaves = sheet_data(sheet).leaves()
    return StepSummary(
        leaves=len(leaves),
        scored=sum(1 for row in leaves if row.self_score is not None),
        evidence=sum(len(row.active_evidence) for row in leaves),
        requests=[(row, item) for row in leaves for item in row.requests],
        kept=[row for row in leaves if row.self_score is not None and row.appraised_score is None],
    )


def leaf_of(sheet: Sheet, node_code: str) -> tuple[EngineFramework, Node, EngineNode]:
    """The stored and engine form of one leaf of the sheet's framework (KeyError if none)."""
    framework, nodes = load_nodes(sheet)
    leaf = framework.leaves()[node_code]
    model = next(n for n in nodes if n.code == node_code)
    return framework, model, leaf


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


@dataclass
class GroupState:
    """One unit group of a round as the council sees it before approving."""

    framework: object  # frameworks.models.Framework, its unit_group loaded
    sheets: int
    final: int  # sheets whose appraisal is finalised (or approved)
    approval: object | None  # the GroupApproval, once approved

    @property
    def complete(self) -> bool:
        return self.sheets > 0 and self.final == self.sheets


def group_states(round: Round) -> list[GroupState]:
    """Each framework of the round with its sheets counted and its approval; three queries."""
    from .models import GroupApproval

    counts = {
        row["framework_id"]: row
        for row in Sheet.objects.filter(round=round).values("framework_id").annotate(
            total=Count("pk"),
            final=Count("pk", filter=Q(state__in=(Sheet.State.FINALISED, Sheet.State.APPROVED))),
        )
    }
    approvals = {a.framework_id: a for a in
                 GroupApproval.objects.filter(round=round).select_related("approved_by")}
    return [
        GroupState(fw, counts.get(fw.pk, {}).get("total", 0),
                   counts.get(fw.pk, {}).get("final", 0), approvals.get(fw.pk))
        for fw in round.frameworks.select_related("unit_group").order_by("unit_group__name")
    ]


# --------------------------------------------------------------------------- national index
# The province's self-assessment for the national index: one sheet, each leaf in the charge of
# a department (`CriterionAssignment`). A leaf is "drafted" once it has a self value.


def national_sheet(round: Round) -> Sheet | None:
    """The round's one sheet (the province's), or None when the round has not exactly one."""
    sheets = list(Sheet.objects.filter(round=round).select_related(
        "round__organiser", "unit", "framework__unit_group", "submitted_by")[:2])
    return sheets[0] if len(sheets) == 1 else None


def departments_of(sheet: Sheet) -> QuerySet:
    """The units under the sheet's unit valid in the round's year: those offered as
    departments in charge (a file may name any unit valid that year)."""
    from parindex.units.models import ReorganisationLine, Unit
    from parindex.units.selectors import valid_in_year

    # A province formed by a merger keeps the departments of the one it continues until a
    # reorganisation moves them: those under its predecessors count as its own.
    heads = ReorganisationLine.objects.filter(new_unit_id=sheet.unit_id).values("old_unit_id")
    return Unit.objects.filter(Q(parent_id=sheet.unit_id) | Q(parent_id__in=heads)).filter(
        valid_in_year(sheet.round.year)).order_by("name")


@dataclass
class DepartmentProgress:
    unit_id: int
    code: str
    name: str
    assigned: int = 0
    drafted: int = 0
    accepted: int = 0
    returned: int = 0

    @property
    def undrafted(self) -> int:
        return self.assigned - self.drafted


def _drafted(sheet_ref) -> Exists:
    return Exists(Score.objects.filter(
        round_id=sheet_ref("sheet__round_id"), unit_id=sheet_ref("sheet__unit_id"),
        node_id=sheet_ref("node_id"), stage=SELF))


def department_progress(assignments: QuerySet[CriterionAssignment]) -> list[DepartmentProgress]:
    """Per department in charge, by code: sub-criteria assigned, drafted, accepted, returned.
    One query, whatever the number of departments or criteria."""
    rows = assignments.annotate(drafted=_drafted(OuterRef)).order_by().values_list(
        "unit_id", "unit__code", "unit__name", "status", "drafted")
    progress: dict[str, DepartmentProgress] = {}
    for unit_id, code, name, status, drafted in rows:
        line = progress.setdefault(code, DepartmentProgress(unit_id, code, name))
        line.assigned += 1
        line.drafted += bool(drafted)
        line.accepted += status == CriterionAssignment.Status.ACCEPTED
        line.returned += status == CriterionAssignment.Status.RETURNED
    return [progress[code] for code in sorted(progress)]


@dataclass
class NationalRow:
    """A row of the national self-assessment: a node of the tree, and for a leaf its
    department in charge (None when unassigned)."""

    row: Row
    assignment: CriterionAssignment | None = None
    can_draft: bool = False  # set by the view from the policy

    @property
    def ratio(self) -> tuple[str, str]:
        """The saved numerator and denominator of a ratio, to show them in its form."""
        score = self.row.self_score
        if score is None or "/" not in score.value:
            return "", ""
        numerator, _slash, denominator = score.value.partition("/")
        return numerator, denominator

    @property
    def not_applicable(self) -> bool:
        score = self.row.self_score
        return score is not None and self.row.self_points is None


@dataclass
class NationalData:
    data: SheetData
    rows: list[NationalRow]

    def leaves(self) -> list[NationalRow]:
        return [r for r in self.rows if r.row.is_leaf]


def national_data(sheet: Sheet, assignments: QuerySet[CriterionAssignment],
                  everything: bool = False) -> NationalData:
    """The sheet's tree, limited to the leaves among `assignments` (the person's policy
    queryset) and the fields and criteria above them; with `everything`, every leaf (the
    manager sees unassigned ones too). A fixed number of queries."""
    data = sheet_data(sheet)
    by_node = {a.node_id: a for a in assignments.filter(sheet=sheet).select_related(
        "unit", "reviewed_by")}
    parent = {row.node.pk: row.node.parent_id for row in data.rows}
    shown: set[int] = set()
    for row in data.rows:
        if row.is_leaf and (everything or row.node.pk in by_node):
            node_id = row.node.pk
            while node_id is not None and node_id not in shown:
                shown.add(node_id)
                node_id = parent[node_id]
    rows = [NationalRow(row, by_node.get(row.node.pk)) for row in data.rows
            if row.node.pk in shown]
    return NationalData(data, rows)
