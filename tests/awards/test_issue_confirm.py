"""Issuing the decision asks first, with what will be made final and written to the register."""

import pytest
from django.urls import reverse

from parindex.awards import services
from parindex.awards.models import Award, Campaign, Nomination

from .test_services import DECISION, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(officer, council, campaign, district):
    for i in range(3):
        services.nominate(officer, campaign, unit=district, kind="collective",
                          name=f"UBND xã {i}", achievement="x")
    for i in range(2):
        person(officer, campaign, district, name=f"Người {i}")
    for n in Nomination.objects.all():
        services.review(council, n, accept=True)
    return campaign


def confirm_url(campaign):
    return reverse("awards:decision_issue_confirm", args=[campaign.code])


def test_issue_asks_with_the_counts_and_the_register(client, manager, reviewed):
    services.save_decision(manager, reviewed, DECISION)
    client.force_login(manager)
    decision = client.get(reverse("awards:decision", args=[reviewed.code])).content.decode()
    assert f'href="{confirm_url(reviewed)}"' in decision
    response = client.get(confirm_url(reviewed))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Issue the decision?" in html and "1234/QĐ-UBND" in html
    assert "3 collectives" in html and "2 individuals" in html
    assert "5 awards are written into the register" in html
    assert f'action="{reverse("awards:decision_issue", args=[reviewed.code])}"' in html
    assert not Award.objects.exists()  # asking changes nothing
    client.post(reverse("awards:decision_issue", args=[reviewed.code]))
    assert Award.objects.count() == 5
    assert Campaign.objects.get(pk=reviewed.pk).state == "decided"
    assert client.get(confirm_url(reviewed)).status_code == 404  # issued: nothing to confirm


def test_pending_nominations_are_said_before_confirming(client, manager, officer, campaign,
                                                        district):
    person(officer, campaign, district)
    services.save_decision(manager, campaign, DECISION)
    client.force_login(manager)
    html = client.get(confirm_url(campaign)).content.decode()
    assert "1 nomination still awaits review" in html


@pytest.mark.parametrize("who", ["council", "officer", "outsider"])
def test_others_get_not_found(client, request, manager, reviewed, who):
    services.save_decision(manager, reviewed, DECISION)
    client.force_login(request.getfixturevalue(who))
    assert client.get(confirm_url(reviewed)).status_code == 404


def test_no_decision_recorded_is_not_found(client, manager, reviewed):
    client.force_login(manager)
    assert client.get(confirm_url(reviewed)).status_code == 404
