"""Opening a round: the round itself (one framework per unit group), a sheet per assessed unit,
and the appraisers' shares of it; or all of these at once from a round file. Each takes the
acting person first, asks the policy, and records in the change log in the same transaction.

A round's kind is set when it is made and decides what it has: only an assessment round has
sheets, deadlines and appraisers; a results round has the scores imported into it and, when
known, its decision's number and date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.frameworks.models import Framework
from parindex.notifications.services import notify
from parindex.units.models import Unit

from ..models import Assignment, Round, Sheet
from ..round_file import plan_round
from .cycle import S, _deny, _entry, _log


def create_round(
    actor,
    code: str,
    name: str,
    year: int,
    organiser_code: str | None,
    framework_codes: list[str],
    decision_number: str = "",
    published_on: datetime.date | None = None,
    deadlines: dict[str, datetime.date | None] | None = None,
    kind: str = Round.Kind.RESULTS,
) -> Round:
    """Make a round over the given frameworks, at most one per unit group (a unit's group picks
    the framework it is scored on). `deadlines` maps Round's deadline fields to dates (an
    assessment round's only). A results round is complete here; `open_round` makes an
    assessment round with its sheets.

    Only a manager of the organising unit (or a superuser, for a round without one) may."""
    organiser = Unit.objects.filter(code=organiser_code).first() if organiser_code else None
    if not policy.can_manage_organiser(actor, organiser.pk if organiser else None):
        raise PermissionDenied(_("Only a round manager of the organising unit may open its "
                                 "rounds."))
    errors = []
    if Round.objects.filter(code=code).exists():
        errors.append(f"round '{code}' already exists")
    if organiser_code and organiser is None:
        errors.append(f"unknown organiser unit '{organiser_code}'")
    if kind == Round.Kind.RESULTS and any((deadlines or {}).values()):
        errors.append(_("A results round has no deadlines: its scores are imported."))
    frameworks = list(Framework.objects.filter(code__in=framework_codes))
    found = {fw.code for fw in frameworks}
    errors += [f"unknown framework '{c}'" for c in framework_codes if c not in found]
    groups: dict[int, str] = {}
    for fw in frameworks:
        if fw.unit_group_id in groups:
            errors.append(
                f"frameworks '{groups[fw.unit_group_id]}' and '{fw.code}' score the same unit group"
            )
        groups[fw.unit_group_id] = fw.code
    if errors:
        raise ValidationError(errors)

    fields = {
        "code": code, "name": name, "year": year, "kind": kind, "organiser": organiser,
        "decision_number": decision_number or "", "published_on": published_on,
        **(deadlines or {}),
    }
    with transaction.atomic():
        round = Round.objects.create(**fields)
        round.frameworks.set(frameworks)
        history.record(actor, "create", round, scope=round, after={
            **{key: value for key, value in fields.items() if value not in (None, "")},
            "organiser": organiser.code if organiser else None,
            "frameworks": sorted(found),
        })
    return round


@dataclass
class Deadlines:
    self_assessment: datetime.date | None = None
    appraisal: datetime.date | None = None
    explanation: datetime.date | None = None
    final: datetime.date | None = None
    approval: datetime.date | None = None


def open_round(
    user,
    *,
    code: str,
    name: str,
    year: int,
    organiser: Unit,
    frameworks: list[Framework],
    units: list[Unit] | None = None,
    deadlines: Deadlines | None = None,
) -> Round:
    """Open a round for an organising unit and create each unit's sheet from its framework.

    `units` defaults to every unit of the frameworks' groups valid in `year`.
    """
    if not policy.can_manage_organiser(user, organiser.pk):
        _deny(_("Only a round manager of %(unit)s may open its rounds.") % {"unit": organiser})

    deadlines = deadlines or Deadlines()
    with transaction.atomic():
        round = create_round(
            user, code, name, year, organiser.code, [fw.code for fw in frameworks],
            deadlines={
                "self_deadline": deadlines.self_assessment,
                "appraisal_deadline": deadlines.appraisal,
                "explanation_deadline": deadlines.explanation,
                "final_deadline": deadlines.final,
                "approval_deadline": deadlines.approval,
            },
            kind=Round.Kind.ASSESSMENT,
        )
        create_sheets(round, units, user=user)
        # Local import: plans builds on assessments. Leaves with a source start filled in.
        from parindex.plans.services import prefill_round

        prefill_round(user, round)
        deadline = round.self_deadline
        notify(user, "round_opened", policy.round_unit_people(round), round=round,
               params={"deadline": deadline.isoformat() if deadline else ""})
    return round


def create_sheets(round: Round, units: list[Unit] | None = None, user=None) -> list[Sheet]:
    """A sheet per assessed unit, on the framework of its unit group (idempotent)."""
    from parindex.units.selectors import valid_in_year

    if round.kind != Round.Kind.ASSESSMENT:
        raise ValidationError(_("A results round has no sheets: import its scores."))
    by_group = {fw.unit_group_id: fw for fw in round.frameworks.all()}
    if units is None:
        units = list(Unit.objects.filter(group_id__in=by_group).filter(valid_in_year(round.year)))
    stray = [u.code for u in units if u.group_id not in by_group]
    if stray:
        raise ValidationError(
            _("No framework of this round scores the group of: %(units)s")
            % {"units": ", ".join(stray)}
        )
    existing = set(Sheet.objects.filter(round=round).values_list("unit_id", flat=True))
    sheets = Sheet.objects.bulk_create(
        [
            Sheet(round=round, unit=u, framework=by_group[u.group_id])
            for u in units
            if u.pk not in existing
        ]
    )
    history.bulk([_entry(user, "state", sheet, "state", new=S.DRAFT, round=round,
                         reason=_("Sheet created")) for sheet in sheets])
    return sheets


def assign(user, round: Round, appraiser, unit: Unit, field_code: str = "") -> Assignment:
    """Give an appraiser a unit's sheet (or one field of it)."""
    if not policy.can_manage_round(user, round):
        _deny()
    if round.kind != Round.Kind.ASSESSMENT:
        raise ValidationError(_("A results round has no sheets to appraise."))
    if round.organiser_id and not policy.is_appraiser_of(appraiser, round.organiser_id):
        raise ValidationError(
            _("%(user)s is not an appraiser of %(unit)s.")
            % {"user": appraiser, "unit": round.organiser}
        )
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(
            round=round, user=appraiser, unit=unit, field_code=field_code
        )
        if created:
            _log(user, "assignment", assignment, "appraiser", round=round, part=field_code,
                 new=f"{appraiser.get_username()} → {unit.code}")
    return assignment


