"""The demo survey gives every district exactly its published survey points (Ia Grai 26.72/30)."""

import csv
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings

from parindex.assessments.models import Round
from parindex.demo import survey_data as demo_data
from parindex.demo.survey import load_demo_survey
from parindex.surveys.selectors import survey_points

DIRECTORY = settings.BASE_DIR / "examples" / "gialai"


def published_survey_points():
    points: dict[str, dict[str, Decimal]] = {}
    with open(DIRECTORY / "scores-huyen-2021.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["stage"] == "appraised" and row["criterion_code"].startswith("8."):
                points.setdefault(row["unit_code"], {})[row["criterion_code"]] = \
                    Decimal(row["value"])
    return points


def test_the_committed_answer_files_are_what_the_generator_writes(tmp_path):
    for name in ("framework-huyen-2021.yaml", "scores-huyen-2021.csv"):
        (tmp_path / name).write_bytes((DIRECTORY / name).read_bytes())
    demo_data.main([str(tmp_path)])
    for path in sorted(tmp_path.glob("survey-2021*")):
        assert path.read_bytes() == (DIRECTORY / path.name).read_bytes(), path.name


@pytest.mark.django_db(transaction=False)
def test_demo_survey_reproduces_the_published_points():
    from parindex.demo.services import load_demo

    load_demo()
    round_ = Round.objects.get(code="gialai-2021")
    survey = load_demo_survey(round_)
    assert survey is not None and survey.groups.count() == 4
    points = survey_points(round_)
    assert points == published_survey_points()
    total = sum(points["IAGRAI"].values()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert total == Decimal("26.72")
    # Loading again starts afresh rather than doubling the answers.
    from parindex.surveys.selectors import counted_by_group

    count = sum(counted_by_group(survey).values())
    assert count > 10000
    load_demo_survey(round_)
    assert sum(counted_by_group(round_.survey).values()) == count
    assert survey_points(round_) == points
