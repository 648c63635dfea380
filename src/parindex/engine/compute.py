"""From parsed values to achieved points, index, rank and band for every unit of a group.

The rules are those of formats.md ("Semantics of parindex compute"). The loop over units × leaves
is the only hot path in the system, so it runs on plain integers: each leaf memoises, per
distinct value, its points as an exact fixed-point integer (`_Plan`), and one C-level `sum()`
per top-level node gives a unit's achieved points, the max of its not-applicable leaves and its
count of missing leaves at once (see `_Plan` for the packing). Decimals are made only per unit,
and a field's `FieldResult` only when someone reads it.
"""

from __future__ import annotations

from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
    ValuesView,
)
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal
from operator import getitem, itemgetter
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
    """A top-level field's component."""

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
    fields: Mapping[str, FieldResult]
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


# --------------------------------------------------------------------------- fixed point

# Turns integers back into decimals without rounding (the default context keeps 28 digits).
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_MEMO_LIMIT = 10_000  # memos live on the framework, so each is bounded (exact ratios vary)


def _scale_of(number: Decimal) -> int:
    """Decimal places needed to write `number` exactly (0.50 → 1, 20 → 0)."""
    return max(0, -number.normalize(_EXACT).as_tuple().exponent)


def _to_decimal(fixed: int, scale: int) -> Decimal:
    return Decimal(fixed).scaleb(-scale, _EXACT)


class _Rescale(Exception):
    """A leaf earned points with more decimal places than the plan's scale."""

    def __init__(self, scale: int):
        self.scale = scale


def _static_scale(framework: Framework) -> int:
    """Decimal places of every point the framework itself fixes (maxes, levels, bands, per
    item); points typed in and proportional ratios may need more, found as they come."""
    numbers = []
    for leaf in framework.leaves().values():
        rule = leaf.rule
        numbers.append(leaf.max)
        numbers += [leaf.max * level.fraction for level in rule.levels]
        numbers += [leaf.max * band.fraction for band in rule.bands]
        if rule.per_item is not None:
            numbers.append(rule.per_item)
    return max(map(_scale_of, numbers), default=0)


class _PointsMemo(dict):
    """value → packed points of one leaf (see `_Plan`); a miss scores the value once, so the
    hot loop stays two C-level dict lookups per value."""

    __slots__ = ("plan", "leaf", "decimals", "seeds")

    def __init__(self, plan: _Plan, leaf: Node, decimals: dict):
        self.plan, self.leaf, self.decimals = plan, leaf, decimals
        # None: no value (scores 0, counted missing); NA: leaves the max (its own lane).
        self.seeds = {None: plan.missing, NA: plan.fixed(leaf.max) << plan.shift}
        super().__init__(self.seeds)

    def __missing__(self, value: object) -> int:
        # Decimal points survive a rescale: only the packing is redone.
        points = self.decimals.get(value)
        if points is None:
            points = leaf_points(self.leaf, value)
            if len(self.decimals) >= _MEMO_LIMIT:
                self.decimals.clear()
            self.decimals[value] = points
        fixed = self.plan.fixed(points)
        if len(self) >= _MEMO_LIMIT:
            self.clear()
            self.update(self.seeds)
        self.plan.decoded.setdefault(fixed, points)  # keep the Decimal as leaf_points wrote it
        self[value] = fixed
        return fixed


