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


@pytest.mark.parametrize("state", STATES)
def test_appraisable_fields_per_person(cycle, state):
    """Whose self scores a person may accept field by field: the fields they appraise, while
    the sheet is being appraised."""
    sheets = {"H01": at_state(cycle, state), "H02": cycle.other_sheet}
    sheets["H02"].state = state
    fields = {
        (person, unit): set(policy.appraisable_fields(fresh(getattr(cycle, person)), sheet)
                            .values_list("code", flat=True))
        for person in PEOPLE for unit, sheet in sheets.items()
    }
    everything = {"1", "2", "T", "P"}
    expected = {}
    if state in (S.SUBMITTED, S.EXPLAINED):
        expected = {("appraiser", "H01"): everything, ("appraiser", "H02"): everything,
                    ("field_appraiser", "H02"): {"1"}}
    assert {key: codes for key, codes in fields.items() if codes} == expected


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
    assert names(policy.group_approved_recipients(cycle.round, cycle.framework)) == wide | units
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


# --------------------------------------------------------------------------- national index
# H02 is the department in charge of leaf 1.1 on H01's sheet (the province's self-assessment
# for the national index works the same way on the province's one sheet).
NATIONAL_MATRIX = {
    "draft_criterion": {S.DRAFT: {"other_officer", "other_head"}},
    "edit_self_leaf": {S.DRAFT: {"officer", "head", "other_officer", "other_head"}},
    "assign_criteria": {S.DRAFT: {"manager"}},
    "review_criteria": {S.DRAFT: {"manager"}},
    "export_self_assessment": {s: ROUND_WIDE for s in STATES},
}


def _in_charge(c):
    from parindex.assessments import services

    services.assign_criteria(fresh(c.manager), c.sheet, [(None, "1.1", "H02")])
    return c.sheet.criterion_assignments.get()


NATIONAL_CHECKS = {
    "draft_criterion": lambda user, sheet, a: policy.can_draft_criterion(user, a),
    "edit_self_leaf": lambda user, sheet, a: policy.can_edit_self_leaf(user, sheet, a),
    "assign_criteria": lambda user, sheet, a: policy.can_assign_criteria(user, sheet),
    "review_criteria": lambda user, sheet, a: policy.can_review_criteria(user, sheet),
    "export_self_assessment": lambda user, sheet, a: policy.can_export_self_assessment(
        user, sheet),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(NATIONAL_MATRIX))
def test_national_matrix(cycle, action, state):
    assignment = _in_charge(cycle)
    sheet = at_state(cycle, state)
    assignment.sheet = sheet
    allowed = {person for person in PEOPLE
               if NATIONAL_CHECKS[action](fresh(getattr(cycle, person)), sheet, assignment)}
    assert allowed == NATIONAL_MATRIX[action].get(state, set())


def test_an_accepted_leaf_is_closed_to_everyone_and_others_stay_with_the_unit(cycle):
    assignment = _in_charge(cycle)
    assignment.status = assignment.Status.ACCEPTED
    for person in PEOPLE:
        user = fresh(getattr(cycle, person))
        assert not policy.can_edit_self_leaf(user, cycle.sheet, assignment), person
        assert not policy.can_draft_criterion(user, assignment), person
        assert policy.can_edit_self_leaf(user, cycle.sheet, None) == (
            person in ("officer", "head")), person


def test_who_sees_the_sub_criteria_of_departments_and_their_evidence(cycle):
    _in_charge(cycle)
    seen = {p for p in PEOPLE if policy.visible_criterion_assignments(
        fresh(getattr(cycle, p)), cycle.round).exists()}
    assert seen == ROUND_WIDE | {"officer", "head", "unit_viewer", "other_officer",
                                 "other_head"}
    # The department in charge finds the round and reads the leaf's evidence, not the sheet.
    other = fresh(cycle.other_officer)
    assert policy.visible_rounds(other).filter(pk=cycle.round.pk).exists()
    assert not policy.visible_sheets(other, cycle.round).filter(pk=cycle.sheet.pk).exists()
    assert names_of(policy.department_people([cycle.units[1].pk]), cycle) == {
        "other_officer", "other_head"}
    assert not policy.visible_criterion_assignments(AnonymousUser(), cycle.round).exists()
    # The page of sub-criteria by department is for a round with one sheet (the province's).
    assert not policy.sees_national_page(fresh(cycle.manager), cycle.round)


