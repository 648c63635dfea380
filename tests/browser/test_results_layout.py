"""Issue 12, in Chromium: at 1366×768 the rankings fit (or scroll inside their own box, never
the page), each field's number has its name in a visible legend, and the round manager's menu
holds on one line; on a phone (390×844) the legend is there too."""

import pytest
from django.core.management import call_command

from parindex.demo.assessment_round import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1366, "height": 768}
PAGE_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def laptop(browser):
    context = browser.new_context(locale="vi-VN", viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def boxes(page, selector):
    return page.evaluate(
        "s => Array.from(document.querySelectorAll(s)).map(e => {"
        " const r = e.getBoundingClientRect();"
        " return {top: r.top, middle: (r.top + r.bottom) / 2, right: r.right, bottom: r.bottom,"
        " scroll: e.scrollWidth, client: e.clientWidth}; })",
        selector,
    )


def test_rankings_fit_at_1366_with_a_visible_legend(live_server, laptop):
    call_command("demo", stdout=open("/dev/null", "w"))
    for url in ("/results/gialai-2022/huyen/", "/results/gialai-2022/so/", "/?round=gialai-2022"):
        laptop.goto(live_server.url + url)
        assert laptop.evaluate(PAGE_OVERFLOW) <= 0, url  # the page never scrolls sideways
        for table in boxes(laptop, "div.table-scroll[id^=ranking-table]"):
            assert table["scroll"] <= table["client"] + 1, (url, table)  # the whole table
            assert table["right"] <= LAPTOP["width"], (url, table)
    laptop.goto(live_server.url + "/results/gialai-2022/huyen/")
    legend = laptop.locator("#field-legend-huyen")
    assert legend.is_visible()
    assert legend.locator("div").count() == 9
    text = legend.inner_text()
    assert "Điều tra xã hội học" in text and "Cải cách thủ tục hành chính" in text
    # The band and both change columns are on screen, not cut off.
    header = laptop.locator("table.ranking thead th").last
    assert header.bounding_box()["x"] + header.bounding_box()["width"] <= LAPTOP["width"]


def test_the_round_managers_menu_holds_on_one_line_at_1366(live_server, laptop):
    call_command("demo", stdout=open("/dev/null", "w"))
    laptop.goto(live_server.url + "/accounts/login/")
    laptop.fill("input[name=username]", "snv.quanly")
    laptop.fill("input[name=password]", PASSWORD)
    laptop.click("main form button[type=submit]")
    laptop.wait_for_load_state()
    laptop.goto(live_server.url + "/manage/results/gialai-2022/")
    items = boxes(laptop, "header nav ul:last-child > li")
    assert len(items) >= 8  # results, assessments, survey, manage results, awards, jobs, …
    middles = [item["middle"] for item in items]
    assert max(middles) - min(middles) < 8, items  # one row (entries of different heights)
    links = boxes(laptop, "header nav ul:last-child > li > a")
    assert max(link["bottom"] - link["top"] for link in links) < 40  # no entry on two lines
    assert laptop.evaluate(PAGE_OVERFLOW) <= 0
    assert laptop.locator("#compute").is_visible()  # issue 12: the manager's buttons


def test_the_legend_is_readable_on_a_phone(live_server, phone_page):
    call_command("demo", stdout=open("/dev/null", "w"))
    phone_page.goto(live_server.url + "/results/gialai-2022/huyen/")
    legend = phone_page.locator("#field-legend-huyen")
    assert legend.is_visible() and "Điều tra xã hội học" in legend.inner_text()
    box = legend.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    size = legend.locator("dd").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 12  # readable, not a footnote
    assert phone_page.evaluate(PAGE_OVERFLOW) <= 1
