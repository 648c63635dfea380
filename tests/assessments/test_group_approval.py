"""The council approves a round one unit group at a time: a complete group is approved (and its
results computed and published) while another is still being appraised; the round is approved
with its last group. Refusals name the units, and write nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parindex import policy
from parindex.assessments import services
from parindex.assessments.models import GroupApproval, Round, Sheet
from parindex.history.models import Change
from parindex.notifications.models import Notification
from parindex.results import services as results
from parindex.results.models import ResultSnapshot
from tests.assessments.cycle import add_group, build_cycle, fresh, submitted

S = Sheet.State


@pytest.fixture
def cycle(db):
    c = add_group(build_cycle())
    for sheet, head in ((c.sheet, c.head), (c.other_sheet, c.other_head)):
        submitted(c, sheet, head=head)
        services.finalise(fresh(c.appraiser), sheet)
    return c  # the districts' sheets final; Sở Tư pháp's still a draft


def states(c):
    return dict(Sheet.objects.filter(round=c.round).values_list("unit__code", "state"))


def test_an_incomplete_group_is_refused_by_unit_name_and_nothing_is_written(cycle):
    changes = Change.objects.count()
    with pytest.raises(ValidationError, match="Sở Tư pháp"):
        services.approve_group(fresh(cycle.council), cycle.round, cycle.so_framework.code)
    with pytest.raises(ValidationError, match="Sở Tư pháp"):  # the whole round: same refusal
        services.approve_round(fresh(cycle.council), cycle.round)
    assert not GroupApproval.objects.exists()
    assert states(cycle) == {"H01": S.FINALISED, "H02": S.FINALISED, "STP": S.DRAFT}
    assert Change.objects.count() == changes


def test_a_complete_group_is_approved_alone_and_its_results_published(cycle):
    c = cycle
    with pytest.raises(PermissionDenied):  # the manager runs the round; the council approves
        services.approve_group(fresh(c.manager), c.round, c.framework.code)
    services.approve_group(fresh(c.council), c.round, c.framework.code)
    assert states(c) == {"H01": S.APPROVED, "H02": S.APPROVED, "STP": S.DRAFT}
    round = Round.objects.get(pk=c.round.pk)
    assert round.approved_at is None and not policy.results_ready(round)
    assert list(policy.ready_frameworks(round)) == [c.framework]
    assert policy.can_edit_self(fresh(c.so_officer), Sheet.objects.get(pk=c.so_sheet.pk))
    with pytest.raises(PermissionDenied):  # approved already
        services.approve_group(fresh(c.council), round, c.framework.code)
    assert not Notification.objects.filter(kind="round_approved").exists()
    told = set(Notification.objects.filter(kind="group_approved")
               .values_list("recipient__username", flat=True))
    assert told == {"r2023-manager", "r2023-viewer", "r2023-officer1", "r2023-head1",
                    "r2023-officer2", "r2023-head2"}  # not Sở Tư pháp's people

    results.compute_round(fresh(c.manager), round)
    results.publish(fresh(c.manager), round)
    published = ResultSnapshot.objects.published().filter(round=round)
    assert [s.framework for s in published] == [c.framework]

    # The other group follows: finalised, approved (the round with it), published on its own.
    submitted(c, c.so_sheet, head=c.so_head)
    services.finalise(fresh(c.appraiser), c.so_sheet)
    services.approve_group(fresh(c.council), round, c.so_framework.code)
    round = Round.objects.get(pk=c.round.pk)
    assert round.approved_at is not None and policy.results_ready(round)
    assert Notification.objects.filter(kind="round_approved").exists()
    assert Notification.objects.filter(kind="group_approved").count() == 6  # no more
    assert not policy.can_approve_round(fresh(c.council), round)
    results.compute_round(fresh(c.manager), round)
    drafts = results.publish(fresh(c.manager), round)
    assert [s.framework for s in drafts] == [c.so_framework]
    assert ResultSnapshot.objects.current().filter(round=round).count() == 2
    with pytest.raises(ValidationError, match="correction"):  # nothing new to publish
        results.publish(fresh(c.manager), round)


def test_an_unapproved_group_is_neither_computed_nor_published(cycle):
    with pytest.raises(ValidationError, match="not approved"):
        results.compute_round(fresh(cycle.manager), cycle.round)
    assert not ResultSnapshot.objects.exists()


def test_the_council_approves_a_group_on_the_round_page(client, cycle):
    c = cycle
    client.force_login(c.council)
    page = client.get(reverse("assessments:round", args=[c.round.code])).content.decode()
    approval = page.split('id="approval"')[1].split("</section>")[0]
    assert "Sở, ban, ngành" in approval and "Sở Tư pháp" not in approval  # groups, not units
    assert page.count('name="framework"') == 2  # one button per group still to approve
    assert "disabled" in page.split('id="group-so"')[1].split("</tr>")[0]  # incomplete
    url = reverse("assessments:approve", args=[c.round.code])
    client.post(url, {"framework": c.so_framework.code})
    assert not GroupApproval.objects.exists()
    response = client.post(url, {"framework": c.framework.code}, follow=True)
    assert GroupApproval.objects.get().framework == c.framework
    page = response.content.decode()
    assert page.count('name="framework"') == 1
    client.force_login(c.manager)  # the manager sees the states, and no approval button
    page = client.get(reverse("assessments:round", args=[c.round.code])).content.decode()
    assert 'id="approval"' in page and 'name="framework"' not in page
    client.post(url, {"framework": c.so_framework.code})
    assert GroupApproval.objects.count() == 1


def test_the_results_page_shows_each_groups_state_to_the_manager(client, cycle):
    c = cycle
    services.approve_group(fresh(c.council), c.round, c.framework.code)
    client.force_login(c.manager)
    page = client.get(reverse("results_manage", args=[c.round.code])).content.decode()
    assert 'id="compute"' in page and 'id="groups-waiting"' in page
    assert "Not approved by the council yet" in page.split('id="group-so"')[1].split("</tr>")[0]
    client.post(reverse("results_manage_action", args=[c.round.code, "compute"]))
    page = client.get(reverse("results_manage", args=[c.round.code])).content.decode()
    assert 'id="publish"' in page
    client.post(reverse("results_manage_action", args=[c.round.code, "publish"]),
                {"published_on": "2024-04-15"})
    assert client.get(reverse("results_ranking", args=[c.round.code, "huyen"])).status_code == 200
    assert client.get(reverse("results_ranking", args=[c.round.code, "so"])).status_code == 404
    preview = client.get(reverse("results_preview_overview", args=[c.round.code])).content
    note = preview.decode().split('id="groups-not-final"')[1].split("</p>")[0]
    assert "Sở, ban, ngành" in note and "Huyện" not in note


def test_a_round_approved_whole_before_groups_were_kept_shows_every_group_approved(
        client, cycle):
    from django.utils import timezone

    Round.objects.filter(pk=cycle.round.pk).update(approved_at=timezone.now())
    client.force_login(cycle.viewer)
    page = client.get(reverse("assessments:round", args=[cycle.round.code])).content.decode()
    approval = page.split('id="approval"')[1].split("</section>")[0]
    assert approval.count("state-approved") == 2 and "Chờ Hội đồng" not in approval


def test_an_import_keeps_an_approved_groups_sheets_locked_and_the_others_open(cycle, tmp_path):
    """Once the districts' group is approved and published, an import of Sở Tư pháp's self
    scores is no correction (no reason, the districts' results untouched); a row for an
    approved sheet is refused with its row."""
    from parindex.assessments.models import Score
    from parindex.engine.io import InputError
    from tests.frameworks.factories import write_scores

    c = cycle
    services.approve_group(fresh(c.council), c.round, c.framework.code)
    results.compute_round(fresh(c.manager), c.round)
    results.publish(fresh(c.manager), c.round)
    locked = write_scores(tmp_path / "a.csv", [
        {"unit_code": "H01", "criterion_code": "1.1", "value": "no", "stage": "appraised"}])
    with pytest.raises(InputError, match="sheet of H01 is approved"):
        services.import_scores(fresh(c.manager), c.round, locked)
    open_sheet = write_scores(tmp_path / "b.csv", [
        {"unit_code": "STP", "criterion_code": "1.1", "value": "yes", "stage": "self"}])
    services.import_scores(fresh(c.manager), c.round, open_sheet)  # no reason asked
    assert Score.objects.get(unit__code="STP", node__code="1.1", stage="self").value == "yes"
    assert not Change.objects.filter(action="correct").exists()
    assert ResultSnapshot.objects.filter(round=c.round).count() == 1  # no correction version
