"""Writes of the assessment cycle: scores, evidence, explanations and the sheet's lifecycle.

Every function checks its permission through `parindex.policy` on a freshly locked sheet row
(`select_for_update`, so two requests on one sheet run one after the other on PostgreSQL) and
records each change in the history inside the same transaction.

    draft ──submit──▶ submitted ──send requests──▶ explanation ──re-submit──▶ explained
      ▲                   │  └──────────finalise──────────┐                    │
      └──reopen (reason)──┘                               ▼                    │
                                                      finalised ◀──finalise────┘
                                                          │ council approves its unit
                                                          ▼ group, or the whole round
                                                       approved
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.engine.values import parse_value, stored_points
from parindex.frameworks.models import Node, top_level_ids
from parindex.imports import problem_text
from parindex.notifications.services import notify

from ..evidence import check_upload
from ..models import (
    CriterionAssignment,
    Evidence,
    ExplanationRequest,
    GroupApproval,
    Round,
    Score,
    Sheet,
)
from ..selectors import field_codes, load_nodes, points_of

S = Sheet.State
SELF = Score.Stage.SELF
APPRAISED = Score.Stage.APPRAISED


class Conflict(Exception):
    """Someone else saved this value since the form was loaded; nothing was written."""

    def __init__(self, current: Score | ExplanationRequest | None):
        self.current = current
        who = getattr(current, "updated_by", None) or getattr(current, "answered_by", None)
        super().__init__(
            _("%(who)s saved a different value in the meantime; yours was not saved. "
              "The current value is shown: check it and save again.")
            % {"who": who or _("Someone")}
        )

    @property
    def version(self) -> int:
        return self.current.version if self.current is not None else 0


def _deny(message: str | None = None):
    raise PermissionDenied(message or _("You may not do this at this stage."))


def _locked(sheet: Sheet) -> Sheet:
    """The sheet row locked for this transaction, with what the policy reads."""
    return Sheet.objects.select_for_update(of=("self",)).select_related(
        "round", "unit", "framework__unit_group"
    ).get(pk=sheet.pk)


def _entry(user, action: str, obj, field: str, old="", new="", *, round: Round,
           part: str = "", reason: str = ""):
    """One change of a sheet (or of the round itself), listed under the round, unsaved (`_log`
    saves one, `history.bulk` many); `field` names what changed: a stage for scores and notes,
    else what the action changes."""
    return history.entry(
        user, action, obj, scope=round, part=part, reason=reason,
        before={field: old} if old not in (None, "") else {},
        after={field: new} if new not in (None, "") else {},
    )


def _log(user, action: str, obj, field: str, old="", new="", **where) -> None:
    _entry(user, action, obj, field, old, new, **where).save()


def _state(user, sheet: Sheet, new: str, reason: str = "") -> None:
    _log(user, "state", sheet, "state", sheet.state, new, round=sheet.round, reason=reason)
    sheet.state = new


# --------------------------------------------------------------------------- values


def _leaf(sheet: Sheet, node_code: str):
    framework, nodes = load_nodes(sheet)
    leaf = framework.leaves().get(node_code)
    if leaf is None:
        raise ValidationError(_("'%(code)s' is not a sub-criterion of this sheet.")
                              % {"code": node_code})
    node = next(n for n in nodes if n.code == node_code)
    node.top_id = top_level_ids(nodes)[node.pk]
    return node, leaf, field_codes(framework)[node_code]


def _in_charge(sheet: Sheet, node) -> CriterionAssignment | None:
    """The leaf's department in charge, if a department drafts it (read under the sheet's
    lock, which every change of it takes first)."""
    assignment = CriterionAssignment.objects.filter(sheet=sheet, node=node).first()
    if assignment is not None:
        assignment.sheet = sheet
    return assignment


def _redrafted(assignment: CriterionAssignment | None) -> None:
    """A returned draft that its department changes waits for review again."""
    if assignment is not None and assignment.status == CriterionAssignment.Status.RETURNED:
        assignment.status = CriterionAssignment.Status.PENDING
        assignment.save(update_fields=["status"])


def save_score(
    user,
    sheet: Sheet,
    node_code: str,
    stage: str,
    value: str,
    note: str,
    version: int,
    reason: str = "",
) -> Score | None:
    """Save one value and its note (the unit's note, or the appraiser's remark).

    `version` is the version the person started from (0 for a value not yet saved); if
    someone saved since, `Conflict` carries the current row and nothing is written. An empty
    value with an empty note clears the entry; a bad value raises ValidationError with the
    engine's message. Returns the saved score (None when cleared).
    """
    value, note = (value or "").strip(), (note or "").strip()
    with transaction.atomic():
        sheet = _locked(sheet)
        node, leaf, field_code = _leaf(sheet, node_code)
        assignment = None
        if stage == SELF:
            assignment = _in_charge(sheet, node)
            allowed = policy.can_edit_self_leaf(user, sheet, assignment)
        elif stage == APPRAISED:
            allowed = policy.can_appraise(user, sheet, field_code)
        else:
            raise ValueError(f"unknown stage {stage!r}")
        if not allowed:
            _deny(_("This sheet is locked for you at this stage."))
        score = write_value(user, sheet, node, leaf, stage, value, note, version, reason)
        _redrafted(assignment)
        return score


def write_value(user, sheet: Sheet, node: Node, leaf, stage: str, value: str, note: str,
                version: int, reason: str = "") -> Score | None:
    """The write behind `save_score` (points, field, version, change log), for a caller that
    holds the sheet locked and has asked the policy: `save_score` and the prefill of leaves
    computed from the year's data (parindex.plans). `node.top_id` is its top-level node."""
    value, note = (value or "").strip(), (note or "").strip()
    points = None
    if value:
        try:
            points = stored_points(leaf, parse_value(leaf, value))
        except ValueError as error:
            raise ValidationError(problem_text(error)) from None
    elif note:
        raise ValidationError(_("Enter a value before writing a note."))

    current = Score.objects.select_for_update(of=("self",)).filter(
        round_id=sheet.round_id, unit_id=sheet.unit_id, node=node, stage=stage
    ).select_related("updated_by").first()
    if current is not None and current.value == value and current.note == note:
        return current  # nothing to change, so nothing can be overwritten
    if current is None and not value:
        return None
    if (current.version if current else 0) != version:
        raise Conflict(current)
    old_value, old_note = (current.value, current.note) if current else ("", "")
    if not value:
        current.delete()
        score = None
    elif current is None:
        try:
            with transaction.atomic():
                score = Score.objects.create(
                    round_id=sheet.round_id, unit_id=sheet.unit_id, node=node, stage=stage,
                    value=value, points=points, field_id=node.top_id, note=note,
                    updated_by=user,
                )
        except IntegrityError:  # created by someone else between our read and write
            raise Conflict(
                Score.objects.filter(
                    round_id=sheet.round_id, unit_id=sheet.unit_id, node=node, stage=stage
                ).first()
            ) from None
    else:
        current.value, current.note, current.updated_by = value, note, user
        current.points = points
        current.version += 1
        current.save()
        score = current
    common = {"round": sheet.round, "part": node.code, "reason": reason}
    if old_value != value:
        _log(user, "score", sheet, stage, old_value, value, **common)
    if old_note != note:
        _log(user, "note", sheet, stage, old_note, note, **common)
    if stage == SELF and sheet.started_at is None:
        sheet.started_at = timezone.now()
        sheet.save(update_fields=["started_at"])
    return score


