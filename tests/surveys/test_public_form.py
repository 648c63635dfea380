"""The public form: no login, CSRF, one response per code, stuffing flagged for review."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.surveys import services
from parindex.surveys.models import Response
from parindex.surveys.selectors import survey_points

from .conftest import D


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def form_url(group):
    return reverse("surveys:form", args=[group.survey.round.code, group.code])


def test_form_opens_without_login_in_vietnamese(client, citizens):
    page = client.get(form_url(citizens) + "?unit=IAGRAI")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Thái độ của công chức?" in text and "Rất hài lòng" in text
    assert 'value="IAGRAI" selected' in text
    assert 'name="viewport"' in text


def test_a_valid_answer_is_counted(client, citizens):
    page = client.post(form_url(citizens), {"unit": "IAGRAI", "Q1": "A", "Q2": "B"})
    assert page.status_code == 302 and page["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert (response.channel, response.status, response.answers) == ("online", "accepted", "AB.")
    assert survey_points(citizens.survey.round) == {"IAGRAI": {"8.2": D(12) * D("1.6") / 2}}
    assert len(response.source) == 16 and "127.0.0.1" not in response.source


def test_missing_and_invalid_answers_are_shown_and_nothing_is_stored(client, citizens):
    page = client.post(form_url(citizens), {"unit": "", "Q1": "Z"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "is not an option" in text or "không phải" in text
    assert text.count('aria-invalid="true"') >= 3  # unit, Q1, Q2
    assert not Response.objects.exists()


def test_the_form_is_csrf_protected(citizens):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(form_url(citizens), {"unit": "IAGRAI", "Q1": "A", "Q2": "A"}).status_code \
        == 403
    strict.get(form_url(citizens))
    token = strict.cookies["csrftoken"].value
    page = strict.post(form_url(citizens), {"unit": "IAGRAI", "Q1": "A", "Q2": "A",
                                            "csrfmiddlewaretoken": token})
    assert page.status_code == 302


def test_one_response_per_invitation_code(client, staff, deputies):
    [invitation] = services.create_invitations(staff, deputies, 1)
    data = {"code": invitation.code.lower(), "unit": "PLEIKU", "D1": "A"}
    assert client.post(form_url(deputies), data).status_code == 302
    again = client.post(form_url(deputies), data)
    assert again.status_code == 400
    assert Response.objects.count() == 1
    wrong = client.post(form_url(deputies), {**data, "code": "NOPE1234"})
    assert wrong.status_code == 400
    assert Response.objects.get().invitation == invitation


def test_code_bound_to_a_unit_fixes_the_unit(client, staff, deputies):
    from parindex.units.models import Unit

    iagrai = Unit.objects.get(code="IAGRAI")
    [invitation] = services.create_invitations(staff, deputies, 1, unit=iagrai)
    page = client.get(form_url(deputies) + f"?code={invitation.code}")
    assert 'type="hidden" name="unit" value="IAGRAI"' in page.content.decode()
    client.post(form_url(deputies), {"code": invitation.code, "unit": "PLEIKU", "D1": "B"})
    assert Response.objects.get().unit.code == "IAGRAI"


def test_same_answers_from_the_same_source_are_flagged_not_counted(client, citizens):
    data = {"unit": "IAGRAI", "Q1": "A", "Q2": "A"}
    client.post(form_url(citizens), data)
    client.post(form_url(citizens), data)
    first, second = Response.objects.order_by("pk")
    assert first.status == "accepted"
    assert second.status == "flagged" and second.flag == f"duplicate:{first.pk}"
    # Only the first counts: 12 × 1.
    assert survey_points(citizens.survey.round)["IAGRAI"]["8.2"] == D(12)


def test_rate_limit_flags_then_refuses(client, citizens, settings):
    settings.SURVEY_RATE_LIMIT = (2, 3600)
    codes = "ABCD"
    statuses = []
    for i in range(10):
        page = client.post(form_url(citizens), {"unit": "IAGRAI", "Q1": codes[i % 4],
                                                "Q2": codes[i // 4]})
        statuses.append(page.status_code)
    assert statuses[:10] == [302] * 10
    assert client.post(form_url(citizens), {"unit": "IAGRAI", "Q1": "A", "Q2": "D"}).status_code \
        == 429
    assert list(Response.objects.order_by("pk").values_list("status", flat=True)) == \
        ["accepted"] * 2 + ["flagged"] * 8
    # Another source is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(form_url(citizens), {"unit": "IAGRAI", "Q1": "A", "Q2": "D"}).status_code \
        == 302


def test_rate_limit_holds_across_server_processes(client, citizens, settings):
    """Found by the load test (bench/load): each gunicorn worker has its own local-memory cache
    (Django's default), so a count kept there let one source send `workers` times its limit
    unflagged. Clearing the cache before each answer plays each answer reaching another
    worker: the count must not depend on it."""
    settings.SURVEY_RATE_LIMIT = (2, 3600)
    for i in range(3):
        cache.clear()
        page = client.post(form_url(citizens), {"unit": "IAGRAI", "Q1": "ABC"[i], "Q2": "A"})
        assert page.status_code == 302
    assert list(Response.objects.order_by("pk").values_list("status", flat=True)) == \
        ["accepted", "accepted", "flagged"]


def test_rate_limit_counts_only_the_window(client, citizens, settings):
    settings.SURVEY_RATE_LIMIT = (2, 3600)
    for q1 in "AB":
        client.post(form_url(citizens), {"unit": "IAGRAI", "Q1": q1, "Q2": "A"})
    Response.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    client.post(form_url(citizens), {"unit": "IAGRAI", "Q1": "C", "Q2": "A"})
    assert Response.objects.order_by("pk").last().status == "accepted"


def test_manager_reviews_flagged_responses(client, staff_client, citizens):
    data = {"unit": "IAGRAI", "Q1": "C", "Q2": "C"}
    client.post(form_url(citizens), data)
    client.post(form_url(citizens), data)
    flagged = Response.objects.get(status="flagged")
    round_code = citizens.survey.round.code
    page = staff_client.get(reverse("surveys:review", args=[round_code]))
    assert f'id="response-{flagged.pk}"' in page.content.decode()
    assert survey_points(citizens.survey.round)["IAGRAI"]["8.2"] == D("2.4")
    page = staff_client.post(reverse("surveys:review_action", args=[round_code, flagged.pk]),
                             {"status": "accepted"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    flagged.refresh_from_db()
    assert flagged.status == "accepted"
    assert survey_points(citizens.survey.round)["IAGRAI"]["8.2"] == D("2.4")
    staff_client.post(reverse("surveys:review_action", args=[round_code, flagged.pk]),
                      {"status": "rejected"})
    assert Response.objects.filter(status="accepted").count() == 1


def test_closed_group_accepts_nothing(client, citizens):
    citizens.accepting = False
    citizens.save()
    page = client.post(form_url(citizens), {"unit": "IAGRAI", "Q1": "A", "Q2": "A"})
    assert page.status_code == 400
    assert not Response.objects.exists()
