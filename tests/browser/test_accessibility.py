"""axe-core (tests/browser/vendor, version in its folder name) on the main pages, each seen by
the person who uses it: no serious or critical violation; and the sheet reached with the
keyboard alone."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from tests import cast
from tests.surveys.conftest import FRAMEWORK, definition, make_units, organiser

from parindex.assessments.models import Round
from parindex.demo.assessment_round import PASSWORD
from parindex.engine.framework import framework_from_dict
from parindex.frameworks.services import import_framework
from parindex.surveys.services.definitions import create_survey

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""
BLOCKING = {"serious", "critical"}
# (who, address): the public pages anonymously, the rest as the demo account that works there.
PAGES = [
    (None, "/"),
    (None, "/results/gialai-2022/"),
    (None, "/results/gialai-2022/huyen/"),
    (None, "/results/gialai-2022/huyen/IAGRAI/"),
    (None, "/accounts/login/"),
    (None, "/khong-co-trang-nay/"),
    ("iagrai.canbo", "/viec-cua-toi/"),
    ("iagrai.canbo", "/assessments/gialai-2023/units/IAGRAI/"),
    ("iagrai.canbo", "/notifications/"),
    ("iagrai.canbo", "/awards/iagrai-cchc-2021/"),
    ("snv.thamdinh", "/viec-cua-toi/"),
    ("snv.thamdinh", "/assessments/gialai-2023/queue/"),
    ("snv.thamdinh", "/assessments/gialai-2023/units/ANKHE/"),  # submitted: appraisal forms
    ("snv.quanly", "/viec-cua-toi/"),
    ("snv.quanly", "/assessments/gialai-2023/progress/"),
    ("snv.quanly", "/manage/results/"),
    ("snv.quanly", "/survey/"),
    ("snv.quanly", "/jobs/"),
    ("snv.hoidong", "/viec-cua-toi/"),
    ("snv.hoidong", "/assessments/gialai-2023/"),
]


def blocking_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}/viec-cua-toi/")


@pytest.fixture
def axe_page(browser):
    # axe is injected as a script tag: the site's Content-Security-Policy would refuse it.
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900},
                                  bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_no_serious_or_critical_violation_on_the_main_pages(live_server, axe_page):
    call_command("demo", stdout=open("/dev/null", "w"))
    found, signed_in = {}, None
    for username, address in PAGES:
        if username != signed_in:
            if username is None:
                axe_page.context.clear_cookies()
            else:
                sign_in(axe_page, live_server.url, username)
            signed_in = username
        response = axe_page.goto(live_server.url + address)
        assert response.status == (404 if "khong-co" in address else 200), address
        violations = blocking_violations(axe_page)
        if violations:
            found[f"{username or 'anonymous'} {address}"] = violations
    assert found == {}
    # The check can fail: a field without a label is a critical violation.
    axe_page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    assert [v["id"] for v in blocking_violations(axe_page)] == ["label"]


@pytest.fixture
def survey_form(transactional_db):
    """A survey open for answers (the demo's are closed: their results are published)."""
    make_units(["IAGRAI", "PLEIKU"])
    round_ = Round.objects.create(code="r2021", name="Kỳ 2021", year=2021,
                                  organiser=organiser())
    round_.frameworks.add(import_framework(cast.administrator(), framework_from_dict(FRAMEWORK)))
    create_survey(round_, definition())
    return "/survey/f/r2021/nguoi-dan/?unit=IAGRAI"


def test_the_survey_form_on_a_phone(live_server, browser, survey_form):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + survey_form)
        expect(page.locator("main form")).to_be_visible()
        assert blocking_violations(page) == []
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_sign_in_and_reach_the_sheet_with_the_keyboard_alone(live_server, page):
    call_command("demo", stdout=open("/dev/null", "w"))
    page.goto(live_server.url + "/accounts/login/")
    page.keyboard.type("iagrai.canbo")  # the name field has the focus on arrival
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/viec-cua-toi/")

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"{selector} never received the focus")

    page.keyboard.press("Tab")  # the first Tab: the skip link, shown when focused
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    tab_to('#unit-sheets a[href$="/units/IAGRAI/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/assessments/gialai-2023/units/IAGRAI/")
    tab_to("main textarea, main input:not([type=hidden]), main select, main button")
    assert page.evaluate("document.activeElement.closest('main') !== null")