def add_evidence(
    user, sheet: Sheet, node_code: str, upload, request: ExplanationRequest | None = None
) -> Evidence:
    """Attach a checked file to a sub-criterion (or to an explanation request's answer)."""
    content_type = check_upload(upload)
    with transaction.atomic():
        sheet = _locked(sheet)
        node, _leaf_node, _field = _leaf(sheet, node_code)
        assignment = None
        if request is not None:
            allowed = request.sheet_id == sheet.pk and policy.can_explain(user, sheet)
        else:
            assignment = _in_charge(sheet, node)
            allowed = policy.can_edit_self_leaf(user, sheet, assignment)
        if not allowed:
            _deny(_("Evidence cannot be changed at this stage."))
        evidence = Evidence(
            sheet=sheet, node=node, request=request, name=upload.name[:255], size=upload.size,
            content_type=content_type, uploaded_by=user,
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        _log(user, "evidence", sheet, "file", new=evidence.name, round=sheet.round,
             part=node_code,
             reason=_("Supplementary evidence for an explanation") if request else "")
        _redrafted(assignment)
    return evidence


def remove_evidence(user, evidence: Evidence, reason: str = "") -> None:
    """Mark evidence removed; the file and its record stay for the history."""
    with transaction.atomic():
        sheet = _locked(evidence.sheet)
        if evidence.request_id:
            allowed = policy.can_explain(user, sheet)
        else:
            allowed = policy.can_edit_self_leaf(user, sheet, _in_charge(sheet, evidence.node))
        if not allowed or evidence.removed_at is not None:
            _deny(_("Evidence cannot be changed at this stage."))
        evidence.removed_at, evidence.removed_by = timezone.now(), user
        evidence.save(update_fields=["removed_at", "removed_by"])
        _log(user, "evidence", sheet, "file", old=evidence.name, round=sheet.round,
             part=evidence.node.code, reason=reason)


# --------------------------------------------------------------------------- lifecycle


@dataclass(frozen=True)
class Problem:
    """What stops a step, and the sub-criteria it concerns (the page links each to its leaf)."""

    text: str
    codes: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.text} {', '.join(self.codes)}"


