"""Every permission decision of parindex, in one place.

Views, exports and services ask these functions and never look at roles themselves, so the
rules below are the whole access story (and tests/test_policy.py is its specification):

- A person holds roles in units (units.Role). Rounds belong to an organising unit: the round
  manager, council members and viewers held *there* see the whole round; the manager runs it
  (sheets, assignments, reopening) and the council approves it.
- Unit officers and heads see only their own unit's sheets; officers and heads fill in the sheet,
  only the head submits it. A viewer held in an assessed unit reads that unit's sheets.
- Appraisers see only the sheets they are assigned to (a whole sheet or one field of it), once
  the sheet is submitted, and score only what they are assigned.
- On the province's self-assessment for the national index, each sub-criterion is in the
  charge of a department, whose officers and head draft it (and only it) while the sheet is a
  draft; the round's manager assigns, accepts or returns each draft, and submits the sheet.
- Nobody edits a locked stage: self scores only while the sheet is a draft, explanations only in
  the explanation round before its deadline, appraised scores only in the two appraisal rounds,
  and nothing after the council's approval.

Lists are filtered by the querysets below (`visible_*`, `*_to_manage`), never by looping over a
`can_*` predicate; a page fetches its one object through such a queryset, so an object a person
may not see — a guessed URL or id — answers "not found" exactly as a missing one does.

Lifecycle: a survey takes responses only until its round's results are published
(`survey_open`); an assessment round (run in parindex, a sheet per unit) has a unit group's results computed
and published once its council approved that group (`ready_frameworks`; the round is approved
when every group is, `results_ready`), a results round (imported appraised scores) at any
time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from parindex.assessments.models import Assignment, CriterionAssignment, Evidence, Round, Sheet
from parindex.awards.models import Campaign
from parindex.frameworks.models import Framework, Node
from parindex.jobs.models import Job
from parindex.notifications.models import Notification, Reminder
from parindex.plans.models import Plan, Report, ServiceMonth, Task
from parindex.results.models import ResultSnapshot
from parindex.surveys.models import RespondentGroup, Response, Survey
from parindex.units.models import Role, Unit

K = Role.Kind
S = Sheet.State
WHOLE_SHEET = ""
ROUND_WIDE = (K.MANAGER, K.COUNCIL, K.VIEWER)
UNIT_SIDE = (K.OFFICER, K.HEAD, K.VIEWER)


# --------------------------------------------------------------------------- who holds what


def roles(user) -> dict[int, set[str]]:
    """unit id → role kinds of `user`; one query, cached on the user object for the request."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_parindex_roles", None)
    if cached is None:
        cached = defaultdict(set)
        for unit_id, kind in Role.objects.filter(user=user).values_list("unit_id", "kind"):
            cached[unit_id].add(kind)
        user._parindex_roles = cached
    return cached


def has_role(user, unit_id: int | None, *kinds: str) -> bool:
    return unit_id is not None and bool(roles(user).get(unit_id, set()) & set(kinds))


def _units_where(user, *kinds: str) -> list[int]:
    """Units in which `user` holds one of `kinds`."""
    return sorted(unit for unit, held in roles(user).items() if held & set(kinds))


def can_use_admin(user) -> bool:
    """Django's own admin site (it checks its model permissions itself)."""
    return user.is_active and user.is_staff


def _assigned_fields(user, round: Round) -> dict[int, set[str]]:
    """unit id → field codes (WHOLE_SHEET for all) assigned to `user` in `round`; cached."""
    if not user.is_authenticated:
        return {}
    cache = user.__dict__.setdefault("_parindex_assignments", {})
    if round.pk not in cache:
        shares = defaultdict(set)
        for unit_id, field in Assignment.objects.filter(round=round, user=user).values_list(
            "unit_id", "field_code"
        ):
            shares[unit_id].add(field)
        cache[round.pk] = shares
    return cache[round.pk]


def _today() -> datetime.date:
    return timezone.localdate()


# --------------------------------------------------------------------------- reference data


def can_manage_units(user) -> bool:
    """Units, unit groups and roles: the installation's administrators (superusers) only.

    Roles are the access story itself, so no unit role (not even a round manager) may grant
    or change them; staff without superuser status do not either. Nobody (None) is refused.
    """
    return _is_administrator(user)


