"""Writes for reform plans, tasks, periodic reports, monthly service figures and prefills.

Every function takes the acting person first, asks `parindex.policy`, locks what it checks,
validates with a translated ValidationError (nothing written on bad input), writes and records
the change in the one change log, all in one transaction. A change to the data a framework leaf
is computed from (a plan's date, a task's completion, a report's submission, a month's figures)
refreshes, in the same transaction, the prefilled values of the draft sheets of the units it
concerns (`refresh`): the value is written through the sheet's own door
(`assessments.services.cycle.write_value`), so the score's points and field are written too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.assessments.evidence import check_upload
from parindex.assessments.models import Round, Score, Sheet
from parindex.assessments.selectors import load_nodes
from parindex.assessments.services.cycle import write_value
from parindex.engine.tables import InputError, InputIssue, read_rows
from parindex.frameworks.models import top_level_ids
from parindex.imports import read_limits
from parindex.notifications.services import notify
from parindex.units.models import Unit

from .models import Plan, Prefill, Progress, Report, ServiceImport, ServiceMonth, Task
from .selectors import SourceData, with_rule

MAX_TEXT = 2000
DUE_SOON_DAYS = 3


def _deny(message: str) -> None:
    raise PermissionDenied(message)


def _text(value: str, what: str, *, required: bool = True, limit: int = 255) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("%(what)s is required.") % {"what": what})
    if len(value) > limit:
        raise ValidationError(_("%(what)s is longer than %(limit)s characters.")
                              % {"what": what, "limit": limit})
    return value


# --------------------------------------------------------------------------- plans and tasks


def save_plan(actor, unit: Unit, year: int, title: str, number: str = "",
              issued_on: datetime.date | None = None) -> Plan:
    """Make or change a unit's plan for a year (its title, number and date of issue)."""
    if not policy.can_edit_plan(actor, unit.pk):
        _deny(_("Only the unit's officers, head or round managers may edit its plan."))
    title = _text(title, _("The title"))
    number = _text(number, _("The document number"), required=False, limit=64)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError(_("The year must be between 2000 and 2100."))
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(unit=unit, year=year).first()
        before = _plan_fields(plan) if plan else {}
        if plan is None:
            plan = Plan.objects.create(unit=unit, year=year, title=title, number=number,
                                       issued_on=issued_on)
        else:
            plan.title, plan.number, plan.issued_on = title, number, issued_on
            plan.save()
        history.record(actor, "update" if before else "create", plan, before=before,
                       after=_plan_fields(plan))
        refresh(actor, [unit.pk], plan.year)
    return plan


def _plan_fields(plan: Plan) -> dict:
    return {"title": plan.title, "number": plan.number, "year": plan.year,
            "issued_on": plan.issued_on.isoformat() if plan.issued_on else ""}


def add_task(actor, plan: Plan, code: str, title: str, responsible: Unit,
             deadline: datetime.date, *, field: str = "", output: str = "",
             cooperating: list[Unit] = ()) -> Task:
    """Add a task to a plan: who carries it out, with whom, by when, producing what."""
    if not policy.can_edit_plan(actor, plan.unit_id):
        _deny(_("Only the unit's officers, head or round managers may edit its plan."))
    code = _text(code, _("The code"), limit=32)
    title = _text(title, _("The task"), limit=MAX_TEXT)
    field = _text(field, _("The field"), required=False, limit=100)
    output = _text(output, _("The expected output"), required=False)
    if deadline is None:
        raise ValidationError(_("The deadline is required."))
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.tasks.filter(code=code).exists():
            raise ValidationError(_("The plan already has a task %(code)s.") % {"code": code})
        task = Task.objects.create(plan=plan, code=code, title=title, field=field,
                                   responsible=responsible, deadline=deadline, output=output)
        task.cooperating.set([u for u in cooperating if u.pk != responsible.pk])
        history.record(actor, "create", task, scope=plan, after={
            "code": code, "responsible": responsible.code, "deadline": deadline.isoformat(),
            "cooperating": sorted(u.code for u in cooperating)})
        refresh(actor, [responsible.pk], plan.year)
    return task


