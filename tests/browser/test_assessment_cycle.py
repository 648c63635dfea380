"""The whole assessment cycle in headless Chromium: the officer fills in and attaches evidence,
the head submits, the appraiser cuts a score and asks for an explanation, the officer explains,
the appraiser finalises, the council approves; another unit's officer finds nothing."""

import pytest
from playwright.sync_api import expect
from tests import cast
from tests.assessments.cycle import FILLED, build_cycle, fill, fresh, submitted
from tests.assessments.files import PDF

from parindex.assessments import services
from parindex.assessments.models import Evidence, Score, Sheet

S = Sheet.State


def login(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", cast.PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def leaf(page, code):
    return page.locator(f'[id="leaf-{code}"]')


def saved(page, code, stage="self"):
    status = leaf(page, code).locator(f'form.autosave[data-draft-key$=":{stage}"] .status')
    status.and_(page.locator('[data-outcome="saved"]')).wait_for()


def state(c):
    return Sheet.objects.get(pk=c.sheet.pk).state


@pytest.mark.django_db(transaction=True)
def test_the_whole_cycle(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = build_cycle()
    base = live_server.url
    sheet_url = f"{base}/assessments/{c.round.code}/units/H01/"
    # Most leaves filled beforehand; the officer types the rest in the browser.
    fill(c, values={k: v for k, v in FILLED.items() if k not in ("1.1", "1.3.1")})

    # The officer: a yes/no, a ratio (two inputs), evidence; totals follow.
    login(page, base, c.officer)
    page.goto(sheet_url)
    before = page.locator("#total-self").inner_text()
    leaf(page, "1.1").locator("select[name=value]").select_option("yes")
    saved(page, "1.1")
    ratio = leaf(page, "1.3.1")
    ratio.locator("input[name=numerator]").fill("96")
    ratio.locator("input[name=denominator]").fill("100")
    saved(page, "1.3.1")
    assert page.locator("#total-self").inner_text() != before
    assert ratio.locator("output").inner_text() == "1,25"
    evidence = tmp_path / "ke-hoach.pdf"
    evidence.write_bytes(PDF)
    for code in ("1.1", "1.3.1"):
        form = leaf(page, code).locator("form.upload")
        form.locator("input[type=file]").set_input_files(str(evidence))
        form.locator("button[type=submit]").click()
        leaf(page, code).locator(".evidence li").wait_for()
    assert Evidence.objects.count() == 2
    assert Score.objects.get(node__code="1.3.1", stage="self").value == "96/100"

    # A lost connection: the edit waits on the device and goes out when the network is back.
    page.context.set_offline(True)
    leaf(page, "1.3.2").locator("input[name=value]").fill("0,5")
    leaf(page, "1.3.2").locator('.status[data-outcome="unsaved"]').wait_for()
    assert Score.objects.get(node__code="1.3.2", stage="self").value == "1"
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    saved(page, "1.3.2")
    assert Score.objects.get(node__code="1.3.2", stage="self").value == "0,5"
    assert page.locator("#submit-sheet").count() == 0  # officers do not submit

    # The head submits; the sheet is locked.
    login(page, base, c.head)
    page.goto(sheet_url)
    page.click("#submit-sheet")
    # The confirmation says what will be locked; nothing happens until confirmed.
    expect(page.locator("#confirm-step")).to_contain_text("UBND huyện 1")
    assert state(c) == S.DRAFT
    page.click("#confirm")
    page.wait_for_load_state()
    assert state(c) == S.SUBMITTED
    assert page.locator("form.autosave").count() == 0

    # The appraiser cuts 1.2 and asks for an explanation.
    login(page, base, c.appraiser)
    page.goto(f"{base}/assessments/{c.round.code}/queue/")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    cut = leaf(page, "1.2")
    cut.locator('form.autosave select[name=value]').select_option("<80%")
    cut.locator("form.autosave textarea[name=note]").fill("Chưa có báo cáo kết quả")
    cut.locator("form.autosave textarea[name=note]").blur()
    saved(page, "1.2", "appraised")
    cut.locator("details.request-form summary").click()
    cut.locator("textarea[name=question]").fill("Nộp báo cáo kết quả thực hiện kế hoạch")
    cut.locator("details.request-form button[type=submit]").click()
    page.wait_for_load_state()
    page.click("#send-requests")
    expect(page.locator("#confirm-requests")).to_contain_text("Nộp báo cáo kết quả")
    page.click("#confirm")
    page.wait_for_load_state()
    assert state(c) == S.EXPLANATION

    # The officer explains; the head re-submits.
    login(page, base, c.officer)
    page.goto(sheet_url)
    request = leaf(page, "1.2").locator(".request")
    assert "Nộp báo cáo kết quả" in request.inner_text()
    request.locator("textarea[name=answer]").fill("Báo cáo số 7/BC-UBND ngày 10/12")
    request.locator("form").first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    login(page, base, c.head)
    page.goto(sheet_url)
    page.click("#submit-sheet")
    expect(page.locator("#confirm-requests")).to_contain_text("Báo cáo số 7/BC-UBND")
    page.click("#confirm")
    page.wait_for_load_state()
    assert state(c) == S.EXPLAINED

    # The appraiser sets the final score and finalises.
    login(page, base, c.appraiser)
    page.goto(sheet_url)
    leaf(page, "1.2").locator("form.autosave select[name=value]").select_option("80-<100%")
    saved(page, "1.2", "appraised")
    page.click("#finalise")
    expect(page.locator("#confirm-kept")).to_contain_text("1.1")
    page.click("#confirm")
    page.wait_for_load_state()
    assert state(c) == S.FINALISED

    # The other unit is done through the services; then the council approves.
    submitted(c, c.other_sheet, head=c.other_head)
    services.finalise(fresh(c.appraiser), c.other_sheet)
    login(page, base, c.council)
    page.goto(f"{base}/assessments/{c.round.code}/")
    page.click("#approve-round")
    page.wait_for_load_state()
    assert set(Sheet.objects.values_list("state", flat=True)) == {S.APPROVED}
    assert Score.objects.get(node__code="1.2", unit__code="H01", stage="appraised").value == (
        "80-<100%"
    )

    # Another unit's officer: not found, whatever the address.
    login(page, base, c.other_officer)
    assert page.goto(sheet_url).status == 404
    evidence_id = Evidence.objects.first().pk
    assert page.goto(f"{base}/assessments/evidence/{evidence_id}/").status == 404


@pytest.mark.django_db(transaction=True)
def test_sheet_is_usable_on_a_phone(live_server, phone_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = build_cycle()
    page = phone_page
    login(page, live_server.url, c.officer)
    page.goto(f"{live_server.url}/assessments/{c.round.code}/units/H01/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    leaf(page, "1.2").locator("select[name=value]").select_option("100%")
    saved(page, "1.2")
    assert page.locator("#totals").is_visible()