def can_view_units(user) -> bool:
    """A unit's page (its validity, reorganisations and change log): any signed-in account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_manage_loose_ends(user) -> bool:
    """The roles, open sheets and pending nominations of units a reorganisation ended, and
    moving or closing those roles: the administrators, who manage units and roles."""
    return can_manage_units(user)


def _is_administrator(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def can_manage_frameworks(user) -> bool:
    """Import, replace and delete frameworks: the installation's administrators (superusers).

    A framework is shared by every round that scores on it, so no round manager changes one.
    Nobody (None) is refused.
    """
    return _is_administrator(user)


# --------------------------------------------------------------------------- rounds


def sees_whole_round(user, round: Round) -> bool:
    return user.is_superuser or has_role(user, round.organiser_id, *ROUND_WIDE)


def can_manage_round(user, round: Round) -> bool:
    return user.is_superuser or has_role(user, round.organiser_id, K.MANAGER)


def can_manage_organiser(user, organiser_id: int | None) -> bool:
    """May open rounds for this organising unit."""
    return user.is_superuser or has_role(user, organiser_id, K.MANAGER)


def can_open_rounds(user) -> bool:
    """Whether the person may open a round for some organising unit."""
    return organisers_to_manage(user).exists()


def organisers_to_manage(user) -> QuerySet[Unit]:
    """The organising units `user` may open rounds for."""
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=_units_where(user, K.MANAGER))


def rounds_to_manage(user) -> QuerySet[Round]:
    """Rounds `user` runs: those of the units they manage (every round, for a superuser)."""
    if user.is_superuser:
        return Round.objects.all()
    return Round.objects.filter(organiser_id__in=_units_where(user, K.MANAGER))


def round_appraisers(round: Round):
    """The people who may be assigned sheets of `round`: appraisers of its organising unit."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        unit_roles__unit_id=round.organiser_id, unit_roles__kind=K.APPRAISER
    ).distinct()


def rounds_to_approve(user) -> QuerySet[Round]:
    """Assessment rounds not yet approved whose council `user` sits on (every one, for a
    superuser): `can_approve_round` as a queryset."""
    rounds = Round.objects.filter(kind=Round.Kind.ASSESSMENT, approved_at__isnull=True)
    if user.is_superuser:
        return rounds
    return rounds.filter(organiser_id__in=_units_where(user, K.COUNCIL))


def is_appraiser_of(user, organiser_id: int | None) -> bool:
    """Whether `user` may be given sheets of the rounds this unit organises."""
    return has_role(user, organiser_id, K.APPRAISER)


def can_import_scores(user, round: Round) -> bool:
    """Import a scores file into the round (the bulk door to its scores): its manager. The
    import itself still keeps each sheet's open stage, and corrects a closed round only with a
    reason."""
    return can_manage_round(user, round)


def can_view_progress(user, round: Round) -> bool:
    return sees_whole_round(user, round)


def can_view_round_history(user, round: Round) -> bool:
    return sees_whole_round(user, round)


def can_approve_round(user, round: Round) -> bool:
    """The council approves an unapproved assessment round, all at once or one unit group at a
    time (the workflow checks that every sheet approved is final); a results round has no
    council step."""
    if round.approved_at is not None or round.kind != Round.Kind.ASSESSMENT:
        return False
    return user.is_superuser or has_role(user, round.organiser_id, K.COUNCIL)


def groups_to_approve(user, round: Round) -> QuerySet[Framework]:
    """The round's frameworks (one per unit group) the council member `user` may still approve:
    those not approved yet; none for anyone else."""
    if not can_approve_round(user, round):
        return Framework.objects.none()
    return round.frameworks.exclude(pk__in=round.group_approvals.values("framework_id"))


def visible_rounds(user) -> QuerySet[Round]:
    rounds = Round.objects.all()
    if user.is_superuser:
        return rounds
    if not user.is_authenticated:
        return rounds.none()
    units = roles(user)
    wide = [unit for unit, kinds in units.items() if kinds & set(ROUND_WIDE)]
    own = [unit for unit, kinds in units.items() if kinds & set(UNIT_SIDE)]
    return rounds.filter(
        Q(organiser_id__in=wide)
        | Q(sheets__unit_id__in=own)
        | Q(assignments__user=user)
        | Q(sheets__criterion_assignments__unit_id__in=own)
    ).distinct()


# --------------------------------------------------------------------------- sheets


def visible_sheets(user, round: Round) -> QuerySet[Sheet]:
    """The sheets of `round` that `user` may open; everything else is "not found"."""
    sheets = Sheet.objects.filter(round=round)
    if sees_whole_round(user, round):
        return sheets
    if not user.is_authenticated:
        return sheets.none()
    own = [unit for unit, kinds in roles(user).items() if kinds & set(UNIT_SIDE)]
    assigned = list(_assigned_fields(user, round))
    return sheets.filter(Q(unit_id__in=own) | (Q(unit_id__in=assigned) & ~Q(state=S.DRAFT)))


def own_unit_sheets(user) -> QuerySet[Sheet]:
    """Sheets of every round for the units whose officer or head `user` is ("my sheets")."""
    return Sheet.objects.filter(unit_id__in=_units_where(user, K.OFFICER, K.HEAD))


def can_view_sheet(user, sheet: Sheet) -> bool:
    if sees_whole_round(user, sheet.round) or has_role(user, sheet.unit_id, *UNIT_SIDE):
        return True
    return sheet.state != S.DRAFT and sheet.unit_id in _assigned_fields(user, sheet.round)


