"""The province's self-assessment for the national index, built through the public services:
the national framework of examples/national, a province with three departments, the Sở Nội vụ
that runs the round, and their people."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings

from parindex.assessments import services
from parindex.assessments.models import Sheet
from parindex.engine.io import load_framework
from parindex.frameworks.services import import_framework
from parindex.units.models import Role, Unit, UnitGroup
from tests import cast
from tests.assessments.cycle import fresh

FRAMEWORK = Path(settings.BASE_DIR) / "examples" / "national" / "framework-par-index-2024.yaml"
K = Role.Kind
NOTE = "Báo cáo số 12/BC-UBND, lưu tại văn phòng"


def build_national(code: str = "nat2026") -> SimpleNamespace:
    tinh = UnitGroup.objects.get_or_create(code="tinh", defaults={"name": "Tỉnh"})[0]
    so = UnitGroup.objects.get_or_create(code="so", defaults={"name": "Sở"})[0]
    province = Unit.objects.create(code="PROV", name="UBND tỉnh Thử", group=tinh)
    snv, stp, sttt = (
        Unit.objects.create(code=c, name=n, group=so, parent=province)
        for c, n in (("SNV", "Sở Nội vụ"), ("STP", "Sở Tư pháp"), ("STTTT", "Sở Thông tin")))
    framework = import_framework(cast.administrator(), load_framework(FRAMEWORK))
    c = SimpleNamespace(
        province=province, snv=snv, stp=stp, sttt=sttt, framework=framework,
        manager=cast.round_manager(snv, f"{code}-manager"),
        viewer=cast.person(f"{code}-viewer", snv, K.VIEWER),
        snv_officer=cast.person(f"{code}-snv-officer", snv, K.OFFICER),
        stp_officer=cast.person(f"{code}-stp-officer", stp, K.OFFICER),
        stp_head=cast.person(f"{code}-stp-head", stp, K.HEAD),
        sttt_officer=cast.person(f"{code}-sttt-officer", sttt, K.OFFICER),
        outsider=cast.outsider(f"{code}-outsider"),
    )
    c.round = services.open_round(
        c.manager, code=code, name="Tự đánh giá Chỉ số CCHC năm 2026", year=2026,
        organiser=snv, frameworks=[framework], units=[province],
        deadlines=services.Deadlines(self_assessment=datetime.date(2030, 1, 31)),
    )
    c.sheet = Sheet.objects.get(round=c.round)
    return c


ASSIGNMENTS = [(2, "1", "SNV"), (3, "1.4", "STTTT"), (4, "2", "STP"), (5, "3", "SNV"),
               (6, "4", "SNV"), (7, "5", "SNV"), (8, "6", "SNV"), (9, "7", "STTTT"),
               (10, "8", "SNV")]


def assigned(c) -> SimpleNamespace:
    services.assign_criteria(c.manager, c.sheet, ASSIGNMENTS)
    return c


def value_for(leaf) -> str:
    """A value earning points for any rule of the national framework."""
    kind = leaf.rule.kind
    if kind == "yes_no":
        return "yes"
    if kind == "levels":
        return leaf.rule.levels[0].label
    if kind == "ratio":
        return "9/10"
    if kind == "count":
        return "1"
    return str(min(leaf.max, Decimal("0.5")))


def people_of(c, unit_code: str):
    return {"SNV": c.snv_officer, "STP": c.stp_officer, "STTTT": c.sttt_officer}[unit_code]


def draft_all(c, codes=None) -> None:
    """Each department drafts its leaves (all, or those in `codes`), each with a note."""
    from parindex.frameworks.selectors import engine_framework

    leaves = engine_framework(c.framework).leaves()
    for a in c.sheet.criterion_assignments.select_related("node", "unit"):
        if codes is None or a.node.code in codes:
            services.save_score(fresh(people_of(c, a.unit.code)), c.sheet, a.node.code, "self",
                                value_for(leaves[a.node.code]), NOTE, 0)


def accept_all(c) -> None:
    for a in c.sheet.criterion_assignments.all():
        services.review_criterion(fresh(c.manager), a, True)
