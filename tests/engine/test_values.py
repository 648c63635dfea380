from decimal import Decimal as D

import pytest

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
