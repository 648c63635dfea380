"""The survey arithmetic, as properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.surveys.scoring import merge_tallies, required_sample, score

weights = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
maxes = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
tallies = st.dictionaries(st.one_of(st.none(), weights), st.integers(0, 500), max_size=6)


@given(maxes, tallies)
def test_points_stay_within_zero_and_max(max_points, tally):
    result = score(max_points, tally)
    if result is None:
        assert all(w is None or n == 0 for w, n in tally.items())
    else:
        assert Decimal(0) <= result.points <= max_points
        assert result.answers == sum(n for w, n in tally.items() if w is not None)


@given(maxes, tallies)
def test_adding_a_full_answer_never_lowers_the_points(max_points, tally):
    before = score(max_points, tally)
    after = score(max_points, merge_tallies([tally, {Decimal(1): 1}]))
    assert after is not None
    assert after.points >= (before.points if before else Decimal(0))


@given(maxes, tallies, st.integers(1, 50))
def test_dont_know_answers_change_nothing(max_points, tally, unknown):
    with_unknown = merge_tallies([tally, {None: unknown}])
    assert score(max_points, with_unknown) == score(max_points, tally)


def test_points_are_exact():
    # 10 × (200·1 + 100·0.6 + 100·0.2 + 0) / 400 = 10 × 0.7 = 7
    result = score(Decimal(10), {Decimal(1): 200, Decimal("0.6"): 100, Decimal("0.2"): 100,
                                 Decimal(0): 0})
    assert result.points == Decimal(7)
    # 12 × 0.8775 = 10.53 exactly (Ia Grai's 8.2.1 in the demo).
    assert score(Decimal(12), {Decimal(1): 351, Decimal(0): 49}).points == Decimal("10.53")


def test_margin_of_error():
    result = score(Decimal(10), {Decimal(1): 50, Decimal(0): 50})
    # s = sqrt(100·0.25/99), margin = 10 × 1.96 × s / 10
    assert round(result.margin, 3) == Decimal("0.985")
    assert score(Decimal(10), {Decimal(1): 1}).margin is None


def test_no_valid_answer_is_no_score():
    assert score(Decimal(6), {None: 12}) is None
    assert score(Decimal(6), {}) is None


def test_weights_outside_zero_one_are_refused():
    with pytest.raises(ValueError):
        score(Decimal(6), {Decimal("1.2"): 3})


@pytest.mark.parametrize(("population", "margin", "expected"), [
    (10000, "0.05", 385), (500, "0.05", 223), (100, "0.1", 50), (0, "0.05", 0), (1, "0.05", 1),
])
def test_required_sample(population, margin, expected):
    assert required_sample(population, Decimal(margin)) == expected


@given(st.integers(0, 10**7), st.decimals(min_value="0.01", max_value="0.2", places=3))
def test_required_sample_never_exceeds_the_population(population, margin):
    assert 0 <= required_sample(population, margin) <= population