def _open(sheet: Sheet) -> bool:
    return sheet.round.approved_at is None


def is_unit_member(user, sheet: Sheet) -> bool:
    """Officers and heads of the sheet's unit: the people who fill it in and explain it."""
    return has_role(user, sheet.unit_id, K.OFFICER, K.HEAD)


def can_edit_self(user, sheet: Sheet) -> bool:
    """Self scores, notes and evidence: the unit's officers and head, while it is a draft."""
    return _open(sheet) and sheet.state == S.DRAFT and is_unit_member(user, sheet)


def can_submit(user, sheet: Sheet) -> bool:
    """The unit head submits the draft, and re-submits after the explanation round."""
    return (
        _open(sheet)
        and sheet.state in (S.DRAFT, S.EXPLANATION)
        and has_role(user, sheet.unit_id, K.HEAD)
    )


def explanation_open(sheet: Sheet) -> bool:
    deadline = sheet.round.explanation_deadline
    return deadline is None or _today() <= deadline


def can_explain(user, sheet: Sheet) -> bool:
    """Answer explanation requests and add supplementary evidence, before the deadline."""
    return (
        _open(sheet)
        and sheet.state == S.EXPLANATION
        and is_unit_member(user, sheet)
        and explanation_open(sheet)
    )


def can_reopen(user, sheet: Sheet) -> bool:
    """The manager reopens a submitted sheet (with a reason) before appraisal has finished."""
    return _open(sheet) and sheet.state == S.SUBMITTED and can_manage_round(user, sheet.round)


def appraisal_fields(user, sheet: Sheet) -> set[str]:
    """Field codes `user` appraises on this sheet; {WHOLE_SHEET} means every field."""
    return _assigned_fields(user, sheet.round).get(sheet.unit_id, set())


def is_appraiser(user, sheet: Sheet) -> bool:
    return bool(appraisal_fields(user, sheet))


def can_appraise(user, sheet: Sheet, field_code: str | None = None) -> bool:
    """Set appraised scores and remarks: assigned appraisers in appraisal rounds 1 and 2.

    With `field_code`, only for a leaf of that field; without, for any part of the sheet.
    """
    if not (_open(sheet) and sheet.state in (S.SUBMITTED, S.EXPLAINED)):
        return False
    fields = appraisal_fields(user, sheet)
    if field_code is None or WHOLE_SHEET in fields:
        return bool(fields)
    return field_code in fields


def appraisable_fields(user, sheet: Sheet) -> QuerySet[Node]:
    """The top-level fields of the sheet whose appraised scores `user` may set now: all of them
    for its whole-sheet appraisers, the assigned ones for a field appraiser, none outside the
    appraisal rounds."""
    fields = Node.objects.filter(framework_id=sheet.framework_id, parent__isnull=True)
    if not can_appraise(user, sheet):
        return fields.none()
    assigned = appraisal_fields(user, sheet)
    return fields if WHOLE_SHEET in assigned else fields.filter(code__in=assigned)


def can_request_explanation(user, sheet: Sheet, field_code: str | None = None) -> bool:
    """Explanations are asked for in appraisal round 1 only; round 2 sets final scores."""
    return sheet.state == S.SUBMITTED and can_appraise(user, sheet, field_code)


def can_finalise(user, sheet: Sheet) -> bool:
    """Close the appraisal (round 1 without requests, or round 2): whole-sheet appraisers."""
    return (
        _open(sheet)
        and sheet.state in (S.SUBMITTED, S.EXPLAINED)
        and WHOLE_SHEET in appraisal_fields(user, sheet)
    )


def visible_evidence(user, round: Round) -> QuerySet[Evidence]:
    """Evidence of the sheets `user` sees, and of the sub-criteria their department is in
    charge of on a sheet they do not see (the province's national self-assessment)."""
    mine = CriterionAssignment.objects.filter(
        sheet__round=round, unit_id__in=_units_where(user, *UNIT_SIDE))
    return Evidence.objects.filter(
        Q(sheet__in=visible_sheets(user, round))
        | Q(sheet__in=mine.values("sheet_id"), node_id__in=mine.values("node_id"))
    )


def sheets_to_appraise(user) -> QuerySet[Sheet]:
    """Sheets waiting for `user` as appraiser in every round not yet approved: submitted or
    explained, and assigned to them (whole or one field)."""
    if not user.is_authenticated:
        return Sheet.objects.none()
    assigned = Assignment.objects.filter(
        user=user, round_id=OuterRef("round_id"), unit_id=OuterRef("unit_id"))
    return Sheet.objects.filter(
        Exists(assigned), state__in=(S.SUBMITTED, S.EXPLAINED), round__approved_at__isnull=True)


