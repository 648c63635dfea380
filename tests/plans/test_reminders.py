"""Periodic reports remind their unit before the due date and once overdue, through the daily
check and the notification inbox, each reminder once."""

from __future__ import annotations

import datetime

from django.utils import timezone

from parindex.jobs import signals
from parindex.notifications.kinds import text
from parindex.notifications.models import Notification
from parindex.plans import services


def test_reports_due_soon_and_overdue_are_reminded_once(plans):
    today = timezone.localdate()
    services.request_reports(plans.manager, plans.snv, [plans.units[0]], 2026, "adhoc",
                             "Báo cáo đột xuất", today + datetime.timedelta(days=2))
    signals.daily_check.send(None, day=today, deadlines=[])
    signals.daily_check.send(None, day=today, deadlines=[])
    sent = Notification.objects.filter(kind__startswith="report_")
    officer = sent.filter(recipient=plans.officer)
    assert sorted(officer.values_list("kind", flat=True)) == [
        "report_due_soon", "report_overdue", "report_overdue"]  # q1 and half are overdue
    assert not sent.filter(recipient__in=[plans.manager, plans.outsider]).exists()
    assert sent.filter(recipient=plans.other_officer, kind="report_overdue").count() == 2
    soon = officer.get(kind="report_due_soon")
    assert "Báo cáo đột xuất" in text(soon) and "UBND huyện 1" in text(soon)


def test_a_sent_report_is_not_reminded(plans):
    from parindex.plans.models import Report
    from tests.assessments.files import pdf

    for report in Report.objects.filter(unit=plans.units[0]):
        services.submit_report(plans.officer, report, pdf())
    signals.daily_check.send(None, day=timezone.localdate(), deadlines=[])
    assert not Notification.objects.filter(recipient=plans.officer,
                                           kind__startswith="report_").exists()
