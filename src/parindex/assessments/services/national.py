"""The province's self-assessment for the national index (Decision 892/QĐ-BNV).

A round whose one assessed unit is the province, on the national framework. Each sub-criterion
of the province's sheet is in the charge of a department (`CriterionAssignment`, one row per
leaf): the round's manager — the Sở Nội vụ — hands them out from a file or one at a time
(`assign_criteria`, `import_assignments`); the department drafts each through the cycle's own
doors (`save_score`, `add_evidence`, which ask `policy.can_edit_self_leaf`); the manager
accepts or returns each draft with a comment (`review_criterion`) and, once every draft is
accepted, submits the province's sheet (`consolidate`). The evidence package, a ZIP with an
index of every file, is built by a job (`start_evidence_package`).

Every write takes the acting person first, locks the sheet, asks the policy, and records the
change in the change log in the same transaction; a bad file or form writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.engine.tables import InputError, read_rows
from parindex.frameworks.models import Node
from parindex.imports import issue_text, read_limits
from parindex.jobs import services as jobs
from parindex.notifications.services import notify
from parindex.units.models import Unit

from ..models import CriterionAssignment, Score, Sheet
from ..selectors import points_of
from .cycle import SELF, S, _deny, _entry, _leaf, _locked, _state, submission_problems

A = CriterionAssignment.Status
COLUMNS = ("criterion_code", "unit_code")
MAX_COMMENT = 2000  # characters of a review comment


@dataclass
class AssignmentSummary:
    leaves: int = 0  # leaves the rows cover
    changed: int = 0  # of which newly assigned or moved to another department


def _refuse(messages: list[str]):
    raise ValidationError(messages)


def assign_criteria(actor, sheet: Sheet, rows: list[tuple[int | None, str, str]]
                    ) -> AssignmentSummary:
    """Hand sub-criteria of the province's sheet to departments: `rows` are (row number or
    None, criterion code, unit code). A code may name a field or a criterion: every leaf under
    it goes to that department, and a deeper row names the exception (rows apply from the top
    of the tree down). Leaves no row covers keep their department. An accepted leaf does not
    move (return it first). All or nothing: every problem is listed, nothing is written."""
    with transaction.atomic():
        sheet = _locked(sheet)
        if not policy.can_assign_criteria(actor, sheet):
            _deny(_("Only the round's manager assigns the sub-criteria, while the sheet is a "
                    "draft."))
        nodes = list(Node.objects.filter(framework_id=sheet.framework_id).order_by("position"))
        plan, problems = _plan(sheet, nodes, rows)
        existing = {a.node_id: a for a in CriterionAssignment.objects
                    .select_for_update(of=("self",)).filter(sheet=sheet).select_related("unit", "node")}
        by_pk = {node.pk: node for node in nodes}
        for node_id, unit in plan.items():
            current = existing.get(node_id)
            if current and current.status == A.ACCEPTED and current.unit_id != unit.pk:
                problems.append(_("%(code)s is accepted: return it before giving it to another "
                                  "department.") % {"code": by_pk[node_id].code})
        if problems:
            _refuse(problems)
        created, moved, changes = [], [], []
        for node_id, unit in plan.items():
            current = existing.get(node_id)
            if current is not None and current.unit_id == unit.pk:
                continue
            old = current.unit.code if current is not None else ""
            if current is None:
                created.append(CriterionAssignment(sheet=sheet, node_id=node_id, unit=unit))
            else:
                current.unit, current.status, current.comment = unit, A.PENDING, ""
                current.reviewed_at = current.reviewed_by = None
                moved.append(current)
            changes.append(_entry(actor, "assignment", sheet, "department", old, unit.code,
                                  round=sheet.round, part=by_pk[node_id].code))
        CriterionAssignment.objects.bulk_create(created)
        CriterionAssignment.objects.bulk_update(
            moved, ["unit", "status", "comment", "reviewed_at", "reviewed_by"])
        history.bulk(changes)
    return AssignmentSummary(leaves=len(plan), changed=len(changes))


def _plan(sheet: Sheet, nodes: list[Node], rows) -> tuple[dict[int, Unit], list[str]]:
    """leaf id → its department, from the rows; and the problems, each with its row."""
    from parindex.units.selectors import valid_in_year

    by_code = {node.code: node for node in nodes}
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    units = {u.code: u for u in Unit.objects.filter(
        code__in={code for _row, _node, code in rows}).filter(valid_in_year(sheet.round.year))}
    problems, chosen, seen = [], [], set()
    for number, code, unit_code in rows:
        where = _("Row %(row)s: ") % {"row": number} if number else ""
        node, unit = by_code.get(code), units.get(unit_code)
        if not code or not unit_code:
            problems.append(where + _("both a criterion code and a unit code are needed."))
        elif node is None:
            problems.append(where + _("'%(code)s' is not a criterion of this framework.")
                            % {"code": code})
        elif unit is None:
            problems.append(where + _("'%(code)s' is not a unit in %(year)s.")
                            % {"code": unit_code, "year": sheet.round.year})
        elif code in seen:
            problems.append(where + _("'%(code)s' is named twice.") % {"code": code})
        else:
            seen.add(code)
            chosen.append((node, unit))
    if not rows:
        problems.append(_("There is no row to assign."))
    plan: dict[int, Unit] = {}
    for node, unit in sorted(chosen, key=lambda pair: pair[0].depth):
        stack = [node]
        while stack:
            item = stack.pop()
            if item.rule is not None:
                plan[item.pk] = unit
            stack.extend(children.get(item.pk, []))
    return plan, problems


def import_assignments(actor, sheet: Sheet, source, name: str | None = None
                       ) -> AssignmentSummary:
    """`assign_criteria` from a CSV or XLSX with the columns `criterion_code, unit_code`
    (read through the one bounded reader); a bad file writes nothing."""
    if not policy.can_assign_criteria(actor, sheet):
        raise PermissionDenied(_("Only the round's manager assigns the sub-criteria, while the "
                                 "sheet is a draft."))
    try:
        table = read_rows(source, name, read_limits())
    except InputError as error:
        _refuse([issue_text(issue) for issue in error.errors])
    if not table:
        _refuse([_("The file is empty.")])
    header = [cell.strip().lower() for cell in table[0]]
    missing = [column for column in COLUMNS if column not in header]
    unknown = [column for column in header if column and column not in COLUMNS]
    if missing or unknown:
        _refuse([_("The columns must be: %(columns)s.") % {"columns": ", ".join(COLUMNS)}])
    at = [header.index(column) for column in COLUMNS]
    rows = [
        (number, *(row[i].strip() if i < len(row) else "" for i in at))
        for number, row in enumerate(table[1:], start=2)
        if any(cell.strip() for cell in row)
    ]
    return assign_criteria(actor, sheet, rows)


def review_criterion(actor, assignment: CriterionAssignment, accept: bool, comment: str = ""
                     ) -> CriterionAssignment:
    """Accept a department's draft, or return it with a comment saying what to change (the
    department is told). A draft is accepted only when it has a value and, when it earns
    points, evidence or a note saying why there is none."""
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError(_("Write what the department should change."))
    if len(comment) > MAX_COMMENT:
        raise ValidationError(_("The comment is longer than %(limit)s characters.")
                              % {"limit": MAX_COMMENT})
    with transaction.atomic():
        sheet = _locked(assignment.sheet)
        if not policy.can_review_criteria(actor, sheet):
            _deny(_("Only the round's manager reviews the drafts, while the sheet is a draft."))
        row = CriterionAssignment.objects.select_for_update(of=("self",)).select_related(
            "node", "unit").get(pk=assignment.pk)
        if accept:
            problems = _draft_problems(sheet, row.node)
            if problems:
                raise ValidationError(problems)
        before = {"review": row.status, "comment": row.comment}
        row.status = A.ACCEPTED if accept else A.RETURNED
        row.comment = comment
        row.reviewed_at, row.reviewed_by = timezone.now(), actor
        row.save(update_fields=["status", "comment", "reviewed_at", "reviewed_by"])
        history.record(actor, "review", sheet, scope=sheet.round, part=row.node.code,
                       before=before, after={"review": row.status, "comment": comment},
                       reason=comment)
        if not accept:
            notify(actor, "criterion_returned", policy.department_people([row.unit_id]),
                   sheet=sheet, params={"node": row.node.code, "comment": comment},
                   link=_national_link(sheet))
    return row


def _draft_problems(sheet: Sheet, node: Node) -> list[str]:
    """What keeps one leaf's draft from being accepted (the rule `submit` applies)."""
    score = Score.objects.filter(round_id=sheet.round_id, unit_id=sheet.unit_id, node=node,
                                 stage=SELF).first()
    if score is None:
        return [_("%(code)s has no value yet.") % {"code": node.code}]
    _node, leaf, _field = _leaf(sheet, node.code)
    explained = score.note or sheet.evidence.filter(node=node, removed_at__isnull=True).exists()
    if points_of(leaf, score.value) and not explained:  # as `submission_problems` asks
        return [_("%(code)s needs evidence or a note saying why there is none.")
                % {"code": node.code}]
    return []