def appraisal_queue(user, round: Round) -> QuerySet[Sheet]:
    """Sheets waiting for this appraiser (or for anyone, for the manager)."""
    waiting = (S.SUBMITTED, S.EXPLAINED)
    sheets = Sheet.objects.filter(round=round, state__in=waiting)
    if can_manage_round(user, round):
        return sheets
    return sheets.filter(unit_id__in=list(_assigned_fields(user, round)))


# --------------------------------------------------------------------------- national index
# The province's own sheet on the national index (Decision 892/QĐ-BNV): each sub-criterion is
# in the charge of one department (đơn vị chủ trì). That department's officers and head draft
# it — self score, note, evidence — while the sheet is a draft and the leaf is not accepted;
# its viewers read it. The round's manager (the Sở Nội vụ) assigns the sub-criteria, accepts
# or returns each draft, and submits the province's sheet; those who see the round whole see
# every sub-criterion, and the province's own people see their sheet's.

A = CriterionAssignment.Status


def visible_criterion_assignments(user, round: Round) -> QuerySet[CriterionAssignment]:
    """The sub-criteria of `round` whose department in charge `user` may see."""
    rows = CriterionAssignment.objects.filter(sheet__round=round)
    if sees_whole_round(user, round):
        return rows
    if not user.is_authenticated:
        return rows.none()
    own = _units_where(user, *UNIT_SIDE)
    return rows.filter(Q(unit_id__in=own) | Q(sheet__unit_id__in=own))


def sees_national_page(user, round: Round) -> bool:
    """The page of sub-criteria by department: a round with one sheet (the province's), for
    those who see the round whole or some of its sub-criteria."""
    if round.kind != Round.Kind.ASSESSMENT or Sheet.objects.filter(round=round).count() != 1:
        return False
    return sees_whole_round(user, round) or visible_criterion_assignments(user, round).exists()


def can_assign_criteria(user, sheet: Sheet) -> bool:
    """Hand sub-criteria to departments, from a file or one at a time: the round's manager,
    while the sheet is a draft."""
    return _open(sheet) and sheet.state == S.DRAFT and can_manage_round(user, sheet.round)


def can_review_criteria(user, sheet: Sheet) -> bool:
    """Accept or return the departments' drafts, and submit the sheet they make up: the
    round's manager, while the sheet is a draft."""
    return can_assign_criteria(user, sheet)


def can_draft_criterion(user, assignment: CriterionAssignment) -> bool:
    """Draft one sub-criterion (self score, note, evidence): the officers and head of the
    department in charge, while the sheet is a draft and the draft is not accepted."""
    sheet = assignment.sheet
    return (
        _open(sheet)
        and sheet.state == S.DRAFT
        and assignment.status != A.ACCEPTED
        and has_role(user, assignment.unit_id, K.OFFICER, K.HEAD)
    )


def can_edit_self_leaf(user, sheet: Sheet, assignment: CriterionAssignment | None) -> bool:
    """The self score, note and evidence of one leaf: the sheet's own unit (`can_edit_self`)
    and, for a leaf in a department's charge, that department (`can_draft_criterion`); an
    accepted leaf is closed to both until the reviewer returns it."""
    if assignment is None:
        return can_edit_self(user, sheet)
    if assignment.status == A.ACCEPTED:
        return False
    return can_edit_self(user, sheet) or can_draft_criterion(user, assignment)


def can_export_self_assessment(user, sheet: Sheet) -> bool:
    """The self-assessment workbook and the evidence package: those who see the round whole."""
    return sees_whole_round(user, sheet.round)


def department_people(unit_ids) -> QuerySet:
    """The officers and heads of departments in charge: told of a returned draft and of the
    self-assessment deadline while some of their sub-criteria are undrafted."""
    return _holders(unit_ids, K.OFFICER, K.HEAD)


# --------------------------------------------------------------------------- results


def can_preview_results(user, round: Round) -> bool:
    """See a round's computed results before they are published: whoever sees the whole round,
    or a user granted it in the admin."""
    return sees_whole_round(user, round) or user.has_perm("results.view_resultsnapshot")


def can_publish_results(user, round: Round) -> bool:
    """Compute, publish and correct a round's results: its manager, or a user granted it."""
    return can_manage_round(user, round) or user.has_perm("results.add_resultsnapshot")


def can_see_results_management(user) -> bool:
    """The list of rounds and their results' state: anyone who sees some round whole."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm("results.view_resultsnapshot"):
        return True
    return rounds_with_results_to_manage(user).exists()


def rounds_with_results_to_manage(user) -> QuerySet[Round]:
    """Rounds whose results `user` may preview: those they see whole, or all with the grant."""
    if not user.is_authenticated:
        return Round.objects.none()
    if user.is_superuser or user.has_perm("results.view_resultsnapshot"):
        return Round.objects.all()
    return Round.objects.filter(organiser_id__in=_units_where(user, *ROUND_WIDE))


def results_ready(round: Round) -> bool:
    """Results are computed from approved scores: an assessment round's once its council
    approved it whole; a results round's (imported appraised scores) at any time."""
    return round.approved_at is not None or round.kind == Round.Kind.RESULTS


