"""round_results: the database gathered for the engine, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest

from parindex.assessments.services import create_round, import_scores
from parindex.engine.compute import compute
from parindex.engine.io import read_scores, results_to_dict
from parindex.frameworks.services import import_framework
from parindex.results.selectors import round_results
from parindex.units.models import Unit
from parindex.units.services import import_units
from tests import cast
from tests.frameworks.factories import (
    GOOD_VALUES,
    district_rows,
    mini_framework,
    score_rows,
    write_scores,
    write_units,
)

pytestmark = pytest.mark.django_db


def build_round(tmp_path, code: str, n_units: int, fields: int = 2, scored=None):
    prefix = code.upper()
    # Each round scores its own unit group, so the rounds of one test do not see each other.
    rows = district_rows(n_units, group=code, prefix=prefix)
    import_units(cast.administrator(), write_units(tmp_path / f"{code}-units.csv", rows))
    import_framework(cast.administrator(),
                     mini_framework(code=f"{code}-fw", group=code, fields=fields))
    round = create_round(cast.administrator(), code, code, 2021, "GL", [f"{code}-fw"])
    units = [r["code"] for r in rows if r["unit_group"] == code]
    scored = units if scored is None else units[:scored]
    values = {k: v for k, v in GOOD_VALUES.items() if k[0] in "TP" or int(k[0]) <= fields}
    path = write_scores(tmp_path / f"{code}.csv", score_rows(scored, values))
    import_scores(cast.administrator(), round, path)
    return round, path


def test_results_match_the_engine_on_the_file(tmp_path):
    round, path = build_round(tmp_path, "r", 3)
    [(framework, result_set)] = round_results(round)

    assert framework.code == "r-fw"
    fw = mini_framework(code="r-fw", group="r")
    from_file = compute(fw, read_scores(path, fw), units=None)
    names = dict(Unit.objects.values_list("code", "name"))
    expected = results_to_dict(from_file)
    for row in expected["results"]:
        row["unit_name"] = names[row["unit_code"]]
    assert results_to_dict(result_set) == expected
    first = result_set.results[0]
    # Field 1: yes 1 + half of 2 + (0.96 → half of 2.5) + 1 = 4.25 of 6.75;
    # field 2: no 0 + 2 + NA + 1.25 = 3.25 of 4.25; bonus min(3 × 0.5, 1) = 1; penalty 0.5.
    assert first.achieved == Decimal("8") and first.max == Decimal("11")
    assert first.fields["1"].achieved == Decimal("4.25")
    assert first.unit_name == "UBND huyện 1"


def test_query_count_does_not_grow_with_units_or_criteria(tmp_path, django_assert_max_num_queries):
    small, _ = build_round(tmp_path, "small", 3, fields=1)
    large, _ = build_round(tmp_path, "large", 30, fields=8)
    # frameworks, nodes, sums, unscored values, survey, units, present leaves of incomplete units
    with django_assert_max_num_queries(7) as q_small:
        [(_, small_set)] = round_results(small)
    with django_assert_max_num_queries(7) as q_large:
        [(_, large_set)] = round_results(large)
    assert len(small_set.results) == 3 and len(large_set.results) == 30
    # the one query that may be left out: no unit of the small round misses a leaf
    assert len(q_small.captured_queries) + 1 == len(q_large.captured_queries)


def test_totals_summed_in_sql_give_the_results_of_scoring_every_leaf(tmp_path):
    round, _ = build_round(tmp_path, "r", 4, scored=3)
    [(_, totals)] = round_results(round)
    [(_, leaves)] = round_results(round, leaves=True)
    assert results_to_dict(totals) == results_to_dict(leaves)
    assert [r.missing for r in totals.results] == [r.missing for r in leaves.results]


def test_units_valid_in_the_year_without_scores_are_listed_and_stages_are_separate(tmp_path):
    round, _ = build_round(tmp_path, "r", 3, scored=2)
    Unit.objects.filter(code="R02").update(valid_to=datetime.date(2020, 12, 31))  # scored: kept
    Unit.objects.filter(code="R01").update(valid_from=datetime.date(2022, 1, 1))  # scored: kept
    Unit.objects.create(
        code="R99",
        name="gone",
        group=Unit.objects.get(code="R03").group,
        valid_to=datetime.date(2019, 1, 1),
    )  # neither scored nor valid in 2021: left out
    [(_, result_set)] = round_results(round)
    by_code = result_set.by_code()
    assert sorted(by_code) == ["R01", "R02", "R03"]
    assert by_code["R03"].achieved == 0 and len(by_code["R03"].missing) == 10
    assert by_code["R03"].rank == 3

    [(_, self_set)] = round_results(round, stage="self")
    assert all(r.achieved == 0 for r in self_set.results)


def test_a_round_without_frameworks_has_no_results(db):
    from parindex.assessments.models import Round

    assert round_results(Round.objects.create(code="empty", name="empty", year=2021)) == []


def test_histogram_labels_read_at_the_pages_size():
    """Issue 12: the histogram's labels were 10 units in a 720-wide drawing shown at half the
    page (about 7 px); now 14–15 in a 540-wide one, and only the low end when bins crowd."""
    import re

    from parindex.results import charts

    few = charts.histogram([(65, 1), (70, 4), (75, 9)], 5, "x")
    sizes = {int(size) for size in re.findall(r'font-size="(\d+)"', few)}
    assert min(sizes) >= 14 and 'viewBox="0 0 540 240"' in few
    assert "65–70" in few
    many = charts.histogram([(low, 1) for low in range(0, 100, 5)], 5, "x")
    assert "95–100" not in many and ">95<" in many
