from dataclasses import replace
from decimal import Decimal as D

import pytest

from parindex.engine.compute import UnitInfo, band_for, compute, rank, round2
from parindex.engine.framework import Band
from parindex.engine.values import NA

from .helpers import field, leaf, make


def fw_simple(ranking="competition", bands=None):
    return make([
        field("1", leaf("1.1", 40), leaf("1.2", 20, "yes_no")),
        field("2", leaf("2.1", 40)),
        field("T", leaf("T.1", 5, "count", per_item=2), kind="bonus"),
        field("P", leaf("P.1", 3, "count", per_item=1), kind="penalty"),
    ], ranking=ranking, bands=bands)


def test_achieved_max_index_and_fields():
    fw = fw_simple()
    result = compute(fw, {"A": {"1.1": D(30), "1.2": True, "2.1": D("10.5")}}).results[0]
    assert (result.achieved, result.max) == (D("60.5"), D(100))
    assert result.index == D("60.5")
    assert result.fields["1"].achieved == D(50) and result.fields["1"].max == D(60)
    assert result.fields["2"].index == D("26.25")
    assert set(result.fields) == {"1", "2"}  # blocks are not fields
    assert result.missing == ["T.1", "P.1"]
    assert result.points["1.2"] == D(20) and result.points["T.1"] == 0


def test_missing_leaf_scores_zero_but_keeps_its_max():
    result = compute(fw_simple(), {"A": {"1.1": D(40)}}).results[0]
    assert result.max == D(100) and result.achieved == D(40)
    assert result.missing == ["1.2", "2.1", "T.1", "P.1"]


def test_na_leaves_both_achieved_and_max():
    result = compute(fw_simple(), {"A": {"1.1": D(40), "1.2": NA, "2.1": NA}}).results[0]
    assert result.max == D(40) and result.index == D(100)
    assert set(result.fields) == {"1"}  # field 2 is wholly not applicable
    assert result.points["1.2"] is None
    assert dict(result.points) == {"1.1": D(40), "1.2": None, "2.1": None, "T.1": 0, "P.1": 0}


def test_all_na_gives_index_zero():
    result = compute(fw_simple(), {"A": {"1.1": NA, "1.2": NA, "2.1": NA}}).results[0]
    assert result.max == 0 and result.index == 0


def test_bonus_and_penalty_are_capped_and_index_is_clamped():
    fw = fw_simple()
    full = {"1.1": D(40), "1.2": True, "2.1": D(40)}
    top = compute(fw, {"A": {**full, "T.1": 10}}).results[0]
    assert top.achieved == D(105)  # bonus 20 capped at 5
    assert top.index == D(100)     # clamped
    low = compute(fw, {"A": {"1.1": D(1), "P.1": 7}}).results[0]
    assert low.achieved == D(-2)   # penalty 7 capped at 3
    assert low.index == D(0)


def test_rounding_is_half_up_on_the_exact_index():
    assert round2(D("78.305")) == D("78.31")
    assert round2(D("78.304999")) == D("78.30")
    fw = make([field("1", leaf("1.1", 200))])
    result = compute(fw, {"A": {"1.1": D("156.61")}}).results[0]
    assert result.index == D("78.305") and round2(result.index) == D("78.31")


@pytest.mark.parametrize("method,expected", [
    ("competition", [1, 2, 2, 4]), ("dense", [1, 2, 2, 3])])
def test_rank_methods(method, expected):
    ranked = rank([D(9), D(8), D(8), D(7)], key=lambda x: x, method=method)
    assert [r for r, _ in ranked] == expected


def test_ties_use_the_rounded_index_and_list_by_code():
    fw = make([field("1", leaf("1.1", 300))], ranking="competition")
    values = {"C": {"1.1": D("150.001")}, "A": {"1.1": D("150.002")},
              "B": {"1.1": D(200)}, "D": {"1.1": D(10)}}
    rows = compute(fw, values).results
    assert [(r.rank, r.unit_code) for r in rows] == [(1, "B"), (2, "A"), (2, "C"), (4, "D")]
    dense = compute(make([field("1", leaf("1.1", 300))], ranking="dense"), values).results
    assert [r.rank for r in dense] == [1, 2, 2, 3]


