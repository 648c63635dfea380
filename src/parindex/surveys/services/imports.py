"""Responses from a file (CSV/XLSX through the one table reader), all or nothing, with
row-numbered problems; from the web as a background job (parindex.jobs) whose progress the
uploader watches, its outcome kept on the survey's ImportJob.

Storage: one ImportBatch per file and its forms packed column-wise, PACK_SIZE forms a PackedForms
row (models.py), with the answer counts, the batch and the change-log `import` row in one
transaction. A Response row per form cost 4–5× parsing the file in inserts alone; packed, the
import stays within 3× of csv.reader on the same file (bench/survey.py).

Invariants: nothing is written unless every row is right; form numbers are unique in the group
across paper forms and every import — checked again under the group's row lock inside the
writing transaction, so two imports (or an import and a paper form) cannot both take one; memory
is bounded by the reader's limits (the rows, then their columns, held once).
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Callable
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path

from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history
from parindex.engine import tables
from parindex.engine.tables import InputError, InputIssue
from parindex.imports import read_limits

from ..models import (
    NO_ANSWER,
    PACK_SIZE,
    ImportBatch,
    ImportJob,
    PackedForms,
    RespondentGroup,
)
from ..selectors import layout, taken_form_numbers
from .common import (
    MAX_KEPT_ERRORS,
    SurveyClosed,
    _check,
    _require_open,
)
from .counts import answer_columns, apply_counts, tally_columns

log = logging.getLogger(__name__)


def read_rows(source, name: str | None = None) -> list[list[str]]:
    """All rows of a CSV or XLSX file as texts, header first, through the engine's one reader
    within the configured limits (InputError past them)."""
    return tables.read_rows(source, name, read_limits())


def issue_dict(issue: InputIssue) -> dict:
    """An issue as ImportJob.errors keeps it, its message in the active language."""
    return {"row": issue.row or 0, "column": str(issue.column or ""),
            "message": issue.text(_)}


def import_responses(group: RespondentGroup, rows: list[list[str]], *, job: ImportJob | None = None,
                     user=None, progress: Callable[[int, int], None] | None = None,
                     file: str = "") -> int:
    """Store one form per row (packed in its file's batch), all or nothing; raises InputError
    with row-numbered issues (the first MAX_KEPT_ERRORS of them; `.total` counts all).

    The doors are `import_file` and `start_import`, which check the policy; with `user` the
    import is a person's and leaves its `import` row in the change log.

    Columns: `unit_code` (optional when the group evaluates one unit), `form_number` (optional;
    unique in the group), `comment` (optional), and one column per question code holding the
    option code (A, B, …; blank: no answer). Rows are checked first (outside any transaction, so
    progress is visible), whole columns at a time when every cell is exactly right, row by row
    otherwise; then written in one transaction with their answer counts (`_store`).
    """
    try:
        _require_open(group)
    except SurveyClosed as closed:
        raise InputError([InputIssue(file, 1, "", closed.message)]) from None
    if not rows:
        raise InputError([InputIssue(file, 1, "", _("The file is empty."))])
    lay = layout(group)
    targets = {t.unit.code: t.unit_id for t in group.targets.select_related("unit")}
    header = [h.strip() for h in rows[0]]
    issues: list[InputIssue] = []
    total_issues = 0

    def problem(row: int, column: str, message: str) -> None:
        nonlocal total_issues
        total_issues += 1
        if len(issues) < MAX_KEPT_ERRORS:
            issues.append(InputIssue(file, row, column, message))

    by_code = {q.code.casefold(): q for q in lay.questions}
    special = {"unit_code", "form_number", "comment"}
    slots: list[int | None] = []  # per file column: question position, or None
    seen_columns: set[str] = set()
    for name in header:
        key = name.casefold()
        if key in seen_columns:
            problem(1, name, _("The column is repeated."))
        seen_columns.add(key)
        if key in special:
            slots.append(None)
        elif key in by_code:
            slots.append(by_code[key].position)
        else:
            problem(1, name, _("Unknown column (not a question code of this group)."))
            slots.append(None)
    keys = [h.casefold() for h in header]
    unit_col = keys.index("unit_code") if "unit_code" in keys else None
    form_col = keys.index("form_number") if "form_number" in keys else None
    comment_col = keys.index("comment") if "comment" in keys else None
    if unit_col is None and len(targets) != 1:
        problem(1, "unit_code", _("The unit_code column is missing."))
    if total_issues:
        raise InputError(issues, total_issues)

    # Per question column: every accepted spelling → the stored character.
    columns = []
    for index, position in enumerate(slots):
        if position is None:
            continue
        question = lay.questions[position]
        accepted = {"": NO_ANSWER, NO_ANSWER: NO_ANSWER}
        for option in question.option_list:
            accepted[option.code] = option.code
            accepted[option.code.lower()] = option.code
        valid = ", ".join(o.code for o in question.option_list)
        columns.append((index, position, accepted, header[index], valid))
    existing_forms = taken_form_numbers(group)
    single_unit = next(iter(targets.values())) if len(targets) == 1 else None
    total = len(rows) - 1
    cols = (unit_col, form_col, comment_col)
    width = len(lay.questions)
    parsed = _fast_rows(rows, columns, cols, width, targets, single_unit, existing_forms)
    if parsed is None:  # some cell needs a closer look: check row by row, saying where
        unit_ids, answers, comments, forms = _checked_rows(
            rows, header, columns, cols, width, targets, single_unit, existing_forms, problem,
            progress)
        if total_issues:
            raise InputError(issues, total_issues)
        parsed = unit_ids, answer_columns(answers), comments, forms
    unit_ids = parsed[0]
    if not unit_ids:
        raise InputError([InputIssue(file, 2, "", _("The file has no responses."))])
    if progress is not None:
        progress(total, total)
    _store(group, *parsed, job=job, user=user, filename=file)
    return len(unit_ids)


def _fast_rows(rows, columns, cols, width, targets, single_unit, existing_forms):
    """The file's columns checked and converted whole (set, map and join, which run in C) into
    (unit ids, answer columns, comments, form numbers); None as soon as any cell is not exactly
    as expected, for _checked_rows to report."""
    unit_col, form_col, comment_col = cols
    body = rows[1:]
    if not body or set(map(len, body)) != {len(rows[0])}:
        return None
    n = len(body)
    # Column by column (itemgetter over the rows), not zip(*body): that makes an iterator per
    # row, 100,000 objects for the garbage collector to walk.
    transposed = [list(map(itemgetter(index), body)) for index in range(len(rows[0]))]
    by_position = [NO_ANSWER * n] * width  # a question without a column: no answers
    for index, position, accepted, _name, _valid in columns:
        values = transposed[index]
        seen = set(values)
        if not accepted.keys() >= seen:
            return None
        if all(accepted[value] == value for value in seen):  # already the stored characters
            by_position[position] = "".join(values)
        else:
            by_position[position] = "".join(map(accepted.__getitem__, values))
    if unit_col is None:
        unit_ids = [single_unit] * n
    else:
        unit_ids = list(map(targets.get, transposed[unit_col]))
        if None in unit_ids:
            return None
    if form_col is None:
        forms = [""] * n
    else:
        forms = list(map(str.strip, transposed[form_col]))
        filled = list(filter(None, forms))
        if len(set(filled)) != len(filled) or not existing_forms.isdisjoint(filled):
            return None
    comments = list(map(str.strip, transposed[comment_col])) if comment_col is not None \
        else [""] * n
    return unit_ids, by_position, comments, forms


def _checked_rows(rows, header, columns, cols, width, targets, single_unit, existing_forms,
                  problem, progress):
    """Row by row, every problem reported with its row and column."""
    unit_col, form_col, comment_col = cols
    blank = [NO_ANSWER] * width
    forms_in_file: dict[str, int] = {}
    unit_ids, answers, comments, forms = [], [], [], []
    total = len(rows) - 1
    ncols = len(header)
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != ncols:
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            row = (row + [""] * ncols)[:ncols] if len(row) < ncols else row
            if len(row) > ncols:
                problem(number, "", _("The row has more cells than the header."))
                continue
        chars = blank[:]
        for index, position, accepted, name, valid in columns:
            value = row[index]
            char = accepted.get(value)
            if char is None:
                char = accepted.get(value.strip().upper())
                if char is None:
                    problem(number, name, _("'%(value)s' is not an option (valid: %(valid)s).")
                            % {"value": value, "valid": valid})
                    continue
            chars[position] = char
        if unit_col is None:
            unit_id = single_unit
        else:
            unit_id = targets.get(row[unit_col].strip())
            if unit_id is None:
                problem(number, header[unit_col],
                        _("'%(value)s' is not a unit this group evaluates.")
                        % {"value": row[unit_col]})
        form = row[form_col].strip() if form_col is not None else ""
        if form:
            if form in existing_forms:
                problem(number, header[form_col],
                        _("Form %(number)s has already been entered.") % {"number": form})
            elif form in forms_in_file:
                problem(number, header[form_col],
                        _("Form %(number)s is also on row %(row)s.")
                        % {"number": form, "row": forms_in_file[form]})
            else:
                forms_in_file[form] = number
        unit_ids.append(unit_id)
        answers.append("".join(chars))
        comments.append(row[comment_col].strip() if comment_col is not None else "")
        forms.append(form)
        if progress is not None and number % 10000 == 0:
            progress(number - 1, total)
    return unit_ids, answers, comments, forms


def _store(group: RespondentGroup, unit_ids: list, answers: list[str], comments: list[str],
           forms: list[str], *, job, user, filename: str = "") -> None:
    """The batch, its packs (json.dumps of whole columns, in C) and the answer counts, in one
    transaction holding the group's row lock; form numbers checked again under it."""
    with transaction.atomic():
        locked = RespondentGroup.objects.select_for_update().get(pk=group.pk)
        if any(forms):
            _refuse_taken(forms, taken_form_numbers(locked), filename)
        batch = ImportBatch.objects.create(
            group=group, job=job, filename=filename[:255],
            forms=len(unit_ids), created_by=user, created_at=timezone.now())
        for first in range(0, len(unit_ids), PACK_SIZE):  # save(), not bulk_create: on
            # PostgreSQL that sends arrays, escaping every quote of the JSON in Python
            _pack(batch, first, unit_ids, answers, forms, comments).save(force_insert=True)
        apply_counts(tally_columns(group.pk, unit_ids, answers))
        if user is not None:
            history.record(user, "import", job or group, scope=group.survey, after={
                "group": group.code, "file": filename,
                "responses": len(unit_ids)})


def _pack(batch: ImportBatch, first: int, unit_ids, answers, forms, comments) -> PackedForms:
    end = first + PACK_SIZE

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    return PackedForms(
        batch=batch, first=first, count=len(unit_ids[first:end]),
        units=dump(unit_ids[first:end]), answers=dump([c[first:end] for c in answers]),
        form_numbers=dump(forms[first:end]), comments=dump(comments[first:end]))


def _refuse_taken(forms: list[str], taken: set[str], file: str) -> None:
    """InputError naming the rows whose form number another form took meanwhile."""
    if taken.isdisjoint(forms):
        return
    clashes = [InputIssue(file, number, "form_number",
                          _("Form %(number)s has already been entered.") % {"number": form})
               for number, form in enumerate(forms, start=2) if form and form in taken]
    raise InputError(clashes[:MAX_KEPT_ERRORS], len(clashes))


def import_file(actor, group: RespondentGroup, path: str | Path, *, progress=None) -> int:
    """Import a responses file from disk (the `import-survey-responses` command)."""
    _check(actor, group.survey.round)
    with without_cycle_collector():
        return import_responses(group, read_rows(path), user=actor, progress=progress,
                                file=Path(path).name)


@contextmanager
def without_cycle_collector():
    """Python's cycle collector off while a file is read and imported: the rows are 100,000s of
    lists that live until the import ends and form no cycles, yet every collection walks them
    all again — a third of the import's time for nothing. Reference counting still frees
    everything; the collector comes back on after, unless it was already off."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def start_import(user, group: RespondentGroup, upload) -> ImportJob:
    """Save the upload, its ImportJob (the survey's record of the import, which the round's
    managers see) and the uploader's background job, which the worker runs
    (`run_import_job`). The change-log row is written with the responses, by the uploader."""
    from parindex.jobs import services as jobs

    _check(user, group.survey.round)
    _require_open(group)
    name = Path(upload.name).name
    with transaction.atomic():
        record = ImportJob(group=group, filename=name[:255], created_by=user)
        record.file.save(name, File(upload), save=False)
        record.save()
        record.job = jobs.start(
            user, "survey_import",
            _("Import %(file)s into %(group)s") % {"file": name, "group": group.name},
            params={"import": record.pk},
            link=reverse("surveys:import_status", args=[group.survey.round.code, record.pk]))
        record.save(update_fields=["job"])
    return record


def run_import_job(job, progress) -> None:
    """The worker's side of a web import (jobs.kinds): the uploader must still manage the
    survey; the outcome is on the ImportJob, and a failed import fails the job with a summary
    (the rows are listed on the import's page)."""
    from parindex.jobs.services import JobRefused

    record = ImportJob.objects.select_related("group__survey__round").get(
        pk=job.params["import"])
    _check(job.started_by, record.group.survey.round)
    record = process_import_job(record, on_progress=progress)
    if record.status != ImportJob.Status.FAILED:
        return
    if len(record.errors) == 1:
        raise JobRefused(_("Nothing was imported: %(message)s")
                         % {"message": record.errors[0]["message"]})
    raise JobRefused(_("Nothing was imported: the file has problems in %(count)s places, "
                       "listed on the import's page.") % {"count": len(record.errors)})


def import_job_failed(job, message: str) -> None:
    """A job that died (or stopped on an unexpected error) leaves its import failed too."""
    ImportJob.objects.filter(job=job).exclude(status__in=[
        ImportJob.Status.DONE, ImportJob.Status.FAILED]).update(
        status=ImportJob.Status.FAILED, finished_at=timezone.now(),
        errors=[{"row": 0, "column": "", "message": message}])


def process_import_job(job: ImportJob, on_progress=None) -> ImportJob:
    """Run one waiting import (claimed atomically, so it never runs twice)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING)
    if not claimed:
        job.refresh_from_db()
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)
        if on_progress is not None:
            on_progress(done, total)

    try:
        with without_cycle_collector():
            with job.file.open("rb") as handle:
                rows = read_rows(handle, job.filename)
            progress(0, max(len(rows) - 1, 0))
            imported = import_responses(job.group, rows, job=job, user=job.created_by,
                                        progress=progress, file=job.filename)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, imported=imported, finished_at=timezone.now())
    except InputError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, errors=[issue_dict(i) for i in exc.errors],
            finished_at=timezone.now())
    except Exception as exc:  # noqa: BLE001 (a job must end, whatever went wrong)
        # Only the kind of error is logged: its text may quote the uploaded file.
        log.error("survey import %s failed: %s", job.pk, type(exc).__name__)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            errors=[{"row": 0, "column": "", "message": _("The file could not be read.")}],
            finished_at=timezone.now())
    job.refresh_from_db()
    return job
