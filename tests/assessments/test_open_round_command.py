"""`parindex open-round FILE.yaml --as USERNAME`: the example round file of the demo's units
opens the round, its sheets and assignments, in the change log under the acting person; every
bad file ends with exit 2, each problem named by file, line and key, and nothing written."""

import dataclasses
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex.assessments.models import Assignment, Round, Sheet
from parindex.demo.services import demo_admin, ensure_demo_accounts
from parindex.engine.io import load_framework
from parindex.frameworks.services import import_framework
from parindex.history.models import Change
from parindex.units.services import import_units
from tests import cast

GIALAI = Path(settings.BASE_DIR) / "examples" / "gialai"
EXAMPLE = GIALAI / "round-2024.yaml"

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_units():
    """The demo's units, role accounts and 2023 frameworks, as the example file expects."""
    admin = demo_admin()
    import_units(admin, GIALAI / "units.csv")
    ensure_demo_accounts()
    for group in ("huyen", "so"):
        fw = load_framework(GIALAI / f"framework-{group}-2022.yaml")
        import_framework(admin, dataclasses.replace(fw, code=f"gialai-{group}-2023", year=2023))


def run(path, *actor):
    call_command("open_round", str(path), *actor)


def refused(path, *actor, capsys=None) -> str:
    """Runs the command expecting exit 2 and nothing written; stderr and the error, joined."""
    before = (Round.objects.count(), Sheet.objects.count(), Change.objects.count())
    with pytest.raises(CommandError) as info:
        run(path, *actor)
    assert info.value.returncode == 2
    assert (Round.objects.count(), Sheet.objects.count(), Change.objects.count()) == before
    return (capsys.readouterr().err if capsys else "") + str(info.value)


def test_the_example_opens_the_round_with_sheets_and_assignments(demo_units, capsys):
    run(EXAMPLE, "--as", "snv.quanly")
    assert "Round gialai-2024 (assessment) opened: 37 sheets, 8 appraiser" in capsys.readouterr().out
    round = Round.objects.get(code="gialai-2024")
    assert (round.kind, round.year, round.organiser.code) == ("assessment", 2024, "SNV")
    assert (round.self_deadline, round.final_deadline, round.approval_deadline) == (
        datetime.date(2025, 1, 15), datetime.date(2025, 3, 15), datetime.date(2025, 3, 31))
    sheets = Sheet.objects.filter(round=round)
    assert sheets.filter(unit__group__code="huyen").count() == 17
    assert not sheets.filter(unit__code="STC2025").exists()  # formed in 2025
    shares = set(Assignment.objects.filter(round=round).values_list("unit__code", "field_code"))
    assert ("IAGRAI", "") in shares and ("STP", "3") in shares and len(shares) == 8

    changes = Change.objects.filter(scope_id=round.pk)
    assert set(changes.values_list("actor__username", flat=True)) == {"snv.quanly"}
    actions = list(changes.values_list("action", flat=True))
    assert actions.count("create") == 1 and actions.count("assignment") == 8
    assert actions.count("state") == 37  # each sheet created, as a draft


def test_a_results_round_has_its_decision_and_no_sheets(demo_units, tmp_path, capsys):
    path = tmp_path / "ket-qua.yaml"
    path.write_text(
        "code: gialai-2024-kq\nname: Kết quả 2024\nyear: 2024\norganiser: SNV\nkind: results\n"
        "groups:\n  - {group: huyen, framework: gialai-huyen-2023}\n"
        "decision_number: 12/QĐ-UBND\ndecision_date: 2025-04-10\n", encoding="utf-8")
    run(path, "--as", "snv.quanly")
    round = Round.objects.get(code="gialai-2024-kq")
    assert (round.kind, round.decision_number, round.published_on) == (
        "results", "12/QĐ-UBND", datetime.date(2025, 4, 10))
    assert not round.sheets.exists()
    assert Change.objects.get(scope_id=round.pk, action="create").actor.username == "snv.quanly"


GOOD = """\
code: r2024
name: Kỳ 2024
year: 2024
organiser: SNV
kind: assessment
groups:
  - {group: huyen, framework: gialai-huyen-2023}
"""


