"""A leader opens the ranking, a unit's scorecard, and downloads the Excel and PDF annexes."""

import openpyxl
import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader


@pytest.mark.django_db(transaction=True)
def test_leader_reads_ranking_scorecard_and_downloads(live_server, page, tmp_path):
    call_command("demo", stdout=open("/dev/null", "w"))
    page.goto(live_server.url + "/?round=gialai-2021")
    page.locator("#group-huyen h2 a").click()  # the districts' ranking page
    page.wait_for_url("**/results/gialai-2021/huyen/")
    first = page.locator("table.ranking tbody tr").first
    assert "Ia Grai" in first.inner_text() and "78,30" in first.inner_text()
    assert page.locator("figure.chart svg").first.is_visible()

    page.locator("input[name=q]").fill("Chư Prông")  # htmx filters in place
    # expect(), not wait_for_function: that evaluates a string, which the page's CSP refuses.
    expect(page.locator("table.ranking tbody tr")).to_have_count(1)
    assert "71,47" in page.locator("table.ranking tbody tr").inner_text()
    page.locator("input[name=q]").fill("")
    expect(page.locator("table.ranking tbody tr")).to_have_count(17)

    page.get_by_role("link", name="UBND huyện Ia Grai").first.click()
    page.wait_for_url("**/results/gialai-2021/huyen/IAGRAI/")
    assert page.locator("#unit-index").inner_text().strip() == "78,30"
    assert "10,26" in page.locator("#fields").inner_text()
    assert page.locator("#lost tbody tr").count() > 0

    page.goto(live_server.url + "/results/gialai-2021/")
    with page.expect_download() as xlsx:
        page.locator("a[href$='annex.xlsx']").click()
    path = tmp_path / "annex.xlsx"
    xlsx.value.save_as(path)
    sheet = openpyxl.load_workbook(path)["UBND cấp huyện"]
    assert any(
        row[1] == "UBND huyện Ia Grai" and row[-3] == pytest.approx(78.30)
        for row in sheet.iter_rows(values_only=True)
        if len(row) > 3
    )

    with page.expect_download() as pdf:
        page.locator("a[href$='annex.pdf']").click()
    path = tmp_path / "annex.pdf"
    pdf.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "78,30" in text and "UBND huyện Ia Grai" in text


@pytest.mark.django_db(transaction=True)
def test_public_results_readable_on_a_phone(live_server, phone_page):
    call_command("demo", stdout=open("/dev/null", "w"))
    phone_page.goto(live_server.url + "/results/gialai-2022/huyen/IAGRAI/")
    assert phone_page.locator("#unit-index").inner_text().strip() == "80,94"
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1  # wide tables scroll inside their box, the page does not


@pytest.mark.django_db(transaction=True)
def test_ranking_on_a_phone_shows_the_index_without_scrolling(live_server, phone_page):
    call_command("demo", stdout=open("/dev/null", "w"))
    phone_page.goto(live_server.url + "/results/gialai-2022/huyen/")
    index = phone_page.locator('tr[data-unit="IAGRAI"] td.index')
    assert index.inner_text().strip() == "80,94"
    box = index.bounding_box()
    assert box["x"] + box["width"] <= 390  # within the phone's width, no sideways scrolling
