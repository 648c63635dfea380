"""The province's self-assessment for the national index: sub-criteria in the charge of
departments, who drafts what, the Sở Nội vụ's review and submission, progress, reminders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex import history
from parindex.assessments import services
from parindex.assessments.models import CriterionAssignment, Score, Sheet
from parindex.assessments.selectors import department_progress
from parindex.notifications.models import Notification
from parindex.notifications.services import send_reminders
from tests.assessments.cycle import fresh
from tests.assessments.national import NOTE, accept_all, assigned, build_national, draft_all

A = CriterionAssignment.Status


@pytest.fixture
def c(db):
    return build_national()


def departments(c) -> dict[str, str]:
    return dict(c.sheet.criterion_assignments.values_list("node__code", "unit__code"))


def test_a_file_gives_every_leaf_under_a_code_to_its_department_and_deeper_rows_win(c):
    table = b"criterion_code,unit_code\n1,SNV\n1.4,STTTT\n2,STP\n"
    summary = services.import_assignments(c.manager, c.sheet, table, name="giao.csv")
    got = departments(c)
    assert got["1.1.1"] == got["1.1.2"] == got["1.2"] == got["1.5"] == "SNV"
    assert got["1.4"] == "STTTT"
    assert {code for code, unit in got.items() if unit == "STP"} == {"2.1", "2.2", "2.3", "2.4"}
    assert summary.leaves == summary.changed == 10
    changes = history.for_scope(c.round).filter(action="assignment")
    assert changes.count() == 10 and changes.first().actor == c.manager
    # The same file again changes nothing; moving one leaf is one change.
    assert services.import_assignments(c.manager, c.sheet, table, name="giao.csv").changed == 0
    assert services.assign_criteria(c.manager, c.sheet, [(None, "1.4", "SNV")]).changed == 1


@pytest.mark.parametrize("table, message", [
    (b"criterion_code,unit_code\n9.9,SNV\n", "Row 2: '9.9' is not a criterion"),
    (b"criterion_code,unit_code\n1,NOPE\n", "Row 2: 'NOPE' is not a unit in 2026"),
    (b"criterion_code,unit_code\n1,SNV\n1,STP\n", "Row 3: '1' is named twice"),
    (b"criterion_code,unit_code\n1,\n", "Row 2: both a criterion code and a unit code"),
    (b"code,unit\n1,SNV\n", "The columns must be: criterion_code, unit_code"),
    (b"criterion_code,unit_code\n", "There is no row to assign"),
    (b"criterion_code,unit_code\n1,S\xc3\x28NV\n", "UTF-8"),
])
def test_a_bad_assignments_file_says_why_and_writes_nothing(c, table, message):
    with pytest.raises(ValidationError) as refused:
        services.import_assignments(c.manager, c.sheet, table + b"", name="giao.csv")
    assert any(message in text for text in refused.value.messages), refused.value.messages
    assert not CriterionAssignment.objects.exists()
    assert not history.for_scope(c.round).filter(action="assignment").exists()


def test_only_the_manager_assigns(c):
    for person in (c.viewer, c.stp_officer, c.outsider):
        with pytest.raises(PermissionDenied):
            services.assign_criteria(fresh(person), c.sheet, [(None, "1", "SNV")])
    assert not CriterionAssignment.objects.exists()


def test_a_department_drafts_only_the_leaves_in_its_charge(c):
    assigned(c)
    services.save_score(fresh(c.stp_officer), c.sheet, "2.2", "self", "yes", NOTE, 0)
    for person, code in ((c.stp_officer, "1.1.1"), (c.sttt_officer, "2.2"),
                         (c.outsider, "1.4"), (c.viewer, "1.4")):
        with pytest.raises(PermissionDenied):
            services.save_score(fresh(person), c.sheet, code, "self", "yes", "", 0)
    assert Score.objects.filter(round=c.round).count() == 1
    assert Score.objects.get().updated_by == c.stp_officer


def test_an_accepted_draft_is_closed_until_it_is_returned(c):
    assigned(c)
    services.save_score(fresh(c.stp_officer), c.sheet, "2.2", "self", "yes", NOTE, 0)
    row = CriterionAssignment.objects.get(node__code="2.2")
    services.review_criterion(fresh(c.manager), row, True)
    with pytest.raises(PermissionDenied):
        services.save_score(fresh(c.stp_officer), c.sheet, "2.2", "self", "no", NOTE, 1)
    services.review_criterion(fresh(c.manager), row, False, "Thiếu quyết định ban hành")
    services.save_score(fresh(c.stp_officer), c.sheet, "2.2", "self", "no", NOTE, 1)
    row.refresh_from_db()
    assert row.status == A.PENDING  # changed since it was returned: waiting for review again
    assert row.comment == "Thiếu quyết định ban hành"


def test_the_review_asks_for_a_value_an_explanation_and_a_comment_to_return(c):
    assigned(c)
    row = CriterionAssignment.objects.get(node__code="2.2")
    with pytest.raises(ValidationError, match="2.2 has no value yet"):
        services.review_criterion(fresh(c.manager), row, True)
    services.save_score(fresh(c.stp_officer), c.sheet, "2.2", "self", "yes", "", 0)
    with pytest.raises(ValidationError, match="needs evidence or a note"):
        services.review_criterion(fresh(c.manager), row, True)
    with pytest.raises(ValidationError, match="Write what the department should change"):
        services.review_criterion(fresh(c.manager), row, False, "  ")
    with pytest.raises(ValidationError, match="longer than 2000"):
        services.review_criterion(fresh(c.manager), row, False, "x" * 2001)
    with pytest.raises(PermissionDenied):
        services.review_criterion(fresh(c.stp_head), row, False, "Tự duyệt")
    row.refresh_from_db()
    assert row.status == A.PENDING and row.reviewed_by is None


def test_a_returned_draft_is_told_to_the_department_with_the_comment(c):
    assigned(c)
    row = CriterionAssignment.objects.get(node__code="2.2")
    services.review_criterion(fresh(c.manager), row, False, "Bổ sung <b>văn bản</b>")
    told = Notification.objects.filter(kind="criterion_returned")
    assert set(told.values_list("recipient__username", flat=True)) == {
        c.stp_officer.username, c.stp_head.username}
    assert "Bổ sung <b>văn bản</b>" in str(told.first())
    change = history.for_scope(c.round).get(action="review")
    assert change.part == "2.2" and change.reason == "Bổ sung <b>văn bản</b>"


def test_the_province_is_submitted_once_every_draft_is_accepted(c):
    assigned(c)
    draft_all(c)
    with pytest.raises(ValidationError, match="Accept every department's draft first"):
        services.consolidate(fresh(c.manager), c.sheet)
    accept_all(c)
    with pytest.raises(PermissionDenied):
        services.consolidate(fresh(c.stp_head), c.sheet)
    services.consolidate(fresh(c.manager), c.sheet)
    sheet = Sheet.objects.get(pk=c.sheet.pk)
    assert sheet.state == Sheet.State.SUBMITTED and sheet.submitted_by == c.manager
    with pytest.raises(PermissionDenied):  # locked, for the departments too
        services.save_score(fresh(c.stp_officer), sheet, "2.1", "self", "1/2", NOTE, 1)


def test_a_province_with_no_department_in_charge_is_not_submitted_this_way(c):
    with pytest.raises(ValidationError, match="No sub-criterion is assigned"):
        services.consolidate(fresh(c.manager), c.sheet)


def test_progress_per_department_counts_assigned_drafted_accepted_and_returned(c):
    assigned(c)
    draft_all(c, codes={"2.1", "2.2", "1.4"})
    services.review_criterion(fresh(c.manager), CriterionAssignment.objects.get(
        node__code="2.1"), True)
    services.review_criterion(fresh(c.manager), CriterionAssignment.objects.get(
        node__code="2.3"), False, "Chưa có số liệu")
    with CaptureQueriesContext(connection) as queries:
        lines = {line.code: line for line in department_progress(
            c.sheet.criterion_assignments.all())}
    assert len(queries) == 1
    stp = lines["STP"]
    assert (stp.assigned, stp.drafted, stp.accepted, stp.returned) == (4, 2, 1, 1)
    assert (lines["STTTT"].assigned, lines["STTTT"].drafted) == (5, 1)
    assert lines["SNV"].drafted == 0 and lines["SNV"].undrafted == lines["SNV"].assigned


def page_queries(client, person, round) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("assessments:national", args=[round.code])).status_code == 200
    return len(queries)


def test_the_page_reads_a_fixed_number_of_queries_whatever_is_drafted(c, client):
    services.assign_criteria(c.manager, c.sheet, [(None, "2", "STP")])
    few = page_queries(client, c.manager, c.round)
    assigned(c)
    draft_all(c)
    assert page_queries(client, c.manager, c.round) == few
    assert page_queries(client, c.stp_officer, c.round) <= few + 2


def test_each_person_sees_the_page_as_the_policy_says(c, client):
    assigned(c)
    url = reverse("assessments:national", args=[c.round.code])
    client.force_login(c.stp_officer)
    page = client.get(url).content.decode()
    assert 'id="leaf-2.1"' in page and 'id="leaf-1.1.1"' not in page
    assert "consolidate-button" not in page and "workbook-link" not in page
    client.force_login(c.manager)
    page = client.get(url).content.decode()
    assert 'id="leaf-1.1.1"' in page and "consolidate-button" in page
    client.force_login(c.outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("assessments:national_workbook", args=[c.round.code])
                      ).status_code == 404


def test_a_department_drafts_and_the_manager_returns_through_the_page(c, client):
    assigned(c)
    client.force_login(c.stp_officer)
    draft = reverse("assessments:national_draft", args=[c.round.code, "2.1"])
    client.post(draft, {"numerator": "3", "denominator": "4", "note": NOTE, "version": "0"})
    assert Score.objects.get(node__code="2.1").value == "3/4"
    client.post(draft, {"numerator": "3", "denominator": "0", "note": NOTE, "version": "1"})
    assert Score.objects.get(node__code="2.1").value == "3/4"  # refused, nothing written
    page = client.get(reverse("assessments:national", args=[c.round.code])).content.decode()
    assert 'name="numerator" maxlength="30" aria-label="Numerator" value="3"' in page
    other = reverse("assessments:national_draft", args=[c.round.code, "1.1.1"])
    client.post(other, {"value": "yes", "version": "0"})
    assert not Score.objects.filter(node__code="1.1.1").exists()
    client.force_login(c.manager)
    review = reverse("assessments:national_review", args=[c.round.code, "2.1"])
    client.post(review, {"decision": "return", "comment": "Số liệu chưa khớp"})
    assert CriterionAssignment.objects.get(node__code="2.1").status == A.RETURNED
    client.force_login(c.stp_officer)
    page = client.get(reverse("assessments:national", args=[c.round.code])).content.decode()
    assert "Số liệu chưa khớp" in page


def test_departments_with_undrafted_leaves_are_reminded_once(c):
    assigned(c)
    draft_all(c, codes={"1.4", "7.1", "7.2", "7.3", "7.4"})  # STTTT has drafted all of its
    day = datetime.date(2030, 1, 30)
    send_reminders(day)
    send_reminders(day)
    told = Notification.objects.filter(kind="criteria_reminder")
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(
        [c.snv_officer.username, c.stp_officer.username, c.stp_head.username])
    snv = told.get(recipient=c.snv_officer)
    assert snv.params["count"] == CriterionAssignment.objects.filter(unit=c.snv).count()
    assert told.get(recipient=c.stp_head).params["count"] == 4


def test_the_command_assigns_from_a_file_and_a_bad_file_exits_2_with_the_problems(c, tmp_path,
                                                                                  capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    good = tmp_path / "giao.csv"
    good.write_text("criterion_code,unit_code\n2,STP\n", encoding="utf-8")
    call_command("assign_criteria", c.round.code, str(good), "--as", c.manager.username)
    assert "4 sub-criteria covered" in capsys.readouterr().out
    bad = tmp_path / "sai.csv"
    bad.write_text("criterion_code,unit_code\n3,STP\n9,STP\n", encoding="utf-8")
    with pytest.raises(CommandError) as failed:
        call_command("assign_criteria", c.round.code, str(bad), "--as", c.manager.username)
    assert failed.value.returncode == 2
    assert "Row 3: '9' is not a criterion" in capsys.readouterr().err
    assert set(departments(c).values()) == {"STP"} and len(departments(c)) == 4
    with pytest.raises(CommandError):
        call_command("assign_criteria", c.round.code, str(good), "--as", c.stp_officer.username)


def test_a_not_applicable_or_zero_draft_is_accepted_without_evidence(c):
    assigned(c)
    officer = fresh(c.stp_officer)
    services.save_score(officer, c.sheet, "2.2", "self", "NA", "", 0)
    services.save_score(officer, c.sheet, "2.4", "self", "0", "", 0)
    for code in ("2.2", "2.4"):
        row = services.review_criterion(fresh(c.manager), CriterionAssignment.objects.get(
            node__code=code), True)
        assert row.status == A.ACCEPTED