@pytest.mark.parametrize("text, message", [
    (GOOD + "colour: blue\n", "round.yaml:8: colour: unknown key"),
    (GOOD.replace("kind: assessment\n", ""), "round.yaml:1: file: missing 'kind'"),
    (GOOD.replace("kind: assessment", "kind: yearly"),
     "round.yaml:5: kind: must be one of: assessment, results"),
    (GOOD.replace("code: r2024", "code: kỳ 2024"), "round.yaml:1: code: use only letters"),
    (GOOD.replace("year: 2024", "year: 24"), "round.yaml:3: year: must be a year"),
    (GOOD.replace("organiser: SNV", "organiser: NOPE"), "round.yaml:4: organiser: unknown unit"),
    (GOOD.replace("gialai-huyen-2023", "ghost"),
     "round.yaml:7: groups[1].framework: unknown framework 'ghost' (import it first)"),
    (GOOD.replace("gialai-huyen-2023", "gialai-so-2023"),
     "groups[1].framework: framework 'gialai-so-2023' scores the group 'so', not 'huyen'"),
    (GOOD + "  - {group: huyen, framework: gialai-huyen-2023}\n",
     "round.yaml:8: groups[2].group: group 'huyen' is listed twice"),
    (GOOD.replace("group: huyen", "group: xa"), "groups[1].group: unknown unit group 'xa'"),
    (GOOD.replace("year: 2024", "year: 2026"),
     "groups[1].group: no unit of group 'huyen' is valid in 2026"),
    (GOOD + "deadlines:\n  self_assessment: 15/01/2025\n",
     "round.yaml:9: deadlines.self_assessment: '15/01/2025' is not a date written YYYY-MM-DD"),
    (GOOD + "deadlines:\n  self_assessment: 2025-02-01\n  appraisal_1: 2025-01-01\n",
     "round.yaml:10: deadlines.appraisal_1: 2025-01-01 is before the self_assessment deadline"),
    (GOOD + "appraisers:\n  - {user: nobody, units: [PLEIKU]}\n",
     "round.yaml:9: appraisers[1].user: unknown or inactive user 'nobody'"),
    (GOOD + "appraisers:\n  - {user: snv.quanly, units: [PLEIKU]}\n",
     "appraisers[1].user: 'snv.quanly' is not an appraiser of SNV"),
    (GOOD + "appraisers:\n  - {user: snv.thamdinh, units: [PLEIKU, STP]}\n",
     "appraisers[1].units[2]: unit 'STP' gets no sheet in this round"),
    (GOOD + "appraisers:\n  - {user: snv.thamdinh, units: PLEIKU, field: '3.1'}\n",
     "appraisers[1].field: '3.1' is not a top-level field of the framework of PLEIKU"),
    (GOOD + "decision_number: 1/QĐ\n",
     "round.yaml:8: decision_number: not for a round of kind 'assessment'"),
    (GOOD.replace("assessment", "results") + "deadlines: {approval: 2025-01-01}\n",
     "round.yaml:8: deadlines: not for a round of kind 'results'"),
    ("- code: r2024\n", "round.yaml:1: file: expected a mapping"),
    ("", "round.yaml: the file is empty"),
    ("code: &c r2024\nname: *c\n", "anchors and aliases (& and *) are not allowed"),
    ("code: [r2024\n", "round.yaml:2:1:"),
])
def test_each_bad_file_is_refused_with_its_line_and_key(demo_units, tmp_path, capsys, text,
                                                        message):
    path = tmp_path / "round.yaml"
    path.write_text(text, encoding="utf-8")
    out = refused(path, "--as", "snv.quanly", capsys=capsys)
    assert message in out
    assert "nothing was written" in out


def test_every_problem_is_listed_at_once(demo_units, tmp_path, capsys):
    path = tmp_path / "round.yaml"
    path.write_text(GOOD.replace("year: 2024", "year: x").replace("SNV", "NOPE") + "extra: 1\n",
                    encoding="utf-8")
    out = refused(path, "--as", "snv.quanly", capsys=capsys)
    assert "3 problem(s) in" in out
    assert all(key in out for key in ("year:", "organiser:", "extra:"))


def test_a_file_not_utf8_too_big_or_missing(demo_units, tmp_path, capsys):
    path = tmp_path / "round.yaml"
    path.write_bytes(GOOD.replace("Kỳ", "K\xfd").encode("latin-1"))
    assert "not UTF-8" in refused(path, "--as", "snv.quanly", capsys=capsys)
    path.write_text("# " + "x" * 2**20, encoding="utf-8")
    assert "larger than 1024 KB" in refused(path, "--as", "snv.quanly", capsys=capsys)
    assert "cannot read" in refused(tmp_path / "none.yaml", "--as", "snv.quanly")


def test_an_existing_round_code_is_refused(demo_units, capsys):
    run(EXAMPLE, "--as", "snv.quanly")
    assert "round-2024.yaml:5: code: round 'gialai-2024' already exists" in refused(
        EXAMPLE, "--as", "snv.quanly", capsys=capsys)


def test_all_or_nothing_when_a_door_refuses_midway(demo_units, monkeypatch):
    from parindex.assessments.services import rounds

    calls = []

    def failing_assign(*args):
        calls.append(args)
        if len(calls) == 3:
            raise rounds.ValidationError("the third assignment fails")
        return real_assign(*args)

    real_assign = rounds.assign
    monkeypatch.setattr(rounds, "assign", failing_assign)
    assert "the third assignment fails" in refused(EXAMPLE, "--as", "snv.quanly")
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("actor, message", [
    ([], "say who is doing this: --as USERNAME"),
    (["--as", "nobody"], "unknown or inactive user 'nobody'"),
    (["--as", "snv.thamdinh"], "refused: Only a round manager may open rounds."),
    (["--as", "pleiku.canbo"], "refused"),
])
def test_the_actor_is_named_and_must_manage_the_organiser(demo_units, actor, message):
    assert message in refused(EXAMPLE, *actor)


def test_a_manager_of_another_unit_is_refused(demo_units, django_user_model):
    from parindex.units.models import Role, Unit

    cast.person("stp.quanly", Unit.objects.get(code="STP"), Role.Kind.MANAGER)
    assert "refused: Only a round manager of Sở Nội vụ" in refused(EXAMPLE, "--as", "stp.quanly")
