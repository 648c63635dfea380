"""From parsed values to achieved points, index, rank and band for every unit of a group.

The rules are those of formats.md ("Semantics of parindex compute"). The loop over units × leaves
is the only hot path in the system, so the framework is first flattened into plain lists
(`_Plan`) and each leaf's points are memoised per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from operator import getitem
from typing import NamedTuple, TypeVar

from .framework import ZERO, Band, Framework, Node
from .values import NA, leaf_points

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
T = TypeVar("T")


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str = ""
    unit_group: str = ""


class FieldResult(NamedTuple):
    """A top-level field's component (a tuple: thousands are built per compute, cheaply)."""

    achieved: Decimal
    max: Decimal
    index: Decimal


@dataclass(frozen=True)
class UnitResult:
    rank: int
    unit_code: str
    unit_name: str
    achieved: Decimal
    max: Decimal
    index: Decimal
    band: str | None
    fields: dict[str, FieldResult]
    missing: list[str]
    points: Mapping[str, Decimal | None]


@dataclass(frozen=True)
class ResultSet:
    framework: Framework
    results: list[UnitResult]

    def by_code(self) -> dict[str, UnitResult]:
        return {r.unit_code: r for r in self.results}


def round2(value: Decimal) -> Decimal:
    """Half-up to two places: how indexes are published (78.305 → 78.31)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def index_of(achieved: Decimal, maximum: Decimal) -> Decimal:
    """achieved ÷ max × 100 kept within 0..100; multiplying first keeps the quotient exact."""
    if maximum <= 0:
        return ZERO
    index = achieved * HUNDRED / maximum
    return min(max(index, ZERO), HUNDRED)


def band_for(index: Decimal, bands: Sequence[Band]) -> str | None:
    """The first band (highest first) whose inclusive min the (rounded) index reaches."""
    for band in bands:
        if index >= band.min:
            return band.code
    return None


def rank(
    items: Iterable[T], key: Callable[[T], Decimal], method: str = "competition"
) -> list[tuple[int, T]]:
    """Rank by key, highest first; equal keys share a rank and keep their input order.

    competition: 1, 2, 2, 4 — dense: 1, 2, 2, 3.
    """
    if method not in ("competition", "dense"):
        raise ValueError(f"unknown ranking method '{method}'")
    ordered = sorted(items, key=key, reverse=True)  # sorted() is stable under reverse=True
    ranked: list[tuple[int, T]] = []
    previous = None
    current = 0
    for position, item in enumerate(ordered, start=1):
        value = key(item)
        if position == 1 or value != previous:
            current = position if method == "competition" else current + 1
            previous = value
        ranked.append((current, item))
    return ranked


# Stands for a not-applicable leaf inside the hot loop: NaN survives sum(), so one check per
# field finds it, and the rare field that has one is summed again the slow way.
_NA_POINTS = Decimal("NaN")


class LeafPoints(Mapping):
    """Points per leaf code (None = not applicable), read lazily from the hot loop's list.

    Building a dict per unit would cost as much as the scoring itself.
    """

    __slots__ = ("_position", "_points")

    def __init__(self, position: dict[str, int], points: list[Decimal]):
        self._position = position
        self._points = points

    def __getitem__(self, code: str) -> Decimal | None:
        earned = self._points[self._position[code]]
        return None if earned.is_nan() else earned

    def __iter__(self):
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)

    def __repr__(self) -> str:
        return repr(dict(self))


_MEMO_LIMIT = 10_000


class _PointsMemo(dict):
    """value → points of one leaf; a miss scores the value once (dict lookups stay in C)."""

    __slots__ = ("leaf",)

    def __init__(self, leaf: Node):
        super().__init__({None: ZERO, NA: _NA_POINTS})  # None: missing, scores 0
        self.leaf = leaf

    def __missing__(self, value: object) -> Decimal:
        points = leaf_points(self.leaf, value)
        if len(self) >= _MEMO_LIMIT:  # kept on the framework, so bound it (exact ratios vary)
            self.clear()
            self.update({None: ZERO, NA: _NA_POINTS})
        self[value] = points
        return points


class _FieldMemo(dict):
    """achieved → FieldResult of one field without NA leaves: scores are coarse, so units
    share them and most lookups skip the division."""

    __slots__ = ("max",)

    def __init__(self, maximum: Decimal):
        super().__init__()
        self.max = maximum

    def __missing__(self, achieved: Decimal) -> FieldResult:
        result = self[achieved] = FieldResult(achieved, self.max, achieved * HUNDRED / self.max)
        return result


class _Plan:
    """The framework flattened: leaves in document order, so each top-level node's leaves are
    one contiguous slice, and one memo per leaf from value to points."""

    def __init__(self, framework: Framework):
        self.leaves: dict[str, Node] = framework.leaves()
        self.codes = list(self.leaves)
        self.position = {code: i for i, code in enumerate(self.codes)}
        self.memos = [_PointsMemo(leaf) for leaf in self.leaves.values()]
        self.slices = []
        start = 0
        for node in framework.nodes:
            end = start + sum(1 for _ in node.leaves())
            self.slices.append((node, slice(start, end)))
            start = end
        self.field_memos = [_FieldMemo(node.max) for node in framework.nodes]

    def points(self, unit: str, row: Mapping[str, object]) -> list[Decimal]:
        """Points of every leaf in document order; NA as NaN, missing as 0."""
        try:
            return list(map(getitem, self.memos, map(row.get, self.codes)))
        except (ValueError, TypeError) as error:
            raise ValueError(f"unit '{unit}': {_first_bad_value(self, row) or error}") from None


def _first_bad_value(plan: _Plan, row: Mapping[str, object]) -> str | None:
    for code, value in row.items():
        try:
            leaf_points(plan.leaves[code], value)
        except (ValueError, TypeError) as error:
            return f"{code}: {error}" if isinstance(error, TypeError) else str(error)
    return None


def _without_na(
    earned: list[Decimal], plan: _Plan, part: slice, full_max: Decimal
) -> tuple[Decimal, Decimal]:
    """Achieved and max of one slice of leaves when some are not applicable (marked NaN)."""
    achieved, maximum = ZERO, full_max
    for i in range(part.start, part.stop):
        if earned[i].is_nan():
            maximum -= plan.leaves[plan.codes[i]].max
        else:
            achieved += earned[i]
    return achieved, maximum


def compute(
    framework: Framework,
    values: Mapping[str, Mapping[str, object]],
    units: Sequence[UnitInfo] | None = None,
) -> ResultSet:
    """Score, rank and band the units of the framework's unit group.

    `values[unit][leaf]` are parsed values (see values.parse_value). With `units`, only those of
    the framework's unit group are scored, each one even without values; without, every unit
    in `values` is.
    """
    if units is None:
        roster = [UnitInfo(code) for code in values]
    else:
        roster = [u for u in units if u.unit_group == framework.unit_group]

    # The plan and its memos live as long as the framework: recomputing is the common case.
    plan = framework._cache.get("compute plan")
    if plan is None:
        plan = framework._cache["compute plan"] = _Plan(framework)
    leaf_set = frozenset(plan.codes)
    n_leaves = len(plan.codes)
    fields_plan = [
        (n.code, n.max, part, memo)
        for (n, part), memo in zip(plan.slices, plan.field_memos, strict=True)
        if not n.kind
    ]
    bonus_plan = [(n.max, part) for n, part in plan.slices if n.kind == "bonus"]
    penalty_plan = [(n.max, part) for n, part in plan.slices if n.kind == "penalty"]
    empty: dict[str, object] = {}

    scored = []
    for unit in roster:
        row = values.get(unit.code, empty)
        if not row.keys() <= leaf_set:
            extra = next(code for code in row if code not in leaf_set)
            raise ValueError(f"unit '{unit.code}': '{extra}' is not a leaf criterion")
        earned = plan.points(unit.code, row)

        fields = {}
        total_achieved = total_max = ZERO
        for code, field_max, part, memo in fields_plan:
            achieved = sum(earned[part], ZERO)
            if achieved.is_nan():
                achieved, field_max = _without_na(earned, plan, part, field_max)
                if not field_max:
                    continue
                fields[code] = FieldResult(achieved, field_max, achieved * HUNDRED / field_max)
            else:
                fields[code] = memo[achieved]
            total_achieved += achieved
            total_max += field_max
        for block_max, part in bonus_plan:
            total_achieved += min(_without_na(earned, plan, part, block_max)[0], block_max)
        for block_max, part in penalty_plan:
            total_achieved -= min(_without_na(earned, plan, part, block_max)[0], block_max)

        missing = [] if len(row) == n_leaves else [c for c in plan.codes if c not in row]
        scored.append(
            (unit, total_achieved, total_max, index_of(total_achieved, total_max), fields,
             missing, LeafPoints(plan.position, earned))
        )

    # Ties on the published (rounded) index share a rank and are listed by unit code.
    scored.sort(key=lambda row: row[0].code)
    ranked = rank(scored, key=lambda row: round2(row[3]), method=framework.ranking)
    results = [
        UnitResult(
            rank=position,
            unit_code=unit.code,
            unit_name=unit.name,
            achieved=achieved,
            max=maximum,
            index=index,
            band=band_for(round2(index), framework.bands),
            fields=fields,
            missing=missing,
            points=points,
        )
        for position, (unit, achieved, maximum, index, fields, missing, points) in ranked
    ]
    return ResultSet(framework, results)
