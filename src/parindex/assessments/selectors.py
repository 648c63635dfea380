"""Reads for one sheet: the framework tree with both stages' values, points, evidence, requests.

A fixed number of queries whatever the size of the framework (framework nodes, scores, evidence,
requests); all arithmetic is the engine's (`parse_value`, `leaf_points`, `compute`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.engine.compute import UnitInfo, UnitResult, compute
from parindex.engine.framework import Framework as EngineFramework
from parindex.engine.framework import Node as EngineNode
from parindex.engine.values import leaf_points, parse_value
from parindex.frameworks.models import Node
from parindex.frameworks.selectors import engine_framework

from .models import Evidence, ExplanationRequest, Score, Sheet

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


def leaf_of(sheet: Sheet, node_code: str) -> tuple[EngineFramework, Node, EngineNode]:
    """The stored and engine form of one leaf of the sheet's framework (KeyError if none)."""
    framework, nodes = load_nodes(sheet)
    leaf = framework.leaves()[node_code]
    model = next(n for n in nodes if n.code == node_code)
    return framework, model, leaf


@dataclass
class Progress:
    sheet: Sheet
    status: str  # not_started | in_progress | submitted
    late: bool


def progress(round, sheets) -> tuple[list[Progress], dict[str, int]]:
    """Where each unit stands in the self-assessment, and the counts the manager chases."""
    from django.utils import timezone

    today = timezone.localdate()
    rows = []
    for sheet in sheets:
        if sheet.state != Sheet.State.DRAFT:
            status = "submitted"
        elif sheet.started_at is None:
            status = "not_started"
        else:
            status = "in_progress"
        deadline = round.self_deadline
        late = status != "submitted" and deadline is not None and today > deadline
        if status == "submitted" and deadline is not None and sheet.submitted_at is not None:
            late = timezone.localdate(sheet.submitted_at) > deadline
        rows.append(Progress(sheet, status, late))
    counts = {key: sum(1 for r in rows if r.status == key)
              for key in ("not_started", "in_progress", "submitted")}
    counts["late"] = sum(1 for r in rows if r.late)
    counts["total"] = len(rows)
    return rows, counts
