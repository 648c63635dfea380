"""A unit's leader sees how sure its rank is and tries other points in the simulator."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from parindex.results.models import ResultDetail, ResultRow


@pytest.mark.django_db(transaction=True)
def test_leader_sees_the_interval_and_simulates(live_server, page):
    call_command("demo", stdout=open("/dev/null", "w"))
    page.goto(live_server.url + "/results/gialai-2022/huyen/")
    whiskers = page.locator("#robustness")
    expect(whiskers.locator("svg")).to_be_visible()
    assert "Ia Grai" in whiskers.locator("[data-first]").inner_text()
    assert "ước tính" in whiskers.inner_text().lower()

    before = (list(ResultRow.objects.values_list()), list(ResultDetail.objects.values_list()))
    page.goto(live_server.url + "/results/gialai-2022/huyen/DAKPO/")
    panel = page.locator("#robustness")
    assert "Ia Grai" in panel.locator("[data-neighbours]").inner_text()
    panel.locator("#simulator summary").click()
    field = panel.locator("input[name='leaf-8.2.1']")
    field.fill("12")
    field.dispatch_event("change")  # htmx posts the form, the answer replaces #simulation
    after = panel.locator("#simulation [data-after]")
    expect(after).to_be_visible()
    assert after.locator("td").last.inner_text().strip() == "1"
    field.fill("99")
    field.dispatch_event("change")
    expect(panel.locator("#simulation [role=alert]")).to_contain_text("8.2.1")
    assert (list(ResultRow.objects.values_list()),
            list(ResultDetail.objects.values_list())) == before
