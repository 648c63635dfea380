"""Which units a framework of a year ranks: those valid at some time in that year."""

from datetime import date

import pytest

from parindex.engine.io import UnitRecord
from parindex.results.management.commands.compute import units_in_year, valid_in_year


def unit(valid_from=None, valid_to=None, group="so"):
    return UnitRecord("X", "Sở X", group, valid_from=valid_from, valid_to=valid_to)


@pytest.mark.parametrize("valid_from,valid_to,expected", [
    (None, None, True),
    (date(2021, 12, 31), None, True),        # created on the last day of the year
    (date(2022, 1, 1), None, False),         # created after it
    (None, date(2021, 1, 1), True),          # ended on its first day
    (None, date(2020, 12, 31), False),       # ended before it
    (date(2019, 5, 1), date(2025, 2, 28), True),
    (date(2021, 6, 1), date(2021, 6, 30), True),
])
def test_valid_in_year(valid_from, valid_to, expected):
    assert valid_in_year(unit(valid_from, valid_to), 2021) is expected


def test_units_in_year_keeps_the_group_and_the_order():
    units = [unit(), unit(group="huyen"), unit(date(2025, 3, 1)), unit(None, date(2025, 2, 28))]
    assert units_in_year(units, "so", 2021) == [units[0], units[3]]
    assert units_in_year(units, "so", 2025) == [units[0], units[2], units[3]]
