import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex.engine.io import InputError
from parindex.units.models import Unit, UnitGroup
from parindex.units.services import import_units
from tests import cast

from ..frameworks.factories import district_rows, write_units

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(UnitGroup.objects.values_list("code", "name")),
        sorted(
            Unit.objects.values_list(
                "code", "name", "group__code", "parent__code", "kind", "valid_from", "valid_to"
            )
        ),
        sorted(Unit.predecessors.through.objects.values_list("from_unit__code", "to_unit__code")),
    )


def test_creates_groups_units_parents_and_predecessors(tmp_path):
    rows = district_rows(2) + [
        {
            "code": "STC",
            "name": "Sở Tài chính",
            "unit_group": "so",
            "parent_code": "GL",
            "valid_to": "2025-02-28",
        },
        {
            "code": "SKHDT",
            "name": "Sở KH&ĐT",
            "unit_group": "so",
            "parent_code": "GL",
            "valid_to": "2025-02-28",
        },
        # Predecessors and parent listed earlier in the same file resolve.
        {
            "code": "STC2025",
            "name": "Sở Tài chính",
            "unit_group": "so",
            "parent_code": "GL",
            "valid_from": "2025-03-01",
            "predecessors": "STC;SKHDT",
        },
    ]
    summary = import_units(cast.administrator(), write_units(tmp_path / "units.csv", rows))

    assert (summary.created, summary.updated, summary.groups_created) == (6, 0, 3)
    assert UnitGroup.objects.get(code="huyen").name == "UBND cấp huyện"
    h1 = Unit.objects.get(code="H01")
    assert h1.parent.code == "GL" and h1.group.code == "huyen" and h1.kind == "huyen"
    new = Unit.objects.get(code="STC2025")
    assert new.valid_from == datetime.date(2025, 3, 1) and new.valid_to is None
    assert sorted(new.predecessors.values_list("code", flat=True)) == ["SKHDT", "STC"]
    assert list(Unit.objects.get(code="STC").successors.values_list("code", flat=True)) == [
        "STC2025"
    ]


def test_reimport_updates_by_code_and_resolves_against_the_database(tmp_path):
    import_units(cast.administrator(), write_units(tmp_path / "a.csv", district_rows(3)))
    # The second file names only changed units; its parent GL is already stored.
    summary = import_units(
        cast.administrator(),
        write_units(
            tmp_path / "b.csv",
            [
                {
                    "code": "H01",
                    "name": "UBND thị xã 1",
                    "unit_group": "huyen",
                    "parent_code": "GL",
                    "valid_to": "2025-06-30",
                },
                {
                    "code": "X01",
                    "name": "UBND xã 1",
                    "unit_group": "xa",
                    "parent_code": "H01",
                    "predecessors": "H02",
                },
            ],
        )
    )
    assert (summary.created, summary.updated) == (1, 1)
    h1 = Unit.objects.get(code="H01")
    assert h1.name == "UBND thị xã 1" and h1.valid_to == datetime.date(2025, 6, 30)
    assert h1.kind == ""  # the file is the truth for the columns of its rows
    assert Unit.objects.get(code="X01").parent == h1
    assert Unit.objects.count() == 5


def test_errors_name_rows_and_columns_and_nothing_is_written(tmp_path):
    import_units(cast.administrator(), write_units(tmp_path / "a.csv", district_rows(1)))
    before = snapshot()
    rows = [
        {"code": "H01", "name": "renamed", "unit_group": "huyen", "parent_code": "NOPE"},
        {"code": "H02", "name": "ok", "unit_group": "huyen", "parent_code": "GL"},
        {"code": "H03", "name": "x", "unit_group": "huyen", "predecessors": "H02;GHOST"},
        {"code": "H04", "name": "x", "unit_group": "huyen", "predecessors": "H04"},
        {"code": "NEWG", "name": "new group", "unit_group": "brand-new"},
    ]
    with pytest.raises(InputError) as info:
        import_units(cast.administrator(), write_units(tmp_path / "b.csv", rows))

    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {(2, "parent_code"), (4, "predecessors"), (5, "predecessors")}
    messages = " ".join(e.message for e in info.value.errors)
    assert "NOPE" in messages and "GHOST" in messages
    assert all(e.file == "b.csv" for e in info.value.errors)
    assert snapshot() == before


def test_errors_of_the_file_itself_come_from_the_reader(tmp_path):
    rows = [
        {
            "code": "A",
            "name": "x",
            "unit_group": "huyen",
            "valid_from": "2024-01-01",
            "valid_to": "2023-12-31",
        },
        {"code": "A", "name": "x", "unit_group": "huyen", "valid_from": "31/02/2024"},
    ]
    with pytest.raises(InputError) as info:
        import_units(cast.administrator(), write_units(tmp_path / "b.csv", rows))
    assert {(e.row, e.column) for e in info.value.errors} == {
        (2, "valid_to"),
        (3, "code"),
        (3, "valid_from"),
    }
    assert not Unit.objects.exists() and not UnitGroup.objects.exists()


def test_a_cycle_of_parents_is_an_error(tmp_path):
    # GL is stored with no parent; the file makes GL a child of H01, whose parent is GL.
    import_units(cast.administrator(), write_units(tmp_path / "a.csv", district_rows(1)))
    before = snapshot()
    rows = [
        {"code": "GL", "name": "Tỉnh", "unit_group": "tinh", "parent_code": "H01"},
        {"code": "A", "name": "A", "unit_group": "x", "parent_code": "A"},
    ]
    with pytest.raises(InputError) as info:
        import_units(cast.administrator(), write_units(tmp_path / "b.csv", rows))
    assert {(e.row, e.column) for e in info.value.errors} == {
        (2, "parent_code"),
        (3, "parent_code"),
    }
    assert "cycle" in info.value.errors[0].message
    assert snapshot() == before


def test_command_prints_summary_or_every_error(tmp_path, capsys):
    call_command("import_units", "--as", cast.administrator().username,
                 str(write_units(tmp_path / "a.csv", district_rows(2))))
    assert "3 created, 0 updated" in capsys.readouterr().out

    bad = write_units(
        tmp_path / "b.csv",
        [
            {"code": "Z1", "name": "z", "unit_group": "huyen", "parent_code": "NOPE"},
            {"code": "Z2", "name": "z", "unit_group": "huyen", "predecessors": "NADA"},
        ],
    )
    with pytest.raises(CommandError) as info:
        call_command("import_units", "--as", cast.administrator().username, str(bad))
    assert info.value.returncode == 2
    err = capsys.readouterr().err
    assert "NOPE" in err and "NADA" in err
    assert not Unit.objects.filter(code__startswith="Z").exists()


def test_units_valid_in_a_year(tmp_path):
    from parindex.units.selectors import units_valid_in

    rows = district_rows(1) + [
        {"code": "OLD", "name": "old", "unit_group": "so", "valid_to": "2025-02-28"},
        {
            "code": "NEW",
            "name": "new",
            "unit_group": "so",
            "valid_from": "2025-03-01",
            "predecessors": "OLD",
        },
    ]
    import_units(cast.administrator(), write_units(tmp_path / "u.csv", rows))
    codes = lambda year, groups=None: [u.code for u in units_valid_in(year, groups)]  # noqa: E731
    assert codes(2021) == ["GL", "H01", "OLD"]
    assert codes(2025, ["so"]) == ["NEW", "OLD"]
    assert codes(2026, ["so"]) == ["NEW"]
