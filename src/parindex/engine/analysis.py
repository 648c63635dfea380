"""How sure is a rank: uncertainty, sensitivity and what-if over a group's published results.

Composite-indicator practice (the JRC/OECD handbook; COINr's uncertainty and sensitivity
analysis) asks that a ranking say how robust it is. Three questions, each from the units'
points per leaf (what a snapshot stores) and the framework:

- `uncertainty` — the survey's points are estimates from a sample: each unit's survey points
  are drawn within their sampling error (`SurveySample`: n, spread, population) and, if asked,
  each field's appraised points within a tolerance; index and rank are recomputed per draw
  (seeded, reproducible). Per unit: median rank, the 5–95% interval, the chance of each band
  and of first place, and the neighbours it cannot be told apart from.
- `sensitivity` — the framework's choices: each field's weight ×(1 ± step), equal field
  weights, and the survey's share of the points set otherwise; the rank shift per unit, each
  scenario's rank correlation with the published ranking, the units stable under all of them.
- `lift` and `simulate` — for one unit: the lost points that would reach the next rank or
  band soonest, and the index, band and rank of hypothetical points.

Published numbers (`totals`, `lift`, `simulate`) stay Decimal. The draws and scenarios run on
numpy floats (thousands of units × a thousand draws); what they give back are ranks and
probabilities, never points, and a draw that changes nothing ranks on the published
(Decimal) index, so zero error gives exactly the published ranks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from itertools import repeat
from math import sqrt

import numpy as np

from .compute import index_of, round2
from .framework import ZERO, Framework

HALF_CENT = Decimal("0.005")
# Sums of points in an exact context, as compute does: a proportional ratio's 28 digits plus
# whole points must not round (divisions stay in the default context).
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
ALPHA = 0.05  # the interval is 5–95%; neighbours overtake each other in ≥ 5% of draws
NEIGHBOURS = 10  # published places looked at on each side for neighbours
CHUNK = 100  # draws generated at once (bounds memory whatever the number of units)


# --------------------------------------------------------------------------- exact totals


@dataclass(frozen=True)
class Totals:
    """A unit's achieved points, applicable max, exact index, published index and band."""

    achieved: Decimal
    max: Decimal
    index: Decimal
    published: Decimal
    band: str | None


class _Shape:
    """The framework flattened for the analysis, kept with it."""

    def __init__(self, framework: Framework):
        self.tops = [(top.kind, top.max, tuple((leaf.code, leaf.max) for leaf in top.leaves()))
                     for top in framework.nodes]
        self.bands = [(b.min, b.code) for b in framework.bands]
        fields = framework.fields
        self.field_codes = [f.code for f in fields]
        leaves = [(k, leaf) for k, f in enumerate(fields) for leaf in f.leaves()]
        self.codes = [leaf.code for _, leaf in leaves]  # the ordinary fields' leaves
        self.maxes = np.array([float(leaf.max) for _, leaf in leaves])
        self.survey = np.array([leaf.rule.kind == "survey" for _, leaf in leaves], bool)
        self.survey_codes = [c for c, survey in zip(self.codes, self.survey, strict=True)
                             if survey]
        # Leaf → field, as a 0/1 matrix: a matrix product sums leaves into fields.
        self.fields = np.zeros((len(leaves), len(fields)))
        for i, (k, _) in enumerate(leaves):
            self.fields[i, k] = 1.0


def _shape(framework: Framework) -> _Shape:
    shape = framework._cache.get("analysis")
    if shape is None:
        shape = framework._cache["analysis"] = _Shape(framework)
    return shape