def change_deadline(actor, task: Task, deadline: datetime.date, reason: str) -> Task:
    """Move a task's deadline (past the plan's year: the task is carried over), with a reason."""
    reason = _text(reason, _("The reason"), limit=MAX_TEXT)
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
        if not policy.can_edit_plan(actor, task.plan.unit_id):
            _deny(_("Only the unit's officers, head or round managers may edit its plan."))
        before = task.deadline
        task.deadline = deadline
        task.save(update_fields=["deadline"])
        history.record(actor, "update", task, scope=task.plan, reason=reason,
                       changes={"deadline": [before.isoformat(), deadline.isoformat()]})
        refresh(actor, [task.responsible_id], task.plan.year)
    return task


def report_progress(actor, task: Task, note: str, completed_on: datetime.date | None = None,
                    upload=None) -> Progress:
    """The responsible unit reports on a task, with evidence; a completion date marks it done
    (a later report may correct the date). The status follows from the dates alone."""
    note = _text(note, _("The progress"), limit=MAX_TEXT)
    if completed_on is not None and completed_on > timezone.localdate():
        raise ValidationError(_("A task cannot be completed on a day still to come."))
    if upload is not None:
        check_upload(upload)
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
        if not policy.can_report_task(actor, task):
            _deny(_("Only the officers and head of the responsible unit report on a task."))
        progress = Progress(task=task, note=note, completed_on=completed_on, reported_by=actor)
        if upload is not None:
            progress.name = Path(upload.name).name[:255]
            progress.file.save(upload.name, upload, save=False)
        progress.save()
        history.record(actor, "create", progress, scope=task.plan, after={
            "task": task.code, "note": note,
            "completed_on": completed_on.isoformat() if completed_on else ""})
        if completed_on is not None and completed_on != task.completed_on:
            before = task.completed_on.isoformat() if task.completed_on else ""
            task.completed_on = completed_on
            task.save(update_fields=["completed_on"])
            history.record(actor, "update", task, scope=task.plan,
                           changes={"completed_on": [before, completed_on.isoformat()]})
            refresh(actor, [task.responsible_id], task.plan.year)
    return progress


TASK_COLUMNS = ("code", "title", "field", "responsible", "cooperating", "deadline", "output")


def import_tasks(actor, plan: Plan, source, name: str | None = None) -> list[Task]:
    """A plan's tasks from a spreadsheet (CSV/XLSX, header row of TASK_COLUMNS; `cooperating`
    lists unit codes separated by commas, `deadline` is DD/MM/YYYY or YYYY-MM-DD): all rows or
    none, every problem with its row number."""
    if not policy.can_edit_plan(actor, plan.unit_id):
        _deny(_("Only the unit's officers, head or round managers may edit its plan."))
    file = Path(name or getattr(source, "name", "") or str(source)).name
    rows = read_rows(source, file, read_limits())
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    missing = [c for c in ("code", "title", "responsible", "deadline") if c not in header]
    unknown = [c for c in header if c and c not in TASK_COLUMNS]
    if not rows or missing or unknown:
        raise InputError([InputIssue(file, 1, None, _(
            "the header must name the columns %(columns)s (missing: %(missing)s; unknown: "
            "%(unknown)s)") % {"columns": ", ".join(TASK_COLUMNS),
                               "missing": ", ".join(missing) or "—",
                               "unknown": ", ".join(unknown) or "—"})])
    lines = [(number, dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)))
             for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    codes = {c.strip() for _n, line in lines
             for c in [line["responsible"]] + line.get("cooperating", "").split(",")}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    taken = set(plan.tasks.values_list("code", flat=True))
    issues, parsed = [], []
    for number, line in lines:
        before = len(issues)
        code, title = line["code"].strip(), line["title"].strip()
        if not code or len(code) > 32 or code in taken:
            issues.append(InputIssue(file, number, "code", _(
                "the code is empty, longer than 32 characters or used twice")))
        if not title or len(title) > MAX_TEXT:
            issues.append(InputIssue(file, number, "title", _(
                "the task is empty or longer than %(limit)s characters") % {"limit": MAX_TEXT}))
        wanted = [line["responsible"].strip()] + [
            c.strip() for c in line.get("cooperating", "").split(",") if c.strip()]
        for i, unit_code in enumerate(wanted):
            if unit_code not in units:
                issues.append(InputIssue(file, number, "cooperating" if i else "responsible", _(
                    "unknown unit '%(code)s'") % {"code": unit_code[:64]}))
        try:
            deadline = _day(line["deadline"])
        except ValueError:
            issues.append(InputIssue(file, number, "deadline", _(
                "'%(text)s' is not a date: write DD/MM/YYYY") % {"text": line["deadline"][:20]}))
        taken.add(code)
        if len(issues) == before:
            parsed.append((code, title, line.get("field", "").strip()[:100],
                           units[wanted[0]], [units[c] for c in wanted[1:]], deadline,
                           line.get("output", "").strip()[:255]))
    if issues:
        raise InputError(issues)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        tasks = Task.objects.bulk_create([
            Task(plan=plan, code=code, title=title, field=field, responsible=responsible,
                 deadline=deadline, output=output)
            for code, title, field, responsible, _co, deadline, output in parsed])
        Task.cooperating.through.objects.bulk_create([
            Task.cooperating.through(task_id=task.pk, unit_id=unit.pk)
            for task, item in zip(tasks, parsed, strict=True) for unit in item[4]
            if unit.pk != task.responsible_id])
        history.bulk([history.entry(actor, "import", task, scope=plan, after={
            "code": task.code, "responsible": task.responsible.code,
            "deadline": task.deadline.isoformat(), "file": file}) for task in tasks])
        refresh(actor, sorted({task.responsible_id for task in tasks}), plan.year)
    return tasks