def submission_problems(sheet: Sheet) -> list[Problem]:
    """What stops a draft from being submitted; empty when it can go."""
    framework, nodes = load_nodes(sheet)
    by_pk = {n.pk: n.code for n in nodes}
    scores = {
        by_pk[s.node_id]: s
        for s in Score.objects.filter(round_id=sheet.round_id, unit_id=sheet.unit_id, stage=SELF)
    }
    evidenced = set(
        Evidence.objects.filter(sheet=sheet, removed_at__isnull=True).values_list(
            "node__code", flat=True
        )
    )
    missing, unexplained = [], []
    for code, leaf in framework.leaves().items():
        score = scores.get(code)
        if score is None:
            # Survey points come from the survey itself, not from the unit.
            if leaf.rule.kind != "survey":
                missing.append(code)
            continue
        earned = points_of(leaf, score.value)
        if earned and code not in evidenced and not score.note:
            unexplained.append(code)
    problems = []
    if missing:
        problems.append(Problem(_("Enter a value (or NA) for:"), tuple(missing)))
    if unexplained:
        problems.append(Problem(
            _("Attach evidence or write in the note why there is none, for:"), tuple(unexplained)
        ))
    return problems


def submit(user, sheet: Sheet) -> Sheet:
    """The unit head submits the draft (locking it) or re-submits after explaining."""
    with transaction.atomic():
        sheet = _locked(sheet)
        if not policy.can_submit(user, sheet):
            _deny(_("Only the unit head submits the sheet, while it is open to the unit."))
        if sheet.state == S.DRAFT:
            problems = submission_problems(sheet)
            if problems:
                raise ValidationError([str(problem) for problem in problems])
            _state(user, sheet, S.SUBMITTED)
            sheet.submitted_at, sheet.submitted_by = timezone.now(), user
            sheet.save(update_fields=["state", "submitted_at", "submitted_by"])
            notify(user, "sheet_submitted", policy.sheet_unit_people(sheet), sheet=sheet)
        else:
            unanswered = [
                r.node.code for r in sheet.requests.filter(answer="").select_related("node")
            ]
            if unanswered:
                raise ValidationError(
                    _("Answer every explanation request first: %(codes)s")
                    % {"codes": ", ".join(unanswered)}
                )
            _state(user, sheet, S.EXPLAINED)
            sheet.save(update_fields=["state"])
    return sheet


