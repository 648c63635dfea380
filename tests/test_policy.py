"""The permission matrix: who may see and do what on a sheet, at every stage of the cycle.

Each table row lists exactly the people allowed; everyone else must be refused.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from parindex import policy
from parindex.assessments.models import Round, Sheet
from tests import cast
from tests.assessments.cycle import build_cycle, fresh

S = Sheet.State
PEOPLE = [
    "manager", "council", "viewer", "appraiser", "field_appraiser", "officer", "head",
    "unit_viewer", "other_officer", "other_head", "outsider",
]
ROUND_WIDE = {"manager", "council", "viewer"}
OWN_UNIT = {"officer", "head", "unit_viewer"}
STATES = [S.DRAFT, S.SUBMITTED, S.EXPLANATION, S.EXPLAINED, S.FINALISED, S.APPROVED]

# state → who may … on the sheet of unit H01 (the appraiser is assigned to it, the field
# appraiser only to H02's field 1).
MATRIX = {
    "view": {
        S.DRAFT: ROUND_WIDE | OWN_UNIT,
        **{s: ROUND_WIDE | OWN_UNIT | {"appraiser"} for s in STATES[1:]},
    },
    "edit_self": {S.DRAFT: {"officer", "head"}},
    "submit": {S.DRAFT: {"head"}, S.EXPLANATION: {"head"}},
    "explain": {S.EXPLANATION: {"officer", "head"}},
    "reopen": {S.SUBMITTED: {"manager"}},
    "appraise": {S.SUBMITTED: {"appraiser"}, S.EXPLAINED: {"appraiser"}},
    "request_explanation": {S.SUBMITTED: {"appraiser"}},
    "finalise": {S.SUBMITTED: {"appraiser"}, S.EXPLAINED: {"appraiser"}},
}
CHECKS = {
    "view": policy.can_view_sheet,
    "edit_self": policy.can_edit_self,
    "submit": policy.can_submit,
    "explain": policy.can_explain,
    "reopen": policy.can_reopen,
    "appraise": policy.can_appraise,
    "request_explanation": policy.can_request_explanation,
    "finalise": policy.can_finalise,
}


@pytest.fixture
def cycle(db):
    return build_cycle()


def at_state(c, state):
    sheet = Sheet.objects.select_related("round").get(pk=c.sheet.pk)
    sheet.state = state
    if state == S.APPROVED:
        sheet.round.approved_at = timezone.now()
    return sheet


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_matrix(cycle, action, state):
    sheet = at_state(cycle, state)
    allowed = {
        person for person in PEOPLE if CHECKS[action](fresh(getattr(cycle, person)), sheet)
    }
    assert allowed == MATRIX[action].get(state, set())


def test_visible_sheets_per_person(cycle):
    for sheet in (cycle.sheet, cycle.other_sheet):
        sheet.state = S.SUBMITTED
        sheet.save()
    visible = {
        person: set(
            policy.visible_sheets(fresh(getattr(cycle, person)), cycle.round).values_list(
                "unit__code", flat=True
            )
        )
        for person in PEOPLE
    }
    both = {"H01", "H02"}
    assert visible == {
        "manager": both, "council": both, "viewer": both, "appraiser": both,
        "field_appraiser": {"H02"}, "officer": {"H01"}, "head": {"H01"},
        "unit_viewer": {"H01"}, "other_officer": {"H02"}, "other_head": {"H02"},
        "outsider": set(),
    }
    assert not policy.visible_sheets(AnonymousUser(), cycle.round).exists()


def test_an_appraiser_sees_no_draft(cycle):
    assert not policy.visible_sheets(fresh(cycle.appraiser), cycle.round).exists()


def test_field_appraiser_scores_only_the_assigned_field(cycle):
    sheet = cycle.other_sheet
    sheet.state = S.SUBMITTED
    user = fresh(cycle.field_appraiser)
    assert policy.can_appraise(user, sheet, "1")
    assert not policy.can_appraise(user, sheet, "2")
    assert not policy.can_finalise(user, sheet)  # the whole-sheet appraiser closes it


def test_explanation_closes_at_its_deadline(cycle):
    sheet = at_state(cycle, S.EXPLANATION)
    sheet.round.explanation_deadline = timezone.localdate() - datetime.timedelta(days=1)
    assert not policy.can_explain(fresh(cycle.officer), sheet)
    sheet.round.explanation_deadline = timezone.localdate()
    assert policy.can_explain(fresh(cycle.officer), sheet)


def test_rounds_and_approval(cycle):
    rounds = {p: policy.visible_rounds(fresh(getattr(cycle, p))).count() for p in PEOPLE}
    assert rounds == {p: 0 if p == "outsider" else 1 for p in PEOPLE}
    approvers = {p for p in PEOPLE if policy.can_approve_round(fresh(getattr(cycle, p)),
                                                               cycle.round)}
    assert approvers == {"council"}
    managers = {p for p in PEOPLE if policy.can_manage_round(fresh(getattr(cycle, p)),
                                                             cycle.round)}
    assert managers == {"manager"}
    progress = {p for p in PEOPLE if policy.can_view_progress(fresh(getattr(cycle, p)),
                                                              cycle.round)}
    assert progress == ROUND_WIDE
    cycle.round.approved_at = timezone.now()
    assert not policy.can_approve_round(fresh(cycle.council), cycle.round)
    cycle.round.approved_at, cycle.round.kind = None, Round.Kind.RESULTS
    assert not any(policy.can_approve_round(fresh(getattr(cycle, p)), cycle.round)
                   for p in PEOPLE)  # a results round has no council step


def test_results_and_survey_management(cycle):
    def who(check):
        return {p for p in PEOPLE if check(fresh(getattr(cycle, p)), cycle.round)}

    assert who(policy.can_preview_results) == ROUND_WIDE
    assert who(policy.can_publish_results) == {"manager"}
    assert who(policy.can_import_scores) == {"manager"}
    assert {
        p for p in PEOPLE
        if policy.can_manage_organiser(fresh(getattr(cycle, p)), cycle.round.organiser_id)
    } == {"manager"}
    assert who(policy.can_manage_survey) == {"manager"}
    assert {
        p for p in PEOPLE if policy.can_see_results_management(fresh(getattr(cycle, p)))
    } == ROUND_WIDE
    anonymous = AnonymousUser()
    assert not policy.can_manage_survey(anonymous, cycle.round)
    assert not policy.can_see_results_management(anonymous)


def test_anonymous_is_refused_everything(cycle):
    anonymous = AnonymousUser()
    for state in STATES:
        sheet = at_state(cycle, state)
        assert not any(check(anonymous, sheet) for check in CHECKS.values())
    assert not policy.visible_rounds(anonymous).exists()


def test_querysets_of_rounds_to_manage_surveys_and_results(cycle):
    from parindex.surveys.models import RespondentGroup, Response, Survey

    survey = Survey.objects.create(round=cycle.round, name="Điều tra")
    group = RespondentGroup.objects.create(survey=survey, code="dan", name="Người dân")
    Response.objects.create(group=group, unit=cycle.units[0], answers="A",
                            created_at=timezone.now())
    staff = cast.staff()

    def who(queryset_of):
        return {p for p in [*PEOPLE, "staff"]
                if queryset_of(staff if p == "staff" else fresh(getattr(cycle, p))).exists()}

    assert who(policy.rounds_to_manage) == {"manager"}
    assert who(policy.visible_surveys) == {"manager"}
    assert who(policy.visible_survey_groups) == {"manager"}
    assert who(policy.visible_survey_responses) == {"manager"}
    assert who(lambda u: policy.rounds_to_survey(u)) == set()  # the round has its survey
    assert who(policy.rounds_with_results_to_manage) == ROUND_WIDE
    assert who(policy.own_unit_sheets) == {"officer", "head", "other_officer", "other_head"}
    assert who(policy.organisers_to_manage) == {"manager"}
    assert set(policy.round_appraisers(cycle.round)) == {cycle.appraiser, cycle.field_appraiser}
    anonymous = AnonymousUser()
    assert not policy.visible_surveys(anonymous).exists()
    assert not policy.rounds_with_results_to_manage(anonymous).exists()


def test_lifecycle_of_survey_and_results(cycle):
    from parindex.results.models import ResultSnapshot
    from parindex.surveys.models import Survey

    survey = Survey.objects.create(round=cycle.round, name="Điều tra")
    assert policy.survey_open(survey)
    assert not policy.results_ready(cycle.round)  # an assessment round, not approved
    cycle.round.kind = Round.Kind.RESULTS
    assert policy.results_ready(cycle.round)  # imported appraised scores: ready at any time
    cycle.round.kind = Round.Kind.ASSESSMENT
    cycle.round.approved_at = timezone.now()
    assert policy.results_ready(cycle.round)
    ResultSnapshot.objects.create(round=cycle.round, framework=cycle.framework, version=1)
    assert policy.survey_open(survey)  # a draft is not a publication
    ResultSnapshot.objects.update(published_at=timezone.now())
    assert not policy.survey_open(survey)


@pytest.mark.parametrize("check", [policy.can_manage_units, policy.can_manage_frameworks,
                                   policy.can_manage_loose_ends])
def test_reference_data_is_managed_by_administrators_only(cycle, check):
    assert {p for p in PEOPLE if check(fresh(getattr(cycle, p)))} == set()
    admin = cast.administrator()
    assert check(admin)
    staff = cast.staff()
    assert not check(staff)
    admin.is_active = False
    assert not check(admin)
    assert not check(AnonymousUser()) and not check(None)


def test_unit_pages_are_for_signed_in_people(cycle):
    assert {p for p in PEOPLE if policy.can_view_units(fresh(getattr(cycle, p)))} == set(PEOPLE)
    assert policy.can_view_units(cast.outsider())
    assert not policy.can_view_units(AnonymousUser()) and not policy.can_view_units(None)


def test_who_is_told_of_each_event_and_who_reads_notifications_jobs_and_reminders(cycle):
    from parindex.jobs.models import Job
    from parindex.notifications.models import Notification

    def names(queryset) -> set[str]:
        users = {getattr(cycle, p).pk: p for p in PEOPLE}
        return {users[pk] for pk in queryset.values_list("pk", flat=True) if pk in users}

    wide, units = {"manager", "council", "viewer"}, {"officer", "head", "other_officer", "other_head"}
    assert names(policy.sheet_unit_people(cycle.sheet)) == {"officer", "head"}
    assert names(policy.round_unit_people(cycle.round)) == units
    assert names(policy.sheet_appraisers(cycle.sheet)) == {"appraiser"}
    assert names(policy.sheet_appraisers(cycle.other_sheet)) == {"appraiser", "field_appraiser"}
    assert names(policy.round_organiser_people(cycle.round)) == wide
    assert names(policy.round_approved_recipients(cycle.round)) == wide | units
    assert names(policy.results_recipients(cycle.round)) == wide | {"head", "other_head"}

    for person in ("officer", "manager"):
        Notification.objects.create(recipient=getattr(cycle, person), kind="round_opened",
                                    round=cycle.round)
        Job.objects.create(kind="annex", title="x", started_by=getattr(cycle, person))
    for person in PEOPLE:
        user = fresh(getattr(cycle, person))
        own = {user.pk} if person in ("officer", "manager") else set()
        # Opening the round already told the units' people; each reads only their own.
        assert {n.recipient_id for n in policy.visible_notifications(user)} <= {user.pk}, person
        assert own <= {n.recipient_id for n in policy.visible_notifications(user)}, person
        assert {j.started_by_id for j in policy.visible_jobs(user)} == own, person
        assert policy.can_view_reminders(user, cycle.round) == (person == "manager"), person
    assert not policy.visible_notifications(AnonymousUser()).exists()
    assert not policy.visible_jobs(AnonymousUser()).exists()
