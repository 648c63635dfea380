import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex import history
from parindex.assessments.models import Round, Score
from parindex.assessments.services import create_round, import_scores
from parindex.engine.io import InputError
from parindex.frameworks.services import import_framework
from parindex.history.models import Change
from parindex.results.services import verify_points
from parindex.units.models import Role, Unit
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


@pytest.fixture
def round(tmp_path):
    rows = district_rows(3) + [
        {"code": "SNV", "name": "Sở Nội vụ", "unit_group": "so", "parent_code": "GL"},
        {"code": "STP", "name": "Sở Tư pháp", "unit_group": "so", "parent_code": "GL"},
        {"code": "X01", "name": "UBND xã 1", "unit_group": "xa", "parent_code": "H01"},
    ]
    import_units(cast.administrator(), write_units(tmp_path / "units.csv", rows))
    import_framework(cast.administrator(), mini_framework(code="fw-huyen"))
    import_framework(cast.administrator(), mini_framework(code="fw-so", group="so", fields=1))
    boss = cast.person("snv-boss", Unit.objects.get(code="SNV"), Role.Kind.MANAGER)
    return create_round(
        boss,
        "r2021",
        "Chỉ số CCHC 2021",
        2021,
        "SNV",
        ["fw-huyen", "fw-so"],
        decision_number="197/QĐ-UBND",
        published_on=datetime.date(2022, 4, 15),
    )


@pytest.fixture
def manager(round):
    """A round manager of SNV, the unit organising the test round."""
    return cast.person("snv-manager", Unit.objects.get(code="SNV"), Role.Kind.MANAGER)


def test_create_round(round):
    assert round.organiser.code == "SNV"
    assert sorted(round.frameworks.values_list("code", flat=True)) == ["fw-huyen", "fw-so"]
    assert round.decision_number == "197/QĐ-UBND"
    assert round.published_on == datetime.date(2022, 4, 15)


def test_create_round_is_a_door_for_the_organisers_manager(round, manager):
    council = cast.person("snv-council", Unit.objects.get(code="SNV"), Role.Kind.COUNCIL)
    with pytest.raises(PermissionDenied):
        create_round(council, "r2022", "x", 2022, "SNV", ["fw-huyen"])
    assert not Round.objects.filter(code="r2022").exists()

    created = create_round(manager, "r2022", "Chỉ số 2022", 2022, "SNV", ["fw-huyen"])
    change = Change.objects.get(action="create", object_id=created.pk, object_type__model="round")
    assert change.actor == manager and change.scope_id == created.pk
    assert change.after == {"code": "r2022", "name": "Chỉ số 2022", "year": 2022,
                            "kind": "results", "organiser": "SNV", "frameworks": ["fw-huyen"]}


def test_create_round_errors(round):
    import_framework(cast.administrator(), mini_framework(code="fw-huyen-b"))
    with pytest.raises(ValidationError) as info:
        create_round(cast.administrator(), "r2021", "x", 2021, "NOPE",
                     ["fw-huyen", "fw-huyen-b", "ghost"])
    text = " ".join(info.value.messages)
    assert "already exists" in text and "NOPE" in text and "ghost" in text
    assert "same unit group" in text
    assert Round.objects.count() == 1


def test_import_scores_stores_values_as_typed(round, manager, tmp_path):
    so_values = {k: v for k, v in GOOD_VALUES.items() if not k.startswith("2.")}
    rows = score_rows(["H01", "H02"]) + score_rows(["SNV"], so_values, stage="self")
    rows[0]["note"] = "có quyết định"
    rows[1]["value"] = ""  # blank: as if the row were not there
    summary = import_scores(manager, round, write_scores(tmp_path / "s.csv", rows))

    assert (summary.rows, summary.created, summary.updated) == (25, 25, 0)
    score = Score.objects.get(unit__code="H01", node__code="1.1")
    assert (score.value, score.stage, score.note) == ("yes", "appraised", "có quyết định")
    assert Score.objects.get(unit__code="H02", node__code="2.3.2").value == "1,25"
    assert Score.objects.filter(unit__code="SNV", stage="self").count() == 6
    assert not Score.objects.filter(unit__code="H01", node__code="1.2").exists()


def test_reimport_replaces_values_bumps_versions_and_keeps_history(round, manager, tmp_path):
    import_scores(manager, round, write_scores(tmp_path / "a.csv", score_rows(["H01"])))
    changed = dict(GOOD_VALUES, **{"1.1": "no"})
    summary = import_scores(manager, round, write_scores(tmp_path / "b.csv", score_rows(["H01"], changed)))

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 9)
    score = Score.objects.get(unit__code="H01", node__code="1.1")
    assert (score.value, score.version) == ("no", 2)
    assert Score.objects.get(unit__code="H01", node__code="1.2").version == 1
    change = Change.objects.get(part="1.1")
    assert (change.old, change.new, change.reason) == ("yes", "no", "import b.csv")


