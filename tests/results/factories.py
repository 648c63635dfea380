"""A small framework, units and scores built straight in the database (no demo, no files)."""

from __future__ import annotations

import datetime

from parindex.assessments.models import Round, Score
from parindex.engine.values import parse_value, stored_points
from parindex.frameworks.models import Framework, Node, top_level_ids
from parindex.frameworks.selectors import engine_framework
from parindex.units.models import Unit, UnitGroup
from tests import cast

BANDS = [
    {"code": "tot", "label": "Tốt", "min": "80"},
    {"code": "kha", "label": "Khá", "min": "70"},
    {"code": "trung-binh", "label": "Trung bình", "min": "50"},
    {"code": "yeu", "label": "Yếu", "min": "0"},
]
LEVELS = {
    "kind": "levels",
    "levels": [
        {"label": "100%", "fraction": 1},
        {"label": "50%", "fraction": 0.5},
        {"label": "0%", "fraction": 0},
    ],
}
# (code, title, max, rule or None for a parent, kind) depth first; parents list their children.
NODES = [
    ("1", "Công tác chỉ đạo, điều hành", None, None, ""),
    ("1.1", "Ban hành kế hoạch CCHC", "2", {"kind": "yes_no"}, ""),
    ("1.2", "Kiểm tra CCHC", "3", {"kind": "points"}, ""),
    ("2", "Cải cách thủ tục hành chính", None, None, ""),
    ("2.1", "Giải quyết hồ sơ đúng hạn", "4", LEVELS, ""),
    ("2.2", "Công khai thủ tục", "1", {"kind": "points"}, ""),
    ("3", "Điều tra xã hội học", None, None, ""),
    ("3.1", "Mức độ hài lòng", "5", {"kind": "survey"}, ""),
    ("T", "Điểm thưởng", None, None, "bonus"),
    ("T.1", "Sáng kiến", "1", {"kind": "points"}, ""),
]
PARENT = {"1.1": "1", "1.2": "1", "2.1": "2", "2.2": "2", "3.1": "3", "T.1": "T"}
MAX = {"1": "5", "2": "5", "3": "5", "T": "1"}


def group(code="huyen", name="Cấp huyện") -> UnitGroup:
    return UnitGroup.objects.get_or_create(code=code, defaults={"name": name})[0]


def framework(code="test-huyen-2021", year=2021, unit_group=None) -> Framework:
    unit_group = unit_group or group()
    fw = Framework.objects.create(
        code=code, name=f"Bộ chỉ số {year}", year=year, unit_group=unit_group, bands=BANDS
    )
    made: dict[str, Node] = {}
    for position, (ncode, title, mx, rule, kind) in enumerate(NODES):
        parent = made.get(PARENT.get(ncode, ""))
        made[ncode] = Node.objects.create(
            framework=fw,
            parent=parent,
            position=position,
            depth=1 if parent else 0,
            code=ncode,
            title=title,
            kind=kind,
            max_points=mx or MAX[ncode],
            rule=rule,
        )
    return fw


def units(n: int, unit_group=None, prefix="U") -> list[Unit]:
    unit_group = unit_group or group()
    return [
        Unit.objects.get_or_create(
            code=f"{prefix}{i:03d}",
            defaults={"name": f"Đơn vị {prefix}{i:03d}", "group": unit_group},
        )[0]
        for i in range(1, n + 1)
    ]


def scores(round: Round, unit: Unit, fw: Framework, values: dict[str, str], stage="appraised"):
    """Values stored as the doors store them: with the engine's points."""
    nodes = {n.code: n for n in fw.nodes.order_by("position")}
    top = top_level_ids(nodes.values())
    leaves = engine_framework(fw).leaves()
    Score.objects.bulk_create(
        Score(round=round, unit=unit, node=nodes[code], stage=stage, value=value,
              points=stored_points(leaves[code], parse_value(leaves[code], value)),
              field_id=top[nodes[code].pk])
        for code, value in values.items()
    )


# A full-marks-ish unit, a middling one, one with a not-applicable leaf.
GOOD = {"1.1": "yes", "1.2": "3", "2.1": "100%", "2.2": "1", "3.1": "4.5", "T.1": "0.5"}
FAIR = {"1.1": "yes", "1.2": "1.5", "2.1": "50%", "2.2": "0.5", "3.1": "3.75"}
NA_ONE = {"1.1": "no", "1.2": "2", "2.1": "NA", "2.2": "1", "3.1": "4"}


def round_with(
    n_units=3, year=2021, code=None, published_on=None, fw=None, unit_list=None, self_scores=True
) -> Round:
    """A round over one framework: units cycle through GOOD, FAIR, NA_ONE values."""
    fw = fw or framework(code=f"test-huyen-{year}", year=year)
    rnd = Round.objects.create(
        code=code or f"test-{year}",
        name=f"Chỉ số CCHC năm {year}",
        year=year,
        published_on=published_on,
    )
    rnd.frameworks.add(fw)
    for i, unit in enumerate(unit_list or units(n_units)):
        values = [GOOD, FAIR, NA_ONE][i % 3]
        scores(rnd, unit, fw, values)
        if self_scores:
            scores(rnd, unit, fw, {**values, "1.2": "3", "2.2": "1"}, stage="self")
    return rnd


PUBLISHED = datetime.date(2022, 4, 15)


def published_round(n: int, year: int) -> tuple[Round, UnitGroup]:
    """A computed and published round of `n` units (Y<year>-001 …) in a group of its own, so it
    has no earlier year: the size-only difference that the query-count tests compare."""
    from parindex.results import services  # the services under test, not a factory concern

    own_group = group(f"g{n}", f"Nhóm {n}")
    rnd = round_with(
        n,
        year=year,
        code=f"r{year}",
        fw=framework(code=f"fw-{year}", year=year, unit_group=own_group),
        published_on=PUBLISHED,
        unit_list=units(n, unit_group=own_group, prefix=f"Y{year}-"),
    )
    services.compute_round(cast.administrator(), rnd)
    services.publish(cast.administrator(), rnd)
    return rnd, own_group
