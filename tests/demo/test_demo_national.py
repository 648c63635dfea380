"""The demo's 2026 self-assessment of the province for the national index, in progress."""

import pytest
from django.core.management import call_command

from parindex.assessments.models import CriterionAssignment, Round, Sheet
from parindex.assessments.selectors import department_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys):
    call_command("demo")
    return capsys.readouterr().out


def test_the_national_round_is_in_progress_with_drafts_accepted_returned_and_waiting(demo):
    round = Round.objects.get(code="gialai-par-index-2026")
    sheet = Sheet.objects.get(round=round)
    assert sheet.unit.code == "GIALAI2025" and sheet.state == Sheet.State.DRAFT
    assert "minh họa" in round.name and "892/QĐ-BNV" in sheet.framework.name
    statuses = dict(sheet.criterion_assignments.values_list("node__code", "status"))
    assert len(statuses) == 31  # every sub-criterion has its department
    assert statuses["2.1"] == statuses["2.2"] == CriterionAssignment.Status.ACCEPTED
    assert statuses["2.3"] == CriterionAssignment.Status.RETURNED
    assert statuses["3.1"] == CriterionAssignment.Status.PENDING
    lines = {line.code: line for line in department_progress(sheet.criterion_assignments.all())}
    assert (lines["STP"].assigned, lines["STP"].drafted, lines["STP"].accepted) == (4, 4, 2)
    assert lines["SNV2025"].drafted == 0
    assert "stp.canbo" in demo


def test_loading_the_demo_again_leaves_the_national_round_as_it_was():
    call_command("demo")
    before = list(CriterionAssignment.objects.order_by("pk").values_list("node__code", "status"))
    call_command("demo")
    assert list(CriterionAssignment.objects.order_by("pk").values_list(
        "node__code", "status")) == before
