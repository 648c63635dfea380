"""`parindex demo`: the Gia Lai rounds loaded through the services reproduce the published
numbers, and the database path gives exactly what the files give to the engine."""

import datetime
import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from parindex.assessments.models import Round, Score
from parindex.engine.compute import UnitInfo, compute
from parindex.engine.io import load_framework, read_scores, read_units, results_to_dict
from parindex.frameworks.models import Framework, Node
from parindex.history.models import Change
from parindex.results.selectors import round_results
from parindex.units.models import Unit

GIALAI = Path(settings.BASE_DIR) / "examples" / "gialai"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (GIALAI / "rounds.yaml").exists(),
        reason=f"demo data not there yet: {GIALAI / 'rounds.yaml'} is missing",
    ),
]


@pytest.fixture
def demo(capsys):
    call_command("demo")
    return capsys.readouterr().out


def results(round_code: str, stage: str = "appraised") -> dict[str, dict]:
    """{unit group code: results_to_dict(...)} of a round."""
    round = Round.objects.get(code=round_code)
    return {fw.unit_group.code: results_to_dict(rs) for fw, rs in round_results(round, stage)}


def row(data: dict, unit: str) -> dict:
    return next(r for r in data["results"] if r["unit_code"] == unit)


def test_2021_reproduces_decision_197(demo):
    data = results("gialai-2021")
    huyen, so = data["huyen"], data["so"]
    assert huyen["framework"] == "gialai-huyen-2021" and so["framework"] == "gialai-so-2021"
    assert len(huyen["results"]) == 17 and len(so["results"]) == 20

    ia_grai = huyen["results"][0]
    assert (ia_grai["rank"], ia_grai["unit_code"], ia_grai["index"]) == (1, "IAGRAI", "78.30")
    assert ia_grai["unit_name"] == "UBND huyện Ia Grai"
    assert (ia_grai["achieved"], ia_grai["max"], ia_grai["missing"]) == ("78.30", "100.00", [])
    # Published components, in points: direction and institutions at full marks, then
    # procedures, apparatus, civil service, public finance, e-government, survey.
    components = {code: f["achieved"] for code, f in ia_grai["fields"].items()}
    assert components == {
        "1": "7.00",
        "2": "5.00",
        "3": "10.26",
        "4": "2.38",
        "5": "7.93",
        "6": "4.97",
        "7": "11.54",
        "8": "26.72",
        "9": "2.50",
    }
    assert ia_grai["fields"]["3"]["max"] == "16.00" and ia_grai["fields"]["8"]["max"] == "30.00"
    assert ia_grai["fields"]["1"]["index"] == "100.00"

    assert (row(huyen, "PLEIKU")["rank"], row(huyen, "PLEIKU")["index"]) == (2, "76.96")
    assert (row(huyen, "KONGCHRO")["rank"], row(huyen, "KONGCHRO")["index"]) == (3, "76.40")
    last = huyen["results"][-1]
    assert (last["rank"], last["unit_code"], last["index"]) == (17, "CHUPRONG", "71.47")

    assert (so["results"][0]["unit_code"], so["results"][0]["index"]) == ("STTTT", "95.44")
    assert so["results"][0]["unit_name"] == "Sở Thông tin và Truyền thông"
    assert (row(so, "SKHCN")["rank"], row(so, "SKHCN")["index"]) == (2, "91.53")
    assert (row(so, "STC")["rank"], row(so, "STC")["index"]) == (3, "90.92")
    assert (so["results"][-1]["unit_code"], so["results"][-1]["index"]) == ("SYT", "72.48")
    assert so["results"][-1]["rank"] == 20
    # The department formed in 2025 is not in the 2021 ranking.
    assert "STC2025" not in {r["unit_code"] for r in so["results"]}