def _national_link(sheet: Sheet) -> str:
    from django.urls import reverse

    return reverse("assessments:national", args=[sheet.round.code])


def consolidate(actor, sheet: Sheet) -> Sheet:
    """The Sở Nội vụ submits the province's sheet once every department's draft is accepted;
    it is then locked like any submitted sheet."""
    with transaction.atomic():
        sheet = _locked(sheet)
        if not policy.can_review_criteria(actor, sheet):
            _deny(_("Only the round's manager submits the province's self-assessment, while "
                    "it is a draft."))
        waiting = list(sheet.criterion_assignments.exclude(status=A.ACCEPTED)
                       .order_by("node__position").values_list("node__code", flat=True))
        if waiting:
            raise ValidationError(_("Accept every department's draft first: %(codes)s")
                                  % {"codes": ", ".join(waiting)})
        if not sheet.criterion_assignments.exists():
            raise ValidationError(_("No sub-criterion is assigned to a department yet."))
        problems = submission_problems(sheet)
        if problems:
            raise ValidationError(problems)
        _state(actor, sheet, S.SUBMITTED, _("Consolidated from the departments' drafts"))
        sheet.submitted_at, sheet.submitted_by = timezone.now(), actor
        sheet.save(update_fields=["state", "submitted_at", "submitted_by"])
        departments = sheet.criterion_assignments.values("unit_id")
        notify(actor, "sheet_submitted",
               policy.sheet_unit_people(sheet) | policy.department_people(departments),
               sheet=sheet, link=_national_link(sheet))
    return sheet


