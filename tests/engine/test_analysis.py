"""Properties of the robustness analysis: uncertainty, sensitivity, what-if."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.engine import analysis
from parindex.engine.analysis import SurveySample, UnitPoints
from parindex.engine.compute import compute
from parindex.engine.framework import framework_from_dict

from .strategies import cases

FAST = settings(max_examples=40, deadline=None)


def units_of(framework, values, samples=None):
    """Each unit's points as compute gives them, with survey samples from `samples(code)`."""
    survey = [c for c, leaf in framework.leaves().items() if leaf.rule.kind == "survey"]
    return [
        UnitPoints(r.unit_code, dict(r.points.items()),
                   {c: samples(r.unit_code, c) for c in survey} if samples else {})
        for r in compute(framework, values).results
    ]


samples = st.builds(
    SurveySample,
    n=st.integers(1, 400),
    spread=st.integers(0, 50).map(lambda n: Decimal(n) / 100),
    population=st.one_of(st.none(), st.integers(1, 5000)),
)


@FAST
@given(cases(max_units=8))
def test_totals_are_those_of_compute(case):
    fw, values = case
    for result, unit in zip(compute(fw, values).results, units_of(fw, values), strict=True):
        found = analysis.totals(fw, unit.points)
        assert (found.achieved, found.max, found.index, found.band) == (
            result.achieved, result.max, result.index, result.band)


@FAST
@given(cases(max_units=8), st.integers(0, 2**32))
def test_zero_error_gives_exactly_the_published_rank(case, seed):
    fw, values = case
    units = units_of(fw, values, lambda unit, code: SurveySample(50, Decimal(0)))
    published = {r.unit_code: r.rank for r in compute(fw, values).results}
    found = analysis.uncertainty(fw, units, draws=20, seed=seed)
    for spread in found.spreads:
        rank = published[spread.code]
        assert spread.rank == spread.low == spread.median == spread.high == rank
        assert spread.first == (1 if rank == 1 else 0)
        assert sum(spread.bands.values()) == 1


@FAST
@given(cases(min_units=2, max_units=8), st.data())
def test_published_rank_lies_within_the_interval(case, data):
    fw, values = case
    drawn = {}

    def sample(unit, code):
        return drawn.setdefault((unit, code), data.draw(samples))

    units = units_of(fw, values, sample)
    tolerance = {f.code: data.draw(st.sampled_from([0, 1, 5])) for f in fw.fields}
    found = analysis.uncertainty(fw, units, draws=50, seed=data.draw(st.integers(0, 99)),
                                 tolerance={k: Decimal(v) for k, v in tolerance.items()})
    for spread in found.spreads:
        assert spread.low <= spread.rank <= spread.high
        assert spread.low <= spread.median <= spread.high
        assert 1 <= spread.low and spread.high <= len(units)
        assert abs(sum(spread.bands.values()) - 1) <= Decimal("0.01")


@FAST
@given(cases(min_units=2, max_units=8), st.data())
def test_results_do_not_depend_on_unit_order(case, data):
    fw, values = case
    units = units_of(fw, values, lambda unit, code: SurveySample(
        30, Decimal("0.3"), None))
    shuffled = list(units)
    random.Random(data.draw(st.integers(0, 99))).shuffle(shuffled)
    assert analysis.uncertainty(fw, units, draws=30, seed=7) == analysis.uncertainty(
        fw, shuffled, draws=30, seed=7)
    assert analysis.sensitivity(fw, units) == analysis.sensitivity(fw, shuffled)


@FAST
@given(cases(min_units=1, max_units=8))
def test_no_change_in_weights_moves_nobody(case):
    fw, values = case
    units = units_of(fw, values)
    found = analysis.sensitivity(fw, units, step=Decimal(0), shares=(), equal=False)
    published = {r.unit_code: r.rank for r in compute(fw, values).results}
    for shift in found.shifts:
        assert shift.best == shift.worst == shift.rank == published[shift.code]
    assert all(s.moved == 0 for s in found.scenarios)


@FAST
@given(cases(min_units=2, max_units=8), st.data())
def test_lift_targets_are_reached_by_their_criteria(case, data):
    fw, values = case
    units = units_of(fw, values)
    unit = data.draw(st.sampled_from(units))
    others = [analysis.totals(fw, u.points).published for u in units if u is not unit]
    found = analysis.lift(fw, unit.points, others)
    assert [s.lost for s in found.steps] == sorted((s.lost for s in found.steps), reverse=True)
    for target in found.targets:
        assert target.index > found.totals.published
        if target.criteria:
            changes = {code: (0 if code in penalty_codes(fw) else fw.leaves()[code].max)
                       for code in target.criteria}
            after = analysis.simulate(fw, unit.points, changes, others).after
            assert after.published >= target.index
            fewer = analysis.simulate(fw, unit.points, dict(list(changes.items())[:-1]), others)
            assert fewer.after.published < target.index