class _Plan:
    """The framework flattened for the hot loop, at one fixed-point scale.

    Every point is an integer count of 10**-scale. A leaf's memo packs three lanes into one
    int: points | NA-max << shift | 1 << 2·shift when the value is missing. `shift` is wide
    enough for the whole framework's max, so lanes never carry into each other and one sum()
    over any leaves gives their achieved points, the max they leave and how many are missing.
    With few decimals the ints stay below 2**62, where sum() does not allocate.
    """

    def __init__(self, framework: Framework, scale: int, decimals: list[dict]):
        leaves = framework.leaves()
        self.scale = scale
        self.codes = list(leaves)
        self.position = {code: i for i, code in enumerate(self.codes)}
        self.shift = max(1, self.fixed(sum((n.max for n in leaves.values()), ZERO)).bit_length())
        self.mask = (1 << self.shift) - 1
        self.missing = 1 << 2 * self.shift
        self.decoded = _Decoder(self)  # packed value of one leaf → its points
        self.memos = [_PointsMemo(self, leaf, d)
                      for leaf, d in zip(leaves.values(), decimals, strict=True)]
        self.slices, self.fields, self.bonus, self.penalty = [], [], [], []
        start = 0
        for i, node in enumerate(framework.nodes):
            end = start + sum(1 for _ in node.leaves())
            self.slices.append(slice(start, end))
            target = {"": self.fields, "bonus": self.bonus, "penalty": self.penalty}[node.kind]
            target.append((i, node.code, self.fixed(node.max)))
            start = end
        self.fields_max = sum(maximum for _, _, maximum in self.fields)
        # Bonus/penalty blocks as (slice, max, sign): the hot loop sums the whole row once and
        # takes the few block leaves back out, so ordinary fields are summed only when read.
        self.blocks = [(self.slices[i], maximum, sign)
                       for blocks, sign in ((self.bonus, 1), (self.penalty, -1))
                       for i, _, maximum in blocks]
        self.field_memos: list[dict[int, FieldResult | None]] = [{} for _ in self.fields]
        self.unit_memo: dict[tuple[int, int], tuple] = {}

    def fixed(self, number: Decimal) -> int:
        """`number` in units of 10**-scale; _Rescale when that is not exact."""
        shifted = number.scaleb(self.scale, _EXACT)
        whole = int(shifted)
        if whole != shifted:
            raise _Rescale(_scale_of(number))
        return whole

    def decimal(self, fixed: int) -> Decimal:
        return _to_decimal(fixed, self.scale)

    def field_result(self, field: int, packed: int) -> FieldResult | None:
        """The field's component from its packed sum; None when all its leaves are NA."""
        memo = self.field_memos[field]
        try:
            return memo[packed]
        except KeyError:
            pass
        maximum = self.fields[field][2] - (packed >> self.shift & self.mask)
        result = None
        if maximum:
            # Few distinct maxes: the decoder keeps their Decimals.
            achieved, maximum = self.decimal(packed & self.mask), self.decoded[maximum]
            result = FieldResult(achieved, maximum, achieved * HUNDRED / maximum)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[packed] = result
        return result

    def totals(self, framework: Framework, achieved: int, maximum: int) -> tuple:
        """(achieved, max, index, published index in hundredths, band); units share them, so
        memoised. The published index as an int makes ranking compare ints, not Decimals."""
        found = self.unit_memo.get((achieved, maximum))
        if found is None:
            found = _memo_totals(self.unit_memo, (achieved, maximum), framework,
                                 self.decimal(achieved), self.decimal(maximum))
        return found


class _Decoder(dict):
    """packed value of one leaf → Decimal points, None (NA) or 0 (missing); filled by the
    memos with the Decimals leaf_points gave, and by conversion for anything else."""

    __slots__ = ("plan",)

    def __init__(self, plan: _Plan):
        super().__init__()
        self.plan = plan

    def __missing__(self, packed: int) -> Decimal | None:
        plan = self.plan
        if packed == plan.missing:
            points = ZERO
        elif packed > plan.mask:  # only the NA lane is set
            points = None
        else:
            points = plan.decimal(packed)
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        self[packed] = points
        return points


def _plan_for(framework: Framework, scale: int | None = None) -> _Plan:
    """The framework's plan, kept with it: recomputing is the common case."""
    cache = framework._cache
    plan = cache.get("compute plan")
    if plan is None or (scale is not None and scale > plan.scale):
        decimals = cache.setdefault("compute points", [{} for _ in framework.leaves()])
        if scale is None:
            scale = _static_scale(framework)
        plan = cache["compute plan"] = _Plan(framework, scale, decimals)
    return plan


class LeafPoints(Mapping):
    """Points per leaf code (None = not applicable), read lazily from the hot loop's ints.

    Building a dict of Decimals per unit would cost as much as the scoring itself; items() and
    values() decode in C (map over the plan's decoder), as storing every unit's points does.
    """

    __slots__ = ("_plan", "_packed")

    def __init__(self, plan: _Plan, packed: list[int]):
        self._plan = plan
        self._packed = packed

    def __getitem__(self, code: str) -> Decimal | None:
        return self._plan.decoded[self._packed[self._plan.position[code]]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._plan.codes)

    def __len__(self) -> int:
        return len(self._packed)

    def _decoded(self) -> Iterator[Decimal | None]:
        return map(self._plan.decoded.__getitem__, self._packed)

    def values(self) -> ValuesView:
        return _FastValues(self)

    def items(self) -> ItemsView:
        return _FastItems(self)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class _FastValues(ValuesView):
    def __iter__(self):
        return self._mapping._decoded()


