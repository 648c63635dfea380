"""Reads for results: a round's rankings computed from the database through the engine.

The engine is the only place with arithmetic; this module only gathers rows for it, in a fixed
number of queries however many units and criteria a round has. By default the database sums
each unit's stored points (`Score.points`, the engine's own points written with every value)
per top-level node in one aggregate query, and the engine takes it from those totals
(`compute_tallied`): not applicable leaves and points not storable exactly come as values,
read through a partial index, and so do survey leaves where the round's survey scores the group. With `leaves=True` every value is read and scored leaf by
leaf (`compute`), for callers that need each leaf's points; both give the same results.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet

from parindex.assessments.models import Round, Score
from parindex.engine.compute import ResultSet, Tally, UnitInfo, compute, compute_tallied
from parindex.engine.framework import Framework as EngineFramework
from parindex.engine.values import parse_value
from parindex.frameworks.models import Framework, Node
from parindex.frameworks.selectors import engine_framework
from parindex.surveys.selectors import survey_points_by_group
from parindex.units.models import Unit
from parindex.units.selectors import valid_in_year


def round_results(
    round: Round, stage: str = Score.Stage.APPRAISED, *, leaves: bool = False,
    frameworks: QuerySet[Framework] | None = None,
) -> list[tuple[Framework, ResultSet]]:
    """Each framework of the round with its computed results, ordered by unit group.

    A framework scores the units that have a score for it in the round, plus the units of its
    group valid in the round's year (those with no score show every leaf missing). Names come
    from the Unit rows. Survey points come from the round's survey where it has answers.
    Results carry each leaf's points only with `leaves=True` (which reads every value).
    `frameworks` (a queryset of the round's) limits the computation to those.
    """
    chosen = round.frameworks.all() if frameworks is None else frameworks
    frameworks = list(chosen.select_related("unit_group").order_by("unit_group__code", "code"))
    if not frameworks:
        return []
    nodes_of: dict[int, list[Node]] = defaultdict(list)
    for node in Node.objects.filter(framework__in=frameworks).order_by("framework_id", "position"):
        nodes_of[node.framework_id].append(node)
    engines = {fw.pk: engine_framework(fw, nodes_of[fw.pk]) for fw in frameworks}
    # Where the round's survey has valid answers, its points replace the survey leaves' typed
    # values (at either stage: units do not score the survey themselves).
    survey = survey_points_by_group(round)
    if leaves:
        data = _Leaves(round, stage, frameworks, nodes_of, engines)
    else:
        surveyed = [fw for fw in frameworks if survey.get(fw.unit_group.code)]
        data = _Totals(round, stage, frameworks, nodes_of, engines, surveyed)
    for fw in frameworks:
        for unit_code, points in survey.get(fw.unit_group.code, {}).items():
            data.values[fw.pk][unit_code].update(points)

    infos = _rosters(round, frameworks, data)
    return [(fw, data.compute(fw, infos[fw.pk])) for fw in frameworks]


def _rosters(round: Round, frameworks: list[Framework], data) -> dict[int, list[UnitInfo]]:
    """Per framework, the units it ranks: those scored in it, and its group's units valid in
    the round's year (a scored unit regrouped since stays in the group it was scored in)."""
    group_ids = {fw.unit_group_id for fw in frameworks}
    units = list(Unit.objects.filter(Q(group_id__in=group_ids) & valid_in_year(round.year))
                 .values_list("pk", "code", "name", "group_id"))
    others = data.scored_ids - {pk for pk, *_ in units}
    if others:
        units += Unit.objects.filter(pk__in=others).values_list("pk", "code", "name", "group_id")
    data.codes = {pk: code for pk, code, *_ in units}
    infos: dict[int, list[UnitInfo]] = defaultdict(list)
    for pk, code, name, group_id in units:
        for fw in frameworks:
            if data.scored(fw.pk, pk) or code in data.values[fw.pk] or \
                    group_id == fw.unit_group_id:
                infos[fw.pk].append(UnitInfo(code=code, name=name, unit_group=fw.unit_group.code))
    return infos


def _parsed(round: Round, leaf, unit_code: str, raw: str) -> object:
    try:
        return parse_value(leaf, raw)
    except ValueError as exc:  # checked on import; only a hand-edited row gets here
        raise ValueError(f"{round.code}: {unit_code} {leaf.code}: {exc}") from None


class _Leaves:
    """Every value of the stage, parsed, for `compute` (each leaf's points kept)."""

    def __init__(self, round: Round, stage: str, frameworks, nodes_of, engines):
        self.engines = engines
        self.values: dict[int, dict[str, dict[str, object]]] = {
            fw.pk: defaultdict(dict) for fw in frameworks
        }
        rows = Score.objects.filter(
            round=round, stage=stage, node__framework_id__in=list(engines)).values_list(
            "unit_id", "unit__code", "node__framework_id", "node__code", "value")
        self.scored_ids, self.by_framework = set(), defaultdict(set)
        for unit_id, unit_code, framework_id, node_code, raw in rows:
            leaf = engines[framework_id].leaves()[node_code]
            self.values[framework_id][unit_code][node_code] = _parsed(round, leaf, unit_code, raw)
            self.scored_ids.add(unit_id)
            self.by_framework[framework_id].add(unit_id)

    def scored(self, framework_id: int, unit_id: int) -> bool:
        return unit_id in self.by_framework[framework_id]

    def compute(self, fw: Framework, units: list[UnitInfo]) -> ResultSet:
        return compute(self.engines[fw.pk], dict(self.values[fw.pk]), units=units)


class _Totals:
    """The stage's stored points summed per unit and top-level node (`Score.field`) in one
    aggregate query over the covering index `score_sums`, plus the values of the leaves
    without stored points, for `compute_tallied`. Both are read through a raw cursor: rows of
    ints and numbers, with no model or queryset machinery per row."""

    def __init__(self, round: Round, stage: str, frameworks, nodes_of, engines, surveyed):
        self.round, self.stage, self.engines = round, stage, engines
        self.codes: dict[int, str] = {}
        leaf_of, survey_ids = _shape(frameworks, nodes_of, engines, surveyed)
        table = Score._meta.db_table
        with connection.cursor() as cursor:
            # COUNT(points) counts the stored ones only, so the query needs no filter beyond
            # the index's prefix and reads the index alone, already in group order.
            cursor.execute(
                f"SELECT unit_id, field_id, SUM(points), COUNT(points) FROM {table} "
                f"WHERE round_id = %s AND stage = %s GROUP BY unit_id, field_id",
                [round.pk, stage])
            sums = cursor.fetchall()
            where = "points IS NULL"
            if survey_ids:
                where = f"({where} OR node_id IN ({', '.join(map(str, survey_ids))}))"
            cursor.execute(
                f"SELECT unit_id, node_id, field_id, value, points FROM {table} "
                f"WHERE round_id = %s AND stage = %s AND {where}", [round.pk, stage])
            # Only the frameworks asked for (all of the round's, unless some groups only).
            self.rows = [row for row in cursor.fetchall() if row[1] in leaf_of]
        # Exact on both databases: PostgreSQL sums NUMERIC exactly; SQLite keeps the 4-place
        # points as REAL and its float sum of a unit's leaves is off by far less than 0.00005,
        # so writing it at four places gives the exact sum.
        exact = connection.vendor == "postgresql"
        self.top_of = {top: (fw_id, code) for fw_id, code, top in _top_ids(frameworks, nodes_of)}
        self.leaf_of = leaf_of
        self.sums: dict[tuple[int, int], list] = {}
        self.scored_ids, self.by_framework = set(), defaultdict(set)
        top_of, mark = self.top_of, self._mark
        for unit_id, top, points, count in sums:
            if top not in top_of:
                continue  # a framework not asked for
            if count:
                if not exact:
                    points = Decimal(f"{points:.4f}")
                self.sums[unit_id, top] = [points, count]
            mark(top_of[top][0], unit_id)
        # Survey leaves read as values (the survey's points may replace them) leave the sums.
        for unit_id, node_id, top, _raw, points in self.rows:
            mark(leaf_of[node_id][0], unit_id)
            if points is not None:
                tally = self.sums[unit_id, top]
                tally[0] -= Decimal(f"{points:.4f}") if not exact else points
                tally[1] -= 1
        self.values = {fw.pk: defaultdict(dict) for fw in frameworks}
        self._tallies: dict | None = None

    def _mark(self, framework_id: int, unit_id: int) -> None:
        self.scored_ids.add(unit_id)
        self.by_framework[framework_id].add(unit_id)

    def scored(self, framework_id: int, unit_id: int) -> bool:
        return unit_id in self.by_framework[framework_id]

    def _gather(self) -> None:
        """Tallies and values by framework and unit code (once the codes are known); typed
        values go under the survey's points, which `round_results` has already put in."""
        self._tallies = {fw_id: defaultdict(dict) for fw_id in self.values}
        codes, top_of = self.codes, self.top_of
        for (unit_id, top), (points, count) in self.sums.items():
            if count:
                fw_id, code = top_of[top]
                self._tallies[fw_id][codes[unit_id]][code] = Tally(points, count)
        parsed: dict[tuple[int, str], object] = {}  # few distinct values per leaf
        for unit_id, node_id, _top, raw, _points in self.rows:
            fw_id, leaf_code = self.leaf_of[node_id]
            unit_code = self.codes[unit_id]
            row = self.values[fw_id][unit_code]
            if leaf_code not in row:
                value = parsed.get((node_id, raw), parsed)
                if value is parsed:
                    leaf = self.engines[fw_id].leaves()[leaf_code]
                    value = parsed[node_id, raw] = _parsed(self.round, leaf, unit_code, raw)
                row[leaf_code] = value

    def compute(self, fw: Framework, units: list[UnitInfo]) -> ResultSet:
        if self._tallies is None:
            self._gather()
        return compute_tallied(self.engines[fw.pk], self._tallies[fw.pk],
                               self.values[fw.pk], units, self._present)

    def _present(self, unit_codes: list[str]) -> dict[str, list[str]]:
        """The leaves with stored points of units that miss some, in one query."""
        wanted = set(unit_codes)
        ids = [pk for pk, code in self.codes.items() if code in wanted]
        rows = Score.objects.filter(round=self.round, stage=self.stage, points__isnull=False,
                                    unit_id__in=ids)
        present: dict[str, list[str]] = defaultdict(list)
        for unit_id, node_id in rows.values_list("unit_id", "node_id"):
            if node_id in self.leaf_of:
                present[self.codes[unit_id]].append(self.leaf_of[node_id][1])
        return present


def _top_ids(frameworks, nodes_of) -> list[tuple[int, str, int]]:
    return [(fw.pk, n.code, n.pk) for fw in frameworks for n in nodes_of[fw.pk]
            if n.parent_id is None]


def _shape(frameworks, nodes_of, engines: dict[int, EngineFramework], surveyed):
    """{leaf node id: (framework id, code)}, and the ids of the survey leaves of `surveyed`
    frameworks, those whose group the round's survey scores (read as values, since the
    survey's points may replace them)."""
    leaf_of: dict[int, tuple[int, str]] = {}
    survey_ids = []
    for fw in frameworks:
        leaves = engines[fw.pk].leaves()
        ids = {n.code: n.pk for n in nodes_of[fw.pk]}
        for code, leaf in leaves.items():
            leaf_of[ids[code]] = (fw.pk, code)
            if leaf.rule.kind == "survey" and fw in surveyed:
                survey_ids.append(ids[code])
    return leaf_of, survey_ids
