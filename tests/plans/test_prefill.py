"""Leaves with a source are filled in from the year's data, and follow it while the sheet is a
draft: task completion dates, reports' timestamps, monthly figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parindex.assessments import services as cycle
from parindex.assessments.models import Score
from parindex.history.models import Change
from parindex.plans import services
from parindex.plans.models import Prefill, Report
from tests.assessments.cycle import fresh
from tests.assessments.files import pdf

D = datetime.date


def self_score(c, code, unit=None):
    return Score.objects.filter(round=c.round, unit=unit or c.units[0], node__code=code,
                                stage="self").first()


def test_a_round_opens_with_the_sourced_leaves_filled_in(plans):
    assert self_score(plans, "1.1").value == "yes"
    assert self_score(plans, "1.2").value == "0/4"
    assert self_score(plans, "1.2").points == Decimal("0.0000")
    assert self_score(plans, "1.2").field.code == "1"
    assert self_score(plans, "1.3").value == "0"
    assert self_score(plans, "1.4") is None  # no source: the unit types it
    assert self_score(plans, "2.1") is None  # no figures yet: nothing to compute
    prefill = Prefill.objects.get(sheet=plans.sheet, node__code="1.2")
    assert [p["label"] for p in prefill.provenance] == [
        "NV1. Nhiệm vụ 1", "NV2. Nhiệm vụ 2", "NV3. Nhiệm vụ 3", "NV4. Nhiệm vụ 4"]


def test_changing_a_completion_date_changes_the_value_and_points(plans):
    services.report_progress(plans.officer, plans.tasks[0], "Đã ban hành", D(2026, 1, 10))
    services.report_progress(plans.officer, plans.tasks[1], "Xong", D(2026, 2, 27))
    assert self_score(plans, "1.2").value == "2/4"
    assert self_score(plans, "1.2").points == Decimal("1.0000")
    # A later report corrects the date: the task was done after its deadline.
    services.report_progress(plans.officer, plans.tasks[1], "Sửa ngày", D(2026, 3, 2))
    assert self_score(plans, "1.2").value == "1/4"
    assert self_score(plans, "1.2").points == Decimal("0.5000")
    changes = Change.objects.filter(action="prefill", part="1.2")
    assert [c.after["value"] for c in changes.order_by("pk")] == ["0/4", "1/4", "2/4", "1/4"]


def test_a_moved_deadline_carries_a_task_over(plans):
    services.change_deadline(plans.officer, plans.tasks[3], D(2027, 3, 31), "Chuyển năm sau")
    assert self_score(plans, "1.2").value == "0/3"
    with pytest.raises(ValidationError):
        services.change_deadline(plans.officer, plans.tasks[3], D(2027, 3, 31), "")


def test_changing_a_months_figures_changes_the_value_and_points(plans, tmp_path):
    path = tmp_path / "cong-dvc.csv"
    path.write_text("unit,month,received,on_time,late,online,digitised,satisfaction\n"
                    "H01,01/2026,100,90,10,50,40,95\nH01,02/2026,100,100,0,70,60,97.5\n",
                    encoding="utf-8")
    services.import_service_data(plans.manager, path)
    assert self_score(plans, "2.1").value == "120/200"
    assert self_score(plans, "2.1").points == Decimal("1.2000")
    path.write_text("unit,month,received,on_time,late,online,digitised\n"
                    "H01,02/2026,100,100,0,100,60\n", encoding="utf-8")
    services.import_service_data(plans.manager, path)
    assert self_score(plans, "2.1").value == "150/200"
    assert self_score(plans, "2.1").points == Decimal("1.5000")


def test_reports_sent_on_time_count(plans):
    report = Report.objects.get(unit=plans.units[0], kind="q1")
    services.submit_report(plans.officer, report, pdf())
    report.refresh_from_db()
    assert report.on_time is False  # sent today, long after 15/3/2026
    assert self_score(plans, "1.3").value == "0"
    with pytest.raises(PermissionDenied):  # sent once
        services.submit_report(plans.officer, report, pdf())


def test_a_contested_value_is_kept_beside_the_computed_one(plans):
    prefill = Prefill.objects.get(sheet=plans.sheet, node__code="1.2")
    with pytest.raises(ValidationError):  # an explanation is required
        services.contest_prefill(fresh(plans.officer), prefill, "3/4", "")
    services.contest_prefill(fresh(plans.officer), prefill, "3/4", "NV3 xong, chưa nhập")
    assert self_score(plans, "1.2").value == "3/4"
    services.report_progress(plans.officer, plans.tasks[0], "Xong", D(2026, 1, 10))
    prefill.refresh_from_db()
    assert (prefill.value, prefill.contested_value) == ("1/4", "3/4")
    assert self_score(plans, "1.2").value == "3/4"  # the unit's value stays
    services.contest_prefill(fresh(plans.officer), prefill, "", "")
    assert self_score(plans, "1.2").value == "1/4"
    with pytest.raises(PermissionDenied):
        services.contest_prefill(fresh(plans.other_officer), prefill, "4/4", "x")


def test_a_value_typed_over_the_computed_one_is_kept_as_the_units(plans):
    """Nothing typed is lost: the next change of the data keeps the unit's value as contested,
    beside the new computed one, and the history says so."""
    score = self_score(plans, "1.2")
    cycle.save_score(fresh(plans.officer), plans.sheet, "1.2", "self", "3/4", "NV3 xong",
                     score.version)
    services.report_progress(plans.officer, plans.tasks[0], "Xong", D(2026, 1, 10))
    prefill = Prefill.objects.get(sheet=plans.sheet, node__code="1.2")
    assert (prefill.value, prefill.contested_value, prefill.explanation) == (
        "1/4", "3/4", "NV3 xong")
    assert self_score(plans, "1.2").value == "3/4"
    contest = Change.objects.filter(action="contest", part="1.2").get()
    assert contest.after == {"value": "3/4", "explanation": "NV3 xong", "computed": "1/4"}


def test_a_submitted_sheet_is_no_longer_prefilled(plans):
    for code, value in (("1.4", "1"), ("2.1", "1/2")):
        cycle.save_score(fresh(plans.officer), plans.sheet, code, "self", value, "Không có", 0)
    for code in ("1.1", "1.2", "1.3"):
        score = self_score(plans, code)
        cycle.save_score(fresh(plans.officer), plans.sheet, code, "self", score.value,
                         "Xem kế hoạch", score.version)
    cycle.submit(fresh(plans.head), plans.sheet)
    services.report_progress(plans.officer, plans.tasks[0], "Xong", D(2026, 1, 10))
    assert self_score(plans, "1.2").value == "0/4"


def test_only_the_responsible_unit_reports_progress(plans):
    with pytest.raises(PermissionDenied):
        services.report_progress(plans.other_officer, plans.tasks[0], "x", D(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.report_progress(plans.officer, plans.tasks[0], "x", D(2099, 1, 1))
    assert not plans.tasks[0].progress.exists()


def test_a_hostile_contest_is_refused_and_a_hostile_title_escaped(plans):
    from django.test import Client
    from django.urls import reverse

    prefill = Prefill.objects.get(sheet=plans.sheet, node__code="1.2")
    with pytest.raises(ValidationError):  # not a ratio: the engine's message, nothing kept
        services.contest_prefill(fresh(plans.officer), prefill, "=HYPERLINK(1)", "x")
    prefill.refresh_from_db()
    assert prefill.contested_value == "" and self_score(plans, "1.2").value == "0/4"
    with pytest.raises(ValidationError):
        services.contest_prefill(fresh(plans.officer), prefill, "1/4", "x" * 2001)
    services.add_task(plans.officer, plans.plan, "NV9", "<img src=x onerror=alert(1)>",
                      plans.units[0], D(2026, 5, 1))
    client = Client()
    client.force_login(plans.officer)
    html = client.get(reverse("assessments:sheet", args=[plans.round.code, "H01"])).content
    assert b"<img src=x" not in html and b"&lt;img src=x onerror=alert(1)&gt;" in html