class _FastItems(ItemsView):
    def __iter__(self):
        return zip(self._mapping._plan.codes, self._mapping._decoded(), strict=True)


class _LazyFields(Mapping):
    """Field code → FieldResult of one unit, made by `_results()` on first read: most callers
    rank thousands of units and read the fields of a page."""

    __slots__ = ()

    def _results(self) -> dict[str, FieldResult]:
        raise NotImplementedError

    def __getitem__(self, code: str) -> FieldResult:
        return self._results()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._results())

    def __len__(self) -> int:
        return len(self._results())

    def items(self) -> ItemsView:
        return self._results().items()

    def values(self) -> ValuesView:
        return self._results().values()

    def __repr__(self) -> str:
        return repr(self._results())


class FieldResults(_LazyFields):
    """The fields of one unit from the packed points (summed per field only when read)."""

    __slots__ = ("_plan", "_packed", "_dict")

    def __init__(self, plan: _Plan, packed: list[int]):
        self._plan = plan
        self._packed = packed
        self._dict: dict[str, FieldResult] | None = None

    def _results(self) -> dict[str, FieldResult]:
        if self._dict is None:
            plan = self._plan
            sums = list(map(sum, map(self._packed.__getitem__, plan.slices)))
            self._dict = {
                code: result
                for field, (i, code, _) in enumerate(plan.fields)
                if (result := plan.field_result(field, sums[i])) is not None
            }
        return self._dict



def _row_error(plan: _Plan, unit: str, row: Mapping[str, object], error: Exception) -> ValueError:
    """The message for a row the hot loop could not score: an unknown code first, else the
    first bad value."""
    for code in row:
        if code not in plan.position:
            return ValueError(f"unit '{unit}': '{code}' is not a leaf criterion")
    for code, value in row.items():
        try:
            leaf_points(plan.memos[plan.position[code]].leaf, value)
        except (ValueError, TypeError) as bad:
            reason = f"{code}: {bad}" if isinstance(bad, TypeError) else str(bad)
            return ValueError(f"unit '{unit}': {reason}")
    return ValueError(f"unit '{unit}': {error}")


def _missing(plan: _Plan, row: Mapping[str, object], packed: list[int], count: int) -> list[str]:
    """Codes of the leaves without a value, in document order."""
    if count + len(row) != len(packed):  # an unknown code, or a value given as None
        _check_codes(plan, row)
        return [code for code in plan.codes if code not in row]
    missing, at, marker = [], -1, plan.missing
    for _ in range(count):
        at = packed.index(marker, at + 1)  # a C-level scan: nothing else equals the marker
        missing.append(plan.codes[at])
    return missing


def _check_codes(plan: _Plan, row: Mapping[str, object]) -> None:
    for code in row:
        if code not in plan.position:
            raise ValueError(f"'{code}' is not a leaf criterion")


def _score(plan: _Plan, framework: Framework, roster: Sequence[UnitInfo],
           values: Mapping[str, Mapping[str, object]]) -> list[tuple]:
    """(code, published index in hundredths, unit, totals, packed, missing) for every unit."""
    memos, codes, blocks = plan.memos, plan.codes, plan.blocks
    shift, mask, missing_shift = plan.shift, plan.mask, 2 * plan.shift
    fields_max = plan.fields_max
    empty: dict[str, object] = {}
    scored = []
    for unit in roster:
        row = values.get(unit.code, empty)
        try:
            packed = list(map(getitem, memos, map(row.get, codes)))
        except (ValueError, TypeError) as error:
            raise _row_error(plan, unit.code, row, error) from None
        total = sum(packed)

        count = total >> missing_shift
        if count or len(row) > len(codes):
            try:
                missing = _missing(plan, row, packed, count)
            except ValueError as error:
                raise ValueError(f"unit '{unit.code}': {error}") from None
        else:
            missing = []

        # Lanes never carry, so taking a block's packed sum out leaves the ordinary leaves'.
        capped = 0
        for where, block_max, sign in blocks:
            block = sum(packed[where])
            total -= block
            capped += sign * min(block & mask, block_max)
        achieved = (total & mask) + capped
        maximum = fields_max - (total >> shift & mask)
        totals = plan.totals(framework, achieved, maximum)
        scored.append((unit.code, totals[3], unit, totals, packed, missing))
    return scored


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
    if framework.ranking not in ("competition", "dense"):
        raise ValueError(f"unknown ranking method '{framework.ranking}'")
    if units is None:
        roster = [UnitInfo(code) for code in values]
    else:
        roster = [u for u in units if u.unit_group == framework.unit_group]

    plan = _plan_for(framework)
    while True:
        try:
            scored = _score(plan, framework, roster, values)
            break
        except _Rescale as more:  # a value with more decimal places: start again, exactly
            plan = _plan_for(framework, more.scale)

    return _ranked(framework, [
        (code, published, unit, totals, FieldResults(plan, packed), LeafPoints(plan, packed),
         missing)
        for code, published, unit, totals, packed, missing in scored])