# --------------------------------------------------------------------------- evidence package


def _may_export(actor, sheet: Sheet) -> None:
    if not policy.can_export_self_assessment(actor, sheet):
        raise PermissionDenied(_("Only those who see the whole round export its "
                                 "self-assessment."))


def start_evidence_package(actor, sheet: Sheet):
    """Queue the evidence package of the province's sheet (the person's own waiting or running
    one if there is)."""
    _may_export(actor, sheet)
    params = {"round": sheet.round.code, "unit": sheet.unit.code}
    title = _("Evidence package of %(unit)s, %(round)s") % {
        "unit": sheet.unit.name, "round": sheet.round.name}
    with transaction.atomic():
        return jobs.find_active(actor, "evidence_package", params) or jobs.start(
            actor, "evidence_package", title, params=params, link=_national_link(sheet))


def build_evidence_package(job, progress):
    """The worker's side of `start_evidence_package`: the ZIP and its download name."""
    from ..national_exports import evidence_package

    sheet = Sheet.objects.select_related("round", "unit", "framework__unit_group").get(
        round__code=job.params["round"], unit__code=job.params["unit"])
    _may_export(job.started_by, sheet)
    return evidence_package(sheet, progress=progress), (
        f"tai-lieu-kiem-chung-{sheet.round.code}-{sheet.unit.code}.zip")
