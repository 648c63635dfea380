"""A round on a framework whose leaves declare sources, with two districts' plans, reports and
service figures, built through the public services."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from parindex.assessments import services as rounds
from parindex.assessments.models import Sheet
from parindex.engine.framework import framework_from_dict
from parindex.frameworks.services import import_framework
from parindex.plans import services
from parindex.units.models import Unit, UnitGroup
from tests import cast

YEAR = 2026
D = datetime.date


def sourced_framework(code: str = "nguon-2026") -> dict:
    leaf = {"max": 2, "rule": {"kind": "ratio", "proportional": True}}
    return {
        "code": code, "name": "Bộ chỉ số có nguồn dữ liệu", "year": YEAR, "unit_group": "huyen",
        "nodes": [{"code": "1", "title": "Công tác chỉ đạo điều hành", "children": [
            {"code": "1.1", "title": "Ban hành kế hoạch CCHC đúng hạn", "max": 1,
             "rule": {"kind": "yes_no"},
             "source": {"kind": "plan_issued_by", "by": "2026-01-31"}},
            {"code": "1.2", "title": "Tỷ lệ nhiệm vụ hoàn thành đúng hạn", **leaf,
             "source": {"kind": "plan_tasks_on_time"}},
            {"code": "1.3", "title": "Báo cáo định kỳ đúng hạn", "max": 2,
             "rule": {"kind": "count", "per_item": 0.5},
             "source": {"kind": "reports_on_time", "reports": "q1, half, q3"}},
            {"code": "1.4", "title": "Tự chấm", "max": 1, "rule": {"kind": "points"}},
        ]}, {"code": "2", "title": "Cải cách TTHC", "children": [
            {"code": "2.1", "title": "Tỷ lệ hồ sơ trực tuyến", **leaf,
             "source": {"kind": "service_ratio", "numerator": "online",
                        "denominator": "received"}},
        ]}],
    }


def build(open_round: bool = True) -> SimpleNamespace:
    tinh = UnitGroup.objects.get_or_create(code="tinh", defaults={"name": "Tỉnh"})[0]
    huyen = UnitGroup.objects.get_or_create(code="huyen", defaults={"name": "Huyện"})[0]
    snv = Unit.objects.get_or_create(code="SNV", defaults={"name": "Sở Nội vụ",
                                                           "group": tinh})[0]
    units = [Unit.objects.create(code=f"H{i:02d}", name=f"UBND huyện {i}", group=huyen,
                                 parent=snv) for i in (1, 2)]
    c = SimpleNamespace(snv=snv, units=units, **cast.round_people("p2026", snv, units))
    c.admin = cast.administrator()
    c.framework = import_framework(c.admin, framework_from_dict(sourced_framework()))
    c.plan = services.save_plan(c.officer, units[0], YEAR, "Kế hoạch CCHC năm 2026",
                                "05/KH-UBND", D(2026, 1, 20))
    c.tasks = [
        services.add_task(c.officer, c.plan, f"NV{i}", f"Nhiệm vụ {i}", units[0],
                          D(2026, i, 28), field="Cải cách TTHC" if i % 2 else "Chỉ đạo")
        for i in (1, 2, 3, 4)
    ]
    c.reports = {}
    for kind, due in (("q1", D(2026, 3, 15)), ("half", D(2026, 6, 15))):
        c.reports[kind] = services.request_reports(
            c.manager, snv, units, YEAR, kind, f"Báo cáo CCHC {kind}", due)
    if open_round:
        c.round = rounds.open_round(
            c.manager, code="p2026", name="Chỉ số CCHC 2026", year=YEAR, organiser=snv,
            frameworks=[c.framework], units=units,
            deadlines=rounds.Deadlines(self_assessment=D(2030, 1, 31)))
        rounds.assign(c.manager, c.round, c.appraiser, units[0])
        c.sheet = Sheet.objects.get(round=c.round, unit=units[0])
    return c


@pytest.fixture
def plans(db):
    return build()
