"""Service figures: the command line import, and the monthly index ranking units per month."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from parindex.engine.compute import round2
from parindex.engine.framework import framework_from_dict
from parindex.frameworks.services import import_framework
from parindex.plans.models import ServiceMonth
from parindex.plans.service_index import monthly_index, service_frameworks

FIGURES = ("unit,month,received,on_time,late,online,digitised,satisfaction\n"
           "H01,01/2026,100,100,0,80,50,90\nH02,01/2026,100,90,10,40,20,80\n"
           "H01,02/2026,100,80,20,30,10,70\nH02,02/2026,50,50,0,50,50,99\n")


def index_framework() -> dict:
    def leaf(code, numerator, denominator):
        return {"code": code, "title": code, "max": 5, "rule": {"kind": "ratio",
                                                                 "proportional": True},
                "source": {"kind": "service_ratio", "numerator": numerator,
                           "denominator": denominator}}
    return {"code": "dvc-2026", "name": "Chỉ số phục vụ hằng tháng 2026", "year": 2026,
            "unit_group": "huyen", "nodes": [{"code": "1", "title": "Phục vụ", "children": [
                leaf("1.1", "on_time", "received"), leaf("1.2", "online", "received"),
                leaf("1.3", "digitised", "received")]}]}


@pytest.fixture
def figures(plans, tmp_path):
    path = tmp_path / "dvc.csv"
    path.write_text(FIGURES, encoding="utf-8")
    call_command("import_service_data", str(path), "--as", plans.manager.username)
    return plans


def test_the_command_imports_as_its_actor_and_refuses_a_bad_file_whole(plans, tmp_path):
    path = tmp_path / "dvc.csv"
    path.write_text(FIGURES + "H01,03/2026,10,20,0,1,1,\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_service_data", str(path), "--as", plans.manager.username)
    assert caught.value.returncode == 2 and not ServiceMonth.objects.exists()
    path.write_text(FIGURES, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_service_data", str(path), "--as", plans.officer.username)
    assert not ServiceMonth.objects.exists()


def test_the_monthly_index_ranks_the_units_each_month(figures):
    assert service_frameworks(2026) == []  # the round's framework mixes other sources
    fw = import_framework(figures.admin, framework_from_dict(index_framework()))
    assert service_frameworks(2026) == [fw]
    rankings, trends = monthly_index(fw, 2026)
    ranks = {r.month.month: [(row.rank, row.unit_code, round2(row.index)) for row in r.rows]
             for r in rankings}
    # January: H01 5 + 4 + 2.5 of 15, H02 4.5 + 2 + 1; February: H02 has everything.
    assert ranks[1] == [(1, "H01", Decimal("76.67")), (2, "H02", Decimal("50.00"))]
    assert ranks[2] == [(1, "H02", Decimal("100.00")), (2, "H01", Decimal("40.00"))]
    assert [t.unit_code for t in trends] == ["H01", "H02"]
    page = Client()
    page.force_login(figures.outsider)
    html = page.get("/plans/index/?year=2026&month=2").content.decode()
    assert html.index("UBND huyện 2") < html.index("UBND huyện 1") and "<polyline" in html


def test_the_monthly_index_page_without_a_service_framework(figures):
    page = Client()
    page.force_login(figures.officer)
    assert page.get("/plans/index/?year=2026").status_code == 200
