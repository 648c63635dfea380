"""The commendation permission matrix: each row lists exactly the people allowed."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from parindex import policy
from parindex.awards.models import Award, Nomination
from parindex.units.models import Role
from tests import cast

pytestmark = pytest.mark.django_db

PEOPLE = ["manager", "council", "viewer", "officer", "head", "other_officer", "outsider",
          "superuser", "anonymous"]


@pytest.fixture
def people(district, districts, manager, council, officer, other_officer, outsider):
    return {
        "manager": manager,
        "council": council,
        "viewer": cast.person("viewer", district, Role.Kind.VIEWER),
        "officer": officer,
        "head": cast.person("head", district, Role.Kind.HEAD),
        "other_officer": other_officer,
        "outsider": outsider,
        "superuser": cast.administrator(),
        "anonymous": AnonymousUser(),
    }


OPEN = {
    "view_campaign": {"manager", "council", "viewer", "officer", "head", "other_officer",
                      "superuser"},
    "manage": {"manager", "superuser"},
    "nominate_any": {"manager", "officer", "head", "other_officer", "superuser"},
    "nominate_own": {"manager", "officer", "head", "superuser"},
    "review": {"manager", "council", "superuser"},
    "edit_decision": {"manager", "superuser"},
    "issue": {"manager", "superuser"},
    "view_decision": {"manager", "council", "viewer", "superuser"},
    "print": set(),
    "history": {"manager", "council", "viewer", "superuser"},
    "register": set(PEOPLE) - {"anonymous"},
    # on a pending nomination made by the district, and on the district proposed from results
    "edit_nomination": {"manager", "officer", "head", "superuser"},
    "withdraw_nomination": {"manager", "officer", "head", "superuser"},
    "edit_proposal": set(),
    "withdraw_proposal": {"manager", "superuser"},
}
DECIDED = {
    **{key: set() for key in ("manage", "nominate_any", "nominate_own", "review",
                              "edit_decision", "issue", "edit_nomination",
                              "withdraw_nomination", "edit_proposal", "withdraw_proposal")},
    "view_campaign": set(PEOPLE) - {"anonymous"},
    "view_decision": set(PEOPLE) - {"anonymous"},
    "print": {"manager", "council", "viewer", "superuser"},
    "history": {"manager", "council", "viewer", "superuser"},
    "register": set(PEOPLE) - {"anonymous"},
}


def pending(campaign, unit, source="unit", name="A"):
    return Nomination.objects.create(campaign=campaign, kind="collective", source=source,
                                     unit=unit, name=name, identity_key=f"{source}|{name}")


def check(name, user, campaign, district, nominations):
    own, proposal = nominations
    return {
        "view_campaign": lambda: policy.can_view_campaign(user, campaign),
        "manage": lambda: policy.can_manage_campaign(user, campaign) and campaign.is_open,
        "nominate_any": lambda: policy.can_nominate(user, campaign),
        "nominate_own": lambda: policy.can_nominate(user, campaign, district.pk),
        "review": lambda: policy.can_review_nominations(user, campaign),
        "edit_decision": lambda: policy.can_edit_decision(user, campaign),
        "issue": lambda: policy.can_issue_decision(user, campaign),
        "view_decision": lambda: policy.can_view_decision(user, campaign),
        "print": lambda: policy.can_print_certificates(user, campaign),
        "history": lambda: policy.can_view_campaign_history(user, campaign),
        "register": lambda: policy.can_view_register(user),
        "edit_nomination": lambda: policy.can_edit_nomination(user, own),
        "withdraw_nomination": lambda: policy.can_withdraw_nomination(user, own),
        "edit_proposal": lambda: policy.can_edit_nomination(user, proposal),
        "withdraw_proposal": lambda: policy.can_withdraw_nomination(user, proposal),
    }[name]()


@pytest.mark.parametrize("state, matrix", [("open", OPEN), ("decided", DECIDED)])
def test_matrix(people, campaign, district, state, matrix):
    nominations = (pending(campaign, district), pending(campaign, district, source="results"))
    campaign.state = state
    campaign.save()
    for name, allowed in matrix.items():
        got = {who for who, user in people.items()
               if check(name, user, campaign, district, nominations)}
        assert got == allowed, name


def test_nominations_change_only_while_pending_and_before_the_deadline(
    people, campaign, district, districts
):
    own = pending(campaign, district)
    other = pending(campaign, districts["PLEIKU"], name="B")

    def allowed(can, nomination):
        return {w for w, u in people.items() if can(u, nomination)}

    for can in (policy.can_edit_nomination, policy.can_withdraw_nomination):
        assert allowed(can, other) == {"manager", "other_officer", "superuser"}
        campaign.deadline = datetime.date(2000, 1, 1)
        assert allowed(can, own) == set()  # the deadline binds the manager too
        campaign.deadline = None
        for status in ("accepted", "rejected", "withdrawn"):
            own.status = status
            assert allowed(can, own) == set(), status
        own.status = "pending"
    assert policy.answers_for_nomination(people["officer"], own)
    assert not policy.answers_for_nomination(people["council"], own)


def test_deadline_closes_unit_nominations_but_not_the_managers(people, campaign, district):
    campaign.deadline = datetime.date(2022, 5, 6)
    assert policy.nomination_open(campaign, today=datetime.date(2022, 5, 6))
    assert not policy.nomination_open(campaign, today=datetime.date(2022, 5, 7))
    campaign.deadline = datetime.date(2000, 1, 1)
    allowed = {w for w, u in people.items() if policy.can_nominate(u, campaign, district.pk)}
    assert allowed == {"manager", "superuser"}


def test_visible_nominations(people, campaign, district, districts):
    own = Nomination.objects.create(campaign=campaign, kind="individual", source="unit",
                                    unit=district, name="A", identity_key="a")
    other = Nomination.objects.create(campaign=campaign, kind="individual", source="unit",
                                      unit=districts["PLEIKU"], name="B", identity_key="b",
                                      status="accepted")
    rejected = Nomination.objects.create(campaign=campaign, kind="individual", source="unit",
                                         unit=districts["PLEIKU"], name="C", identity_key="c",
                                         status="rejected")

    def seen(who):
        return set(policy.visible_nominations(people[who], campaign))

    assert seen("manager") == seen("council") == seen("viewer") == {own, other, rejected}
    assert seen("officer") == {own}
    assert seen("other_officer") == {other, rejected}
    assert seen("outsider") == seen("anonymous") == set()
    campaign.state = "decided"
    assert seen("officer") == {own, other}  # the accepted list is public once decided
    assert seen("outsider") == {other}


def test_one_certificate_for_the_nominating_unit(people, campaign, district, districts):
    award = Award(campaign=campaign, kind="individual", name="A", unit=district,
                  award_form="giay_khen", awarder_title="x", title_text="x", year=2021,
                  decision_number="1", decision_date=datetime.date(2022, 1, 1))
    campaign.state = "decided"
    allowed = {w for w, u in people.items() if policy.can_download_certificate(u, award)}
    assert allowed == {"manager", "council", "viewer", "officer", "head", "superuser"}
    campaign.state = "open"
    assert not policy.can_download_certificate(people["officer"], award)


def test_campaign_creation(people, district):
    allowed = {w for w, u in people.items() if policy.can_create_campaign(u, district.pk)}
    assert allowed == {"manager", "superuser"}
    assert policy.campaign_managed_unit_ids(people["manager"]) == [district.pk]
    assert policy.campaign_managed_unit_ids(people["superuser"]) is None
    assert policy.campaign_managed_unit_ids(people["officer"]) == []


def test_visible_campaigns_is_can_view_campaign_as_a_queryset(people, campaign, province):
    from parindex.awards.models import Campaign

    other = Campaign.objects.create(
        code="gialai-x", name="Tỉnh", year=2021, awarder_unit=province,
        awarder_kind=Campaign.Awarder.PROVINCE_CHAIRMAN, awarder_title="Chủ tịch",
        award_form=campaign.award_form, title_text="x",
    )
    for decided in (False, True):
        if decided:
            Campaign.objects.filter(pk=other.pk).update(state="decided")
            other.refresh_from_db()
        for name, user in people.items():
            visible = set(policy.visible_campaigns(user).values_list("code", flat=True))
            expected = {c.code for c in (campaign, other) if policy.can_view_campaign(user, c)}
            assert visible == expected, (name, decided)
