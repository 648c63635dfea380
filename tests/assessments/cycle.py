"""A small round with every role, built through the public services (no demo data needed)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from parindex.assessments import services
from parindex.assessments.models import Sheet
from parindex.frameworks.models import Node
from parindex.frameworks.services import import_framework
from parindex.units.models import Unit, UnitGroup
from tests import cast
from tests.frameworks.factories import mini_framework

# A value per leaf of mini_framework(fields=2) that earns points, and the note for the leaves
# that have no evidence.
FILLED = {
    "1.1": "yes", "1.2": "80-<100%", "1.3.1": "96/100", "1.3.2": "1",
    "2.1": "không", "2.2": "100%", "2.3.1": "NA", "2.3.2": "1,25",
    "T.1": "3", "P.1": "0.5",
}


def build_cycle(units: int = 2, fields: int = 2, code: str = "r2023") -> SimpleNamespace:
    tinh = UnitGroup.objects.get_or_create(code="tinh", defaults={"name": "Tỉnh"})[0]
    huyen = UnitGroup.objects.get_or_create(code="huyen", defaults={"name": "Huyện"})[0]
    organiser = Unit.objects.get_or_create(
        code="SNV", defaults={"name": "Sở Nội vụ", "group": tinh}
    )[0]
    assessed = [
        Unit.objects.create(code=f"H{i:02d}", name=f"UBND huyện {i}", group=huyen)
        for i in range(1, units + 1)
    ]
    framework = import_framework(
        cast.administrator(), mini_framework(code=f"{code}-huyen", year=2023, fields=fields)
    )
    c = SimpleNamespace(organiser=organiser, units=assessed, framework=framework,
                        **cast.round_people(code, organiser, assessed))
    c.round = services.open_round(
        c.manager, code=code, name=f"Kỳ đánh giá {code}", year=2023, organiser=organiser,
        frameworks=[framework], units=assessed,
        deadlines=services.Deadlines(
            self_assessment=datetime.date(2030, 1, 31),
            explanation=datetime.date(2030, 3, 1),
        ),
    )
    for unit in assessed:
        services.assign(c.manager, c.round, c.appraiser, unit)
    services.assign(c.manager, c.round, c.field_appraiser, assessed[1], "1")
    c.sheet = Sheet.objects.get(round=c.round, unit=assessed[0])
    c.other_sheet = Sheet.objects.get(round=c.round, unit=assessed[1])
    return c


def fresh(user):
    """The same user without the roles cached on the object (as in a new request)."""
    return get_user_model().objects.get(pk=user.pk)


def fill(c, sheet=None, user=None, values=None, note="Không có tài liệu: xem báo cáo năm"):
    """Every leaf filled in, each with a note (so no evidence is needed to submit)."""
    sheet = sheet or c.sheet
    user = user or c.officer
    if values is None:
        # Larger frameworks repeat field 1's leaves: 5.3.1 takes the value of 1.3.1.
        codes = Node.objects.filter(framework=c.framework, rule__isnull=False).values_list(
            "code", flat=True
        )
        values = {code: FILLED.get(code) or FILLED["1" + code[code.index("."):]]
                  for code in codes}
    for code, value in values.items():
        services.save_score(fresh(user), sheet, code, "self", value, note, 0)
    return sheet


def submitted(c, sheet=None, head=None):
    sheet = fill(c, sheet, user=head or c.head)
    return services.submit(fresh(head or c.head), sheet)


def add_group(c, code: str = "so") -> SimpleNamespace:
    """A second unit group in the round: its own framework and one unit (Sở Tư pháp) with
    its officer and head, appraised by the round's appraiser. Sets c.so_* attributes."""
    so = UnitGroup.objects.get_or_create(code=code, defaults={"name": "Sở, ban, ngành"})[0]
    unit = Unit.objects.create(code="STP", name="Sở Tư pháp", group=so)
    framework = import_framework(
        cast.administrator(),
        mini_framework(code=f"{c.round.code}-{code}", group=code, year=2023, fields=2),
    )
    c.round.frameworks.add(framework)
    services.create_sheets(c.round, [unit], user=c.manager)
    services.assign(c.manager, c.round, c.appraiser, unit)
    c.so_framework, c.so_unit = framework, unit
    c.so_officer = cast.person(f"{c.round.code}-so-officer", unit, "officer")
    c.so_head = cast.person(f"{c.round.code}-so-head", unit, "head")
    c.so_sheet = Sheet.objects.get(round=c.round, unit=unit)
    return c
