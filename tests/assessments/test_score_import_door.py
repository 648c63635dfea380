"""The bulk score import is a door like `services.save_score`: the round's manager only, sheet
states respected, and a closed round's scores changed only as a recorded correction that also
corrects its published results."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex.assessments import services
from parindex.assessments.models import Round, Score
from parindex.assessments.services import import_scores
from parindex.engine.io import InputError
from parindex.history.models import Change
from parindex.results import services as results
from parindex.results.models import ResultRow, ResultSnapshot
from parindex.results.selectors import round_results
from tests.assessments.cycle import FILLED, build_cycle, fresh, submitted
from tests.frameworks.factories import GOOD_VALUES, score_rows, write_scores

pytestmark = pytest.mark.django_db
REASON = "Sửa điểm tiêu chí 1.1 theo Công văn 12/SNV"


def state(round):
    """Everything an import may write, to show that nothing was."""
    return (
        sorted(Score.objects.filter(round=round).values_list("pk", "value", "version")),
        Change.objects.count(),
        ResultSnapshot.objects.filter(round=round).count(),
    )


@pytest.fixture
def published(db, tmp_path):
    """A results round (no sheets) of H01 and H02, imported and published by its manager."""
    c = build_cycle(code="r2022")
    round = c.round
    round.sheets.all().delete()  # a round of published results, imported whole
    round.kind = Round.Kind.RESULTS
    round.save(update_fields=["kind"])
    import_scores(c.manager, round, write_scores(tmp_path / "a.csv", score_rows(["H01", "H02"])))
    results.compute_round(c.manager, round)
    results.publish(c.manager, round, decision_number="197/QĐ-UBND")
    c.changed = write_scores(
        tmp_path / "b.csv", score_rows(["H01"], dict(GOOD_VALUES, **{"1.1": "no"}))
    )
    return c


def test_a_published_round_is_not_changed_without_a_reason(published):
    before = state(published.round)
    with pytest.raises(ValidationError, match="correction"):
        import_scores(published.manager, published.round, published.changed)
    assert state(published.round) == before


def test_a_correction_by_the_manager_changes_the_score_and_the_published_results(published):
    round, manager = published.round, published.manager
    [old] = ResultSnapshot.objects.current().filter(round=round)
    summary = import_scores(manager, round, published.changed, reason=REASON)

    assert summary.updated == 1
    assert Score.objects.get(unit__code="H01", node__code="1.1").value == "no"
    change = Change.objects.get(action="correct", part="1.1")
    assert (change.reason, change.actor, change.object_id) == (REASON, manager, round.pk)
    assert (change.before, change.after) == ({"appraised": "yes"}, {"appraised": "no"})
    # The public figures follow: a published correction, computed from the stored scores.
    [new] = ResultSnapshot.objects.current().filter(round=round)
    assert (new.version, new.reason, new.supersedes) == (old.version + 1, REASON, old)
    [(_fw, computed)] = round_results(round)
    assert {r.unit_code: str(r.index) for r in ResultRow.objects.filter(snapshot=new)} == {
        r.unit_code: f"{r.index:.2f}" for r in computed.results
    }
    assert ResultRow.objects.get(snapshot=new, unit_code="H01").index < ResultRow.objects.get(
        snapshot=old, unit_code="H01").index
    assert results.verify(new) == []
    assert Change.objects.filter(action="correct", object_id=round.pk, part="").get().reason \
        == REASON


def test_the_same_values_again_change_nothing_and_need_no_reason(published, tmp_path):
    before = state(published.round)
    again = write_scores(tmp_path / "c.csv", score_rows(["H01", "H02"]))
    summary = import_scores(published.manager, published.round, again)
    assert (summary.unchanged, state(published.round)) == (20, before)


@pytest.mark.parametrize("person", ["council", "viewer", "appraiser", "head", "outsider"])
def test_only_the_manager_imports_even_with_a_reason(published, person):
    before = state(published.round)
    with pytest.raises(PermissionDenied):
        import_scores(fresh(getattr(published, person)), published.round, published.changed,
                      reason=REASON)
    assert state(published.round) == before


def test_the_command_names_its_actor_and_needs_a_reason_to_correct(published, capsys):
    code, path = published.round.code, str(published.changed)
    before = state(published.round)
    for args, message in [
        ([], "--as USERNAME"),
        (["--as", "nobody"], "unknown or inactive user 'nobody'"),
        (["--as", published.council.username, "--reason", REASON], "refused"),
        (["--as", published.manager.username], "correction"),
    ]:
        with pytest.raises(CommandError, match=message) as info:
            call_command("import_scores", code, path, *args)
        assert info.value.returncode == 2
    assert state(published.round) == before

    call_command("import_scores", code, path, "--as", published.manager.username,
                 "--reason", REASON)
    assert "1 replaced" in capsys.readouterr().out
    assert Change.objects.get(action="correct", part="1.1").reason == REASON


def test_the_cli_exits_2_without_an_actor(published, tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "-m", "parindex.cli", "import-scores", "nope", "x.csv"],
        capture_output=True, text=True, cwd=settings.BASE_DIR,
    )
    assert result.returncode == 2
    assert "--as USERNAME" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def cycle(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_cycle()


def test_self_values_of_a_submitted_sheet_are_refused_with_their_row(cycle, tmp_path):
    submitted(cycle)  # H01 submitted; H02 still a draft
    before = state(cycle.round)
    rows = [
        {"unit_code": "H02", "criterion_code": "1.1", "value": "yes", "stage": "self"},  # 2: ok
        {"unit_code": "H01", "criterion_code": "1.1", "value": "no", "stage": "self"},  # 3
        {"unit_code": "H02", "criterion_code": "1.2", "value": "<80%", "stage": "appraised"},
    ]
    with pytest.raises(InputError) as info:
        import_scores(cycle.manager, cycle.round, write_scores(tmp_path / "s.csv", rows))
    assert [str(e) for e in info.value.errors] == [
        "s.csv:row 3, column stage: sheet of H01 is submitted: its self scores are locked",
        "s.csv:row 4, column stage: sheet of H02 is draft: its appraised scores are locked",
    ]
    assert state(cycle.round) == before

    # What the sheets' states allow goes in, recorded under the sheet.
    rows = [rows[0], {**rows[2], "unit_code": "H01"}]
    import_scores(cycle.manager, cycle.round, write_scores(tmp_path / "ok.csv", rows))
    assert Score.objects.get(unit__code="H01", node__code="1.2", stage="appraised").value \
        == "<80%"
    assert Score.objects.get(unit__code="H02", node__code="1.1", stage="self").value == "yes"


def test_an_approved_round_is_corrected_only_with_a_reason(cycle, tmp_path):
    c = cycle
    for sheet, head in ((c.sheet, c.head), (c.other_sheet, c.other_head)):
        services.finalise(fresh(c.appraiser), submitted(c, sheet, head))
    services.approve_round(fresh(c.council), c.round)
    path = write_scores(tmp_path / "s.csv", [
        {"unit_code": "H01", "criterion_code": "1.1", "value": "no", "stage": "appraised"},
    ])
    before = state(c.round)
    with pytest.raises(ValidationError):
        import_scores(fresh(c.manager), c.round, path)
    assert state(c.round) == before

    import_scores(fresh(c.manager), c.round, path, reason=REASON)
    change = Change.objects.get(action="correct", part="1.1")
    assert (change.object_id, change.reason) == (c.sheet.pk, REASON)
    assert change.before == {"appraised": FILLED["1.1"]}