def penalty_codes(fw):
    return {leaf.code for top in fw.nodes if top.kind == "penalty" for leaf in top.leaves()}


@FAST
@given(cases(min_units=1, max_units=8), st.data())
def test_simulating_nothing_changes_nothing(case, data):
    fw, values = case
    units = units_of(fw, values)
    ranks = {r.unit_code: r.rank for r in compute(fw, values).results}
    unit = data.draw(st.sampled_from(units))
    others = [analysis.totals(fw, u.points).published for u in units if u is not unit]
    found = analysis.simulate(fw, unit.points, {}, others)
    assert found.before == found.after
    assert found.rank_before == found.rank_after == ranks[unit.code]


def test_same_seed_same_draws_and_a_known_example():
    """Three units a hair apart on a 30-point survey of 300 people each: any could be first;
    a fourth far below cannot."""
    fw = framework_from_dict({
        "code": "fw", "name": "x", "year": 2022, "unit_group": "huyen", "ranking": "competition",
        "bands": [{"code": "tot", "label": "Tốt", "min": 80}, {"code": "kha", "label": "Khá",
                                                              "min": 0}],
        "nodes": [
            {"code": "1", "title": "Chỉ đạo", "children": [
                {"code": "1.1", "title": "a", "max": 70, "rule": {"kind": "points"}}]},
            {"code": "8", "title": "Điều tra", "children": [
                {"code": "8.1", "title": "b", "max": 30, "rule": {"kind": "survey"}}]},
        ],
    })
    points = {"A": ("56", "24.94"), "B": ("56", "24.48"), "C": ("56", "24.34"), "D": ("40", "20")}
    sample = SurveySample(300, Decimal("0.3"), 20000)
    units = [UnitPoints(code, {"1.1": Decimal(a), "8.1": Decimal(b)}, {"8.1": sample})
             for code, (a, b) in points.items()]
    first = analysis.uncertainty(fw, units, draws=1000, seed=3)
    assert first == analysis.uncertainty(fw, units, draws=1000, seed=3)
    spreads = first.by_code()
    assert [spreads[c].rank for c in "ABCD"] == [1, 2, 3, 4]
    assert all(spreads[c].first > Decimal("0.05") for c in "ABC")
    assert spreads["D"].first == 0 and spreads["D"].low == spreads["D"].high == 4
    assert spreads["A"].neighbours == ["B", "C"] and spreads["D"].neighbours == []
    assert set(spreads["A"].bands) == {"tot", "kha"}


def test_the_interval_is_widened_to_hold_the_published_rank():
    """An exact unit just below ten imprecise ones: the draws put it around 6th, never 11th."""
    fw = framework_from_dict({
        "code": "fw", "name": "x", "year": 2022, "unit_group": "huyen", "ranking": "competition",
        "bands": [], "nodes": [{"code": "8", "title": "s", "children": [
            {"code": "8.1", "title": "b", "max": 100, "rule": {"kind": "survey"}}]}],
    })
    units = [UnitPoints(f"U{i}", {"8.1": Decimal("50.01")}, {"8.1": SurveySample(
        10, Decimal("0.4"))}) for i in range(10)]
    units.append(UnitPoints("Z", {"8.1": Decimal(50)}))
    spread = analysis.uncertainty(fw, units, draws=500, seed=1).by_code()["Z"]
    assert spread.rank == 11 and spread.high == 11 and spread.median < 9


def test_simulate_refuses_points_beyond_the_max():
    fw = framework_from_dict({
        "code": "fw", "name": "x", "year": 2022, "unit_group": "huyen", "ranking": "dense",
        "bands": [], "nodes": [{"code": "1", "title": "a", "children": [
            {"code": "1.1", "title": "b", "max": 2, "rule": {"kind": "points"}}]}],
    })
    with pytest.raises(ValueError, match="within"):
        analysis.simulate(fw, {"1.1": Decimal(1)}, {"1.1": Decimal(3)}, [])
    with pytest.raises(ValueError, match="not a leaf"):
        analysis.simulate(fw, {"1.1": Decimal(1)}, {"9": Decimal(1)}, [])
    assert analysis.simulate(fw, {"1.1": Decimal(1)}, {"1.1": Decimal(2)},
                             [Decimal(100), Decimal(100), Decimal(60)]).rank_after == 1
