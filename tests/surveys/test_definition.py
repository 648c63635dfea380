from decimal import Decimal

import pytest

from parindex.surveys.definition import DefinitionError
from parindex.surveys.models import Option, Question
from parindex.surveys.services.definitions import create_survey, load_survey

from .conftest import definition


def test_definition_is_stored_with_default_weights(survey, citizens):
    assert [g.code for g in survey.groups.all()] == ["nguoi-dan", "dai-bieu"]
    q1 = citizens.questions.get(code="Q1")
    weights = {o.code: o.weight for o in q1.options.all()}
    assert weights == {"A": Decimal(1), "B": Decimal("0.6"), "C": Decimal("0.2"),
                       "D": Decimal(0), "X": None}
    assert q1.options.get(code="A").label == "Rất hài lòng"
    assert list(citizens.questions.values_list("position", flat=True)) == [0, 1, 2]
    assert citizens.targets.get(unit__code="IAGRAI").population == 1000


def test_every_problem_is_reported_and_nothing_is_stored(round_):
    data = definition()
    data["groups"][0]["colour"] = "red"
    data["groups"][0]["units"].append({"unit": "NOWHERE"})
    data["groups"][0]["sections"][0]["questions"][0]["leaf"] = "1.1"  # not a survey leaf
    data["groups"][0]["sections"][0]["questions"][1]["code"] = "Q1"
    data["groups"][1]["sections"][0]["questions"][0]["options"] = [
        {"code": "A", "label": "Có", "weight": 2}]
    with pytest.raises(DefinitionError) as caught:
        create_survey(round_, data)
    text = "\n".join(caught.value.errors)
    assert "unknown key 'colour'" in text
    assert "unknown unit 'NOWHERE'" in text
    assert "'1.1' is not a survey sub-criterion" in text
    assert "code 'Q1' is repeated" in text
    assert "weight must be a number within 0..1" in text
    assert not Question.objects.exists() and not Option.objects.exists()


def test_replacing_needs_the_flag(round_, survey, tmp_path):
    with pytest.raises(DefinitionError, match="already has a survey"):
        create_survey(round_, definition())
    path = tmp_path / "survey.yaml"
    path.write_text("name: Khác\ngroups:\n  - code: g\n    name: G\n    units: [IAGRAI]\n"
                    "    sections:\n      - title: S\n        questions:\n"
                    "          - {code: Q1, text: Câu hỏi, leaf: '8.2'}\n", encoding="utf-8")
    replaced = load_survey(round_, path, replace=True)
    assert replaced.name == "Khác"
    assert list(replaced.groups.values_list("code", flat=True)) == ["g"]