def ready_frameworks(round: Round) -> QuerySet[Framework]:
    """The round's frameworks whose results may be computed and published: all of a ready
    round (`results_ready`); of an assessment round still in appraisal, those of the unit
    groups its council has approved."""
    if results_ready(round):
        return round.frameworks.all()
    return round.frameworks.filter(pk__in=round.group_approvals.values("framework_id"))


# --------------------------------------------------------------------------- survey


def can_manage_survey(user, round: Round | None = None) -> bool:
    """Define questionnaires, type in paper forms, import, export, review, see survey scores:
    the round's manager (and superusers). Without a round: whether the person manages some
    round at all (the index page)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if round is None:
        return user.is_superuser or bool(_units_where(user, K.MANAGER))
    return can_manage_round(user, round)


def visible_surveys(user) -> QuerySet[Survey]:
    """The surveys `user` manages; every other answers "not found"."""
    if not (user.is_authenticated and user.is_active):
        return Survey.objects.none()
    return Survey.objects.filter(round__in=rounds_to_manage(user))


def visible_survey_groups(user) -> QuerySet[RespondentGroup]:
    return RespondentGroup.objects.filter(survey__in=visible_surveys(user))


def visible_survey_responses(user) -> QuerySet[Response]:
    """Responses (with their answers and comments) of the surveys `user` manages."""
    return Response.objects.filter(group__survey__in=visible_surveys(user))


def rounds_to_survey(user) -> QuerySet[Round]:
    """Rounds without a survey that `user` may start one for."""
    if not (user.is_authenticated and user.is_active):
        return Round.objects.none()
    return rounds_to_manage(user).filter(survey__isnull=True)


def survey_open(survey: Survey) -> bool:
    """A survey takes responses (online, paper, imported) and reviews until the results of its
    round are published: published results never move under a late response."""
    return not ResultSnapshot.objects.published().filter(round_id=survey.round_id).exists()


# --------------------------------------------------------------------------- # Commendation
# Roles held in a campaign's awarding unit decide who runs it:
# - the manager there creates and edits the campaign and its rules, proposes from results,
#   nominates for any unit, drafts and issues the decision;
# - council members there (the emulation council) accept or reject nominations;
# - managers, council members and viewers there see every nomination and the history;
# - officers and heads of any unit nominate for their own unit while the campaign is open and
#   up to its deadline, and see their own unit's nominations;
# - a nomination awaiting review is edited or withdrawn, up to the deadline, by the officers and
#   head of the unit that made it or by the manager; a proposal from the results is not edited
#   by anyone (it is what the rules chose) and only the manager withdraws it;
# - an issued decision, its accepted list and the register are read by every signed-in person;
#   certificates are printed by those who run the campaign, and by the awardee's unit.
# Nothing changes once the decision is issued.

AWARD_NOMINATORS = (K.OFFICER, K.HEAD)
CAMPAIGN_WIDE = (K.MANAGER, K.COUNCIL, K.VIEWER)


def award_nominating_unit_ids(user) -> list[int]:
    """Units whose officer or head `user` is: the units they may nominate for."""
    return sorted(u for u, kinds in roles(user).items() if kinds & set(AWARD_NOMINATORS))


def campaign_managed_unit_ids(user) -> list[int] | None:
    """Awarding units `user` may open campaigns for; None means every unit (superuser)."""
    if user.is_superuser:
        return None
    return sorted(u for u, kinds in roles(user).items() if K.MANAGER in kinds)


def can_create_campaign(user, awarder_unit_id: int | None = None) -> bool:
    """Open a campaign for this awarding unit (or, without one, for some unit)."""
    if user.is_superuser:
        return True
    if awarder_unit_id is not None:
        return has_role(user, awarder_unit_id, K.MANAGER)
    return bool(campaign_managed_unit_ids(user))


def can_manage_campaign(user, campaign) -> bool:
    """Edit the campaign and its rules, propose from results, draft and issue the decision."""
    return user.is_superuser or has_role(user, campaign.awarder_unit_id, K.MANAGER)


def sees_whole_campaign(user, campaign) -> bool:
    return user.is_superuser or has_role(user, campaign.awarder_unit_id, *CAMPAIGN_WIDE)


def visible_campaigns(user) -> QuerySet[Campaign]:
    """The campaigns `user` may open (`can_view_campaign` as a queryset)."""
    campaigns = Campaign.objects.all()
    if user.is_superuser:
        return campaigns
    if not user.is_authenticated:
        return campaigns.none()
    if award_nominating_unit_ids(user):
        return campaigns
    wide = _units_where(user, *CAMPAIGN_WIDE)
    return campaigns.filter(Q(awarder_unit_id__in=wide) | ~Q(state=Campaign.State.OPEN))


def can_view_campaign(user, campaign) -> bool:
    """Those who run or review it, those who may nominate in it; once decided, everyone."""
    if not user.is_authenticated:
        return False
    if sees_whole_campaign(user, campaign) or not campaign.is_open:
        return True
    return bool(award_nominating_unit_ids(user))


def visible_nominations(user, campaign) -> QuerySet:
    """Nominations of `campaign` that `user` may read; the rest answer "not found"."""
    nominations = campaign.nominations.all()
    if sees_whole_campaign(user, campaign):
        return nominations
    if not user.is_authenticated:
        return nominations.none()
    own = Q(unit_id__in=award_nominating_unit_ids(user))
    if not campaign.is_open:  # the decision is public, and so is its accepted list
        return nominations.filter(own | Q(status="accepted"))
    return nominations.filter(own)


def nomination_open(campaign, today: datetime.date | None = None) -> bool:
    """Units nominate while the campaign is open, up to its deadline (inclusive)."""
    if not campaign.is_open:
        return False
    return campaign.deadline is None or (today or _today()) <= campaign.deadline


def can_nominate(user, campaign, unit_id: int | None = None) -> bool:
    """Nominate for `unit_id` (or for some unit, when not given).

    The manager adds nominations for any unit until the decision is issued (late ones arrive
    on paper); officers and heads for their own unit, up to the deadline.
    """
    if not campaign.is_open or not user.is_authenticated:
        return False
    if can_manage_campaign(user, campaign):
        return True
    if not nomination_open(campaign):
        return False
    if unit_id is None:
        return bool(award_nominating_unit_ids(user))
    return has_role(user, unit_id, *AWARD_NOMINATORS)


def answers_for_nomination(user, nomination) -> bool:
    """Who may change a nomination at all (timing aside): the officers and head of the unit
    that made it, and the manager; a proposal from the results, the manager only."""
    if not user.is_authenticated:
        return False
    if can_manage_campaign(user, nomination.campaign):
        return True
    return nomination.source == "unit" and has_role(user, nomination.unit_id, *AWARD_NOMINATORS)


def nomination_changeable(nomination) -> bool:
    """Awaiting review, in a campaign still open and before its deadline."""
    return nomination.status == "pending" and nomination_open(nomination.campaign)


def can_edit_nomination(user, nomination) -> bool:
    """Correct a unit's nomination before the council reviews it. Proposals from the results
    are not edited: they are what the rules chose."""
    return (
        nomination.source == "unit"
        and nomination_changeable(nomination)
        and answers_for_nomination(user, nomination)
    )


def can_withdraw_nomination(user, nomination) -> bool:
    """Withdraw a nomination before the council reviews it."""
    return nomination_changeable(nomination) and answers_for_nomination(user, nomination)


def can_propose_from_results(user, campaign) -> bool:
    return (
        campaign.is_open
        and campaign.round_id is not None
        and can_manage_campaign(user, campaign)
    )


def can_review_nominations(user, campaign) -> bool:
    """Accept or reject: the emulation council (and the manager who sits on it)."""
    if not campaign.is_open:
        return False
    return user.is_superuser or has_role(user, campaign.awarder_unit_id, K.COUNCIL, K.MANAGER)


def campaigns_to_review(user) -> QuerySet[Campaign]:
    """Open campaigns whose nominations `user` accepts or rejects (`can_review_nominations`
    as a queryset)."""
    campaigns = Campaign.objects.filter(state=Campaign.State.OPEN)
    if user.is_superuser:
        return campaigns
    return campaigns.filter(awarder_unit_id__in=_units_where(user, K.COUNCIL, K.MANAGER))


def can_edit_decision(user, campaign) -> bool:
    return campaign.is_open and can_manage_campaign(user, campaign)


def can_issue_decision(user, campaign) -> bool:
    return campaign.is_open and can_manage_campaign(user, campaign)


def can_view_decision(user, campaign) -> bool:
    """A draft is read by those who run the campaign; an issued decision (a public document)
    by everyone signed in."""
    if not user.is_authenticated:
        return False
    return not campaign.is_open or sees_whole_campaign(user, campaign)


def can_print_certificates(user, campaign) -> bool:
    """All certificates of a campaign, once its decision is issued."""
    return not campaign.is_open and sees_whole_campaign(user, campaign)


def can_download_certificate(user, award) -> bool:
    """One certificate: those who print them all, and the unit that nominated the awardee."""
    if award.campaign_id is None:
        return user.is_superuser
    campaign = award.campaign
    if can_print_certificates(user, campaign):
        return True
    return not campaign.is_open and award.unit_id in award_nominating_unit_ids(user)


def can_view_campaign_history(user, campaign) -> bool:
    return sees_whole_campaign(user, campaign)


def can_view_register(user) -> bool:
    """The register lists published decisions: every signed-in person may search it."""
    return user.is_authenticated


# --------------------------------------------------------------------------- background jobs


def can_start_jobs(user) -> bool:
    """Start background work (an import, a large annex, computing results): a signed-in,
    active person; what the work itself needs is asked by the service that starts it."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def visible_jobs(user) -> QuerySet[Job]:
    """A person's jobs are theirs alone: nobody else sees them, not even an administrator
    (the job's file may be a preview of unpublished results)."""
    if user is None or not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(started_by=user)