def names_of(queryset, c) -> set[str]:
    users = {getattr(c, p).pk: p for p in PEOPLE}
    return {users[pk] for pk in queryset.values_list("pk", flat=True) if pk in users}
def test_what_waits_for_whom_sheets_to_appraise_rounds_to_approve_campaigns_to_review(cycle):
    from parindex.awards.models import AwardForm, Campaign
    from tests.assessments.cycle import submitted

    def who(queryset_of):
        return {p for p in PEOPLE if queryset_of(fresh(getattr(cycle, p))).exists()}

    assert who(policy.sheets_to_appraise) == set()  # drafts wait for nobody's appraisal
    submitted(cycle, cycle.other_sheet, cycle.other_head)
    assert who(policy.sheets_to_appraise) == {"appraiser", "field_appraiser"}
    submitted(cycle)
    assert set(policy.sheets_to_appraise(fresh(cycle.field_appraiser))) == {cycle.other_sheet}
    assert policy.sheets_to_appraise(fresh(cycle.appraiser)).count() == 2
    assert who(policy.rounds_to_approve) == {"council"}
    Campaign.objects.create(
        code="snv", name="Khen thưởng", year=2023, awarder_unit=cycle.organiser,
        awarder_kind=Campaign.Awarder.DEPARTMENT_DIRECTOR, awarder_title="Giám đốc",
        award_form=AwardForm.GIAY_KHEN, title_text="thành tích")
    assert who(policy.campaigns_to_review) == {"council", "manager"}
    admin = cast.administrator()
    assert policy.rounds_to_approve(admin).exists() and policy.campaigns_to_review(admin).exists()
    Round.objects.filter(pk=cycle.round.pk).update(approved_at=timezone.now())
    Campaign.objects.update(state=Campaign.State.DECIDED)
    assert who(policy.sheets_to_appraise) == who(policy.rounds_to_approve) == set()
    assert who(policy.campaigns_to_review) == set()
    anonymous = AnonymousUser()
    assert not policy.sheets_to_appraise(anonymous).exists()
    assert not policy.rounds_to_approve(anonymous).exists()
    assert not policy.campaigns_to_review(anonymous).exists()
