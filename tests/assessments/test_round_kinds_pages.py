"""The two kinds of round on the web: the new-round page opens either (its organiser's manager
only); a results round's page says what to do next; its manager imports its scores and
publishes its results with the decision's number and date, with no council step."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parindex import policy
from parindex.assessments import services
from parindex.assessments.models import Round, Sheet
from parindex.history.models import Change
from parindex.results.models import ResultSnapshot
from tests import cast
from tests.assessments.cycle import build_cycle, fresh


@pytest.fixture
def cycle(db):
    return build_cycle()


def results_form(c, **extra):
    return {"kind": "results", "code": "kq2023", "name": "Kết quả 2023", "year": 2023,
            "organiser": c.organiser.pk, "frameworks": [c.framework.pk], **extra}


def test_the_manager_opens_a_results_round(client, cycle):
    client.force_login(cycle.manager)
    response = client.post(reverse("assessments:round_new"), results_form(
        cycle, decision_number="12/QĐ-UBND", published_on="2024-04-10"), follow=True)
    round = Round.objects.get(code="kq2023")
    assert (round.kind, round.decision_number, round.published_on) == (
        Round.Kind.RESULTS, "12/QĐ-UBND", datetime.date(2024, 4, 10))
    assert not Sheet.objects.filter(round=round).exists()
    assert Change.objects.get(scope_id=round.pk, action="create").actor == cycle.manager
    html = response.content.decode()
    assert "import its appraised scores" in html
    assert "parindex import-scores kq2023 SCORES.csv --as r2023-manager" in html
    assert reverse("results_manage", args=["kq2023"]) in html
    assert "Decision No. 12/QĐ-UBND of 10/04/2024" in html
    assert "Self-assessment deadline" not in html  # no sheets, no deadlines


def test_the_assessment_round_is_still_the_default_kind(client, cycle):
    client.force_login(cycle.manager)
    page = client.get(reverse("assessments:round_new")).content.decode()
    assert 'value="assessment" required id="id_kind_0" checked' in page
    client.post(reverse("assessments:round_new"), {
        "kind": "assessment", "code": "r2024", "name": "Kỳ 2024", "year": 2023,
        "organiser": cycle.organiser.pk, "frameworks": [cycle.framework.pk],
    })
    round = Round.objects.get(code="r2024")
    assert round.kind == Round.Kind.ASSESSMENT and round.sheets.count() == 2


@pytest.mark.parametrize("extra, field", [
    ({"self_deadline": "2030-01-31"}, "self_deadline"),
    ({"units": "UNIT"}, "units"),
])
def test_a_results_round_has_no_deadlines_or_units(client, cycle, extra, field):
    if extra.get("units"):
        extra = {"units": [cycle.units[0].pk]}
    client.force_login(cycle.manager)
    response = client.post(reverse("assessments:round_new"), results_form(cycle, **extra))
    assert response.status_code == 200
    assert "A results round has no sheets: leave this empty." in response.content.decode()
    assert field in response.context["form"].errors
    assert not Round.objects.filter(code="kq2023").exists()


def test_an_assessment_round_has_no_decision_yet(client, cycle):
    client.force_login(cycle.manager)
    response = client.post(reverse("assessments:round_new"),
                           results_form(cycle, kind="assessment", decision_number="1/QĐ"))
    assert "gets its decision when its results are published" in response.content.decode()
    assert not Round.objects.filter(code="kq2023").exists()


def test_only_a_manager_of_the_organiser_opens_rounds(client, cycle, django_user_model):
    from parindex.units.models import Role

    for person in (cycle.council, cycle.appraiser, cycle.officer, cycle.outsider):
        client.force_login(person)
        assert client.get(reverse("assessments:round_new")).status_code == 404
        assert client.post(reverse("assessments:round_new"),
                           results_form(cycle)).status_code == 404
    other = cast.person("h01.quanly", cycle.units[0], Role.Kind.MANAGER)
    client.force_login(other)
    response = client.post(reverse("assessments:round_new"), results_form(cycle))
    assert "organiser" in response.context["form"].errors  # not a unit they manage
    assert not Round.objects.filter(code="kq2023").exists()


def test_a_results_round_has_no_sheets_appraisers_or_council(cycle):
    round = services.create_round(cycle.manager, "kq", "Kết quả", 2023, "SNV",
                                  [cycle.framework.code], kind=Round.Kind.RESULTS)
    with pytest.raises(ValidationError, match="no sheets"):
        services.create_sheets(round, user=cycle.manager)
    with pytest.raises(ValidationError, match="no sheets to appraise"):
        services.assign(cycle.manager, round, cycle.appraiser, cycle.units[0])
    with pytest.raises(ValidationError, match="no deadlines"):
        services.create_round(cycle.manager, "kq2", "Kết quả", 2023, "SNV",
                              [cycle.framework.code], kind=Round.Kind.RESULTS,
                              deadlines={"self_deadline": datetime.date(2030, 1, 1)})
    assert policy.results_ready(round)
    assert not policy.can_approve_round(fresh(cycle.council), round)
    assert not policy.results_ready(cycle.round)  # the assessment round awaits its council


def test_the_manager_imports_and_publishes_a_results_round(client, cycle, tmp_path):
    round = services.create_round(cycle.manager, "kq", "Kết quả 2023", 2023, "SNV",
                                  [cycle.framework.code], kind=Round.Kind.RESULTS)
    scores = tmp_path / "scores.csv"
    scores.write_text("unit_code,criterion_code,value,stage,note\n"
                      "H01,1.1,yes,appraised,\nH02,1.1,no,appraised,\n", encoding="utf-8")
    services.import_scores(cycle.manager, round, scores)

    manage = reverse("results_manage", args=["kq"])
    client.force_login(cycle.council)  # sees the round whole, may not publish
    assert reverse("results_manage_action", args=["kq", "publish"]) not in \
        client.get(manage).content.decode()
    assert client.post(reverse("results_manage_action", args=["kq", "compute"])).status_code \
        == 403

    client.force_login(cycle.manager)
    client.post(reverse("results_manage_action", args=["kq", "compute"]))
    html = client.get(manage).content.decode()
    assert 'name="published_on"' in html and "not approved" not in html
    bad = client.post(reverse("results_manage_action", args=["kq", "publish"]),
                      {"decision_number": "12/QĐ-UBND", "published_on": "2024-13-45"},
                      follow=True)
    assert "Enter a valid date." in bad.content.decode()
    assert not ResultSnapshot.objects.filter(round=round, published_at__isnull=False).exists()
    client.post(reverse("results_manage_action", args=["kq", "publish"]),
                {"decision_number": "12/QĐ-UBND", "published_on": "2024-04-10"})
    round.refresh_from_db()
    assert (round.decision_number, round.published_on) == ("12/QĐ-UBND",
                                                           datetime.date(2024, 4, 10))
    assert ResultSnapshot.objects.filter(round=round, published_at__isnull=False).exists()
    publish = Change.objects.get(scope_id=round.pk, action="publish")
    assert publish.actor == cycle.manager and publish.after["published_on"] == "2024-04-10"