# --------------------------------------------------------------------------- notifications
# Who is told of what. Each event's recipients are a queryset here (active accounts only); the
# service that makes the change passes it to `notifications.services.notify`, which leaves out
# the person who acted.


def _holders(units, *kinds: str) -> QuerySet:
    """Active people holding one of `kinds` in `units` (ids, or a queryset of unit ids)."""
    from django.contrib.auth import get_user_model

    held = Role.objects.filter(unit_id__in=units, kind__in=kinds).values("user_id")
    return get_user_model().objects.filter(is_active=True, pk__in=held)


def sheet_unit_people(sheet: Sheet) -> QuerySet:
    """A sheet's unit officers and head: told of the round opening, submission, reopening,
    explanation requests, the final appraisal and reminders."""
    return _holders([sheet.unit_id], K.OFFICER, K.HEAD)


def round_unit_people(round: Round) -> QuerySet:
    """The officers and heads of every unit with a sheet in the round."""
    return _holders(Sheet.objects.filter(round=round).values("unit_id"), K.OFFICER, K.HEAD)


def sheet_appraisers(sheet: Sheet) -> QuerySet:
    """The appraisers assigned to the sheet (whole or a field): told of answered requests."""
    from django.contrib.auth import get_user_model

    assigned = Assignment.objects.filter(round_id=sheet.round_id, unit_id=sheet.unit_id)
    return get_user_model().objects.filter(is_active=True, pk__in=assigned.values("user_id"))


