"""Reform work in headless Chromium: the officer reports a task done, the sheet's computed
value follows, the officer contests it with an explanation, and after submission the appraiser
sees the computed value and the unit's side by side."""

import pytest
from playwright.sync_api import expect
from tests.browser.test_assessment_cycle import login
from tests.plans.conftest import build
from tests.plans.test_pages import submit

from parindex.plans.models import Prefill


@pytest.mark.django_db(transaction=True)
def test_a_task_done_fills_the_sheet_and_a_contest_reaches_the_appraiser(
        live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = build()
    base = live_server.url
    sheet_url = f"{base}/assessments/{c.round.code}/units/{c.units[0].code}/"

    login(page, base, c.officer)
    page.goto(f"{base}/plans/?year=2026")
    page.get_by_role("link", name="NV1. Nhiệm vụ 1").click()
    page.fill("textarea[name=note]", "Đã ban hành quyết định")
    page.fill("input[name=completed_on]", "2026-01-15")
    page.click("main form button[type=submit]")
    expect(page.locator("#completed-on")).to_have_text("15/01/2026")
    expect(page.locator(".task-status")).to_have_text("Hoàn thành đúng hạn")

    page.goto(sheet_url)
    row = page.locator('[id="prefill-1.2"]')
    expect(row.locator(".computed")).to_contain_text("1/4")
    row.locator("summary", has_text="Đề nghị xem xét lại").click()
    row.locator("input[name=value]").fill("3/4")
    row.locator("textarea[name=explanation]").fill("NV2, NV3 đã xong, văn bản gửi kèm")
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator('[id="prefill-1.2"] .unit-value')).to_have_text("3/4")
    assert Prefill.objects.get(sheet=c.sheet, node__code="1.2").contested_value == "3/4"

    submit(c)
    login(page, base, c.appraiser)
    page.goto(sheet_url)
    row = page.locator('[id="prefill-1.2"]')
    expect(row.locator(".computed")).to_contain_text("1/4")
    expect(row.locator(".unit-value")).to_have_text("3/4")
    expect(row.locator(".explanation")).to_contain_text("NV2, NV3 đã xong, văn bản gửi kèm")
    expect(row.locator("summary", has_text="Đề nghị xem xét lại")).to_have_count(0)