def test_reform_plans_reports_service_figures_and_prefills(cycle, tmp_path):
    import datetime

    from parindex.plans import services as plans
    from parindex.plans.models import Report, ServiceMonth
    from tests.assessments.files import pdf

    h01, h02 = cycle.units
    plan = plans.save_plan(cycle.officer, h01, 2023, "Kế hoạch CCHC 2023")
    task = plans.add_task(cycle.officer, plan, "NV1", "Nhiệm vụ", h01, datetime.date(2023, 3, 1),
                          cooperating=[h02])
    own_plan = plans.add_task(cycle.manager, plans.save_plan(cycle.manager, cycle.organiser, 2023,
                                                             "Kế hoạch tỉnh"),
                              "T1", "Nhiệm vụ tỉnh", cycle.organiser, datetime.date(2023, 3, 1))
    plans.request_reports(cycle.manager, cycle.organiser, [h01, h02], 2023, "q1", "Quý I",
                          datetime.date(2023, 3, 15))
    report = Report.objects.get(unit=h01)
    path = tmp_path / "dvc.csv"
    path.write_text("unit,month,received,on_time,late,online,digitised\n"
                    "H01,01/2023,10,9,1,5,4\n", encoding="utf-8")
    plans.import_service_data(cycle.manager, path)
    month = ServiceMonth.objects.get()

    def who(check) -> set[str]:
        return {p for p in PEOPLE if check(fresh(getattr(cycle, p)))}

    seeing = ROUND_WIDE | OWN_UNIT
    assert who(lambda u: policy.visible_plans(u).filter(pk=plan.pk).exists()) == (
        seeing | {"other_officer", "other_head"})
    assert who(lambda u: policy.visible_tasks(u).filter(pk=task.pk).exists()) == (
        seeing | {"other_officer", "other_head"})
    assert who(lambda u: policy.visible_tasks(u).filter(pk=own_plan.pk).exists()) == ROUND_WIDE
    assert who(lambda u: policy.visible_reports(u).filter(pk=report.pk).exists()) == seeing
    assert who(lambda u: policy.visible_service_months(u).filter(pk=month.pk).exists()) == seeing
    assert who(lambda u: policy.can_edit_plan(u, h01.pk)) == {"officer", "head"}
    assert who(lambda u: policy.can_edit_plan(u, cycle.organiser.pk)) == {"manager"}
    assert who(lambda u: policy.plan_units(u).filter(pk=h01.pk).exists()) == {"officer", "head"}
    assert who(lambda u: policy.can_report_task(u, task)) == {"officer", "head"}
    assert who(lambda u: policy.can_request_reports(u, cycle.organiser.pk)) == {"manager"}
    assert who(lambda u: policy.units_to_request_reports_from(u).filter(pk=h02.pk).exists()
               ) == {"manager"}
    assert who(lambda u: policy.can_submit_report(u, report)) == {"officer", "head"}
    assert who(policy.can_import_service_data) == {"manager"}
    assert who(policy.can_view_service_index) == set(PEOPLE)
    assert who(lambda u: policy.can_contest_prefill(u, cycle.sheet)) == {"officer", "head"}
    names = {getattr(cycle, p).pk: p for p in PEOPLE}
    assert {names[pk] for pk in policy.report_unit_people(report).values_list("pk", flat=True)
            } == {"officer", "head"}
    assert {names[pk] for pk in policy.unit_reform_people(h02.pk).values_list("pk", flat=True)
            } == {"other_officer", "other_head"}
    assert policy.prefill_open(cycle.sheet)
    for state in STATES[1:]:
        sheet = at_state(cycle, state)
        assert not policy.prefill_open(sheet)
        assert not who(lambda u, s=sheet: policy.can_contest_prefill(u, s))
    plans.submit_report(cycle.officer, report, pdf())
    report.refresh_from_db()
    assert not who(lambda u: policy.can_submit_report(u, report))
    anonymous = AnonymousUser()
    assert not policy.visible_plans(anonymous).exists()
    assert not policy.can_edit_plan(anonymous, h01.pk)
    assert not policy.can_import_service_data(anonymous)
    assert not policy.can_view_service_index(anonymous)
def test_unit_groups_to_approve_and_ready_for_results(cycle):
    from parindex.assessments.models import GroupApproval

    def approvers():
        return {p for p in PEOPLE
                if policy.groups_to_approve(fresh(getattr(cycle, p)), cycle.round).exists()}

    assert approvers() == {"council"}
    assert not policy.ready_frameworks(cycle.round).exists()  # nothing approved yet
    GroupApproval.objects.create(round=cycle.round, framework=cycle.framework,
                                 approved_at=timezone.now(), approved_by=cycle.council)
    assert list(policy.ready_frameworks(cycle.round)) == [cycle.framework]
    assert approvers() == set()  # its only group is approved
    GroupApproval.objects.all().delete()
    cycle.round.approved_at = timezone.now()  # approved whole (before groups were kept)
    assert approvers() == set()
    assert list(policy.ready_frameworks(cycle.round)) == [cycle.framework]
    cycle.round.approved_at, cycle.round.kind = None, Round.Kind.RESULTS
    assert approvers() == set()  # no council step
    assert list(policy.ready_frameworks(cycle.round)) == [cycle.framework]