def reopen(user, sheet: Sheet, reason: str) -> Sheet:
    """The manager gives a submitted sheet back to the unit; the reason is recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for reopening the sheet."))
    with transaction.atomic():
        sheet = _locked(sheet)
        if not policy.can_reopen(user, sheet):
            _deny()
        _state(user, sheet, S.DRAFT, reason)
        sheet.submitted_at = sheet.submitted_by = None
        sheet.save(update_fields=["state", "submitted_at", "submitted_by"])
        notify(user, "sheet_reopened", policy.sheet_unit_people(sheet), sheet=sheet,
               params={"reason": reason})
    return sheet


def request_explanation(user, sheet: Sheet, node_code: str, question: str) -> ExplanationRequest:
    question = (question or "").strip()
    if not question:
        raise ValidationError(_("Write what the unit should explain."))
    with transaction.atomic():
        sheet = _locked(sheet)
        node, _leaf_node, field_code = _leaf(sheet, node_code)
        if not policy.can_request_explanation(user, sheet, field_code):
            _deny()
        request = ExplanationRequest.objects.create(
            sheet=sheet, node=node, question=question, requested_by=user
        )
        _log(user, "request", sheet, "question", new=question, round=sheet.round, part=node_code)
    return request


def send_requests(user, sheet: Sheet) -> Sheet:
    """Open the explanation round of this sheet: the unit now sees the requests."""
    with transaction.atomic():
        sheet = _locked(sheet)
        if not policy.can_request_explanation(user, sheet):
            _deny()
        if not sheet.requests.exists():
            raise ValidationError(_("There is no explanation request to send."))
        _state(user, sheet, S.EXPLANATION)
        sheet.save(update_fields=["state"])
        deadline = sheet.round.explanation_deadline
        notify(user, "explanation_requested", policy.sheet_unit_people(sheet), sheet=sheet,
               params={"count": sheet.requests.filter(answer="").count(),
                       "deadline": deadline.isoformat() if deadline else ""})
    return sheet


def answer_request(user, request: ExplanationRequest, answer: str, version: int):
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Write the explanation."))
    with transaction.atomic():
        sheet = _locked(request.sheet)
        if not policy.can_explain(user, sheet):
            _deny(_("Explanations are accepted only in the explanation round, before its "
                    "deadline."))
        current = ExplanationRequest.objects.select_for_update(of=("self",)).select_related(
            "answered_by", "node"
        ).get(pk=request.pk)
        if current.version != version:
            raise Conflict(current)
        old = current.answer
        current.answer, current.answered_by, current.answered_at = answer, user, timezone.now()
        current.version += 1
        current.save()
        _log(user, "explanation", sheet, "answer", old, answer, round=sheet.round,
             part=current.node.code)
        notify(user, "explanation_answered", policy.sheet_appraisers(sheet), sheet=sheet,
               params={"node": current.node.code})
    return current


def finalise(user, sheet: Sheet) -> Sheet:
    """Close the appraisal of a sheet. Leaves the appraiser did not change keep the unit's
    self value as their appraised value (recorded), so results see a complete sheet."""
    with transaction.atomic():
        sheet = _locked(sheet)
        if not policy.can_finalise(user, sheet):
            _deny()
        if sheet.state == S.SUBMITTED and sheet.requests.exists():
            raise ValidationError(
                _("Send the explanation requests to the unit first.")
            )
        _accept(user, sheet, _not_appraised(sheet))
        _state(user, sheet, S.FINALISED)
        sheet.save(update_fields=["state"])
        notify(user, "sheet_finalised", policy.sheet_unit_people(sheet), sheet=sheet)
    return sheet


def _not_appraised(sheet: Sheet, fields: set[int] | None = None) -> list[Score]:
    """The self scores of the sheet that have no appraised score yet, in the top-level fields
    `fields` (node ids) or in all."""
    scores = Score.objects.filter(round_id=sheet.round_id, unit_id=sheet.unit_id)
    if fields is not None:
        scores = scores.filter(field_id__in=fields)
    scores = list(scores.select_related("node"))
    appraised = {s.node_id for s in scores if s.stage == APPRAISED}
    return [s for s in scores if s.stage == SELF and s.node_id not in appraised]


def _accept(user, sheet: Sheet, accepted: list[Score]) -> None:
    """Each self score of `accepted` becomes its leaf's appraised score (value, points and field
    as the unit saved them), one change per leaf in the history."""
    Score.objects.bulk_create([
        Score(round_id=sheet.round_id, unit_id=sheet.unit_id, node_id=s.node_id,
              stage=APPRAISED, value=s.value, points=s.points, field_id=s.field_id,
              updated_by=user)
        for s in accepted
    ])
    history.bulk([
        _entry(user, "score", sheet, APPRAISED, new=s.value, round=sheet.round,
               part=s.node.code, reason=_("Self score accepted"))
        for s in accepted
    ])


def accept_self_scores(user, sheet: Sheet, field: str | None = None) -> int:
    """The appraiser accepts the unit's self score for every leaf of a field (or of the whole
    sheet, as far as the person appraises it) that has no appraised score yet; returns how many
    leaves were set. Appraised scores already given are never overwritten."""
    with transaction.atomic():
        sheet = _locked(sheet)
        fields = policy.appraisable_fields(user, sheet)
        if field is not None:
            fields = fields.filter(code=field)
        fields = set(fields.values_list("pk", flat=True))
        if not fields:
            if field is not None and policy.can_appraise(user, sheet):
                raise ValidationError(_("'%(code)s' is not a field you appraise on this sheet.")
                                      % {"code": field})
            _deny(_("This sheet is locked for you at this stage."))
        accepted = _not_appraised(sheet, fields)
        _accept(user, sheet, accepted)
    return len(accepted)


def approve_round(user, round: Round) -> Round:
    """The council approves the round whole: every unit group not approved yet (every sheet of
    each must be finalised); all are then locked and their appraised scores are the round's
    results."""
    return _approve(user, round, None)


def approve_group(user, round: Round, framework_code: str) -> Round:
    """The council approves one unit group of the round (the sheets scored on
    `framework_code`): every sheet of it must be finalised; they are then locked and the
    group's results may be computed and published. The round is approved with its last
    group."""
    return _approve(user, round, framework_code)


def _approve(user, round: Round, framework_code: str | None) -> Round:
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        waiting = policy.groups_to_approve(user, round)
        if framework_code is not None:
            waiting = waiting.filter(code=framework_code)
        frameworks = list(waiting.select_related("unit_group").order_by("unit_group__code"))
        if not frameworks:
            _deny(_("This unit group is approved already, or you may not approve it.")
                  if framework_code is not None and policy.can_approve_round(user, round)
                  else None)
        group = Sheet.objects.filter(round=round, framework__in=frameworks)
        sheets = list(group.select_for_update(of=("self",)).select_related("round", "unit"))
        pending = sorted(s.unit.name for s in sheets if s.state != S.FINALISED)
        if pending:
            raise ValidationError(
                _("The appraisal of these units is not finalised yet: %(units)s")
                % {"units": ", ".join(pending)}
            )
        history.bulk([_entry(user, "state", sheet, "state", sheet.state, S.APPROVED, round=round)
                      for sheet in sheets])
        group.update(state=S.APPROVED)
        now = timezone.now()
        GroupApproval.objects.bulk_create(
            GroupApproval(round=round, framework=fw, approved_at=now, approved_by=user)
            for fw in frameworks)
        for fw in frameworks:
            _log(user, "state", round, "state", new=S.APPROVED, round=round, part=fw.code,
                 reason=_("Unit group %(group)s approved by the council")
                 % {"group": fw.unit_group.name})
        if not round.frameworks.exclude(pk__in=round.group_approvals.values("framework_id")) \
                .exists():
            round.approved_at, round.approved_by = now, user
            round.save(update_fields=["approved_at", "approved_by"])
            _log(user, "state", round, "state", new=S.APPROVED, round=round,
                 reason=_("Round approved by the council"))
            notify(user, "round_approved", policy.round_approved_recipients(round), round=round)
        else:  # groups approved before the rest: each told to its own units
            for fw in frameworks:
                notify(user, "group_approved", policy.group_approved_recipients(round, fw),
                       round=round, params={"group": fw.unit_group.name})
    return round