def test_import_errors_name_row_and_column_and_write_nothing(round, manager, tmp_path):
    import_scores(manager, round, write_scores(tmp_path / "a.csv", score_rows(["H01"])))
    before = list(Score.objects.values_list("pk", "value", "version").order_by("pk"))
    rows = [
        {"unit_code": "H02", "criterion_code": "1.1", "value": "yes"},  # row 2: fine
        {"unit_code": "GHOST", "criterion_code": "1.1", "value": "yes"},  # 3
        {"unit_code": "X01", "criterion_code": "1.1", "value": "yes"},  # 4: group xa
        {"unit_code": "H02", "criterion_code": "9.9", "value": "1"},  # 5
        {"unit_code": "H02", "criterion_code": "1.3", "value": "1"},  # 6: not a leaf
        {"unit_code": "H02", "criterion_code": "1.2", "value": "90%"},  # 7: unknown level
        {"unit_code": "H02", "criterion_code": "1.3.2", "value": "1.5"},  # 8: above max 1.25
        {"unit_code": "H02", "criterion_code": "1.3.1", "value": "3/0"},  # 9
        {"unit_code": "SNV", "criterion_code": "2.1", "value": "yes"},  # 10: so has 1 field
        {"unit_code": "H02", "criterion_code": "1.1", "value": "no"},  # 11: duplicate of row 2
        {"unit_code": "H02", "criterion_code": "T.1", "value": "-1", "stage": "final"},  # 12
    ]
    with pytest.raises(InputError) as info:
        import_scores(manager, round, write_scores(tmp_path / "bad.csv", rows))
    # Wrong stage is a shape error: the reader reports it before anything else is checked.
    assert [(e.row, e.column) for e in info.value.errors] == [(12, "stage")]

    del rows[-1]
    with pytest.raises(InputError) as info:
        import_scores(manager, round, write_scores(tmp_path / "bad.csv", rows))
    found = [(e.row, e.column) for e in info.value.errors]
    assert found == [
        (3, "unit_code"),
        (4, "unit_code"),
        (5, "criterion_code"),
        (6, "criterion_code"),
        (7, "value"),
        (8, "value"),
        (9, "value"),
        (10, "criterion_code"),
        (11, "criterion_code"),
    ]
    text = "\n".join(str(e) for e in info.value.errors)
    assert "bad.csv:row 3, column unit_code: unknown unit 'GHOST'" in text
    assert "'X01' is not in the unit group of any framework" in text
    assert "not a leaf" in text and "90%" in text and "above the max" in text
    assert "denominator 0" in text and "on row 2" in text
    assert list(Score.objects.values_list("pk", "value", "version").order_by("pk")) == before


def test_import_scores_command(round, manager, tmp_path, capsys):
    call_command(
        "import_scores", "r2021", str(write_scores(tmp_path / "a.csv", score_rows(["H03"]))),
        "--as", "snv-manager",
    )
    assert "10 created" in capsys.readouterr().out
    assert Score.objects.filter(updated_by=manager).count() == 10
    with pytest.raises(CommandError, match="unknown round"):
        call_command("import_scores", "nope", str(tmp_path / "a.csv"), "--as", "snv-manager")
    bad = write_scores(
        tmp_path / "b.csv", [{"unit_code": "H03", "criterion_code": "1.1", "value": "maybe"}]
    )
    with pytest.raises(CommandError) as info:
        call_command("import_scores", "r2021", str(bad), "--as", "snv-manager")
    assert info.value.returncode == 2
    assert "row 2, column value" in capsys.readouterr().err


def test_an_import_read_in_chunks_is_still_all_or_nothing_and_stores_the_points(
        round, manager, tmp_path, monkeypatch):
    monkeypatch.setattr("parindex.assessments.services.imports.CHUNK", 3)
    rows = score_rows(["H01", "H02"])
    bad = [*rows[:-1], {**rows[-1], "value": "90%"}]  # the last row, in the last chunk
    logged = history.for_scope(round).count()
    with pytest.raises(InputError) as info:
        import_scores(manager, round, write_scores(tmp_path / "bad.csv", bad))
    assert [(e.row, e.column) for e in info.value.errors] == [(len(bad) + 1, "value")]
    assert not Score.objects.exists() and history.for_scope(round).count() == logged

    summary = import_scores(manager, round, write_scores(tmp_path / "ok.csv", rows))
    assert summary.created == len(rows) == Score.objects.count()
    assert Score.objects.filter(points__isnull=False).count() > len(rows) // 2
    assert verify_points(round) == []  # every stored point is the engine's
