"""A citizen answers the survey on a phone; the manager sees the unit's survey points move."""

import pytest
from django.test import Client
from playwright.sync_api import expect
from tests import cast
from tests.surveys.conftest import FRAMEWORK, definition, make_units, organiser

from parindex.assessments.models import Round
from parindex.engine.framework import framework_from_dict
from parindex.frameworks.services import import_framework
from parindex.surveys.services.definitions import create_survey


@pytest.fixture
def survey(transactional_db):
    make_units(["IAGRAI", "PLEIKU"])
    round_ = Round.objects.create(code="r2021", name="Kỳ 2021", year=2021,
                                  organiser=organiser())
    round_.frameworks.add(import_framework(cast.administrator(), framework_from_dict(FRAMEWORK)))
    return create_survey(round_, definition())


def manager_cookie(live_server):
    user = cast.round_manager(organiser())
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    return {"name": "sessionid", "value": session, "url": live_server.url}


def points_of(page, unit):
    return page.locator(f"#unit-{unit} .survey-points").all_inner_texts()


def test_citizen_answers_on_a_phone_and_the_score_moves(
        live_server, survey, phone_page, page):
    page.context.add_cookies([manager_cookie(live_server)])
    scores_url = f"{live_server.url}/survey/r2021/scores/"
    page.goto(scores_url)
    assert points_of(page, "IAGRAI") == []

    phone_page.goto(f"{live_server.url}/survey/f/r2021/nguoi-dan/?unit=IAGRAI")
    assert phone_page.locator("select[name=unit]").input_value() == "IAGRAI"
    # Phone-first: nothing wider than the screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.locator("#q-Q1 input[value=A]").tap()  # Rất hài lòng
    phone_page.locator("#q-Q2 input[value=B]").tap()  # Hài lòng
    phone_page.locator(".survey-form button[type=submit]").tap()
    phone_page.wait_for_url("**/thanks/")

    page.goto(scores_url)
    # 12 × (1 + 0.6) / 2 = 9.60, in the reader's number format.
    assert points_of(page, "IAGRAI") in (["9,60"], ["9.60"])
    assert "n = 2" in page.locator("#unit-IAGRAI").inner_text()


def test_a_missing_answer_is_pointed_out_on_the_phone(live_server, survey, phone_page):
    phone_page.goto(f"{live_server.url}/survey/f/r2021/nguoi-dan/?unit=IAGRAI")
    phone_page.locator("#q-Q1 input[value=C]").tap()
    phone_page.locator(".survey-form button[type=submit]").tap()
    expect(phone_page.locator("#q-Q2[aria-invalid=true]")).to_be_visible()
    expect(phone_page.locator("#q-Q1 input[value=C]")).to_be_checked()
