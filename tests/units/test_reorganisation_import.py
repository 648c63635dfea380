import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex.engine.io import REORGANISATION_COLUMNS, InputError
from parindex.history.models import Change
from parindex.units.models import Reorganisation, ReorganisationLine, Unit, UnitGroup
from parindex.units.services import import_reorganisations, import_units
from tests import cast

from ..frameworks.factories import write_csv, write_units

pytestmark = pytest.mark.django_db

MERGER = {
    "reorganisation": "nq-1664-2025",
    "date": "1/7/2025",
    "legal_basis": "Nghị quyết 1664/NQ-UBTVQH15",
    "weight_name": "population",
}


@pytest.fixture
def communes(tmp_path):
    import_units(cast.administrator(), write_units(tmp_path / "units.csv", [
        {"code": "GL", "name": "UBND tỉnh Gia Lai", "unit_group": "tinh"},
        {"code": "X1", "name": "UBND xã Ia Sao", "unit_group": "xa", "parent_code": "GL"},
        {"code": "X2", "name": "UBND xã Ia Yok", "unit_group": "xa", "parent_code": "GL"},
        {"code": "X3", "name": "UBND xã Ia Pếch", "unit_group": "xa", "parent_code": "GL"},
    ]))


def write(tmp_path, rows, name="reorg.csv"):
    return write_csv(tmp_path / name, list(REORGANISATION_COLUMNS), rows)


def merger_rows(**changes):
    return [
        {**MERGER, "old_unit": "X1", "new_unit": "XN", "new_name": "UBND xã Ia Grai",
         "new_group": "xa", "new_parent": "GL", "weight": "12000", **changes},
        {**MERGER, "old_unit": "X2", "new_unit": "XN", "new_name": "UBND xã Ia Grai",
         "new_group": "xa", "new_parent": "GL", "weight": "8000", **changes},
    ]


def state():
    return (
        sorted(Unit.objects.values_list("code", "valid_to", "ended_by__code", "parent__code")),
        sorted(ReorganisationLine.objects.values_list("old_unit__code", "new_unit__code",
                                                      "weight")),
        Reorganisation.objects.count(),
        Change.objects.count(),
    )


def test_records_a_merger_with_weights_history_and_predecessors(communes, tmp_path):
    admin = cast.administrator()
    summary = import_reorganisations(admin, write(tmp_path, merger_rows()))

    assert (summary.reorganisations, summary.lines, summary.units_created,
            summary.units_ended) == (1, 2, 1, 2)
    new = Unit.objects.get(code="XN")
    assert new.valid_from == datetime.date(2025, 7, 1) and new.parent.code == "GL"
    assert sorted(new.predecessors.values_list("code", flat=True)) == ["X1", "X2"]
    x1 = Unit.objects.get(code="X1")
    assert x1.valid_to == datetime.date(2025, 6, 30) and x1.ended_by.code == "nq-1664-2025"
    assert Unit.objects.get(code="X3").ended_by is None
    reorganisation = Reorganisation.objects.get()
    assert reorganisation.weight_name == "population" and reorganisation.comparable
    assert sorted(reorganisation.lines.values_list("old_unit__code", "weight")) == [
        ("X1", Decimal("12000")), ("X2", Decimal("8000"))]
    actions = sorted(Change.objects.filter(actor=admin).values_list("action", "object_repr"))
    assert ("create", "UBND xã Ia Grai") in actions
    assert ("update", "UBND xã Ia Sao") in actions
    assert any(a == "import" for a, _ in actions)


def test_not_comparable_and_existing_new_unit(communes, tmp_path):
    rows = [{**MERGER, "old_unit": "X1", "new_unit": "X3", "comparable": "không"}]
    import_reorganisations(cast.administrator(), write(tmp_path, rows))
    assert not Reorganisation.objects.get().comparable
    assert Unit.objects.get(code="X3").ended_by is None
    assert list(Unit.objects.get(code="X3").predecessors.values_list("code", flat=True)) == ["X1"]


@pytest.mark.parametrize(("rows", "column", "message"), [
    (merger_rows(old_unit="NOPE")[:1], "old_unit", "unknown unit 'NOPE'"),
    (merger_rows(date="31/2/2025")[:1], "date", "is not a date"),
    (merger_rows(weight="-3")[:1], "weight", "is not a weight"),
    (merger_rows(weight="many")[:1], "weight", "is not a weight"),
    (merger_rows(comparable="maybe")[:1], "comparable", "is not yes or no"),
    (merger_rows(new_group="")[:1], "new_group", "needs a unit group"),
    (merger_rows(new_group="nope")[:1], "new_group", "unknown unit group 'nope'"),
    (merger_rows(new_name="")[:1], "new_name", "needs a name"),
    (merger_rows(new_parent="ZZ")[:1], "new_parent", "unknown parent unit 'ZZ'"),
    (merger_rows(legal_basis="")[:1], "legal_basis", "legal_basis is empty"),
    (merger_rows(new_unit="X1")[:1], "new_unit", "cannot flow into itself"),
    (merger_rows()[:1] * 2, "new_unit", "already on row 2"),
    ([merger_rows()[0], {**merger_rows()[1], "date": "2/7/2025"}], "reorganisation",
     "differ from row 2"),
    ([merger_rows()[0], {**merger_rows()[0], "reorganisation": "other", "new_unit": "X3"}],
     "old_unit", "already ends on row 2"),
])
def test_bad_lines_are_refused_with_their_row_and_nothing_is_written(
    communes, tmp_path, rows, column, message
):
    before = state()
    with pytest.raises(InputError) as caught:
        import_reorganisations(cast.administrator(), write(tmp_path, rows))
    issues = caught.value.errors
    assert any(i.column == column and message in i.text() and i.row in (2, 3) for i in issues), [
        str(i) for i in issues]
    assert state() == before


def test_a_unit_cannot_end_twice_nor_a_reorganisation_be_recorded_twice(communes, tmp_path):
    import_reorganisations(cast.administrator(), write(tmp_path, merger_rows()))
    before = state()
    with pytest.raises(InputError) as caught:
        import_reorganisations(cast.administrator(), write(tmp_path, merger_rows()))
    texts = [i.text() for i in caught.value.errors]
    assert "reorganisation 'nq-1664-2025' is already recorded" in texts
    assert "unit 'X1' already ended with 'nq-1664-2025'" in texts
    assert state() == before


def test_bad_header_and_empty_file(communes, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("reorganisation,date,surprise\nr,1/7/2025,x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_reorganisations(cast.administrator(), path)
    texts = [i.text() for i in caught.value.errors]
    assert any("unknown column 'surprise'" in t for t in texts)
    assert "missing column 'old_unit'" in texts
    with pytest.raises(InputError):
        import_reorganisations(cast.administrator(), write(tmp_path, []))
    assert Reorganisation.objects.count() == 0


def test_only_administrators_and_the_command(communes, tmp_path, capsys):
    path = write(tmp_path, merger_rows())
    with pytest.raises(CommandError):
        call_command("import_reorganisation", str(path), "--as", cast.outsider().username)
    assert Reorganisation.objects.count() == 0
    bad = write(tmp_path, merger_rows(old_unit="NOPE")[:1], name="bad.csv")
    admin = cast.administrator()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_reorganisation", str(bad), "--as", admin.username)
    assert "unknown unit 'NOPE'" in capsys.readouterr().err
    call_command("import_reorganisation", str(path), "--as", admin.username)
    assert "1 reorganisations, 2 lines" in capsys.readouterr().out
    assert UnitGroup.objects.filter(code="xa").exists()
