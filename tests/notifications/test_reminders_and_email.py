"""Reminders from the daily check (once per sheet and kind), preferences, and the mail itself
through a real SMTP server on localhost."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from parindex.assessments import services
from parindex.notifications import services as notifications
from parindex.notifications.models import Notification, Reminder
from tests.assessments.cycle import build_cycle, fresh, submitted
from tests.jobs.conftest import run_worker

from .conftest import with_emails

DEADLINE = datetime.date(2030, 1, 31)


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind)
               .values_list("recipient__username", flat=True))


@pytest.mark.django_db
def test_reminders_go_to_draft_sheets_once_per_kind():
    c = build_cycle()
    submitted(c, c.other_sheet, head=c.other_head)  # H02 is in time; H01 is a draft
    notifications.send_reminders(DEADLINE - datetime.timedelta(days=4))
    assert not Reminder.objects.exists()

    for day in (27, 28, 31):  # three days before, the next day, the deadline itself
        notifications.send_reminders(datetime.date(2030, 1, day))
    assert list(Reminder.objects.values_list("sheet__unit__code", "kind")) == [
        ("H01", "due_soon")]
    assert told("reminder_due_soon") == {"r2023-officer1", "r2023-head1"}

    notifications.send_reminders(datetime.date(2030, 2, 1))
    notifications.send_reminders(datetime.date(2030, 2, 5))
    assert told("reminder_overdue") == {"r2023-officer1", "r2023-head1"}
    assert Notification.objects.filter(kind__startswith="reminder").count() == 4


@pytest.mark.django_db
def test_the_manager_sees_who_was_reminded_and_nobody_else_does(client):
    c = build_cycle()
    notifications.send_reminders(datetime.date(2030, 1, 28))
    url = reverse("notifications:reminders", args=[c.round.code])
    client.force_login(c.manager)
    assert reverse("notifications:reminders", args=[c.round.code]) in client.get(
        reverse("assessments:progress", args=[c.round.code])).content.decode()
    body = client.get(url).content.decode()
    assert "UBND huyện 1" in body and "r2023-officer1" in body and "r2023-head1" in body
    for someone in (c.council, c.officer, c.outsider):
        client.force_login(someone)
        assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_deadline_check_reminds_and_mails_the_digest_in_vietnamese(smtp):
    c = build_cycle()
    with_emails(c.officer, c.head, c.other_officer)
    notifications.set_preferences(fresh(c.other_officer), "inbox")
    call_command("deadline_check", "--day", "2030-01-28", verbosity=0)
    run_worker()
    call_command("deadline_check", "--day", "2030-01-29", verbosity=0)
    run_worker()  # the second check reminds nobody again and has nothing more to mail
    assert sorted(to for tos, _m in smtp for to in tos) == [
        "r2023-head1@example.vn", "r2023-officer1@example.vn"]
    _to, message = smtp[0]
    assert message["Subject"].strip() == "[PAR INDEX] Thông báo của bạn: 2 mới"
    body = message.get_content()
    assert "Kỳ đánh giá r2023" in body and "đang mở" in body
    assert "đến hạn ngày 31/01/2030" in body and "UBND huyện 1" in body
    assert "/assessments/r2023/units/H01/" in body
    assert set(Notification.objects.filter(recipient=c.other_officer)
               .values_list("emailed_at", flat=True)) == {None}  # inbox only


@pytest.mark.django_db(transaction=True)
def test_immediate_email_after_commit_in_the_recipients_language(smtp):
    c = build_cycle()
    with_emails(c.officer, c.head, c.appraiser)
    notifications.set_preferences(fresh(c.officer), "immediate")
    notifications.set_preferences(fresh(c.head), "immediate", "en")
    sheet = submitted(c)
    services.request_explanation(fresh(c.appraiser), sheet, "1.2", "Nộp báo cáo")
    services.send_requests(fresh(c.appraiser), sheet)
    assert smtp == []  # queued on commit, sent by the worker
    run_worker()
    officer = sorted(m["Subject"].strip() for tos, m in smtp if tos == ["r2023-officer1@example.vn"])
    assert officer == ["[PAR INDEX] Phiếu đã được nộp", "[PAR INDEX] Yêu cầu giải trình"]
    explained = next(m for tos, m in smtp if m["Subject"].strip() == "[PAR INDEX] Yêu cầu giải trình")
    assert "giải trình" in explained.get_content() and "01/03/2030" in explained.get_content()
    head = [m["Subject"].strip() for tos, m in smtp if tos == ["r2023-head1@example.vn"]]
    assert head == ["[PAR INDEX] Explanation requested"]  # the head chose English
    assert len(smtp) == 3
    run_worker()
    notifications.send_digests()  # nothing is mailed twice; immediate people get no digest
    assert len(smtp) == 3