def _ranked(framework: Framework, scored: list[tuple]) -> ResultSet:
    """Rank (code, published index in hundredths, unit, totals, fields, points, missing) rows:
    ties on the published (rounded) index share a rank and are listed by unit code."""
    scored.sort(key=itemgetter(0))
    scored.sort(key=itemgetter(1), reverse=True)
    dense = framework.ranking == "dense"
    new_result = object.__new__
    results = []
    position = previous = None
    for number, (_, published, unit, totals, fields, points, missing) in enumerate(scored, 1):
        if published != previous:
            position = (position or 0) + 1 if dense else number
            previous = published
        achieved, maximum, index, _, band = totals
        # UnitResult is frozen, so its __init__ sets each field through object.__setattr__;
        # filling __dict__ at once makes the same object in half the time.
        result = new_result(UnitResult)
        result.__dict__.update(
            rank=position, unit_code=unit.code, unit_name=unit.name, achieved=achieved,
            max=maximum, index=index, band=band, fields=fields, missing=missing, points=points)
        results.append(result)
    return ResultSet(framework, results)


# --------------------------------------------------------------------------- from totals


class Tally(NamedTuple):
    """What a database summed for one unit under one top-level node: the stored points of
    its leaves (values.stored_points, never None) and how many leaves they are."""

    points: Decimal
    count: int



def _memo_totals(memo: dict, key, framework: Framework, total: Decimal, top: Decimal) -> tuple:
    """(achieved, max, index, published index in hundredths, band) of one unit, kept in `memo`
    (units share them). The published index as an int makes ranking compare ints."""
    index = index_of(total, top)
    published = round2(index)
    found = (total, top, index, int(published.scaleb(2)), band_for(published, framework.bands))
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = found
    return found


class NoLeafPoints(Mapping):
    """The points of a result computed from totals: not known leaf by leaf."""

    def __getitem__(self, code: str):
        raise LookupError("results computed from totals carry no points per leaf")

    def __iter__(self):
        raise LookupError("results computed from totals carry no points per leaf")

    def __len__(self) -> int:
        return 0


_NO_LEAF_POINTS = NoLeafPoints()


