"""Reads for results: a round's rankings computed from the database through the engine.

The engine is the only place with arithmetic; this module only gathers rows for it, in a fixed
number of queries however many units and criteria a round has.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from parindex.assessments.models import Round, Score
from parindex.engine.compute import ResultSet, UnitInfo, compute
from parindex.engine.values import parse_value
from parindex.frameworks.models import Framework, Node
from parindex.frameworks.selectors import engine_framework
from parindex.surveys.selectors import survey_points_by_group
from parindex.units.models import Unit
from parindex.units.selectors import valid_in_year


def round_results(
    round: Round, stage: str = Score.Stage.APPRAISED
) -> list[tuple[Framework, ResultSet]]:
    """Each framework of the round with its computed results, ordered by unit group.

    A framework scores the units that have a score for it in the round, plus the units of its
    group valid in the round's year (those with no score show every leaf missing). Names come
    from the Unit rows. Survey points come from the round's survey where it has answers.
    A fixed number of queries: frameworks, nodes, scores, survey, units.
    """
    frameworks = list(
        round.frameworks.select_related("unit_group").order_by("unit_group__code", "code")
    )
    if not frameworks:
        return []
    nodes_of: dict[int, list[Node]] = defaultdict(list)
    for node in Node.objects.filter(framework__in=frameworks).order_by("framework_id", "position"):
        nodes_of[node.framework_id].append(node)
    engines = {fw.pk: engine_framework(fw, nodes_of[fw.pk]) for fw in frameworks}

    scores = Score.objects.filter(round=round, stage=stage).values_list(
        "unit__code", "node__framework_id", "node__code", "value"
    )
    values: dict[int, dict[str, dict[str, object]]] = {
        fw.pk: defaultdict(dict) for fw in frameworks
    }
    for unit_code, framework_id, node_code, raw in scores:
        leaf = engines[framework_id].leaves()[node_code]
        try:
            values[framework_id][unit_code][node_code] = parse_value(leaf, raw)
        except ValueError as exc:  # checked on import; only a hand-edited row gets here
            raise ValueError(f"{round.code}: {unit_code} {node_code}: {exc}") from None

    # Where the round's survey has valid answers, its points replace the survey leaves' typed
    # values (at either stage: units do not score the survey themselves).
    survey = survey_points_by_group(round)
    for fw in frameworks:
        for unit_code, points in survey.get(fw.unit_group.code, {}).items():
            values[fw.pk][unit_code].update(points)

    group_ids = {fw.unit_group_id for fw in frameworks}
    scored = Score.objects.filter(round=round, stage=stage).values("unit_id")
    units = Unit.objects.filter(
        Q(pk__in=scored) | (Q(group_id__in=group_ids) & valid_in_year(round.year))
    ).values_list("code", "name", "group_id")

    infos: dict[int, list[UnitInfo]] = defaultdict(list)
    for code, name, group_id in units:
        for fw in frameworks:
            if code in values[fw.pk] or group_id == fw.unit_group_id:
                # Scored in this framework's group in this round, even if regrouped since.
                infos[fw.pk].append(UnitInfo(code=code, name=name, unit_group=fw.unit_group.code))

    return [
        (fw, compute(engines[fw.pk], dict(values[fw.pk]), units=infos[fw.pk])) for fw in frameworks
    ]