def totals(framework: Framework, points: Mapping[str, Decimal | None]) -> Totals:
    """The rules of compute (formats.md) from points per leaf: None is not applicable, an
    absent leaf scores 0; bonus and penalty blocks capped at their max."""
    add, get = _EXACT.add, points.get
    achieved, maximum = ZERO, ZERO
    for kind, top_max, leaves in _shape(framework).tops:
        got, applicable = ZERO, ZERO
        for code, leaf_max in leaves:
            value = get(code, ZERO)
            if value is not None:
                got, applicable = add(got, value), add(applicable, leaf_max)
        if kind == "bonus":
            achieved = add(achieved, min(got, top_max))
        elif kind == "penalty":
            achieved = _EXACT.subtract(achieved, min(got, top_max))
        else:
            achieved, maximum = add(achieved, got), add(maximum, applicable)
    index = index_of(achieved, maximum)
    published = round2(index)
    band = next((code for low, code in _shape(framework).bands if published >= low), None)
    return Totals(achieved, maximum, index, published, band)


def rank_among(published: Decimal, others: Sequence[Decimal], method: str = "competition") -> int:
    """The rank of a published index among the other units' (ties share the better rank)."""
    if method == "dense":
        return 1 + len({other for other in others if other > published})
    return 1 + sum(1 for other in others if other > published)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class SurveySample:
    """The answers behind one unit's points on one survey sub-criterion.

    `n` people answered, the answers' weights (0..1) spread with standard deviation `spread`,
    out of `population` who could have (None: unknown, no finite-population correction);
    `estimated` when these are assumed, not counted from answers.
    """

    n: int
    spread: Decimal
    population: int | None = None
    estimated: bool = False

    def error(self) -> float:
        """Standard error of the mean weight: s/√n, times √((N−n)/(N−1)) when N is known."""
        if self.n <= 0:
            return 0.0
        error = float(self.spread) / sqrt(self.n)
        if self.population is not None:
            if self.population <= self.n:
                return 0.0  # everyone answered: no sampling error
            error *= sqrt((self.population - self.n) / (self.population - 1))
        return error


@dataclass(frozen=True)
class UnitPoints:
    """One unit as published: its points per leaf (None: not applicable) and the samples of
    its survey sub-criteria (leaf code → SurveySample; a survey leaf without one is exact)."""

    code: str
    points: Mapping[str, Decimal | None]
    samples: Mapping[str, SurveySample] = field(default_factory=dict)

    def sample(self, code: str) -> SurveySample | None:
        return self.samples.get(code)


class _Group:
    """The units (sorted by code: results never depend on their order) as arrays."""

    def __init__(self, framework: Framework, units: Sequence[UnitPoints]):
        self.framework = framework
        self.units = sorted(units, key=lambda u: u.code)
        codes = [u.code for u in self.units]
        if len(set(codes)) != len(codes):
            raise ValueError("a unit is listed twice")
        self.codes = codes
        shape = _shape(framework)
        self.field_codes, self.survey_codes = shape.field_codes, shape.survey_codes
        self.totals = [totals(framework, u.points) for u in self.units]
        self.published = np.array([int(t.published.scaleb(2)) for t in self.totals], np.int64)
        self.exact = np.array([float(t.index) for t in self.totals])
        self.achieved = np.array([float(t.achieved) for t in self.totals])
        self.max = np.array([float(t.max) for t in self.totals])
        self.ranks = _rank_rows(self.published[None, :], framework.ranking)[0]
        self.band_mins = np.array([int(b.min.scaleb(2)) for b in framework.bands], np.int64)
        # Points per unit and leaf of the ordinary fields (NaN: not applicable).
        nan = float("nan")
        points = np.array([[nan if v is None else float(v) for v in map(
            u.points.get, shape.codes, repeat(ZERO))] for u in self.units]).reshape(
            len(self.units), len(shape.codes))
        applicable = ~np.isnan(points)
        points = np.nan_to_num(points)
        survey, other = shape.survey, ~shape.survey
        self.field_achieved = (points * other) @ shape.fields
        self.field_max = (applicable * shape.maxes * other) @ shape.fields
        self.survey_achieved = (points * survey) @ shape.fields
        self.survey_part_max = (applicable * shape.maxes * survey) @ shape.fields
        self.survey_max = shape.maxes[survey]
        with np.errstate(divide="ignore", invalid="ignore"):
            self.weights = np.where(self.survey_max > 0, points[:, survey] / self.survey_max, 0.0)
        self.errors = np.array([[_error(u.sample(code)) for code in shape.survey_codes]
                                for u in self.units]).reshape(self.weights.shape)
        self.errors[~applicable[:, survey]] = 0.0
        # Bonus minus penalty, capped: what weights leave alone.
        ordinary = self.field_achieved.sum(1) + self.survey_achieved.sum(1)
        self.adjust = self.achieved - ordinary

    def band_of(self, keys: np.ndarray) -> np.ndarray:
        """Band position (len(bands) = none) of published indexes in hundredths."""
        if not len(self.band_mins):
            return np.zeros(keys.shape, np.int64)
        below = keys[..., None] < self.band_mins  # bands run highest first
        return below.sum(-1)