def _day(text: str) -> datetime.date:
    text = text.strip()
    if "/" in text:
        day, month, year = text.split("/")
        return datetime.date(int(year), int(month), int(day))
    return datetime.date.fromisoformat(text[:10])


# --------------------------------------------------------------------------- periodic reports


def request_reports(actor, requester: Unit, units: list[Unit], year: int, kind: str,
                    title: str, due_on: datetime.date) -> list[Report]:
    """Ask units for a periodic report due on a date (idempotent per unit, kind and title)."""
    if not policy.can_request_reports(actor, requester.pk):
        _deny(_("Only a round manager of %(unit)s may ask for its reports.")
              % {"unit": requester})
    title = _text(title, _("The title"))
    if kind not in Report.Kind.values:
        raise ValidationError(_("Unknown kind of report: %(kind)s") % {"kind": kind})
    allowed = set(policy.units_to_request_reports_from(actor).filter(
        pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    stray = [u.code for u in units if u.pk not in allowed]
    if stray:
        raise ValidationError(_("You may not ask these units for reports: %(units)s")
                              % {"units": ", ".join(stray)})
    with transaction.atomic():
        existing = set(Report.objects.filter(year=year, kind=kind, title=title,
                                             unit__in=units).values_list("unit_id", flat=True))
        made = Report.objects.bulk_create([
            Report(unit=u, requested_by=requester, year=year, kind=kind, title=title,
                   due_on=due_on) for u in units if u.pk not in existing])
        history.bulk([history.entry(actor, "create", r, after={
            "unit": r.unit.code, "kind": kind, "title": title, "due_on": due_on.isoformat()})
            for r in made])
    return made


def submit_report(actor, report: Report, upload) -> Report:
    """Send a report with its file; on time or late is read from the timestamp."""
    if upload is None:
        raise ValidationError(_("Attach the report's file."))
    check_upload(upload)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if not policy.can_submit_report(actor, report):
            _deny(_("This report was already sent, or is not your unit's."))
        report.submitted_at, report.submitted_by = timezone.now(), actor
        report.name = Path(upload.name).name[:255]
        report.file.save(upload.name, upload, save=False)
        report.save()
        history.record(actor, "update", report, after={
            "submitted_at": report.submitted_at.isoformat(), "file": report.name,
            "on_time": report.on_time})
        refresh(actor, [report.unit_id], report.year)
    return report


def send_report_reminders(day: datetime.date) -> int:
    """Remind a report's unit DUE_SOON_DAYS before its due date and once it is overdue (each
    once). Acts for nobody: run by the daily check."""
    sent = 0
    with transaction.atomic():
        soon = Report.objects.select_for_update().filter(
            submitted_at__isnull=True, reminded_soon__isnull=True,
            due_on__gte=day, due_on__lte=day + datetime.timedelta(days=DUE_SOON_DAYS))
        late = Report.objects.select_for_update().filter(
            submitted_at__isnull=True, reminded_overdue__isnull=True, due_on__lt=day)
        for kind, reports, field in (("report_due_soon", soon, "reminded_soon"),
                                     ("report_overdue", late, "reminded_overdue")):
            for report in reports.select_related("unit"):
                notify(None, kind, policy.report_unit_people(report), params={
                    "unit": report.unit.name, "title": report.title,
                    "deadline": report.due_on.isoformat()}, link="/plans/reports/")
                setattr(report, field, day)
                report.save(update_fields=[field])
                sent += 1
    return sent


def on_daily_check(sender, day, **kwargs) -> None:
    send_report_reminders(day)


# --------------------------------------------------------------------------- service figures

SERVICE_COLUMNS = ("unit", "month", "received", "on_time", "late", "online", "digitised",
                   "satisfaction")
COUNT_COLUMNS = ("received", "on_time", "late", "online", "digitised")


@dataclass
class ServiceSummary:
    batch: ServiceImport
    created: int
    updated: int


def _month(text: str) -> datetime.date:
    """`03/2026`, `3/2026` or `2026-03` → 1/3/2026."""
    text = text.strip()
    try:
        if "/" in text:
            month, year = text.split("/")
        else:
            year, month = text.split("-")[:2]
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(_("'%(text)s' is not a month: write MM/YYYY") % {"text": text}
                         ) from None


def import_service_data(actor, source, name: str | None = None) -> ServiceSummary:
    """Import the portal's monthly figures (CSV or XLSX, header row of SERVICE_COLUMNS): all
    rows or none; every problem with its row number. A month already imported is replaced
    (its old figures kept in the change log)."""
    if not policy.can_import_service_data(actor):
        _deny(_("Only a round manager or an administrator imports service figures."))
    file = Path(name or getattr(source, "name", "") or str(source)).name
    rows = read_rows(source, file, read_limits())
    if not rows:
        raise InputError([InputIssue(file, None, None, _("the file is empty"))])
    header = [cell.strip().lower() for cell in rows[0]]
    issues: list[InputIssue] = []
    missing = [c for c in SERVICE_COLUMNS[:-1] if c not in header]
    unknown = [c for c in header if c and c not in SERVICE_COLUMNS]
    if missing or unknown:
        raise InputError([InputIssue(file, 1, None, _(
            "the header must name the columns %(columns)s (missing: %(missing)s; unknown: "
            "%(unknown)s)") % {"columns": ", ".join(SERVICE_COLUMNS),
                               "missing": ", ".join(missing) or "—",
                               "unknown": ", ".join(unknown) or "—"})])
    codes = {row[header.index("unit")].strip() for row in rows[1:] if len(row) > 1}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    parsed: dict[tuple[int, datetime.date], dict] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        if not any(v.strip() for v in cells.values()):
            continue
        problems = len(issues)
        unit = units.get(cells["unit"].strip())
        if unit is None:
            issues.append(InputIssue(file, number, "unit", _("unknown unit '%(code)s'")
                                     % {"code": cells["unit"].strip()[:64]}))
        try:
            month = _month(cells["month"])
        except ValueError as error:
            issues.append(InputIssue(file, number, "month", str(error)))
        figures = {}
        for column in COUNT_COLUMNS:
            text = cells[column].strip()
            if not text.isdigit() or len(text) > 9:
                issues.append(InputIssue(file, number, column, _(
                    "'%(text)s' is not a whole number of applications") % {"text": text[:20]}))
            else:
                figures[column] = int(text)
        satisfaction = None
        if cells.get("satisfaction", "").strip():
            try:
                satisfaction = Decimal(cells["satisfaction"].strip().replace(",", "."))
                if not satisfaction.is_finite() or not 0 <= satisfaction <= 100:
                    raise InvalidOperation
                satisfaction = satisfaction.quantize(Decimal("0.01"))
            except InvalidOperation:
                issues.append(InputIssue(file, number, "satisfaction", _(
                    "satisfaction must be a percentage from 0 to 100")))
        if len(issues) > problems:
            continue
        if figures["on_time"] + figures["late"] > figures["received"] or max(
                figures["online"], figures["digitised"]) > figures["received"]:
            issues.append(InputIssue(file, number, None, _(
                "processed on time and late, online and digitised cannot exceed the "
                "applications received")))
            continue
        if (unit.pk, month) in parsed:
            issues.append(InputIssue(file, number, "month", _(
                "%(unit)s %(month)s is in the file twice") % {"unit": unit.code,
                                                             "month": f"{month:%m/%Y}"}))
            continue
        parsed[(unit.pk, month)] = {**figures, "satisfaction": satisfaction, "row": number}
    if issues:
        raise InputError(issues)
    if not parsed:
        raise InputError([InputIssue(file, None, None, _("the file has no rows of figures"))])
    return _store_months(actor, file, parsed, units)


def _store_months(actor, file: str, parsed: dict, units: dict) -> ServiceSummary:
    by_pk = {u.pk: u for u in units.values()}
    with transaction.atomic():
        batch = ServiceImport.objects.create(name=file[:255], rows=len(parsed),
                                             imported_by=actor)
        existing = {(m.unit_id, m.month): m for m in ServiceMonth.objects.select_for_update()
                    .filter(unit_id__in=by_pk, month__in={k[1] for k in parsed})}
        fields = list(COUNT_COLUMNS) + ["satisfaction"]
        new, changed, changes = [], [], []
        for (unit_id, month), figures in parsed.items():
            row = existing.get((unit_id, month))
            before = {f: str(getattr(row, f)) for f in fields} if row else {}
            if row is None:
                row = ServiceMonth(unit_id=unit_id, month=month, batch=batch)
                new.append(row)
            else:
                row.batch = batch
                changed.append(row)
            for f in fields:
                setattr(row, f, figures[f])
            changes.append((row, before, {f: str(figures[f]) for f in fields}))
        ServiceMonth.objects.bulk_create(new)
        ServiceMonth.objects.bulk_update(changed, fields + ["batch"])
        history.bulk([history.entry(actor, "import", row, scope=batch, before=before,
                                    after={**after, "unit": by_pk[row.unit_id].code,
                                           "month": f"{row.month:%m/%Y}"})
                      for row, before, after in changes])
        history.record(actor, "import", batch, after={"file": batch.name, "rows": batch.rows})
        for year in sorted({month.year for _unit, month in parsed}):
            refresh(actor, sorted({u for u, m in parsed if m.year == year}), year)
    return ServiceSummary(batch, len(new), len(changed))


# --------------------------------------------------------------------------- prefill


def refresh(actor, unit_ids, year: int) -> int:
    """Prefill again the draft sheets of these units in the open assessment rounds of `year`
    (called in the transaction of the change to their data). Returns the values written."""
    sheets = Sheet.objects.filter(
        unit_id__in=unit_ids, round__year=year, round__kind=Round.Kind.ASSESSMENT,
        round__approved_at__isnull=True, state=Sheet.State.DRAFT)
    return _prefill(actor, sheets, year)


def prefill_round(actor, round: Round) -> int:
    """Prefill every draft sheet of a round just opened (its leaves with a source)."""
    if round.kind != Round.Kind.ASSESSMENT:
        return 0
    return _prefill(actor, Sheet.objects.filter(round=round, state=Sheet.State.DRAFT),
                    round.year)


def prefill_sheet(actor, sheet: Sheet) -> int:
    """Compute again one sheet's prefilled values (its unit or its manager asks for it)."""
    if not (policy.can_edit_self(actor, sheet) or policy.can_manage_round(actor, sheet.round)):
        _deny(_("You may not do this at this stage."))
    return _prefill(actor, Sheet.objects.filter(pk=sheet.pk), sheet.round.year)


def _prefill(actor, sheets, year: int) -> int:
    """Write the computed values: the data read once for all the sheets' units, each sheet's
    framework read once; a value is written only where it differs."""
    written = 0
    with transaction.atomic():
        locked = list(sheets.select_for_update(of=("self",)).select_related(
            "round", "unit", "framework__unit_group").order_by("pk"))
        locked = [s for s in locked if policy.prefill_open(s)]
        if not locked:
            return 0
        data = SourceData.load({s.unit_id for s in locked}, year)
        frameworks: dict[int, tuple] = {}
        prefills = {(p.sheet_id, p.node_id): p for p in Prefill.objects.select_for_update()
                    .filter(sheet__in=locked)}
        for sheet in locked:
            if sheet.framework_id not in frameworks:
                frameworks[sheet.framework_id] = _sourced_leaves(sheet)
            for node, leaf in frameworks[sheet.framework_id]:
                source = with_rule(leaf.source, leaf.rule.kind)
                computed = data.value(source, sheet.unit_id)
                if computed is not None:
                    written += _apply(actor, sheet, node, leaf, computed,
                                      prefills.get((sheet.pk, node.pk)))
    return written


def _sourced_leaves(sheet: Sheet) -> list[tuple]:
    framework, nodes = load_nodes(sheet)
    tops = top_level_ids(nodes)
    leaves = framework.leaves()
    found = []
    for node in nodes:
        leaf = leaves.get(node.code)
        if leaf is not None and leaf.source is not None:
            node.top_id = tops[node.pk]
            found.append((node, leaf))
    return found


def _apply(actor, sheet: Sheet, node, leaf, computed: tuple[str, list], prefill) -> int:
    value, provenance = computed
    if prefill is not None and prefill.value == value and prefill.provenance == provenance:
        return 0
    before = {"value": prefill.value} if prefill else {}
    if prefill is None:
        prefill = Prefill(sheet=sheet, node=node)
    kept = not prefill.contested and _keep_typed(sheet, node, prefill)
    prefill.value, prefill.provenance, prefill.computed_at = value, provenance, timezone.now()
    prefill.save()
    if kept:
        history.record(actor, "contest", prefill, scope=sheet.round, part=node.code,
                       after={"value": prefill.contested_value,
                              "explanation": prefill.explanation, "computed": value})
    history.record(actor, "prefill", prefill, scope=sheet.round, part=node.code, before=before,
                   after={"value": value, "from": [f"{p['kind']} {p['id']}" for p in provenance]})
    if not prefill.contested:
        _write(actor, sheet, node, leaf, value, _("Computed from the year's data"))
    return 1


def _keep_typed(sheet: Sheet, node, prefill: Prefill) -> bool:
    """A value the unit typed on the sheet over the computed one (or before there was one) is
    never overwritten: it becomes the unit's contested value, for the appraiser to weigh."""
    current = Score.objects.filter(round_id=sheet.round_id, unit_id=sheet.unit_id, node=node,
                                   stage=Score.Stage.SELF).first()
    if current is None or not current.value or current.value == prefill.value:
        return False
    prefill.contested_value = current.value
    prefill.explanation = current.note or _("Typed on the sheet by the unit.")
    prefill.contested_by, prefill.contested_at = current.updated_by, timezone.now()
    return True


def _write(actor, sheet: Sheet, node, leaf, value: str, reason: str, note: str | None = None):
    current = Score.objects.filter(round_id=sheet.round_id, unit_id=sheet.unit_id, node=node,
                                   stage=Score.Stage.SELF).first()
    keep = current.note if current is not None and note is None else (note or "")
    try:
        write_value(actor, sheet, node, leaf, Score.Stage.SELF, value, keep,
                    current.version if current else 0, reason=reason)
    except ValidationError:
        # Figures the leaf's rule cannot take (e.g. more on time than received) stay in the
        # prefill for the unit and the appraiser to see; the score is left as it was.
        pass


def contest_prefill(actor, prefill: Prefill, value: str, explanation: str) -> Prefill:
    """The unit puts its own value in place of the computed one, with an explanation; both
    are kept and shown to the appraiser. An empty value withdraws the contest (the computed
    value is written back)."""
    value = _text(value, _("The value"), required=False, limit=64)
    explanation = _text(explanation, _("The explanation"), required=bool(value),
                        limit=MAX_TEXT)
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update(of=("self",)).select_related(
            "round", "unit", "framework__unit_group").get(pk=prefill.sheet_id)
        if not policy.can_contest_prefill(actor, sheet):
            _deny(_("This sheet is locked for you at this stage."))
        prefill = Prefill.objects.select_for_update(of=("self",)).select_related("node").get(
            pk=prefill.pk)
        node, leaf = next((n, lf) for n, lf in _sourced_leaves(sheet) if n.pk == prefill.node_id)
        before = {"value": prefill.contested_value, "explanation": prefill.explanation}
        _write_strict(actor, sheet, node, leaf, value or prefill.value, explanation)
        prefill.contested_value, prefill.explanation = value, explanation if value else ""
        prefill.contested_by = actor if value else None
        prefill.contested_at = timezone.now() if value else None
        prefill.save()
        history.record(actor, "contest", prefill, scope=sheet.round, part=node.code,
                       before=before, after={"value": value, "explanation": prefill.explanation,
                                             "computed": prefill.value})
    return prefill


def _write_strict(actor, sheet, node, leaf, value: str, explanation: str) -> None:
    current = Score.objects.filter(round_id=sheet.round_id, unit_id=sheet.unit_id, node=node,
                                   stage=Score.Stage.SELF).first()
    write_value(actor, sheet, node, leaf, Score.Stage.SELF, value,
                current.note if current else "", current.version if current else 0,
                reason=explanation or _("Computed value restored"))
