"""`parindex import-plan`: a plan and its tasks from a spreadsheet, all or nothing, as the
person named by --as; the tasks feed the sheets at once."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from parindex.assessments.models import Score
from parindex.plans.models import Plan, Task

HEADER = "code,title,field,responsible,cooperating,deadline,output\n"


def run(plans, path, *, who=None, unit="H02"):
    call_command("import_plan", str(path), "--unit", unit, "--year", "2026", "--title",
                 "Kế hoạch CCHC 2026 của huyện 2", "--issued-on", "2026-01-10",
                 "--as", (who or plans.other_officer).username)


def test_a_plan_and_its_tasks_are_imported_and_fill_the_sheet(plans, tmp_path):
    path = tmp_path / "ke-hoach.csv"
    path.write_text(HEADER + "A1,Rà soát TTHC,Cải cách TTHC,H02,\"H01, SNV\",31/03/2026,Báo cáo\n"
                    "A2,Số hóa hồ sơ,Chính quyền số,H02,,2026-06-30,\n", encoding="utf-8")
    run(plans, path)
    plan = Plan.objects.get(unit=plans.units[1], year=2026)
    assert [t.code for t in plan.tasks.order_by("code")] == ["A1", "A2"]
    assert sorted(u.code for u in Task.objects.get(code="A1").cooperating.all()) == [
        "H01", "SNV"]
    score = Score.objects.get(round=plans.round, unit=plans.units[1], node__code="1.2",
                              stage="self")
    assert score.value == "0/2"


def test_a_bad_file_writes_nothing_and_names_each_row(plans, tmp_path, capsys):
    path = tmp_path / "ke-hoach.csv"
    path.write_text(HEADER + "A1,Rà soát,,H02,,31/03/2026,\nA1,,,H99,ZZ,31/02/2026,\n",
                    encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run(plans, path)
    assert caught.value.returncode == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "H99" in err and "ZZ" in err and "31/02/2026" in err
    assert not Plan.objects.filter(unit=plans.units[1]).exists()
    assert not Task.objects.filter(code="A1").exists()


def test_another_units_officer_is_refused(plans, tmp_path):
    path = tmp_path / "ke-hoach.csv"
    path.write_text(HEADER + "A1,Rà soát,,H02,,31/03/2026,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run(plans, path, who=plans.officer)
    assert not Plan.objects.filter(unit=plans.units[1]).exists()
