"""The pages keep working under the Content-Security-Policy: Chromium reports no refusal on the
sheet (while autosave saves) nor on the public survey form, and the language menu still acts."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from tests import cast
from tests.surveys.conftest import FRAMEWORK, definition, make_units, organiser

from parindex.assessments.models import Round, Score, Sheet
from parindex.demo.assessment_round import FILLING_UNIT
from parindex.engine.framework import framework_from_dict
from parindex.frameworks.services import import_framework
from parindex.results.selectors import published_rounds
from parindex.surveys.services.definitions import create_survey


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=open("/dev/null", "w"))


def cookie_of(live_server, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return {"name": "sessionid", "value": client.cookies["sessionid"].value,
            "url": live_server.url}


def watch(page):
    """CSP refusals as they happen: Chromium's "Refused to …" console lines and the page's
    securitypolicyviolation events (heard by a script the policy does not apply to)."""
    refusals = []
    page.on("console", lambda m: "Refused to" in m.text and refusals.append(m.text))
    page.on("pageerror", lambda e: refusals.append(f"page error: {e}"))
    page.expose_function("parindexRefused", lambda text: refusals.append(text))
    page.add_init_script("""document.addEventListener("securitypolicyviolation", function (e) {
        window.parindexRefused("Refused (" + e.effectiveDirective + "): " + e.blockedURI);
    });""")
    return refusals


def test_sheet_and_survey_form_under_the_policy(live_server, demo, page):
    refusals = watch(page)
    sheet = Sheet.objects.select_related("round", "unit").filter(
        round__in=Round.objects.exclude(code__in=[r.code for r in published_rounds()]),
        unit__code=FILLING_UNIT).get()
    page.context.add_cookies([cookie_of(live_server, "pleiku.canbo")])

    response = page.goto(f"{live_server.url}/assessments/{sheet.round.code}/units/"
                         f"{sheet.unit.code}/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # Autosave: a points leaf typed in is saved by htmx, without reloading the page.
    form = page.locator('form.autosave[data-draft-key$=":self"]').filter(
        has=page.locator('input[name="value"][inputmode="decimal"]')).first
    leaf_pk = int(form.get_attribute("data-draft-key").split(":")[1])
    form.locator('input[name="value"]').fill("0")
    form.locator('.status[data-outcome="saved"]').wait_for()
    assert Score.objects.get(round=sheet.round, unit=sheet.unit, node_id=leaf_pk, stage="self").value in ("0", 0)

    # The language menu submits its form from the static script (no onchange attribute).
    with page.expect_navigation():
        page.select_option("#language-form select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.wait_for_load_state("networkidle")
    assert refusals == []
    # The listener does hear refusals: an inline style slipped in is one.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<style>p { color: red }</style>')")
    page.wait_for_timeout(200)
    assert any("style-src" in r for r in refusals), refusals


@pytest.fixture
def open_survey(transactional_db):
    make_units(["IAGRAI", "PLEIKU"])
    round_ = Round.objects.create(code="r2021", name="Kỳ 2021", year=2021,
                                  organiser=organiser())
    round_.frameworks.add(import_framework(cast.administrator(), framework_from_dict(FRAMEWORK)))
    return create_survey(round_, definition())


def test_public_survey_form_under_the_policy(live_server, open_survey, phone_page):
    refusals = watch(phone_page)
    response = phone_page.goto(f"{live_server.url}/survey/f/r2021/nguoi-dan/?unit=IAGRAI")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    phone_page.locator("#q-Q1 input[value=A]").tap()
    phone_page.locator("#q-Q2 input[value=B]").tap()
    phone_page.locator(".survey-form button[type=submit]").tap()
    phone_page.wait_for_url("**/thanks/")
    phone_page.wait_for_load_state("networkidle")
    assert refusals == []
