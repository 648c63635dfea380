"""Units, people with roles, a scored round and a campaign, built straight in the database."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation

from parindex.assessments.models import Round, Score
from parindex.awards.models import AwardForm, Campaign
from parindex.frameworks.models import Framework, Node
from parindex.units.models import Role, Unit, UnitGroup
from tests import cast


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read messages in English; the Vietnamese default is covered by the i18n tests
    and the browser test."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


BANDS = [
    {"code": "tot", "label": "Tốt", "min": "80"},
    {"code": "kha", "label": "Khá", "min": "70"},
    {"code": "yeu", "label": "Yếu", "min": "0"},
]
# Appraised points out of 100 for the district group: ranks 1, 2, 2, 4, 5.
DISTRICT_POINTS = {"IAGRAI": "78.3", "PLEIKU": "76.96", "KONGCHRO": "76.96",
                   "CHUPRONG": "71.47", "DUCCO": "60"}
NAMES = {"IAGRAI": "UBND huyện Ia Grai", "PLEIKU": "UBND thành phố Pleiku",
         "KONGCHRO": "UBND huyện Kông Chro", "CHUPRONG": "UBND huyện Chư Prông",
         "DUCCO": "UBND huyện Đức Cơ"}


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def group(db):
    return UnitGroup.objects.create(code="huyen", name="UBND cấp huyện")


@pytest.fixture
def province(db, group):
    other = UnitGroup.objects.create(code="tinh", name="Cấp tỉnh")
    return Unit.objects.create(code="GIALAI", name="UBND tỉnh Gia Lai", group=other)


@pytest.fixture
def districts(group, province):
    return {
        code: Unit.objects.create(code=code, name=name, group=group, parent=province)
        for code, name in NAMES.items()
    }


@pytest.fixture
def district(districts):
    return districts["IAGRAI"]


@pytest.fixture
def scored_round(districts, group, province):
    """Round 2021 with one 100-point framework for the districts, appraised scores set."""
    framework = Framework.objects.create(
        code="huyen-2021", name="Bộ chỉ số cấp huyện 2021", year=2021, unit_group=group,
        bands=BANDS,
    )
    field = Node.objects.create(framework=framework, position=0, depth=0, code="1",
                                title="Tổng hợp", max_points=Decimal(100))
    leaf = Node.objects.create(framework=framework, parent=field, position=1, depth=1,
                               code="1.1", title="Điểm", max_points=Decimal(100),
                               rule={"kind": "points"})
    round = Round.objects.create(code="gialai-2021", name="Chỉ số CCHC 2021", year=2021,
                                 organiser=province, published_on=datetime.date(2022, 4, 15))
    round.frameworks.add(framework)
    for code, points in DISTRICT_POINTS.items():
        Score.objects.create(round=round, unit=districts[code], node=leaf,
                             stage=Score.Stage.APPRAISED, value=points, field=field)
    return round


@pytest.fixture
def manager(district):
    return cast.round_manager(district)


@pytest.fixture
def council(district):
    return cast.person("council", district, Role.Kind.COUNCIL)


@pytest.fixture
def officer(district):
    return cast.person("officer", district, Role.Kind.OFFICER)


@pytest.fixture
def other_officer(districts):
    return cast.person("other", districts["PLEIKU"], Role.Kind.OFFICER)


@pytest.fixture
def outsider(db):
    return cast.outsider()


@pytest.fixture
def campaign(district):
    return Campaign.objects.create(
        code="iagrai-2021", name="Khen thưởng CCHC 2021", year=2021, awarder_unit=district,
        awarder_kind=Campaign.Awarder.DISTRICT_CHAIRMAN,
        awarder_title="Chủ tịch Ủy ban nhân dân huyện Ia Grai",
        award_form=AwardForm.GIAY_KHEN,
        title_text="đã có thành tích xuất sắc trong công tác cải cách hành chính năm 2021",
    )


@pytest.fixture
def province_campaign(province, scored_round):
    """The province chairman's bằng khen, proposing districts from the round's results."""
    return Campaign.objects.create(
        code="gialai-2021", name="Bằng khen CCHC 2021", year=2021, round=scored_round,
        awarder_unit=province, awarder_kind=Campaign.Awarder.PROVINCE_CHAIRMAN,
        awarder_title="Chủ tịch Ủy ban nhân dân tỉnh Gia Lai", award_form=AwardForm.BANG_KHEN,
        title_text="đã có thành tích xuất sắc trong công tác cải cách hành chính năm 2021",
    )


@pytest.fixture
def province_manager(province):
    return cast.round_manager(province, "pmanager")


@pytest.fixture
def demo_campaign(district):
    from parindex.demo.awards import load_demo_campaign

    return load_demo_campaign(cast.administrator())