class _Totals:
    """The framework's shape for scoring from totals, kept with the framework."""

    def __init__(self, framework: Framework):
        self.top_of = {leaf.code: top.code for top in framework.nodes for leaf in top.leaves()}
        self.leaves = framework.leaves()
        self.fields = [top for top in framework.nodes if not top.kind]
        self.blocks = [(top, 1 if top.kind == "bonus" else -1)
                       for top in framework.nodes if top.kind]
        self.fields_max = sum((top.max for top in self.fields), ZERO)
        self.points: dict[tuple[str, object], Decimal | None] = {}
        self.unit_memo: dict[tuple[Decimal, Decimal], tuple] = {}

    def leaf_points(self, code: str, value: object) -> Decimal | None:
        key = (code, value)
        try:
            return self.points[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: scored, not memoised
            return leaf_points(self.leaves[code], value)
        points = leaf_points(self.leaves[code], value)
        if len(self.points) >= _MEMO_LIMIT:
            self.points.clear()
        self.points[key] = points
        return points

    def totals(self, framework: Framework, achieved: Decimal, maximum: Decimal) -> tuple:
        found = self.unit_memo.get((achieved, maximum))
        if found is None:
            found = _memo_totals(self.unit_memo, (achieved, maximum), framework, achieved, maximum)
        return found


def _totals_for(framework: Framework) -> _Totals:
    shape = framework._cache.get("totals")
    if shape is None:
        shape = framework._cache["totals"] = _Totals(framework)
    return shape


def _tally_unit(shape: _Totals, tallies: Mapping[str, Tally],
                row: Mapping[str, object]) -> tuple[dict, dict, int]:
    """Per top-level node: achieved points, the max its NA leaves leave; and how many leaves
    have no value at all. Sums run in an exact context: a proportional ratio's 28 digits
    plus whole points must not round."""
    achieved = {code: tally.points for code, tally in tallies.items()}
    left: dict[str, Decimal] = {}
    counted = sum(tally.count for tally in tallies.values())
    top_of, add = shape.top_of, _EXACT.add
    for code, value in row.items():
        top = top_of.get(code)
        if top is None:
            raise ValueError(f"'{code}' is not a leaf criterion")
        points = shape.leaf_points(code, value)
        if points is None:
            left[top] = add(left.get(top, ZERO), shape.leaves[code].max)
        else:
            achieved[top] = add(achieved.get(top, ZERO), points)
    return achieved, left, len(shape.leaves) - counted - len(row)


class TalliedFields(_LazyFields):
    """Field code → FieldResult of one unit computed from totals, made on first read."""

    __slots__ = ("_shape", "_achieved", "_left", "_dict")

    def __init__(self, shape: _Totals, achieved: dict, left: dict):
        self._shape, self._achieved, self._left = shape, achieved, left
        self._dict: dict[str, FieldResult] | None = None

    def _results(self) -> dict[str, FieldResult]:
        if self._dict is None:
            self._dict = {}
            for field in self._shape.fields:
                points = self._achieved.get(field.code, ZERO)
                top = field.max - self._left.get(field.code, ZERO)
                if top:
                    self._dict[field.code] = FieldResult(points, top, points * HUNDRED / top)
        return self._dict


def _unit_totals(shape: _Totals, achieved: dict, left: dict) -> tuple[Decimal, Decimal]:
    """Achieved points (ordinary leaves, plus capped bonus, minus capped penalty) and the max
    of the applicable ordinary leaves."""
    add, subtract = _EXACT.add, _EXACT.subtract
    total, maximum = ZERO, shape.fields_max
    for field in shape.fields:
        code = field.code
        if code in achieved:
            total = add(total, achieved[code])
        if code in left:
            maximum = subtract(maximum, left[code])
    for block, sign in shape.blocks:
        points = achieved.get(block.code)
        if points is not None:
            capped = min(points, block.max)
            total = add(total, capped if sign > 0 else -capped)
    return total, maximum


def compute_tallied(
    framework: Framework,
    tallies: Mapping[str, Mapping[str, Tally]],
    values: Mapping[str, Mapping[str, object]],
    units: Sequence[UnitInfo],
    present: Callable[[list[str]], Mapping[str, Iterable[str]]],
) -> ResultSet:
    """`compute` for a database that sums stored points itself: the same results, from

    - `tallies[unit][top-level node code]`: the sum and count of the leaves whose points were
      stored (values.stored_points), summed by the database;
    - `values[unit][leaf]`: parsed values of every other leaf with a value (not applicable,
      points not storable exactly, survey points);
    - `present(units)`: the tallied leaf codes of each of those units, asked once for the
      units with missing leaves, so that their `missing` lists them.

    Only units of the framework's group are scored, each even without values. The results
    carry no points per leaf (`NoLeafPoints`); everything else equals `compute`'s.
    """
    if framework.ranking not in ("competition", "dense"):
        raise ValueError(f"unknown ranking method '{framework.ranking}'")
    shape = _totals_for(framework)
    empty: dict = {}
    scored, incomplete = [], []
    for unit in units:
        if unit.unit_group != framework.unit_group:
            continue
        row = values.get(unit.code, empty)
        try:
            achieved, left, missing = _tally_unit(shape, tallies.get(unit.code, empty), row)
        except (ValueError, TypeError) as error:
            raise ValueError(f"unit '{unit.code}': {error}") from None
        total, maximum = _unit_totals(shape, achieved, left)
        totals = shape.totals(framework, total, maximum)
        entry = [unit.code, totals[3], unit, totals, TalliedFields(shape, achieved, left),
                 _NO_LEAF_POINTS, []]
        scored.append(entry)
        if missing:
            incomplete.append((entry, row))
    if incomplete:
        found = present([entry[0] for entry, _ in incomplete])
        for entry, row in incomplete:
            have = set(found.get(entry[0], ())) | row.keys()
            entry[6] = [code for code in shape.leaves if code not in have]
    return _ranked(framework, [tuple(entry) for entry in scored])
