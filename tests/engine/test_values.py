from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.engine import values
from parindex.engine.values import NA, leaf_points, parse_value

from .helpers import field, leaf, make

FW = make([field(
    "1",
    leaf("p", 2),
    leaf("yn", 1, "yes_no"),
    leaf("lv", 2, "levels", levels=[{"label": "Đạt", "fraction": 1},
                                    {"label": "Đạt một phần", "fraction": D("0.5")},
                                    {"label": "Không đạt", "fraction": 0}]),
    leaf("ct", 1, "count", per_item=D("0.25")),
    leaf("rb", 2, "ratio", bands=[{"min": 1, "fraction": 1}, {"min": D("0.95"), "fraction": D("0.5")},
                                  {"min": 0, "fraction": 0}]),
    leaf("rp", 2, "ratio", proportional=True),
    leaf("sv", 10, "survey"),
)])
L = FW.leaves()


def points(code, raw):
    return leaf_points(L[code], parse_value(L[code], raw))


@pytest.mark.parametrize("code,raw,expected", [
    ("p", "1.5", D("1.5")), ("p", "1,5", D("1.5")), ("p", "0", D(0)), ("p", "2", D(2)),
    ("yn", "yes", D(1)), ("yn", "Có", D(1)), ("yn", "KHÔNG", D(0)), ("yn", "no", D(0)),
    ("lv", "Đạt", D(2)), ("lv", "đạt một phần", D(1)), ("lv", "Không đạt", D(0)),
    ("ct", "3", D("0.75")), ("ct", "10", D(1)), ("ct", "0", D(0)),
    ("rb", "50/50", D(2)), ("rb", "95/100", D(1)), ("rb", "94/100", D(0)), ("rb", "60/50", D(2)),
    ("rp", "45/50", D("1.8")), ("rp", "60/50", D(2)), ("rp", "0/5", D(0)),
    ("sv", "8.75", D("8.75")),
])
def test_rule_kinds(code, raw, expected):
    assert points(code, raw) == expected


@pytest.mark.parametrize("raw", ["NA", "na", "KAD", "kad", "Không áp dụng"])
def test_not_applicable_words(raw):
    for code in L:
        assert parse_value(L[code], raw) is NA
        assert leaf_points(L[code], NA) is None


def test_vietnamese_is_compared_after_nfc():
    decomposed = "Co\u0301"  # "Có" typed with a combining accent
    assert parse_value(L["yn"], decomposed) is True
    assert parse_value(L["lv"], "Đa\u0323t") == "Đạt"


@pytest.mark.parametrize("code,raw,message", [
    ("p", "2.5", "2.5 is above the max 2 of 'p'"),
    ("p", "-1", "below 0"),
    ("p", "abc", "'abc' is not a number"),
    ("yn", "maybe", "is not yes/no"),
    ("lv", "Tốt", "valid: 'Đạt', 'Đạt một phần', 'Không đạt'"),
    ("ct", "-1", "negative"),
    ("ct", "1.5", "not a whole number"),
    ("rb", "45/0", "denominator 0"),
    ("rb", "45", "not a ratio"),
    ("rb", "a/b", "not a ratio"),
    ("rb", "1/2/3", "not a ratio"),
    ("rb", "-1/2", "negative"),
    ("sv", "10.5", "above the max 10"),
    ("p", "", "empty"),
])
def test_bad_values(code, raw, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_value(L[code], raw)


def test_leaf_points_refuses_values_that_could_not_be_parsed():
    with pytest.raises(ValueError):
        leaf_points(L["p"], D(3))
    with pytest.raises(ValueError):
        leaf_points(L["lv"], "Tốt")
    with pytest.raises(ValueError):
        leaf_points(L["ct"], -1)


# --------------------------------------------------------------------------- messages, warnings


@pytest.mark.parametrize("code,raw,message,params", [
    ("rb", "abc/15", values.NOT_A_RATIO, {"value": "abc/15"}),
    ("p", "2.5", values.ABOVE_MAX, {"points": D("2.5"), "max": D(2), "code": "p"}),
    ("lv", "Tốt", values.NOT_A_LEVEL,
     {"value": "Tốt", "code": "lv", "levels": "'Đạt', 'Đạt một phần', 'Không đạt'"}),
    ("ct", "-1", values.NEGATIVE_COUNT, {"value": "-1", "code": "ct"}),
    ("p", " ", values.EMPTY, {}),
])
def test_a_refusal_is_a_message_id_with_parameters(code, raw, message, params):
    with pytest.raises(values.ValueProblem) as refused:
        parse_value(L[code], raw)
    assert (refused.value.message, refused.value.params) == (message, params)


def test_the_caller_translates_the_message_and_writes_the_numbers():
    with pytest.raises(values.ValueProblem) as refused:
        parse_value(L["p"], "2,5")
    catalogue = {values.ABOVE_MAX: "%(points)s vượt quá điểm tối đa %(max)s của '%(code)s'"}
    text = refused.value.text(catalogue.get, lambda number: str(number).replace(".", ","))
    assert text == "2,5 vượt quá điểm tối đa 2 của 'p'"
    assert str(refused.value) == "2.5 is above the max 2 of 'p'"


def test_a_long_typed_value_is_cut_in_the_message():
    with pytest.raises(values.ValueProblem) as refused:
        parse_value(L["p"], "x" * 10_000)
    assert len(str(refused.value)) < 80 and refused.value.params["value"].endswith("…")


def test_a_ratio_over_100_percent_is_scored_as_100_with_a_warning():
    value = parse_value(L["rp"], "20/15")
    assert leaf_points(L["rp"], value) == D(2)
    (warning,) = values.value_warnings(L["rp"], value)
    assert warning.message == values.OVER_FULL
    assert warning.params == {"value": "20/15", "percent": D(133)}
    assert "over 100% (133%)" in str(warning)
    assert values.value_warnings(L["rp"], parse_value(L["rp"], "15/15")) == []
    assert values.value_warnings(L["p"], parse_value(L["p"], "2")) == []
    assert values.value_warnings(L["rp"], values.NA) == []


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_warned_exactly_when_the_numerator_is_above_the_denominator(numerator, denominator):
    value = parse_value(L["rb"], f"{numerator}/{denominator}")
    assert bool(values.value_warnings(L["rb"], value)) == (numerator > denominator)
    assert leaf_points(L["rb"], value) <= L["rb"].max
