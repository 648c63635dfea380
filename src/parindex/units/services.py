"""Writes for units and unit groups: the one door is `import_units` (the admin's edits go
through `parindex.history.admin.LoggedAdmin`).

Invariants: only those `policy.can_manage_units` allows write here (PermissionDenied otherwise,
before the file is read); a file is stored all or nothing; every unit the import creates or
changes gets one change-log row (`create`, or `update` with only the fields that changed, as
codes and text, never ids), and the file one `import` row (listed on the Unit table's content
type, since a file is no record) — all in the import's transaction. An import that changes
nothing leaves no row: the log records changes, so loading the same file twice adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.engine.io import InputError, InputIssue, read_reorganisations, read_units
from parindex.imports import read_limits

from .models import Reorganisation, ReorganisationLine, Role, Unit, UnitGroup

# Display names for the unit groups a province usually has; any other code is its own name
# until someone renames it in the admin.
KNOWN_GROUP_NAMES = {
    "so": "Sở, ban, ngành",
    "huyen": "UBND cấp huyện",
    "xa": "UBND cấp xã",
    "tinh": "UBND cấp tỉnh",
    "bo": "Bộ, cơ quan ngang bộ",
}


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    groups_created: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.groups_created} unit groups created"
        )


def _row(record, index: int) -> int:
    # The engine may number rows itself; otherwise row 1 is the header.
    return getattr(record, "row", None) or index + 2


def import_units(actor, path: str | Path) -> ImportSummary:
    """Create or update units by code from a units CSV/XLSX file; all or nothing.

    Parent and predecessor codes may name units in the same file or already in the database.
    Every problem is collected (with its row) and raised together as `InputError`.
    """
    if not policy.can_manage_units(actor):
        raise PermissionDenied("only administrators import units")
    path = Path(path)
    # Shape, dates, duplicate codes and valid_to < valid_from are checked by the reader.
    records = read_units(path, read_limits())
    file = path.name
    issues: list[InputIssue] = []

    def issue(row: int, column: str, message: str) -> None:
        issues.append(InputIssue(file=file, row=row, column=column, message=message))

    file_codes = {r.code for r in records}
    referenced = {r.parent_code for r in records if r.parent_code}
    referenced |= {p for r in records for p in (r.predecessors or ())}
    in_db = {
        u["code"]: u["parent__code"]
        for u in Unit.objects.filter(code__in=referenced | file_codes).values(
            "code", "parent__code"
        )
    }
    known = file_codes | set(in_db)

    for i, r in enumerate(records):
        row = _row(r, i)
        if r.parent_code and r.parent_code not in known:
            issue(row, "parent_code", f"unknown parent unit {r.parent_code!r}")
        for code in r.predecessors or ():
            if code == r.code:
                issue(row, "predecessors", f"unit {code!r} cannot be its own predecessor")
            elif code not in known:
                issue(row, "predecessors", f"unknown predecessor unit {code!r}")

    issues.extend(_parent_cycles(records, in_db, file))
    if issues:
        raise InputError(sorted(issues, key=lambda x: (x.row or 0, str(x.column or ""))))

    with transaction.atomic():
        before = _states(Unit.objects.filter(code__in=file_codes))
        summary, new_groups = _write_units(records)
        after = _states(Unit.objects.filter(code__in=file_codes))
        _log(actor, file, summary, new_groups, before, after)
        return summary


UNIT_FIELDS = ("name", "group", "kind", "valid_from", "valid_to", "parent", "predecessors")


def _states(units) -> dict[str, tuple[Unit, dict]]:
    """code → (unit, its logged fields), in three queries however many units."""
    units = units.select_related("group", "parent").prefetch_related("predecessors")
    return {u.code: (u, {
        "name": u.name, "group": u.group.code, "kind": u.kind,
        "valid_from": u.valid_from, "valid_to": u.valid_to,
        "parent": u.parent.code if u.parent else None,
        "predecessors": sorted(p.code for p in u.predecessors.all()),
    }) for u in units}


def _log(actor, file: str, summary: ImportSummary, new_groups: list[UnitGroup],
         before: dict, after: dict) -> None:
    """One row per group created, per unit created or changed, and one for the file, in a
    single bulk insert."""
    rows = [history.entry(actor, "create", g, after={"code": g.code, "name": g.name})
            for g in new_groups]
    for code, (unit, new) in after.items():
        old = before.get(code, (None, None))[1]
        if old is None:
            rows.append(history.entry(actor, "create", unit, after=new))
        elif changed := [f for f in UNIT_FIELDS if old[f] != new[f]]:
            rows.append(history.entry(actor, "update", unit,
                                      changes={f: [old[f], new[f]] for f in changed}))
    if rows:
        table = ContentType.objects.get_for_model(Unit)
        changed = len(rows) - summary.created - summary.groups_created
        rows.append(history.entry(actor, "import", table, after={
            "file": file, "created": summary.created, "changed": changed,
            "unit groups created": summary.groups_created}))
    history.bulk(rows)


def _parent_cycles(records, in_db: dict[str, str | None], file: str) -> list[InputIssue]:
    """Rows whose chain of parents (file rows win over the database) comes back to them.

    Parents in the database that are not in the file keep their stored parent, which is looked
    up lazily, so a chain through units already stored is followed too.
    """
    parent_of: dict[str, str | None] = dict(in_db)
    parent_of.update({r.code: r.parent_code or None for r in records})

    def parent(code: str) -> str | None:
        if code not in parent_of:
            unit = Unit.objects.filter(code=code).values("parent__code").first()
            parent_of[code] = unit["parent__code"] if unit else None
        return parent_of[code]

    issues = []
    for i, r in enumerate(records):
        seen = {r.code}
        code = parent(r.code)
        while code is not None:
            if code == r.code:
                issues.append(
                    InputIssue(
                        file=file,
                        row=_row(r, i),
                        column="parent_code",
                        message=f"unit {r.code!r} is its own ancestor (a cycle of parents)",
                    )
                )
                break
            if code in seen:  # a cycle elsewhere, reported on its own rows
                break
            seen.add(code)
            code = parent(code)
    return issues


def _ensure_groups(codes: set[str]) -> tuple[dict[str, UnitGroup], list[UnitGroup]]:
    """The unit groups by code, creating the missing ones (returned second)."""
    groups = {g.code: g for g in UnitGroup.objects.filter(code__in=codes)}
    missing = sorted(codes - set(groups))
    if missing:
        UnitGroup.objects.bulk_create(
            UnitGroup(code=code, name=KNOWN_GROUP_NAMES.get(code, code)) for code in missing
        )
        groups = {g.code: g for g in UnitGroup.objects.filter(code__in=codes)}
    return groups, [groups[code] for code in missing]


def _write_units(records) -> tuple[ImportSummary, list[UnitGroup]]:
    summary = ImportSummary()
    groups, new_groups = _ensure_groups({r.unit_group for r in records})
    summary.groups_created = len(new_groups)

    existing = {u.code: u for u in Unit.objects.filter(code__in=[r.code for r in records])}
    new, changed = [], []
    for r in records:
        unit = existing.get(r.code) or Unit(code=r.code)
        unit.name = r.name
        unit.group = groups[r.unit_group]
        unit.kind = r.kind or ""
        unit.valid_from = r.valid_from or None
        unit.valid_to = r.valid_to or None
        (changed if unit.pk else new).append(unit)
    Unit.objects.bulk_create(new)
    Unit.objects.bulk_update(changed, ["name", "group", "kind", "valid_from", "valid_to"])
    summary.created, summary.updated = len(new), len(changed)

    # Parents and predecessors may point at rows created just above: link in a second pass.
    codes = {r.code for r in records}
    codes |= {r.parent_code for r in records if r.parent_code}
    codes |= {p for r in records for p in (r.predecessors or ())}
    by_code = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    units = [by_code[r.code] for r in records]
    for unit, r in zip(units, records, strict=True):
        unit.parent = by_code[r.parent_code] if r.parent_code else None
    Unit.objects.bulk_update(units, ["parent"])

    through = Unit.predecessors.through
    through.objects.filter(from_unit__in=units).delete()
    through.objects.bulk_create(
        [
            through(from_unit=by_code[r.code], to_unit=by_code[code])
            for r in records
            for code in dict.fromkeys(r.predecessors or ())
        ]
    )
    return summary, new_groups


# --------------------------------------------------------------------------- reorganisations


@dataclass
class ReorganisationSummary:
    reorganisations: int = 0
    lines: int = 0
    units_created: int = 0
    units_ended: int = 0

    def __str__(self) -> str:
        return (
            f"{self.reorganisations} reorganisations, {self.lines} lines, "
            f"{self.units_created} units created, {self.units_ended} units ended"
        )


def import_reorganisations(actor, path: str | Path) -> ReorganisationSummary:
    """Record the reorganisations of a CSV/XLSX file (formats.md), all or nothing.

    Each line says an old unit flows into a new one; a new unit missing from the database is
    created from the line's `new_name`, `new_group` (and `new_parent`), valid from the date.
    Old units end the day before (`valid_to`, `ended_by`) and become the new units'
    predecessors. Every problem is collected with its row and raised together as `InputError`.
    """
    if not policy.can_manage_units(actor):
        raise PermissionDenied("only administrators record reorganisations")
    path = Path(path)
    lines = read_reorganisations(path, read_limits())
    file = path.name
    issues: list[InputIssue] = []

    def issue(row: int, column: str, message: str) -> None:
        issues.append(InputIssue(file=file, row=row, column=column, message=message))

    codes = {x.old_unit for x in lines} | {x.new_unit for x in lines}
    codes |= {x.new_parent for x in lines if x.new_parent}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("ended_by")}
    groups = {g.code: g for g in UnitGroup.objects.filter(
        code__in={x.new_group for x in lines if x.new_group})}
    taken = set(Reorganisation.objects.filter(
        code__in={x.reorganisation for x in lines}).values_list("code", flat=True))
    created_here = {x.new_unit for x in lines if x.new_unit not in units}
    ends: dict[str, tuple[str, int]] = {}
    for x in lines:
        if x.reorganisation in taken:
            issue(x.row, "reorganisation",
                  f"reorganisation '{x.reorganisation}' is already recorded")
        old = units.get(x.old_unit)
        if old is None:
            issue(x.row, "old_unit", f"unknown unit '{x.old_unit}'")
        else:
            if old.ended_by is not None:
                issue(x.row, "old_unit",
                      f"unit '{old.code}' already ended with '{old.ended_by.code}'")
            if x.date and old.valid_from and old.valid_from >= x.date:
                issue(x.row, "old_unit",
                      f"unit '{old.code}' begins on {old.valid_from:%d/%m/%Y}, not before the "
                      "reorganisation")
        first = ends.setdefault(x.old_unit, (x.reorganisation, x.row))
        if first[0] != x.reorganisation:
            issue(x.row, "old_unit",
                  f"unit '{x.old_unit}' already ends on row {first[1]} in another reorganisation")
        if x.new_unit in created_here:
            if not x.new_name:
                issue(x.row, "new_name", f"new unit '{x.new_unit}' needs a name")
            if not x.new_group:
                issue(x.row, "new_group", f"new unit '{x.new_unit}' needs a unit group")
            elif x.new_group not in groups:
                issue(x.row, "new_group", f"unknown unit group '{x.new_group}'")
        elif x.new_unit in units and units[x.new_unit].ended_by is not None:
            issue(x.row, "new_unit", f"unit '{x.new_unit}' has ended")
        if x.new_parent and x.new_parent not in units and x.new_parent not in created_here:
            issue(x.row, "new_parent", f"unknown parent unit '{x.new_parent}'")
        if x.old_unit in created_here:
            issue(x.row, "old_unit", f"unit '{x.old_unit}' begins in this file")
    if issues:
        raise InputError(sorted(issues, key=lambda x: (x.row or 0, str(x.column or ""))))

    with transaction.atomic():
        return _write_reorganisations(actor, file, lines, units, groups)


def _write_reorganisations(actor, file, lines, units, groups) -> ReorganisationSummary:
    summary = ReorganisationSummary()
    rows = []
    reorganisations = {}
    for x in lines:
        if x.reorganisation not in reorganisations:
            reorganisations[x.reorganisation] = Reorganisation(
                code=x.reorganisation, date=x.date, legal_basis=x.legal_basis,
                weight_name=x.weight_name, comparable=x.comparable)
    Reorganisation.objects.bulk_create(reorganisations.values())
    reorganisations = {r.code: r for r in Reorganisation.objects.filter(code__in=reorganisations)}

    new = {}
    for x in lines:
        if x.new_unit not in units and x.new_unit not in new:
            new[x.new_unit] = Unit(code=x.new_unit, name=x.new_name, group=groups[x.new_group],
                                   kind=x.new_group, valid_from=x.date)
    Unit.objects.bulk_create(new.values())
    units.update({u.code: u for u in Unit.objects.filter(code__in=new).select_related("group")})
    parented = [units[x.new_unit] for x in lines if x.new_unit in new and x.new_parent]
    for x in lines:
        if x.new_unit in new and x.new_parent:
            units[x.new_unit].parent = units[x.new_parent]
    Unit.objects.bulk_update(parented, ["parent"])

    ended = {}
    for x in lines:
        old = units[x.old_unit]
        if old.code not in ended:
            before = {"valid_to": old.valid_to}
            old.valid_to = x.date - datetime.timedelta(days=1)
            old.ended_by = reorganisations[x.reorganisation]
            ended[old.code] = old
            rows.append(history.entry(actor, "update", old, changes={
                "valid_to": [before["valid_to"], old.valid_to],
                "ended_by": [None, x.reorganisation]}))
    Unit.objects.bulk_update(ended.values(), ["valid_to", "ended_by"])

    ReorganisationLine.objects.bulk_create(
        ReorganisationLine(reorganisation=reorganisations[x.reorganisation],
                           old_unit=units[x.old_unit], new_unit=units[x.new_unit],
                           weight=x.weight)
        for x in lines
    )
    through = Unit.predecessors.through
    through.objects.bulk_create(
        [through(from_unit=units[x.new_unit], to_unit=units[x.old_unit]) for x in lines],
        ignore_conflicts=True,
    )
    for r in reorganisations.values():
        mine = [x for x in lines if x.reorganisation == r.code]
        rows.append(history.entry(actor, "create", r, after={
            "code": r.code, "date": r.date, "legal basis": r.legal_basis,
            "weight": r.weight_name, "comparable": r.comparable,
            "lines": [f"{x.old_unit} → {x.new_unit}"
                      + (f" ({x.weight})" if x.weight is not None else "") for x in mine]}))
    for unit in new.values():
        unit = units[unit.code]
        rows.append(history.entry(actor, "create", unit, after={
            "code": unit.code, "name": unit.name, "group": unit.group.code,
            "valid_from": unit.valid_from,
            "parent": unit.parent.code if unit.parent_id else None}))
    summary.reorganisations, summary.lines = len(reorganisations), len(lines)
    summary.units_created, summary.units_ended = len(new), len(ended)
    rows.append(history.entry(actor, "import", ContentType.objects.get_for_model(Reorganisation),
                              after={"file": file, **summary.__dict__}))
    history.bulk(rows)
    return summary


# --------------------------------------------------------------------------- loose ends


def move_role(actor, role: Role, unit: Unit) -> Role:
    """Move a role held in a unit a reorganisation ended to one of its successors (the same
    person, the same kind of role), or drop it when the person already holds it there."""
    if not policy.can_manage_loose_ends(actor):
        raise PermissionDenied("only administrators move roles")
    with transaction.atomic():
        role = Role.objects.select_for_update().select_related("unit", "user").get(pk=role.pk)
        successors = ReorganisationLine.objects.filter(old_unit=role.unit, new_unit=unit)
        if role.unit.ended_by_id is None or not successors.exists():
            raise ValidationError(_("%(unit)s is not a successor of %(old)s.")
                                  % {"unit": unit, "old": role.unit})
        old = role.unit
        if Role.objects.filter(user=role.user, unit=unit, kind=role.kind).exists():
            role.delete()
            role.pk = None
        else:
            role.unit = unit
            role.save(update_fields=["unit"])
        history.record(actor, "update", unit, part=f"role:{role.kind}", changes={
            "role": [f"{role.user} · {old.code}", f"{role.user} · {unit.code}"]})
        return role


def close_role(actor, role: Role, reason: str) -> None:
    """End a role held in a unit a reorganisation ended (the person keeps their account)."""
    if not policy.can_manage_loose_ends(actor):
        raise PermissionDenied("only administrators close roles")
    reason = (reason or "").strip()[:500]
    with transaction.atomic():
        role = Role.objects.select_for_update().select_related("unit", "user").get(pk=role.pk)
        if role.unit.ended_by_id is None:
            raise ValidationError(_("%(unit)s has not ended.") % {"unit": role.unit})
        unit = role.unit
        role.delete()
        history.record(actor, "delete", unit, part=f"role:{role.kind}",
                       before={"role": f"{role.user} · {role.get_kind_display()}"},
                       reason=reason)