def _error(sample: SurveySample | None) -> float:
    return sample.error() if sample is not None else 0.0


def _cents(index: np.ndarray) -> np.ndarray:
    """Indexes as published, in hundredths (half-up)."""
    return np.floor(np.clip(index, 0.0, 100.0) * 100.0 + 0.5).astype(np.int64)


def _rank_rows(keys: np.ndarray, method: str) -> np.ndarray:
    """Rank each row of keys, highest first; equal keys share a rank (competition or dense)."""
    order = np.argsort(-keys, axis=1, kind="stable")
    ordered = np.take_along_axis(keys, order, axis=1)
    change = np.ones(ordered.shape, bool)
    change[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    if method == "dense":
        ranked = np.cumsum(change, axis=1)
    else:
        positions = np.broadcast_to(np.arange(1, keys.shape[1] + 1), keys.shape)
        ranked = np.maximum.accumulate(np.where(change, positions, 0), axis=1)
    ranks = np.empty_like(ranked)
    np.put_along_axis(ranks, order, ranked, axis=1)
    return ranks


# --------------------------------------------------------------------------- uncertainty


@dataclass(frozen=True)
class RankSpread:
    """How sure one unit's rank is, over the draws."""

    code: str
    rank: int  # as published
    median: int
    low: int  # best rank of the 5–95% interval (widened to hold the published rank)
    high: int  # worst
    first: Decimal  # chance of rank 1
    bands: dict[str, Decimal]  # band code → chance ("" for no band), those above 0
    neighbours: list[str]  # codes it cannot be told apart from, by published rank

    @property
    def certain(self) -> bool:
        return self.low == self.high


@dataclass(frozen=True)
class Uncertainty:
    draws: int
    seed: int
    spreads: list[RankSpread]  # in published rank order, then code

    def by_code(self) -> dict[str, RankSpread]:
        return {s.code: s for s in self.spreads}


def _chance(count: int, draws: int) -> Decimal:
    return (Decimal(count) / draws).quantize(Decimal("0.001"))


def uncertainty(
    framework: Framework,
    units: Sequence[UnitPoints],
    *,
    draws: int = 1000,
    seed: int = 0,
    tolerance: Mapping[str, Decimal] | None = None,
) -> Uncertainty:
    """Draw the survey points within their sampling error (and each field's appraised points
    within ± `tolerance[field code]` points, uniformly) `draws` times; rank every draw.

    A survey leaf's mean weight is drawn normal around the published one with its standard
    error, kept within 0..1. The 5–95% interval is widened to hold the published rank when the
    draws miss it (a precise unit among imprecise neighbours just above it can).
    """
    if draws < 1:
        raise ValueError("at least one draw")
    group = _Group(framework, units)
    n = len(group.codes)
    if n == 0:
        return Uncertainty(draws, seed, [])
    rng = np.random.default_rng(seed)
    tolerance = tolerance or {}
    spans = np.array([float(tolerance.get(code, 0)) for code in group.field_codes])
    ranks = np.empty((draws, n), np.int32)
    keys = np.empty((draws, n), np.int32)
    bands = np.zeros((n, len(group.band_mins) + 1), np.int64)
    # The draws move ranks, not published points: float32 halves the memory traffic, most of
    # the time here. A pair without error draws w + 0 = w, so its unit changes by exactly 0.
    weights = group.weights.astype(np.float32)
    errors = group.errors.astype(np.float32)
    maxes = group.survey_max.astype(np.float32)
    vary = bool(errors.any())
    for start in range(0, draws, CHUNK):
        size = min(CHUNK, draws - start)
        change = np.zeros((size, n))
        if vary:
            drawn = rng.standard_normal((size, *weights.shape), dtype=np.float32)
            drawn *= errors
            drawn += weights
            np.clip(drawn, 0.0, 1.0, out=drawn)
            drawn -= weights
            drawn *= maxes
            change += drawn.sum(-1)
        if spans.any():
            moved = rng.uniform(-1.0, 1.0, (size, n, len(spans))) * spans
            # Appraised points stay within 0..the field's applicable max (survey apart).
            moved = np.clip(group.field_achieved + moved, 0.0, group.field_max)
            change += (moved - group.field_achieved).sum(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            index = np.where(group.max > 0, (group.achieved + change) * 100.0 / group.max, 0.0)
        key = np.where(change == 0.0, group.published, _cents(index))
        keys[start:start + size] = key
        ranks[start:start + size] = _rank_rows(key, framework.ranking)
        found = group.band_of(key)
        for b in range(bands.shape[1]):
            bands[:, b] += (found == b).sum(0)
    band_codes = [b.code for b in framework.bands] + [""]
    quantiles = np.quantile(ranks, [ALPHA, 0.5, 1 - ALPHA], axis=0, method="inverted_cdf")
    firsts = (ranks == 1).sum(0)
    neighbours = _neighbours(group, keys)
    spreads = []
    for i, code in enumerate(group.codes):
        rank = int(group.ranks[i])
        spreads.append(RankSpread(
            code=code, rank=rank, median=int(quantiles[1, i]),
            low=min(int(quantiles[0, i]), rank), high=max(int(quantiles[2, i]), rank),
            first=_chance(int(firsts[i]), draws),
            bands={band_codes[b]: _chance(int(c), draws) for b, c in enumerate(bands[i]) if c},
            neighbours=neighbours[i],
        ))
    spreads.sort(key=lambda s: (s.rank, s.code))
    return Uncertainty(draws, seed, spreads)


def _neighbours(group: _Group, keys: np.ndarray) -> list[list[str]]:
    """Per unit, the units within NEIGHBOURS published places that stand level with or ahead
    of it in ≥ ALPHA of the draws while it does so with them in ≥ ALPHA too: their order is
    not settled by the data."""
    n = len(group.codes)
    order = np.lexsort((np.array(group.codes), -group.published))
    ordered = keys[:, order]
    found: list[list[int]] = [[] for _ in range(n)]
    for k in range(1, min(NEIGHBOURS, n - 1) + 1):
        ahead = (ordered[:, k:] >= ordered[:, :-k]).mean(0)
        behind = (ordered[:, k:] <= ordered[:, :-k]).mean(0)
        for p in np.nonzero((ahead >= ALPHA) & (behind >= ALPHA))[0]:
            upper, lower = order[p], order[p + k]
            found[upper].append(lower)
            found[lower].append(upper)
    position = {int(u): p for p, u in enumerate(order)}
    return [[group.codes[j] for j in sorted(f, key=position.__getitem__)] for f in found]


# --------------------------------------------------------------------------- sensitivity


@dataclass(frozen=True)
class Scenario:
    """One alternative framework: `kind` is "field" (field `field`'s weight × factor),
    "equal" (equal field weights) or "survey" (the survey's share of the points = share)."""

    kind: str
    field: str = ""
    factor: Decimal = Decimal(1)
    share: Decimal | None = None
    correlation: Decimal | None = None  # Spearman's, with the published ranks
    moved: int = 0  # units whose rank changes


@dataclass(frozen=True)
class RankShift:
    code: str
    rank: int
    best: int  # best rank over the scenarios (and the published one)
    worst: int
    shift: int  # the largest move, in places, either way

    @property
    def stable(self) -> bool:
        return self.best == self.worst


@dataclass(frozen=True)
class Sensitivity:
    survey_share: Decimal | None  # the framework's own
    scenarios: list[Scenario]
    shifts: list[RankShift]  # in published rank order

    def by_code(self) -> dict[str, RankShift]:
        return {s.code: s for s in self.shifts}

    @property
    def stable(self) -> list[str]:
        return [s.code for s in self.shifts if s.stable]


def survey_share(framework: Framework) -> Decimal | None:
    """The survey's share of the ordinary points (0..1); None without survey sub-criteria."""
    survey = total = ZERO
    for top in framework.fields:
        for leaf in top.leaves():
            total += leaf.max
            if leaf.rule.kind == "survey":
                survey += leaf.max
    return survey / total if survey and total else None


def sensitivity(
    framework: Framework,
    units: Sequence[UnitPoints],
    *,
    step: Decimal = Decimal("0.2"),
    shares: Sequence[Decimal] = (Decimal("0.2"), Decimal("0.4")),
    equal: bool = True,
) -> Sensitivity:
    """Rank the units again under each scenario: every field's weight ×(1 − step) and
    ×(1 + step) in turn, equal weights for every field, and the survey worth each of `shares`
    of the points (its sub-criteria scaled together, the rest kept)."""
    group = _Group(framework, units)
    fields = framework.fields
    own = survey_share(framework)
    scenarios: list[tuple[Scenario, np.ndarray, float]] = []
    ones = np.ones(len(fields))
    for k, f in enumerate(fields):
        for factor in (1 - step, 1 + step):
            weights = ones.copy()
            weights[k] = float(factor)
            scenarios.append((Scenario("field", field=f.code, factor=factor), weights, 1.0))
    if equal and len(fields) > 1:
        scenarios.append((Scenario("equal"), np.array([1.0 / float(f.max) if f.max else 0.0
                                                       for f in fields]), 1.0))
    if own is not None and own < 1:
        for share in shares:
            if 0 < share < 1:
                # k·S ÷ (k·S + O) = share, S and O the survey's and the rest's nominal points.
                scale = float(share * (1 - own) / ((1 - share) * own))
                scenarios.append((Scenario("survey", share=share), ones, scale))
    results, rows = [], []
    published = group.ranks.astype(float)
    for scenario, weights, scale in scenarios:
        achieved = (group.field_achieved * weights).sum(1) + (
            group.survey_achieved * weights * scale).sum(1) + group.adjust
        maximum = (group.field_max * weights).sum(1) + (group.survey_part_max * weights
                                                        * scale).sum(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            index = np.where(maximum > 0, achieved * 100.0 / maximum, 0.0)
        # A unit the scenario leaves where it was keeps its published (Decimal) index.
        key = np.where(np.abs(index - group.exact) < 1e-9, group.published, _cents(index))
        ranks = _rank_rows(key[None, :], framework.ranking)[0]
        rows.append(ranks)
        results.append(Scenario(
            scenario.kind, scenario.field, scenario.factor, scenario.share,
            _spearman(published, ranks.astype(float)), int((ranks != group.ranks).sum())))
    table = np.array(rows) if rows else np.empty((0, len(group.codes)), np.int64)
    shifts = []
    for i, code in enumerate(group.codes):
        rank = int(group.ranks[i])
        seen = table[:, i] if len(table) else np.array([rank])
        best, worst = min(int(seen.min()), rank), max(int(seen.max()), rank)
        shifts.append(RankShift(code, rank, best, worst, max(rank - best, worst - rank)))
    shifts.sort(key=lambda s: (s.rank, s.code))
    return Sensitivity(own, results, shifts)


def _spearman(a: np.ndarray, b: np.ndarray) -> Decimal | None:
    """Pearson's correlation of two rank vectors; None when either is constant."""
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return None
    return Decimal(str(round(float(np.corrcoef(a, b)[0, 1]), 3)))


# --------------------------------------------------------------------------- what-if


@dataclass(frozen=True)
class Step:
    """One criterion with lost points, what recovering them alone would give."""

    code: str
    lost: Decimal
    published: Decimal  # the index with these points recovered
    rank: int
    band: str | None


@dataclass(frozen=True)
class Target:
    """The next rank or band: the published index to reach, the points short, and the fewest
    criteria (largest lost points first) whose recovery reaches it; empty when none can."""

    kind: str  # "rank" or "band"
    index: Decimal
    band: str | None
    short: Decimal
    criteria: list[str]


@dataclass(frozen=True)
class Lift:
    totals: Totals
    rank: int
    steps: list[Step]  # by lost points, largest first
    targets: list[Target]


def _lost(framework: Framework, points: Mapping[str, Decimal | None]) -> list[tuple[str, Decimal]]:
    """(leaf, points to recover): an ordinary leaf's max − points, a penalty leaf's points."""
    found = []
    for top in framework.nodes:
        if top.kind == "bonus":
            continue
        for leaf in top.leaves():
            value = points.get(leaf.code, ZERO)
            if value is None:
                continue
            lost = value if top.kind == "penalty" else leaf.max - value
            if lost > 0:
                found.append((leaf.code, lost))
    found.sort(key=lambda item: (-item[1], item[0]))
    return found


def _recovered(framework: Framework, points: Mapping, codes: Sequence[str]) -> dict:
    changed = dict(points)
    penalty = {leaf.code for top in framework.nodes if top.kind == "penalty"
               for leaf in top.leaves()}
    for code in codes:
        changed[code] = ZERO if code in penalty else framework.leaves()[code].max
    return changed


def lift(framework: Framework, points: Mapping[str, Decimal | None],
         others: Sequence[Decimal]) -> Lift:
    """What would move a unit up: per criterion with lost points, its index, rank and band
    with those points back; and the next rank's and next band's thresholds with the fewest
    criteria that reach each. `others`: the other units' published indexes."""
    method = framework.ranking
    own = totals(framework, points)
    lost = _lost(framework, points)
    steps = []
    for code, points_lost in lost:
        t = totals(framework, _recovered(framework, points, [code]))
        steps.append(Step(code, points_lost, t.published, rank_among(t.published, others, method),
                          t.band))
    targets = []
    above = [o for o in others if o > own.published]
    if above:
        targets.append(("rank", min(above), None))
    higher = [b for b in framework.bands if b.min > own.published]
    if higher:
        targets.append(("band", higher[-1].min, higher[-1].code))
    found = []
    for kind, index, band in targets:
        # Published ≥ index once the exact index reaches index − 0.005 (half-up).
        short = max((index - HALF_CENT) * own.max / 100 - own.achieved, ZERO)
        criteria: list[str] = []
        for count in range(1, len(lost) + 1):
            codes = [code for code, _ in lost[:count]]
            if totals(framework, _recovered(framework, points, codes)).published >= index:
                criteria = codes
                break
        found.append(Target(kind, index, band, short, criteria))
    return Lift(own, rank_among(own.published, others, method), steps, found)


@dataclass(frozen=True)
class Simulation:
    before: Totals
    after: Totals
    rank_before: int
    rank_after: int


def simulate(framework: Framework, points: Mapping[str, Decimal | None],
             changes: Mapping[str, Decimal], others: Sequence[Decimal]) -> Simulation:
    """The unit's index, band and rank with some leaves' points changed (each within
    0..its max; ValueError otherwise). `others`: the other units' published indexes."""
    leaves = framework.leaves()
    changed = dict(points)
    for code, value in changes.items():
        leaf = leaves.get(code)
        if leaf is None:
            raise ValueError(f"'{code}' is not a leaf criterion")
        if not ZERO <= value <= leaf.max:
            raise ValueError(f"{code}: {value} is not within 0..{leaf.max}")
        changed[code] = value
    before, after = totals(framework, points), totals(framework, changed)
    method = framework.ranking
    return Simulation(before, after, rank_among(before.published, others, method),
                      rank_among(after.published, others, method))
