"""Each irreversible step of the sheet asks first: a page that says what will be locked or sent,
whose "Confirm" posts to the step itself. Only those who may take the step see it."""

import pytest
from django.urls import reverse
from django.utils import translation

from parindex.assessments import services
from parindex.assessments.models import Sheet
from tests.assessments.cycle import build_cycle, fill, fresh, submitted
from tests.assessments.files import pdf

S = Sheet.State


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cycle(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_cycle()


def confirm_url(c, action, unit="H01"):
    return reverse("assessments:sheet_confirm", args=[c.round.code, unit, action])


def action_url(c, action, unit="H01"):
    return reverse("assessments:sheet_action", args=[c.round.code, unit, action])


def page(client, user, c, action):
    client.force_login(user)
    response = client.get(confirm_url(c, action))
    assert response.status_code == 200
    return response.content.decode()


def state(c):
    return Sheet.objects.get(pk=c.sheet.pk).state


def test_submit_asks_with_the_unit_the_scores_and_the_evidence(client, cycle):
    fill(cycle, values={"1.1": "yes", "1.2": "80-<100%"})
    services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", pdf())
    html = page(client, cycle.head, cycle, "submit")
    assert "Submit the sheet?" in html and "UBND huyện 1" in html
    assert "2 of 10 sub-criteria are scored." in html
    assert "1 evidence file is attached." in html
    assert "will be locked" in html
    assert "cannot be submitted yet" in html and "1.3.1" in html  # what the service will refuse
    assert f'action="{action_url(cycle, "submit")}"' in html
    assert state(cycle) == S.DRAFT  # asking changes nothing


def test_the_sheet_links_to_the_confirmation_not_to_the_step(client, cycle):
    client.force_login(cycle.head)
    html = client.get(reverse("assessments:sheet", args=[cycle.round.code, "H01"])).content.decode()
    assert f'href="{confirm_url(cycle, "submit")}"' in html
    assert f'action="{action_url(cycle, "submit")}"' not in html


def test_send_lists_the_requests_and_their_criteria(client, cycle):
    submitted(cycle)
    services.request_explanation(fresh(cycle.appraiser), cycle.sheet, "1.2", "Bổ sung báo cáo")
    html = page(client, cycle.appraiser, cycle, "send")
    assert "Send the explanation requests?" in html
    assert "1 request will be sent to UBND huyện 1" in html
    assert "1.2." in html and "Bổ sung báo cáo" in html
    assert state(cycle) == S.SUBMITTED
    client.post(action_url(cycle, "send"))
    assert state(cycle) == S.EXPLANATION


def test_resubmit_shows_the_answers_and_what_is_unanswered(client, cycle):
    submitted(cycle)
    for code in ("1.1", "1.2"):
        services.request_explanation(fresh(cycle.appraiser), cycle.sheet, code, f"Hỏi {code}")
    services.send_requests(fresh(cycle.appraiser), cycle.sheet)
    first = cycle.sheet.requests.get(node__code="1.1")
    services.answer_request(fresh(cycle.officer), first, "Báo cáo số 7/BC", first.version)
    html = page(client, cycle.head, cycle, "submit")
    assert "Re-submit with the explanations?" in html
    assert "1 of 2 explanation requests are answered." in html
    assert "Báo cáo số 7/BC" in html and "Hỏi 1.2" in html
    second = cycle.sheet.requests.get(node__code="1.2")
    sheet = reverse("assessments:sheet", args=[cycle.round.code, "H01"])
    assert (f'Answer every explanation request first: <a href="{sheet}#request-{second.pk}">1.2</a>'
            in html)  # linked to the request on the sheet


def test_finalise_lists_the_leaves_that_keep_the_self_score(client, cycle):
    submitted(cycle)
    services.save_score(fresh(cycle.appraiser), cycle.sheet, "1.2", "appraised", "<80%", "", 0)
    html = page(client, cycle.appraiser, cycle, "finalise")
    assert "Finalise the appraisal?" in html
    kept = html[html.index('id="confirm-kept"'):]
    kept = kept[:kept.index("</table>")]
    assert "1.1." in kept and "1.3.1." in kept and "1.2." not in kept
    assert "9 sub-criteria have no appraised score and keep the self score" in html
    client.post(action_url(cycle, "finalise"))
    assert state(cycle) == S.FINALISED


@pytest.mark.parametrize(("action", "person", "submit_first"), [
    ("submit", "officer", False),          # the head submits, not the officer
    ("submit", "appraiser", False),
    ("submit", "other_head", False),       # another unit's head: not even the sheet
    ("submit", "head", True),              # already submitted
    ("send", "head", True),
    ("send", "appraiser", False),          # nothing submitted yet
    ("send", "field_appraiser", True),     # not assigned to this unit
    ("finalise", "officer", True),
    ("finalise", "outsider", True),
    ("reopen", "manager", True),           # reopening has its reason form on the sheet
    ("nothing", "head", False),
])
def test_not_allowed_is_not_found(client, cycle, action, person, submit_first):
    if submit_first:
        submitted(cycle)
    client.force_login(getattr(cycle, person))
    assert client.get(confirm_url(cycle, action)).status_code == 404


def test_anonymous_is_sent_to_login(client, cycle):
    response = client.get(confirm_url(cycle, "submit"))
    assert response.status_code == 302 and "login" in response["Location"]