def open_round_file(actor, path: str | Path) -> Round:
    """Set up the round a round file describes (`round_file`): the round, and for an assessment
    round every unit's sheet and the appraisers' assignments; all or nothing.

    Refused (PermissionDenied) unless `actor` manages the organising unit; a file with problems
    raises `RoundFileError` listing each with its line and key, before anything is written."""
    if not policy.can_open_rounds(actor):
        raise PermissionDenied(_("Only a round manager may open rounds."))
    plan = plan_round(path)
    if not policy.can_manage_organiser(actor, plan.organiser.pk):
        raise PermissionDenied(_("Only a round manager of %(unit)s may open its rounds.")
                               % {"unit": plan.organiser})
    with transaction.atomic():
        if plan.kind == Round.Kind.RESULTS:
            return create_round(
                actor, plan.code, plan.name, plan.year, plan.organiser.code,
                [fw.code for fw in plan.frameworks], decision_number=plan.decision_number,
                published_on=plan.decision_date, kind=Round.Kind.RESULTS,
            )
        round = open_round(
            actor, code=plan.code, name=plan.name, year=plan.year, organiser=plan.organiser,
            frameworks=plan.frameworks, deadlines=Deadlines(**plan.deadlines),
        )
        for appraiser, unit, field_code in plan.assignments:
            assign(actor, round, appraiser, unit, field_code)
    return round
