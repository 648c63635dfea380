"""A small district round with two survey sub-criteria and a survey over it."""

from decimal import Decimal

import pytest

from parindex.assessments.models import Round
from parindex.engine.framework import framework_from_dict
from parindex.frameworks.services import import_framework
from parindex.surveys.services.definitions import create_survey
from parindex.units.models import Unit, UnitGroup
from tests import cast

FRAMEWORK = {
    "code": "test-huyen",
    "name": "Bộ chỉ số thử",
    "year": 2021,
    "unit_group": "huyen",
    "nodes": [
        {"code": "1", "title": "Chỉ đạo", "children": [
            {"code": "1.1", "title": "Kế hoạch", "max": 4, "rule": {"kind": "yes_no"}},
        ]},
        {"code": "8", "title": "Điều tra xã hội học", "children": [
            {"code": "8.1", "title": "Đại biểu", "max": 6, "rule": {"kind": "survey"}},
            {"code": "8.2", "title": "Người dân", "max": 12, "rule": {"kind": "survey"}},
        ]},
    ],
}


def definition(units=("IAGRAI", "PLEIKU"), population=1000):
    return {
        "name": "Điều tra xã hội học 2021",
        "margin": "0.05",
        "groups": [
            {
                "code": "nguoi-dan", "name": "Người dân", "access": "open",
                "units": [{"unit": code, "transactions": population} for code in units],
                "sections": [
                    {"title": "Tiếp cận", "questions": [
                        {"code": "Q1", "text": "Thái độ của công chức?", "leaf": "8.2"},
                        {"code": "Q2", "text": "Thời gian giải quyết?", "leaf": "8.2"},
                    ]},
                    {"title": "Thông tin", "questions": [
                        {"code": "Q3", "text": "Lĩnh vực giao dịch?", "required": False,
                         "options": [{"code": "1", "label": "Đất đai"},
                                     {"code": "2", "label": "Tư pháp"}]},
                    ]},
                ],
            },
            {
                "code": "dai-bieu", "name": "Đại biểu HĐND", "access": "codes",
                "units": list(units),
                "sections": [
                    {"title": "Đánh giá", "questions": [
                        {"code": "D1", "text": "Chỉ đạo CCHC?", "leaf": "8.1"},
                    ]},
                ],
            },
        ],
    }


def make_units(codes):
    group, _ = UnitGroup.objects.get_or_create(code="huyen", defaults={"name": "Cấp huyện"})
    for code in codes:
        Unit.objects.get_or_create(code=code, defaults={"name": f"UBND huyện {code}",
                                                        "group": group})


@pytest.fixture
def round_(db):
    make_units(["IAGRAI", "PLEIKU"])
    framework = import_framework(cast.administrator(), framework_from_dict(FRAMEWORK))
    round_ = Round.objects.create(code="r2021", name="Kỳ 2021", year=2021,
                                  organiser=organiser())
    round_.frameworks.add(framework)
    return round_


@pytest.fixture
def survey(round_):
    return create_survey(round_, definition())


@pytest.fixture
def citizens(survey):
    return survey.groups.get(code="nguoi-dan")


@pytest.fixture
def deputies(survey):
    return survey.groups.get(code="dai-bieu")


def organiser():
    """The province that runs the round (its manager runs the survey)."""
    group, _ = UnitGroup.objects.get_or_create(code="tinh", defaults={"name": "Cấp tỉnh"})
    return Unit.objects.get_or_create(code="GIALAI", defaults={"name": "UBND tỉnh Gia Lai",
                                                               "group": group})[0]


@pytest.fixture
def staff(round_):
    """The round's manager, who runs its survey."""
    return cast.round_manager(organiser())


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


D = Decimal


def exported(group):
    """The group's forms as its CSV export has them, one {column: text} per line: the public
    view of every form, online, paper or imported."""
    from parindex.surveys.exports import export_header, export_rows

    header = export_header(group)
    return [dict(zip(header, row, strict=True)) for row in export_rows(group)]