def round_organiser_people(round: Round) -> QuerySet:
    """Those who see the round whole: the organiser's managers, council members, viewers."""
    return _holders([round.organiser_id], *ROUND_WIDE)


def round_approved_recipients(round: Round) -> QuerySet:
    """The approval is told to the organiser's people and to the assessed units' officers
    and heads."""
    return round_organiser_people(round) | round_unit_people(round)


def group_approved_recipients(round: Round, framework) -> QuerySet:
    """A unit group approved before the rest of the round is told to the organiser's people
    and to the officers and heads of that group's units (a sheet on its framework)."""
    units = Sheet.objects.filter(round=round, framework=framework).values("unit_id")
    return round_organiser_people(round) | _holders(units, K.OFFICER, K.HEAD)


def results_recipients(round: Round) -> QuerySet:
    """Published results are told to the organiser's people and to the heads of the units
    assessed (a sheet in the round, or a line in its published results)."""
    from parindex.results.models import ResultRow

    codes = ResultRow.objects.filter(snapshot__round=round).values("unit_code")
    assessed = Unit.objects.filter(Q(sheets__round=round) | Q(code__in=codes)).values("pk")
    return round_organiser_people(round) | _holders(assessed, K.HEAD)


def nomination_unit_people(nomination) -> QuerySet:
    """A reviewed nomination is told to the officers and head of the unit it is for."""
    return _holders([nomination.unit_id], *AWARD_NOMINATORS)


def decision_recipients(campaign) -> QuerySet:
    """An issued decision is told to those who run the campaign and to the officers and heads
    of the units with an accepted nomination."""
    accepted = campaign.nominations.filter(status="accepted").values("unit_id")
    return _holders([campaign.awarder_unit_id], *CAMPAIGN_WIDE) | _holders(
        accepted, *AWARD_NOMINATORS)


def visible_notifications(user) -> QuerySet[Notification]:
    """A person's notifications are theirs alone: anyone else's answer "not found"."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def can_view_reminders(user, round: Round) -> bool:
    """Who was reminded of the round's deadlines, and when: its manager."""
    return can_manage_round(user, round)


def visible_reminders(user, round: Round) -> QuerySet[Reminder]:
    if not can_view_reminders(user, round):
        return Reminder.objects.none()
    return Reminder.objects.filter(sheet__round=round)


# --------------------------------------------------------------------------- reform plans
# The year's reform work (parindex.plans). The province's reform staff — the round managers,
# council members and viewers of an organising unit — oversee that unit, the units under it and
# every unit assessed in its rounds; a unit's officers, head and viewers see their own unit's
# plan, the tasks it carries out or cooperates on, its reports and its service figures.


