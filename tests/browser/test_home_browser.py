"""A leader opens the results page, switches year and language, in a real browser."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_results_page_year_and_language(live_server, page):
    call_command("demo", stdout=open("/dev/null", "w"))
    page.goto(live_server.url)
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name="Năm 2021").click()
    first_district = page.locator("#group-huyen tbody tr").first
    assert "Ia Grai" in first_district.inner_text()
    assert "78,30" in first_district.inner_text()
    with page.expect_navigation():  # the menu submits itself on change
        page.select_option("#language-form select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "78.30" in page.locator("#group-huyen tbody tr").first.inner_text()
    assert page.get_by_role("heading", name="Administrative Reform Index results").is_visible()


@pytest.mark.django_db(transaction=True)
def test_an_english_browser_reads_vietnamese_until_english_is_chosen(live_server, browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        with page.expect_navigation():
            page.select_option("#language-form select", "en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.reload()  # remembered by the language cookie
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()
