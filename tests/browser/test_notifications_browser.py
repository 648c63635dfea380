"""A deadline reminder and an explanation request arrive in the officer's inbox: the header
counts them, the inbox lists them newest first, marking all read clears the count."""

import datetime

import pytest
from tests.assessments.cycle import build_cycle, fresh, submitted
from tests.browser.test_assessment_cycle import login

from parindex.assessments import services
from parindex.notifications import services as notifications


@pytest.mark.django_db(transaction=True)
def test_reminder_and_explanation_request_reach_the_inbox(live_server, page):
    c = build_cycle()
    notifications.send_reminders(datetime.date(2030, 1, 28))  # the daily check, 3 days before
    sheet = submitted(c)
    services.request_explanation(fresh(c.appraiser), sheet, "1.2", "Nộp báo cáo kết quả")
    services.send_requests(fresh(c.appraiser), sheet)

    base = live_server.url
    login(page, base, c.officer)
    page.goto(f"{base}/assessments/")
    # round opened, reminder, sheet submitted, explanation requested
    assert page.locator("#unread-count").inner_text() == "4"
    page.click("#inbox-link")
    items = page.locator("#inbox li.notification")
    assert items.count() == 4
    assert "Yêu cầu giải trình" in items.nth(0).inner_text()  # newest first
    assert "giải trình 1 nội dung" in items.nth(0).inner_text()
    assert "Sắp đến hạn tự đánh giá" in items.nth(2).inner_text()
    assert "31/01/2030" in items.nth(2).inner_text()

    items.nth(0).get_by_role("button", name="Mở").click()
    page.wait_for_url(f"{base}/assessments/{c.round.code}/units/H01/")
    assert page.locator("#unread-count").inner_text() == "3"
    page.click("#inbox-link")
    page.click("#read-all")
    page.wait_for_load_state()
    assert page.locator("#unread-count").count() == 0
    assert page.locator("#inbox li.unread").count() == 0
