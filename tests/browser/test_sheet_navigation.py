"""Finding one's way in a long sheet, on a laptop (1366×768) and a phone (390×844): the
contents jump to a field, a filter hides the scored leaves, Enter and "next to decide" move
through the leaves; the phone never scrolls sideways and the N/A box is big enough to touch."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests import cast
from tests.assessments.cycle import FILLED, build_cycle, fill, fresh, submitted
from tests.assessments.files import PNG, pdf, upload

from parindex.assessments import services
from parindex.assessments.models import Score

SHOTS = Path("/tmp/shots-sheet")


def login(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", cast.PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def leaf(page, code):
    return page.locator(f'[id="leaf-{code}"]')


def in_view(page, selector):
    """The top of the element, in pixels from the top of the window."""
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().top")


@pytest.fixture
def sheet(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = build_cycle(fields=5)
    fill(c, values={code: value for code, value in FILLED.items() if code.startswith("1.")})
    return c


@pytest.fixture
def laptop(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_contents_filters_and_keyboard_on_a_laptop(live_server, laptop, sheet):
    page, base = laptop, live_server.url
    login(page, base, sheet.officer)
    page.goto(f"{base}/assessments/{sheet.round.code}/units/H01/")
    toc = page.locator("#sheet-toc")
    assert toc.locator("details").get_attribute("open") is not None  # open beside the sheet
    assert "4/4" in toc.locator("#toc-progress-1").inner_text()
    assert "0/4" in toc.locator("#toc-progress-4").inner_text()
    shot(page, "laptop-top")

    toc.locator('a[href="#field-4"]').click()
    assert abs(in_view(page, '[id="field-4"]')) < 80
    assert page.evaluate("location.hash") == "#field-4"
    assert toc.is_visible()  # the contents stay in view
    expect(toc.locator('a[href="#field-4"]')).to_have_attribute("aria-current", "true")
    shot(page, "laptop-field-4")

    toc.locator('button[data-filter="unscored"]').click()
    assert leaf(page, "1.1").is_hidden() and leaf(page, "1.3.1").is_hidden()
    assert leaf(page, "2.1").is_visible() and leaf(page, "5.3.2").is_visible()
    assert page.locator('[id="field-1"]').is_hidden()  # no leaf left to show in field 1
    shot(page, "laptop-filter-unscored")

    # "Next to decide" goes to the first unscored leaf and puts the cursor in its box; Enter
    # moves on to the next leaf, saving the value typed.
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    page.locator("#next-needed").click()
    focused = page.evaluate("document.activeElement.closest('article.leaf').id")
    assert focused == "leaf-2.1"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('article.leaf').id") == "leaf-2.2"
    box = leaf(page, "2.2").locator("select[name=value]")
    box.select_option("100%")
    leaf(page, "2.2").locator('.status[data-outcome="saved"]').wait_for()
    assert Score.objects.get(node__code="2.2", stage="self", unit__code="H01").value == "100%"
    assert "1/4" in toc.locator("#toc-progress-2").inner_text()  # the contents follow

    toc.locator('button[data-filter=""]').click()
    assert leaf(page, "1.1").is_visible()


@pytest.mark.django_db(transaction=True)
def test_the_phone_sheet_fits_and_its_controls_are_big_enough(live_server, phone_page, sheet):
    page, base = phone_page, live_server.url
    login(page, base, sheet.officer)
    page.goto(f"{base}/assessments/{sheet.round.code}/units/H01/")
    details = page.locator("#sheet-toc details")
    assert details.get_attribute("open") is None  # closed on a phone until asked for
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    shot(page, "phone-top")

    page.locator("#sheet-toc summary").click()
    shot(page, "phone-contents-open")
    page.locator('#sheet-toc a[href="#field-3"]').click()
    assert details.get_attribute("open") is None
    assert abs(in_view(page, '[id="field-3"]')) < 120
    shot(page, "phone-field-3")

    na = leaf(page, "3.3.2").locator("label.na")
    na.scroll_into_view_if_needed()
    box = na.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    for summary in page.locator("#sheet-toc summary, .sheet-filters button").all():
        assert summary.bounding_box()["height"] >= 44
    shot(page, "phone-na")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_the_appraiser_sees_requests_evidence_and_accepts_a_field(
        live_server, laptop, phone_page, sheet):
    c = sheet
    services.add_evidence(fresh(c.officer), c.sheet, "1.1", upload("anh.png", PNG))
    document = services.add_evidence(fresh(c.officer), c.sheet, "1.2", pdf())
    submitted(c)
    services.save_score(fresh(c.appraiser), c.sheet, "1.2", "appraised", "<80%", "", 0)
    services.request_explanation(fresh(c.appraiser), c.sheet, "1.2", "Bổ sung báo cáo quý IV")
    page, base = laptop, live_server.url
    login(page, base, c.appraiser)
    url = f"{base}/assessments/{c.round.code}/units/H01/"
    page.goto(url)
    assert "1.2" in page.locator("#requests-list").inner_text()
    leaf(page, "1.1").locator("details.preview summary").click()
    image = leaf(page, "1.1").locator("details.preview img")
    image.wait_for()
    # Loaded through the evidence view, in the page (the page's CSP forbids eval for polling).
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 4
    # The PDF opens in a frame of the page (a refused frame would show Chrome's error page).
    leaf(page, "1.2").locator("details.preview summary").click()
    frame = leaf(page, "1.2").locator("details.preview iframe")
    frame.wait_for()
    content = frame.element_handle().content_frame()
    content.wait_for_load_state()
    assert content.url == f"{base}/assessments/evidence/{document.pk}/"
    toc = page.locator("#sheet-toc")
    toc.locator('button[data-filter="cut"]').click()
    assert leaf(page, "1.2").is_visible() and leaf(page, "1.1").is_hidden()
    toc.locator('button[data-filter=""]').click()
    shot(page, "laptop-appraiser")

    page.locator('[id="field-2"] .accept-field a').click()
    assert page.locator("#confirm-accept tbody tr").count() == 4
    page.click("#confirm")
    page.wait_for_load_state()
    assert Score.objects.filter(unit__code="H01", stage="appraised", field__code="2").count() == 4

    login(phone_page, base, c.appraiser)
    phone_page.goto(url)
    assert phone_page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    shot(phone_page, "phone-appraiser")