def test_2022_top_and_bottom(demo):
    data = results("gialai-2022")
    huyen, so = data["huyen"]["results"], data["so"]["results"]
    assert [(r["unit_code"], r["index"]) for r in huyen[:4]] == [
        ("IAGRAI", "80.94"),
        ("CHUSE", "80.48"),
        ("DAKPO", "80.34"),
        ("KONGCHRO", "79.85"),
    ]
    assert (huyen[-1]["rank"], huyen[-1]["unit_code"], huyen[-1]["index"]) == (
        17,
        "PHUTHIEN",
        "66.74",
    )
    assert [(r["unit_code"], r["index"]) for r in so[:4]] == [
        ("SGTVT", "91.39"),
        ("STTTT", "91.31"),
        ("STP", "90.80"),
        ("STC", "88.11"),
    ]
    assert (so[-1]["rank"], so[-1]["unit_code"], so[-1]["index"]) == (20, "BQLKKT", "74.31")


def test_round_details_and_accounts(demo):
    round = Round.objects.get(code="gialai-2021")
    assert round.organiser.code == "SNV"
    assert round.decision_number == "197/QĐ-UBND"
    assert round.published_on == datetime.date(2022, 4, 15)
    assert Unit.objects.get(code="STC2025").predecessors.count() == 2

    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("parindex-demo-2026") and admin.is_superuser and admin.is_staff

    assert "admin / parindex-demo-2026" in demo
    assert "http://127.0.0.1:8000/" in demo
    assert "gialai-2021, gialai-2022" in demo


def test_the_database_path_equals_the_file_path(demo, capsys):
    """Each round's results from the database equal the engine's on the example files."""
    plan = yaml.safe_load((GIALAI / "rounds.yaml").read_text(encoding="utf-8"))
    units = read_units(GIALAI / plan["units"])
    for item in plan["rounds"]:
        year = int(item["year"])
        # The web app's roster: units valid in the round's year.
        roster = [
            UnitInfo(u.code, u.name, u.unit_group)
            for u in units
            if (u.valid_from is None or u.valid_from.year <= year)
            and (u.valid_to is None or u.valid_to.year >= year)
        ]
        for stage in ("appraised", "self"):
            from_db = results(item["code"], stage)
            for entry in item["frameworks"]:
                fw = load_framework(GIALAI / entry["framework"])
                values = read_scores(GIALAI / entry["scores"], fw, stage=stage)
                from_files = results_to_dict(compute(fw, values, units=roster))
                assert from_db[fw.unit_group] == from_files, (item["code"], fw.code, stage)

    # And the command line, for the district ranking of 2021 (every district is valid then).
    capsys.readouterr()
    call_command(
        "compute",
        "--framework",
        str(GIALAI / "framework-huyen-2021.yaml"),
        "--scores",
        str(GIALAI / "scores-huyen-2021.csv"),
        "--units",
        str(GIALAI / "units.csv"),
        "--format",
        "json",
    )
    assert json.loads(capsys.readouterr().out) == results("gialai-2021")["huyen"]


def snapshot():
    return {
        "units": sorted(Unit.objects.values_list("pk", "code", "name", "parent__code")),
        "frameworks": sorted(Framework.objects.values_list("pk", "code", "name")),
        "nodes": sorted(Node.objects.values_list("pk", "code", "max_points")),
        "rounds": sorted(Round.objects.values_list("pk", "code", "published_on")),
        "scores": sorted(Score.objects.values_list("pk", "value", "version")),
        "history": Change.objects.count(),
        "users": sorted(get_user_model().objects.values_list("pk", "username", "password")),
    }


def test_loading_twice_leaves_the_same_data(demo):
    before = snapshot()
    call_command("demo")
    assert snapshot() == before
    assert results("gialai-2021")["huyen"]["results"][0]["index"] == "78.30"


def test_a_reload_puts_back_what_was_changed(demo):
    score = Score.objects.get(
        round__code="gialai-2021", unit__code="IAGRAI", node__code="1.1.1", stage="appraised"
    )
    original = score.value
    Score.objects.filter(pk=score.pk).update(value="Không ban hành")
    Unit.objects.filter(code="IAGRAI").update(name="renamed")
    call_command("demo")
    score.refresh_from_db()
    assert score.value == original and score.version == 2
    assert Unit.objects.get(code="IAGRAI").name == "UBND huyện Ia Grai"
    assert results("gialai-2021")["huyen"]["results"][0]["index"] == "78.30"


def test_missing_demo_directory_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no demo data") as info:
        call_command("demo", "--dir", str(tmp_path))
    assert info.value.returncode == 2