def reform_overseen_units(user) -> QuerySet[Unit]:
    """The units whose plans, tasks, reports and service figures `user` oversees."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    staff = _units_where(user, *ROUND_WIDE)
    return Unit.objects.filter(
        Q(pk__in=staff) | Q(parent_id__in=staff)
        | Q(pk__in=Sheet.objects.filter(round__organiser_id__in=staff).values("unit_id"))
    )


def _own_units(user) -> list[int]:
    return _units_where(user, *UNIT_SIDE)


def visible_plans(user) -> QuerySet[Plan]:
    """Plans of the units one oversees, of one's own unit, or with a task one's unit carries
    out or cooperates on."""
    own = _own_units(user)
    return Plan.objects.filter(
        Q(unit__in=reform_overseen_units(user)) | Q(unit_id__in=own)
        | Q(pk__in=Task.objects.filter(Q(responsible_id__in=own) | Q(cooperating__in=own))
            .values("plan_id"))
    )


def visible_tasks(user) -> QuerySet[Task]:
    """Tasks of the plans one oversees or one's unit issued, and those one's unit carries out
    or cooperates on."""
    own = _own_units(user)
    return Task.objects.filter(
        Q(plan__unit__in=reform_overseen_units(user)) | Q(plan__unit_id__in=own)
        | Q(pk__in=Task.objects.filter(Q(responsible_id__in=own) | Q(cooperating__in=own))
            .values("pk"))
    )


def can_edit_plan(user, unit_id: int | None) -> bool:
    """A unit's plan and its tasks: its officers, head and round managers (an administrator
    for any unit)."""
    return bool(user.is_authenticated and user.is_active) and (
        user.is_superuser or has_role(user, unit_id, K.MANAGER, K.OFFICER, K.HEAD))


def can_report_task(user, task: Task) -> bool:
    """Progress on a task, with its evidence and completion date: the officers and head of the
    unit responsible for it."""
    return has_role(user, task.responsible_id, K.OFFICER, K.HEAD)


def visible_reports(user) -> QuerySet[Report]:
    """Periodic reports due from the units one oversees, or from one's own unit."""
    return Report.objects.filter(
        Q(unit__in=reform_overseen_units(user)) | Q(unit_id__in=_own_units(user)))


def can_request_reports(user, unit_id: int | None) -> bool:
    """Ask units for periodic reports on behalf of `unit_id`: its round managers."""
    return bool(user.is_authenticated) and (
        user.is_superuser or has_role(user, unit_id, K.MANAGER))


def units_to_request_reports_from(user) -> QuerySet[Unit]:
    """The units whose reports `user` may ask for: those they oversee as a round manager."""
    if user.is_superuser:
        return Unit.objects.all()
    managed = _units_where(user, K.MANAGER)
    return Unit.objects.filter(
        Q(pk__in=managed) | Q(parent_id__in=managed)
        | Q(pk__in=Sheet.objects.filter(round__organiser_id__in=managed).values("unit_id")))


def can_submit_report(user, report: Report) -> bool:
    """A periodic report is sent once, by its unit's officers or head."""
    return report.submitted_at is None and has_role(user, report.unit_id, K.OFFICER, K.HEAD)


def unit_reform_people(unit_id: int) -> QuerySet:
    """A unit's officers and head: they report on its tasks and send its reports."""
    return _holders([unit_id], K.OFFICER, K.HEAD)


def report_unit_people(report: Report) -> QuerySet:
    """A report's unit officers and head: reminded before its due date and when overdue."""
    return unit_reform_people(report.unit_id)


def can_import_service_data(user) -> bool:
    """The portal's monthly figures: a round manager (of any organising unit) or an
    administrator imports them."""
    return bool(user.is_authenticated) and (
        user.is_superuser or bool(_units_where(user, K.MANAGER)))


def visible_service_months(user) -> QuerySet[ServiceMonth]:
    """Monthly service figures of the units one oversees or of one's own unit."""
    return ServiceMonth.objects.filter(
        Q(unit__in=reform_overseen_units(user)) | Q(unit_id__in=_own_units(user)))


def prefill_open(sheet: Sheet) -> bool:
    """Computed values are written into a sheet only while it is a draft of an open round."""
    return _open(sheet) and sheet.state == S.DRAFT


def can_contest_prefill(user, sheet: Sheet) -> bool:
    """Contesting a computed value (with an explanation): whoever may edit the self scores."""
    return can_edit_self(user, sheet)


def plan_units(user) -> QuerySet[Unit]:
    """The units whose plan `user` may write (see `can_edit_plan`)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=_units_where(user, K.MANAGER, K.OFFICER, K.HEAD))


def can_view_service_index(user) -> bool:
    """The monthly service index ranks units as the province publishes it each month: every
    signed-in person reads it (the figures behind it stay with `visible_service_months`)."""
    return bool(user.is_authenticated and user.is_active)