def test_bands_are_inclusive_and_use_the_rounded_index():
    bands = (Band("tot", "Tốt", D(80)), Band("kha", "Khá", D("70.5")), Band("yeu", "Yếu", D(0)))
    assert band_for(D(80), bands) == "tot"
    assert band_for(D("79.99"), bands) == "kha"
    assert band_for(D("70.5"), bands) == "kha"
    assert band_for(D("70.49"), bands) == "yeu"
    assert band_for(D(50), bands[:2]) is None
    fw = make([field("1", leaf("1.1", 1000))])
    result = compute(fw, {"A": {"1.1": D("799.95")}}).results[0]  # index 79.995 → 80.00
    assert result.band == "tot"


def test_units_filter_by_group_and_units_without_values_get_a_row():
    fw = fw_simple()
    units = [UnitInfo("A", "Huyện A", "huyen"), UnitInfo("B", "Huyện B", "huyen"),
             UnitInfo("X", "Thành phố X", "thanhpho")]
    values = {"A": {"1.1": D(10)}, "X": {"1.1": D(40)}}
    rows = compute(fw, values, units).results
    assert [(r.unit_code, r.unit_name) for r in rows] == [("A", "Huyện A"), ("B", "Huyện B")]
    assert rows[1].achieved == 0 and len(rows[1].missing) == 5


def test_values_for_unknown_codes_are_refused():
    with pytest.raises(ValueError, match="'9.9'"):
        compute(fw_simple(), {"A": {"9.9": D(1)}})
    with pytest.raises(ValueError, match="above the max"):
        compute(fw_simple(), {"A": {"1.1": D(41)}})


def test_recompute_gives_the_same_results():
    fw = fw_simple()
    values = {"A": {"1.1": D(10), "1.2": NA}, "B": {"2.1": D(3)}}
    assert compute(fw, values).results == compute(fw, values).results


def test_sums_are_exact_beyond_the_context_precision():
    # 2/3 has 28 digits; adding 0.01 exactly needs 30, which a Decimal sum would round away.
    fw = make([field("1", leaf("1.1", D("0.01")), leaf("1.2", 1, "ratio", proportional=True))])
    full = compute(fw, {"A": {"1.1": D("0.01"), "1.2": (D(2), D(3))}}).results[0]
    na = compute(fw, {"A": {"1.1": NA, "1.2": (D(2), D(3))}}).results[0]
    assert full.achieved - D("0.01") == na.achieved == full.points["1.2"]
    assert full.fields["1"].achieved == full.achieved


def test_points_with_more_places_than_the_framework_are_scored_exactly():
    fw = fw_simple()
    first = compute(fw, {"A": {"1.1": D(30)}}).results[0]
    # A later value with six places makes the engine re-plan at a finer scale, mid-run.
    rows = compute(fw, {"A": {"1.1": D(30)}, "B": {"1.1": D("30.000001"), "2.1": NA}}).results
    assert [r.unit_code for r in rows] == ["B", "A"]
    assert rows[0].achieved == D("30.000001") and rows[0].max == D(60)
    assert rows[1] == replace(first, rank=2)
    assert rows[0].points["1.1"] == D("30.000001") and rows[0].points["2.1"] is None


def test_fields_read_like_a_dict():
    result = compute(fw_simple(), {"A": {"1.1": D(30), "1.2": NA, "2.1": D(1)}}).results[0]
    assert result.fields == {"1": (D(30), D(40), D(75)), "2": (D(1), D(40), D("2.5"))}
    assert result.fields.get("9") is None and list(result.fields) == ["1", "2"]


def test_unknown_codes_and_values_given_as_none():
    with pytest.raises(ValueError, match="unit 'A': '9.9' is not a leaf criterion"):
        compute(fw_simple(), {"A": {"1.1": D(1), "9.9": D(1)}})  # with leaves missing
    with pytest.raises(ValueError, match="unit 'A': '9.9' is not a leaf criterion"):
        compute(fw_simple(), {"A": {"1.1": D(1), "1.2": True, "2.1": D(1), "T.1": 0, "P.1": 0,
                                    "9.9": D(1)}})  # and with none missing
    result = compute(fw_simple(), {"A": {"1.1": None, "2.1": D(2)}}).results[0]
    assert result.achieved == D(2) and result.missing == ["1.2", "T.1", "P.1"]
