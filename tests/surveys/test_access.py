"""Who reaches which survey, and when a survey stops taking responses.

A survey belongs to its round's organiser: another unit's manager, or a staff account with no
role, neither sees nor writes it ("not found" / "forbidden", nothing written). Once the round's
results are published, every way in for a response refuses with a clear message.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from parindex.assessments.models import Round
from parindex.engine.tables import InputError
from parindex.results import services as results
from parindex.surveys import services
from parindex.surveys.models import ImportJob, Response, Survey
from parindex.units.models import Unit
from tests import cast

from .conftest import make_units


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cache.clear()
    with translation.override("en"):
        yield


@pytest.fixture
def district_manager(survey):
    """The manager of Ia Grai, a district: he runs no province round."""
    return cast.round_manager(Unit.objects.get(code="IAGRAI"), "iagrai")


@pytest.fixture
def published(survey):
    """The round's results computed and published (it has no sheets: imported scores)."""
    results.compute_round(cast.administrator(), survey.round)
    results.publish(cast.administrator(), survey.round)
    return survey


CLOSED = "This survey is closed: the results of its round are published."


def test_another_organisers_manager_cannot_start_a_survey_on_the_round(
        client, district_manager, round_):
    other = Round.objects.create(code="r2023", name="Kỳ 2023", year=2023,
                                 organiser=round_.organiser)
    client.force_login(district_manager)
    page = client.post(reverse("surveys:create"), {"round": other.code, "name": "x",
                                                   "margin": "0.05"})
    assert page.status_code == 404
    assert not Survey.objects.filter(round=other).exists()


def test_another_organisers_manager_sees_no_survey_of_the_round(client, district_manager):
    client.force_login(district_manager)
    index = client.get(reverse("surveys:index")).content.decode()
    assert "r2021" not in index
    for name, args in [("dashboard", ["r2021"]), ("export_xlsx", ["r2021"]),
                       ("scores", ["r2021"]), ("export_csv", ["r2021", "nguoi-dan"]),
                       ("enter", ["r2021", "nguoi-dan"]), ("edit", ["r2021"])]:
        assert client.get(reverse(f"surveys:{name}", args=args)).status_code == 404, name
    page = client.post(reverse("surveys:enter", args=["r2021", "nguoi-dan"]),
                       {"form_number": "1", "unit": "IAGRAI", "Q1": "A", "Q2": "A"})
    assert page.status_code == 404 and not Response.objects.exists()


def test_a_staff_account_without_a_role_reads_no_responses(client, survey):
    staff = cast.staff()
    client.force_login(staff)
    for name in ("dashboard", "export_xlsx", "review"):
        assert client.get(reverse(f"surveys:{name}", args=["r2021"])).status_code == 403
    assert client.get(reverse("surveys:export_csv", args=["r2021", "nguoi-dan"])).status_code \
        == 403


def test_the_round_manager_sees_the_survey_in_the_list(staff_client, survey):
    index = staff_client.get(reverse("surveys:index")).content.decode()
    assert reverse("surveys:dashboard", args=["r2021"]) in index


def test_public_form_is_closed_once_results_are_published(client, published, citizens):
    url = reverse("surveys:form", args=["r2021", "nguoi-dan"])
    page = client.get(url)
    assert page.status_code == 200 and CLOSED in page.content.decode()
    assert 'name="Q1"' not in page.content.decode()
    page = client.post(url, {"unit": "IAGRAI", "Q1": "A", "Q2": "A"})
    assert page.status_code == 409 and CLOSED in page.content.decode()
    assert not Response.objects.exists()


def test_every_response_path_refuses_once_results_are_published(published, citizens, staff):
    with pytest.raises(services.SurveyClosed):
        services.submit_online(citizens, answers={"Q1": "A", "Q2": "A"}, unit_code="IAGRAI",
                               address="10.0.0.1")
    with pytest.raises(services.SurveyClosed):
        services.enter_paper_form(staff, citizens, form_number="1", answers={"Q1": "A"},
                                  unit_code="IAGRAI")
    with pytest.raises(InputError) as failed:
        services.import_responses(citizens, [["unit_code", "Q1"], ["IAGRAI", "A"]])
    assert failed.value.errors[0].message == CLOSED
    assert not Response.objects.exists()


def test_paper_entry_and_import_pages_say_the_survey_is_closed(staff_client, published,
                                                               citizens, tmp_path):
    page = staff_client.post(reverse("surveys:enter", args=["r2021", "nguoi-dan"]),
                             {"form_number": "1", "unit": "IAGRAI", "Q1": "A", "Q2": "A"})
    assert page.status_code == 400 and CLOSED in page.content.decode()
    upload = tmp_path / "answers.csv"
    upload.write_text("unit_code,Q1,Q2\nIAGRAI,A,A\n", encoding="utf-8")
    with upload.open("rb") as handle:
        page = staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]),
                                 {"file": handle})
    assert page.status_code == 400 and CLOSED in page.content.decode()
    assert not Response.objects.exists() and not ImportJob.objects.exists()


def test_a_flagged_response_is_not_reviewed_after_publication(staff_client, survey, citizens):
    make_units(["IAGRAI"])
    response = services.submit_online(citizens, answers={"Q1": "A", "Q2": "A"},
                                      unit_code="IAGRAI", address="10.0.0.2")
    Response.objects.filter(pk=response.pk).update(status=Response.Status.FLAGGED)
    results.compute_round(cast.administrator(), survey.round)
    results.publish(cast.administrator(), survey.round)
    page = staff_client.post(reverse("surveys:review_action", args=["r2021", response.pk]),
                             {"status": "accepted"})
    assert page.status_code == 409 and CLOSED in page.content.decode()
    assert Response.objects.get().status == Response.Status.FLAGGED
