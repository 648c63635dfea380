"""Properties that must hold for any valid framework and values."""

import io
import itertools
import pathlib
import random
import tempfile
from dataclasses import replace
from decimal import MAX_PREC, Context, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.engine.compute import Tally, UnitInfo, compute, compute_tallied, round2
from parindex.engine.framework import framework_from_dict, framework_to_dict
from parindex.engine.io import (
    _read_framework_xlsx,
    dump_framework_yaml,
    parse_framework_yaml,
    results_to_dict,
    write_framework_xlsx,
)
from parindex.engine.values import NA, leaf_points, stored_points

from .strategies import cases, frameworks, value_for

FAST = settings(max_examples=60, deadline=None)
EXACT = Context(prec=MAX_PREC)


@FAST
@given(cases())
def test_index_is_within_0_and_100(case):
    fw, values = case
    for result in compute(fw, values).results:
        assert 0 <= result.index <= 100
        for field in result.fields.values():
            assert 0 <= field.index <= 100 and field.max > 0


@FAST
@given(cases(), st.data())
def test_marking_a_leaf_na_only_shrinks_the_max(case, data):
    fw, values = case
    unit = sorted(values)[0]
    ordinary = [leaf for top in fw.fields for leaf in top.leaves()]
    leaf = data.draw(st.sampled_from(ordinary))
    before = compute(fw, values).by_code()[unit]
    after = compute(fw, {**values, unit: {**values[unit], leaf.code: NA}}).by_code()[unit]
    was_na = values[unit].get(leaf.code) is NA
    earned = before.points[leaf.code] or 0
    # Exactly: sums of proportional points can need more than the context's 28 digits.
    assert after.achieved == EXACT.subtract(before.achieved, earned)
    assert after.max == EXACT.subtract(before.max, 0 if was_na else leaf.max)


@FAST
@given(cases(min_units=2), st.data())
def test_raising_a_value_never_lowers_index_or_relative_rank(case, data):
    fw, values = case
    unit = sorted(values)[0]
    ordinary = [leaf for top in fw.fields for leaf in top.leaves()]
    leaf = data.draw(st.sampled_from(ordinary))
    new_value = data.draw(value_for(leaf))
    old_value = values[unit].get(leaf.code)
    if old_value is NA:
        return
    old_points = 0 if old_value is None else leaf_points(leaf, old_value)
    if leaf_points(leaf, new_value) < old_points:
        return
    before = compute(fw, values).by_code()
    after = compute(fw, {**values, unit: {**values[unit], leaf.code: new_value}}).by_code()
    assert after[unit].index >= before[unit].index
    for other in values:
        if other != unit and before[other].rank >= before[unit].rank:
            # Whoever was not ahead before is not ahead now.
            assert after[other].rank >= after[unit].rank


@FAST
@given(cases(min_units=2), st.randoms())
def test_ranking_ignores_input_order(case, rnd: random.Random):
    fw, values = case
    codes = list(values)
    rnd.shuffle(codes)
    shuffled = {code: values[code] for code in codes}
    assert compute(fw, values).results == compute(fw, shuffled).results


@FAST
@given(cases(min_units=2, max_units=8))
def test_dense_and_competition_agree_on_order(case):
    fw, values = case
    comp = compute(replace(fw, ranking="competition"), values).results
    dense = compute(replace(fw, ranking="dense"), values).results
    assert [r.unit_code for r in comp] == [r.unit_code for r in dense]
    for c, d in zip(comp, dense, strict=True):
        assert d.rank <= c.rank
    ranks = [d.rank for d in dense]
    assert ranks[0] == 1 and all(b - a in (0, 1) for a, b in itertools.pairwise(ranks))
    indexes = [round2(r.index) for r in comp]
    assert indexes == sorted(indexes, reverse=True)


@settings(max_examples=40, deadline=None)
@given(frameworks())
def test_framework_round_trips_through_dict_and_yaml(fw):
    assert framework_from_dict(framework_to_dict(fw)) == fw
    assert parse_framework_yaml(dump_framework_yaml(fw)) == fw


@settings(max_examples=15, deadline=None)
@given(frameworks())
def test_framework_round_trips_through_xlsx(fw):
    buffer = io.BytesIO()
    write_framework_xlsx(fw, buffer)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "fw.xlsx"
        path.write_bytes(buffer.getvalue())
        assert _read_framework_xlsx(path) == fw


def _tallied(fw, values):
    """What a database gives compute_tallied: stored points summed per unit and top-level
    node; every leaf without stored points as its value."""
    top_of = {leaf.code: top.code for top in fw.nodes for leaf in top.leaves()}
    tallies, rest = {}, {}
    for unit, row in values.items():
        for code, value in row.items():
            points = stored_points(fw.leaves()[code], value)
            if points is None:
                rest.setdefault(unit, {})[code] = value
                continue
            sums = tallies.setdefault(unit, {})
            total, count = sums.get(top_of[code], (Decimal(0), 0))
            sums[top_of[code]] = Tally(total + points, count + 1)
    return tallies, rest


@FAST
@given(cases(), st.data())
def test_totals_summed_elsewhere_give_the_same_results_as_every_leaf(case, data):
    fw, values = case
    units = [UnitInfo(code, unit_group=fw.unit_group) for code in values]
    values = {unit: {code: value for code, value in row.items()
                     if data.draw(st.booleans(), label="kept") or code == "keep"}
              for unit, row in values.items()}  # some leaves missing
    tallies, rest = _tallied(fw, values)

    def present(codes):
        return {unit: [c for c in values[unit] if c not in rest.get(unit, {})] for unit in codes}

    expected = compute(fw, values, units=units)
    got = compute_tallied(fw, tallies, rest, units, present)
    assert results_to_dict(got) == results_to_dict(expected)
    for mine, theirs in zip(got.results, expected.results, strict=True):
        assert (mine.achieved, mine.max, mine.index) == (theirs.achieved, theirs.max, theirs.index)
        assert dict(mine.fields) == dict(theirs.fields)
