"""How sure a published ranking is: the engine's analysis (`engine.analysis`) over a stored
snapshot, in a fixed number of queries whatever the number of units.

The points are the snapshot's (`ResultDetail`); the survey's sampling error comes from the
round's answers (`surveys.selectors.leaf_samples`: forms returned, spread of the answers, the
population of each group). A survey sub-criterion without answers in the system — a round whose
survey was run elsewhere, such as the demo's 2022 — gets an assumed sample (`ASSUMED`), and the
page says so ("ước tính"). A published snapshot never changes, so its analysis is computed once
and then served from the cache; a draft's is computed each time. A ranking of more than
INLINE_UNITS units is computed by a job (`services.publish` starts it), not while a page waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache

from parindex.engine import analysis
from parindex.engine.analysis import SurveySample, UnitPoints
from parindex.surveys.selectors import leaf_samples

from ..models import ResultDetail, ResultRow, ResultSnapshot
from .stored import engine_structure

__all__ = ["engine_structure"]  # the simulator reads the framework from here

DRAWS = 1000
# Beyond this many units the analysis takes seconds: pages show it once a job has computed it
# (`services.publish` and `correct` start one), and say it is being prepared until then.
INLINE_UNITS = 1000
# Assumed when a unit's survey points have no answers here: 200 people per sub-criterion, the
# answers' weights spread with a standard deviation of 0.3 (as a four-option scale A/B/C/D
# weighted 1/0.6/0.2/0 typically does; the 2021 demo survey's spreads are 0.2–0.35), no
# finite-population correction.
ASSUMED = SurveySample(200, Decimal("0.3"), None, estimated=True)


@dataclass
class Robustness:
    """One snapshot's analysis: ranks under the survey's sampling error, ranks under other
    weights, and each unit's points (for what-if) with the published indexes of all."""

    snapshot_id: int
    uncertainty: analysis.Uncertainty
    sensitivity: analysis.Sensitivity
    estimated: bool  # some survey points had an assumed sample
    counted: bool  # some had their answers counted here
    names: dict[str, str]

    def spread(self, code: str) -> analysis.RankSpread | None:
        return self.uncertainty.by_code().get(code)

    def shift(self, code: str) -> analysis.RankShift | None:
        return self.sensitivity.by_code().get(code)


def _cache_key(snapshot: ResultSnapshot) -> str:
    return f"results-robustness-{snapshot.pk}-{snapshot.published_at.timestamp()}-{DRAWS}"


def _units(snapshot: ResultSnapshot) -> tuple[list[UnitPoints], bool, bool]:
    """Every unit's points and survey samples: one query for the points, the survey's few."""
    framework = engine_structure(snapshot)
    survey = [c for c, leaf in framework.leaves().items() if leaf.rule.kind == "survey"]
    counted = leaf_samples(snapshot.round) if survey else {}
    units, estimated, real = [], False, False
    for code, stored in ResultDetail.objects.filter(snapshot=snapshot).values_list(
            "unit_code", "points"):
        points = {leaf: None if value is None else Decimal(str(value))
                  for leaf, value in stored.items()}
        mine = counted.get(code, {})
        samples = {}
        for leaf in survey:
            if points.get(leaf) is None:
                continue
            found = mine.get(leaf)
            if found is None:
                samples[leaf], estimated = ASSUMED, True
            else:
                samples[leaf], real = SurveySample(
                    found.people, found.spread, found.population), True
        units.append(UnitPoints(code, points, samples))
    return units, estimated, real


def robustness(snapshot: ResultSnapshot, units: int | None = None) -> Robustness | None:
    """The analysis of one snapshot (seeded by its id: the same every time). Given its number
    of `units`, None when they are more than INLINE_UNITS and it is not computed yet."""
    key = _cache_key(snapshot) if snapshot.published_at else None
    if key is not None:
        found = cache.get(key)
        if found is not None:
            return found
    if units is not None and units > INLINE_UNITS:
        return None
    framework = engine_structure(snapshot)
    units, estimated, counted = _units(snapshot)
    names = dict(ResultRow.objects.filter(snapshot=snapshot).values_list(
        "unit_code", "unit_name"))
    result = Robustness(
        snapshot.pk,
        analysis.uncertainty(framework, units, draws=DRAWS, seed=snapshot.pk),
        analysis.sensitivity(framework, units),
        estimated, counted, names,
    )
    if key is not None:
        cache.set(key, result, None)
    return result


def unit_points(snapshot: ResultSnapshot, unit_code: str) -> tuple[dict, list[Decimal]]:
    """A unit's points per leaf and every other unit's published index (two queries)."""
    stored = ResultDetail.objects.get(snapshot=snapshot, unit_code=unit_code).points
    points = {leaf: None if v is None else Decimal(str(v)) for leaf, v in stored.items()}
    others = list(ResultRow.objects.filter(snapshot=snapshot).exclude(
        unit_code=unit_code).values_list("index", flat=True))
    return points, others


def lift(snapshot: ResultSnapshot, unit_code: str) -> analysis.Lift:
    """What would move the unit up (engine.analysis.lift) from its stored points."""
    points, others = unit_points(snapshot, unit_code)
    return analysis.lift(engine_structure(snapshot), points, others)


def simulate(snapshot: ResultSnapshot, unit_code: str,
             changes: dict[str, Decimal]) -> analysis.Simulation:
    """The unit's index, band and rank with hypothetical points; nothing is stored."""
    points, others = unit_points(snapshot, unit_code)
    return analysis.simulate(engine_structure(snapshot), points, changes, others)
