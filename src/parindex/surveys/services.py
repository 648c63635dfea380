"""Writes for the survey: responses (online, paper, files), review, invitation codes, imports.

Stuffing protection for open groups (documented for managers on the review page):
- every online response records `source`, a salted hash of the sender's IP address (the address
  itself is never stored);
- per group and source, responses past SURVEY_RATE_LIMIT = (count, seconds) — default 20 an
  hour, counted in Django's cache — are kept but flagged; past five times that they are refused
  (HTTP 429);
- a response from the same source, for the same unit, with exactly the same answers as an earlier
  one is kept but flagged as a possible duplicate.
Flagged responses do not count until a manager accepts them; rejected ones never count.

Lifecycle: every way in for a response (public form, paper form, file import) and every review
first asks `parindex.policy.survey_open`; once the round's results are published it raises
`SurveyClosed` (an import fails with that message) and writes nothing.

Change log: every write a person makes here — the questionnaire (survey, groups with their units
and sections, questions), reviews, paper forms (the typist is the actor), invitation codes, and
each file import (one `import` row with its counts) — takes that person first, is refused
(PermissionDenied, nothing written) unless `policy.can_manage_survey` allows it for the round,
and records one row listed under the survey, in the write's transaction. Public anonymous answers
(`submit_online`) are not a person's change and are not logged: that would copy respondents'
answers into the log, one row each for up to millions of them. The demo's reload of its sample
answers (`load_demo_survey`) is the system's, not a person's, and is not logged either.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.assessments.models import Round
from parindex.engine import tables
from parindex.engine.tables import InputError, InputIssue
from parindex.imports import read_limits
from parindex.units.models import Unit

from . import scoring
from .definition import load_survey, survey_leaves
from .models import (
    NO_ANSWER,
    AnswerCount,
    GroupUnit,
    ImportJob,
    Invitation,
    Option,
    Question,
    RespondentGroup,
    Response,
    Section,
    Survey,
)
from .selectors import layout

log = logging.getLogger(__name__)

FLAG_DUPLICATE = "duplicate"
FLAG_RATE = "rate"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
MAX_KEPT_ERRORS = 200


class ResponseError(Exception):
    """A response that cannot be stored; `.errors` maps a field (question code, 'unit',
    'code', 'form_number') to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class RateLimited(Exception):
    pass


class SurveyClosed(ResponseError):
    """The survey no longer takes responses: its round's results are published."""

    def __init__(self):
        self.message = _("This survey is closed: the results of its round are published.")
        super().__init__({"group": self.message})


def _require_open(group: RespondentGroup) -> None:
    if not policy.survey_open(group.survey):
        raise SurveyClosed()


# --------------------------------------------------------------------------- who may


def _check(actor, round: Round) -> None:
    """Refuse, before anything is written, a person the policy does not let manage the survey."""
    if not policy.can_manage_survey(actor, round):
        raise PermissionDenied("only the round's managers change its survey")


def _changed(before: dict, after: dict) -> dict:
    """field → [old, new] for the fields that differ."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


# --------------------------------------------------------------------------- answer counts


def tally(group_id: int, unit_ids: Iterable[int], answers: list[str]) -> Counter:
    """{(group id, unit id, position, option code): n} of these responses' answers, plus
    (group, unit, 0, "") → the number of responses; counted with Counter over zip (C speed)."""
    unit_ids = list(unit_ids)
    result: Counter = Counter()
    for unit_id, n in Counter(unit_ids).items():
        result[(group_id, unit_id, 0, AnswerCount.RESPONSES)] = n
    if not answers:
        return result
    width = max(map(len, answers))
    if min(map(len, answers)) != width:
        answers = [a.ljust(width, NO_ANSWER) for a in answers]
    for position in range(width):
        for (unit_id, char), n in Counter(zip(unit_ids, map(itemgetter(position), answers),
                                              strict=True)).items():
            if char != NO_ANSWER:
                result[(group_id, unit_id, position, char)] += n
    return result


def apply_counts(counts: Mapping[tuple, int], sign: int = 1) -> None:
    """Add (or, with sign -1, take away) counts to AnswerCount: one upsert that adds to the
    stored numbers in the database, so concurrent writers never lose an answer. Call it inside
    the transaction that writes the responses."""
    if not counts:
        return
    q = connection.ops.quote_name
    table = q(AnswerCount._meta.db_table)
    names = [q(AnswerCount._meta.get_field(n).column)
             for n in ("group", "unit", "position", "option", "count")]
    if sign < 0:  # the rows exist: the responses taken away were counted when written
        where = " AND ".join(f"{name} = %s" for name in names[:4])
        sql = f"UPDATE {table} SET {names[4]} = {names[4]} - %s WHERE {where}"
        params = [(n, *key) for key, n in counts.items() if n]
    else:
        sql = (f"INSERT INTO {table} ({', '.join(names)}) VALUES (%s, %s, %s, %s, %s) "
               f"ON CONFLICT ({', '.join(names[:4])}) "
               f"DO UPDATE SET {names[4]} = {table}.{names[4]} + excluded.{names[4]}")
        params = [(*key, n) for key, n in counts.items() if n]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _count_one(response: Response, sign: int = 1) -> None:
    apply_counts(tally(response.group_id, [response.unit_id], [response.answers]), sign)


def recount(survey: Survey) -> None:
    """Rebuild the survey's AnswerCount rows from its counted responses (a repair tool; the
    services keep them right as they write)."""
    with transaction.atomic():
        AnswerCount.objects.filter(group__survey=survey).delete()
        rows = (Response.objects.filter(group__survey=survey, status=Response.Status.ACCEPTED)
                .order_by().values_list("group_id", "unit_id", "answers"))
        by_group: dict[int, tuple[list, list]] = {}
        for group_id, unit_id, answers in rows.iterator(chunk_size=5000):
            units, texts = by_group.setdefault(group_id, ([], []))
            units.append(unit_id)
            texts.append(answers)
        for group_id, (units, texts) in by_group.items():
            apply_counts(tally(group_id, units, texts))


def delete_responses(groups) -> int:
    """Delete every response of these respondent groups (a queryset) and their counts."""
    with transaction.atomic():
        AnswerCount.objects.filter(group__in=groups).delete()
        deleted, _by_model = Response.objects.filter(group__in=groups).delete()
    return deleted


# --------------------------------------------------------------------------- responses


def rate_limit() -> tuple[int, int]:
    return tuple(getattr(settings, "SURVEY_RATE_LIMIT", (20, 3600)))


def source_of(address: str) -> str:
    """A salted, shortened hash of an IP address: enough to group, not to recover it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


def _encode(group: RespondentGroup, answers: Mapping[str, str], *, require: bool,
            errors: dict[str, str]) -> str:
    """The answers as Response.answers (one character per question); errors by question code."""
    chars = []
    for question in layout(group).questions:
        raw = (answers.get(question.code) or "").strip().upper()
        codes = {o.code for o in question.option_list}
        if not raw or raw == NO_ANSWER:
            if require and question.required:
                errors[question.code] = _("Please choose an answer.")
            chars.append(NO_ANSWER)
        elif raw in codes:
            chars.append(raw)
        else:
            errors[question.code] = _("'%(value)s' is not an option (valid: %(valid)s).") % {
                "value": raw, "valid": ", ".join(sorted(codes))}
            chars.append(NO_ANSWER)
    return "".join(chars)


def _unit(group: RespondentGroup, unit_code: str | None, errors: dict[str, str]):
    targets = {t.unit.code: t.unit for t in group.targets.select_related("unit")}
    if not unit_code and len(targets) == 1:
        return next(iter(targets.values()))
    unit = targets.get((unit_code or "").strip())
    if unit is None:
        errors["unit"] = _("Choose the unit you are evaluating.")
    return unit


def submit_online(group: RespondentGroup, *, answers: Mapping[str, str], unit_code: str | None,
                  address: str, comment: str = "", invitation_code: str = "") -> Response:
    """A response from the public form; flagged (not dropped) when it looks like stuffing."""
    _require_open(group)
    if not group.accepting:
        raise ResponseError({"group": _("This survey is closed.")})
    errors: dict[str, str] = {}
    invitation = None
    if group.access == RespondentGroup.Access.CODES:
        code = invitation_code.strip().upper().replace(" ", "")
        invitation = Invitation.objects.filter(group=group, code=code).select_related("unit").first()
        if invitation is None:
            errors["code"] = _("This invitation code is not valid.")
        elif Response.objects.filter(invitation=invitation).exists():
            errors["code"] = _("This invitation code has already been used.")
        elif invitation.unit is not None:
            unit_code = invitation.unit.code
    unit = _unit(group, unit_code, errors)
    encoded = _encode(group, answers, require=True, errors=errors)
    if errors:
        raise ResponseError(errors)

    source = source_of(address)
    flag = ""
    if invitation is None:
        limit, window = rate_limit()
        key = f"parindex:survey-rate:{group.pk}:{source}"
        cache.add(key, 0, timeout=window)
        try:
            seen = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            seen = 1
        if seen > 5 * limit:
            raise RateLimited()
        if seen > limit:
            flag = FLAG_RATE
        earlier = (
            Response.objects.filter(group=group, source=source, unit=unit, answers=encoded)
            .values_list("pk", flat=True).first()
        )
        if earlier is not None:
            flag = f"{FLAG_DUPLICATE}:{earlier}"
    try:
        with transaction.atomic():
            response = Response.objects.create(
                group=group, unit=unit, channel=Response.Channel.ONLINE, answers=encoded,
                comment=comment.strip()[:5000], invitation=invitation, source=source,
                status=Response.Status.FLAGGED if flag else Response.Status.ACCEPTED, flag=flag,
                created_at=timezone.now(),
            )
            if response.status == Response.Status.ACCEPTED:
                _count_one(response)
            return response
    except IntegrityError:  # the same code submitted twice at the same moment
        raise ResponseError({"code": _("This invitation code has already been used.")}) from None


def enter_paper_form(user, group: RespondentGroup, *, form_number: str,
                     answers: Mapping[str, str], unit_code: str | None,
                     comment: str = "") -> Response:
    """A paper form typed in by staff (`user`, the typist); blank answers are allowed (the
    respondent skipped). The log names the form and its unit, not its answers."""
    _check(user, group.survey.round)
    _require_open(group)
    errors: dict[str, str] = {}
    form_number = form_number.strip()
    if not form_number:
        errors["form_number"] = _("Enter the number written on the form.")
    elif Response.objects.filter(group=group, form_number=form_number).exists():
        errors["form_number"] = _("Form %(number)s has already been entered.") % {
            "number": form_number}
    unit = _unit(group, unit_code, errors)
    encoded = _encode(group, answers, require=False, errors=errors)
    if errors:
        raise ResponseError(errors)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                group=group, unit=unit, channel=Response.Channel.PAPER, answers=encoded,
                comment=comment.strip(), form_number=form_number, entered_by=user,
                created_at=timezone.now(),
            )
            _count_one(response)
            history.record(user, "create", response, scope=group.survey, after={
                "group": group.code, "form_number": form_number,
                "unit": unit.code if unit else None, "channel": response.channel})
            return response
    except IntegrityError:
        raise ResponseError({"form_number": _("Form %(number)s has already been entered.") % {
            "number": form_number}}) from None


def review(actor, response: Response, status: str) -> Response:
    """A manager's decision on a response: counted (accepted) or not (rejected)."""
    _check(actor, response.group.survey.round)
    if status not in (Response.Status.ACCEPTED, Response.Status.REJECTED):
        raise ValueError(f"unknown review status '{status}'")
    _require_open(response.group)
    accepted = Response.Status.ACCEPTED
    with transaction.atomic():
        current = Response.objects.select_for_update().filter(pk=response.pk).values_list(
            "status", flat=True).get()
        response.status = status
        response.save(update_fields=["status"])
        if (current == accepted) != (status == accepted):
            _count_one(response, 1 if status == accepted else -1)
        history.record(actor, "review", response, scope=response.group.survey,
                       changes={"status": [current, status]})
    return response


def create_invitations(actor, group: RespondentGroup, count: int,
                       unit=None) -> list[Invitation]:
    """`count` new one-time codes for a closed group (for one unit, or any of the group's)."""
    _check(actor, group.survey.round)
    if not 0 < count <= 10000:
        raise ValueError("between 1 and 10000 codes at a time")
    existing = set(Invitation.objects.values_list("code", flat=True))
    codes: set[str] = set()
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if code not in existing:
            codes.add(code)
    with transaction.atomic():
        created = Invitation.objects.bulk_create(
            Invitation(group=group, code=code, unit=unit) for code in sorted(codes)
        )
        history.record(actor, "invite", group, scope=group.survey, after={
            "codes": count, "unit": unit.code if unit else None})
    return created


# --------------------------------------------------------------------------- file import


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
    """Store one response per row, all or nothing; raises InputError with row-numbered issues
    (the first MAX_KEPT_ERRORS of them; `.total` counts all).

    The doors are `import_file` and `start_import`, which check the policy; with `user` the
    import is a person's and leaves its `import` row in the change log.

    Columns: `unit_code` (optional when the group evaluates one unit), `form_number` (optional;
    unique in the group), `comment` (optional), and one column per question code holding the
    option code (A, B, …; blank: no answer). Rows are checked first (outside any transaction, so
    progress is visible), whole columns at a time when every cell is exactly right, row by row
    otherwise; then written in one transaction with their answer counts.
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
    existing_forms = set(
        Response.objects.filter(group=group).exclude(form_number="")
        .values_list("form_number", flat=True)
    )
    single_unit = next(iter(targets.values())) if len(targets) == 1 else None
    total = len(rows) - 1
    cols = (unit_col, form_col, comment_col)
    parsed = _fast_rows(rows, columns, cols, len(lay.questions), targets, single_unit,
                        existing_forms)
    if parsed is None:  # some cell needs a closer look: check row by row, saying where
        parsed = _checked_rows(rows, header, columns, cols, len(lay.questions), targets,
                               single_unit, existing_forms, problem, progress)
        if total_issues:
            raise InputError(issues, total_issues)
    unit_ids, answers, comments, forms = parsed
    if not answers:
        raise InputError([InputIssue(file, 2, "", _("The file has no responses."))])
    if progress is not None:
        progress(total, total)
    _insert(group, unit_ids, answers, comments, forms, job=job, user=user, filename=file)
    return len(answers)


def _fast_rows(rows, columns, cols, width, targets, single_unit, existing_forms):
    """The file's columns checked and converted whole (set and map operations that run in C);
    None as soon as any cell is not exactly as expected, for _checked_rows to report."""
    unit_col, form_col, comment_col = cols
    body = rows[1:]
    if not body or set(map(len, body)) != {len(rows[0])}:
        return None
    n = len(body)
    transposed = list(zip(*body, strict=True))
    per_position: list = [None] * width
    for index, position, accepted, _name, _valid in columns:
        values = transposed[index]
        if not accepted.keys() >= set(values):
            return None
        per_position[position] = list(map(accepted.__getitem__, values))
    if any(column is not None for column in per_position):
        answers = list(map("".join, zip(*(
            repeat(NO_ANSWER, n) if column is None else column for column in per_position),
            strict=True)))
    else:
        answers = [NO_ANSWER * width] * n
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
    return unit_ids, answers, comments, forms


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


def _insert(group: RespondentGroup, unit_ids: list, answers: list[str], comments: list[str],
            forms: list[str], *, job, user, filename: str = "") -> None:
    """One executemany of tuples zipped in C, straight through the cursor (building 100,000
    model instances for bulk_create would take longer than everything else together), and the
    answer counts, in one transaction."""
    meta = Response._meta
    names = ["group", "unit", "channel", "status", "flag", "answers", "comment", "form_number",
             "source", "import_job", "entered_by", "created_at"]
    columns = ", ".join(connection.ops.quote_name(meta.get_field(n).column) for n in names)
    sql = (f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
           f"VALUES ({', '.join(['%s'] * len(names))})")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    n = len(answers)
    params = zip(
        repeat(group.pk, n), unit_ids, repeat(Response.Channel.IMPORT.value),
        repeat(Response.Status.ACCEPTED.value), repeat(""), answers, comments, forms, repeat(""),
        repeat(job.pk if job else None), repeat(user.pk if user else None), repeat(now),
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        apply_counts(tally(group.pk, unit_ids, answers))
        if user is not None:
            history.record(user, "import", job or group, scope=group.survey, after={
                "group": group.code, "file": job.filename if job else filename,
                "responses": n})


def import_file(actor, group: RespondentGroup, path: str | Path, *, progress=None) -> int:
    """Import a responses file from disk (the `import-survey-responses` command)."""
    _check(actor, group.survey.round)
    return import_responses(group, read_rows(path), user=actor, progress=progress,
                            file=Path(path).name)


def start_import(user, group: RespondentGroup, upload) -> ImportJob:
    """Save the upload and a job row; the job runs in a background thread (the default) or is
    picked up by `parindex process-survey-imports` when SURVEY_IMPORTS_IN_THREAD is False. The
    change-log row is written with the responses, by the person who uploaded the file."""
    _check(user, group.survey.round)
    _require_open(group)
    job = ImportJob(group=group, filename=Path(upload.name).name[:255], created_by=user)
    job.file.save(Path(upload.name).name, File(upload), save=False)
    job.save()
    if getattr(settings, "SURVEY_IMPORTS_IN_THREAD", True):
        transaction.on_commit(lambda: threading.Thread(
            target=_run_in_thread, args=(job.pk,), daemon=True).start())
    return job


def _run_in_thread(job_pk: int) -> None:
    try:
        job = ImportJob.objects.filter(pk=job_pk).first()
        if job is not None:
            process_import_job(job)
    finally:
        close_old_connections()
        connection.close()


def process_import_job(job: ImportJob) -> ImportJob:
    """Run one waiting job (claimed atomically, so a thread and the command never both run it)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING)
    if not claimed:
        job.refresh_from_db()
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    try:
        with job.file.open("rb") as handle:
            rows = read_rows(handle, job.filename)
        ImportJob.objects.filter(pk=job.pk).update(rows_total=max(len(rows) - 1, 0))
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


def process_pending_imports() -> list[ImportJob]:
    return [process_import_job(job) for job in
            ImportJob.objects.filter(status=ImportJob.Status.PENDING).order_by("pk")]


# --------------------------------------------------------------------------- export


def export_header(group: RespondentGroup) -> list[str]:
    return (["response_id", "group", "unit_code", "unit_name", "channel", "status", "flag",
             "form_number", "submitted_at"] + [q.code for q in layout(group).questions]
            + ["comment"])


def export_rows(group: RespondentGroup) -> Iterable[list[str]]:
    """One row per response, a column per question code (the option code; blank: no answer).
    Two queries whatever the number of responses (the questions, then the responses)."""
    width = len(layout(group).questions)
    rows = (
        Response.objects.filter(group=group).order_by("pk")
        .values_list("pk", "unit__code", "unit__name", "channel", "status", "flag",
                     "form_number", "created_at", "answers", "comment")
        .iterator(chunk_size=5000)
    )
    for pk, unit_code, unit_name, channel, status, flag, form, created, answers, comment in rows:
        cells = [("" if ch == NO_ANSWER else ch) for ch in answers.ljust(width, NO_ANSWER)[:width]]
        yield ([str(pk), group.code, unit_code, unit_name, channel, status, flag, form,
                timezone.localtime(created).isoformat(timespec="seconds")] + cells + [comment])


def write_responses_xlsx(survey: Survey, handle) -> None:
    """All responses of the survey as XLSX into `handle`, a sheet per group, in openpyxl's
    write-only mode: rows go to disk as they are written, so memory stays flat whatever the
    number of responses."""
    from openpyxl import Workbook

    from parindex.engine.cells import xlsx_row

    book = Workbook(write_only=True)
    for group in survey.groups.all():
        sheet = book.create_sheet(title=group.code[:31])
        sheet.append(export_header(group))
        for row in export_rows(group):
            sheet.append(xlsx_row(sheet, row))
    book.save(handle)


# --------------------------------------------------------------------------- demo


def import_definition(actor, round: Round, path: str | Path, *,
                      replace: bool = False) -> Survey:
    """Store a survey definition file for `round` (the `load-survey` command): one `import`
    row with what the file holds; DefinitionError (nothing written) for a bad file."""
    _check(actor, round)
    with transaction.atomic():
        survey = load_survey(round, path, replace=replace)
        history.record(actor, "import", survey, scope=survey, after={
            "file": Path(path).name, "name": survey.name, "margin": survey.margin,
            "groups": survey.groups.count(),
            "questions": Question.objects.filter(group__survey=survey).count()})
    return survey


def load_demo_survey(round: Round, directory: str | Path | None = None) -> Survey | None:
    """The demo survey of `round` from examples/gialai: survey-YEAR.yaml for the definition and
    survey-YEAR-GROUP.csv for each group's answers. None when the round has no survey file."""
    directory = Path(directory or Path(settings.BASE_DIR) / "examples" / "gialai")
    definition = directory / f"survey-{round.year}.yaml"
    if not definition.exists():
        return None
    loaded = Survey.objects.filter(round=round).first()
    if loaded is not None and not policy.survey_open(loaded):
        return loaded  # its round's results are published: the answers are history, kept
    with transaction.atomic():
        # A reload starts the demo survey afresh: its responses go with it.
        delete_responses(RespondentGroup.objects.filter(survey__round=round))
        survey = load_survey(round, definition, replace=True)
        for group in survey.groups.all():
            answers = directory / f"survey-{round.year}-{group.code}.csv"
            if answers.exists():
                import_responses(group, read_rows(answers))
    return survey


# --------------------------------------------------------------------------- editing the survey


class EditRefused(Exception):
    """A change to the questionnaire that would break stored responses or the scoring."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _has_responses(group: RespondentGroup) -> bool:
    return Response.objects.filter(group=group).exists()


def _locked_message() -> str:
    return _("This group already has responses: each answer is stored by the place of its "
             "question and the code of its option, so questions and options can no longer be "
             "added, removed, moved or recoded. Texts, weights and sub-criteria stay editable.")


def create_survey_for(actor, round: Round, *, name: str, margin: Decimal) -> Survey:
    _check(actor, round)
    if Survey.objects.filter(round=round).exists():
        raise EditRefused(_("This round already has a survey."))
    check_margin(margin)
    with transaction.atomic():
        survey = Survey.objects.create(round=round, name=name.strip(), margin=margin)
        history.record(actor, "create", survey, scope=survey,
                       after={"round": round.code, "name": survey.name, "margin": margin})
    return survey


def check_margin(margin: Decimal) -> None:
    if not Decimal(0) < margin < Decimal(1):
        raise EditRefused(_("The margin of error must be between 0 and 1, e.g. 0.05."))


def update_survey(actor, survey: Survey, *, name: str, margin: Decimal) -> Survey:
    _check(actor, survey.round)
    check_margin(margin)
    with transaction.atomic():
        stored = Survey.objects.select_for_update().get(pk=survey.pk)
        changes = _changed({"name": stored.name, "margin": stored.margin},
                           {"name": name.strip(), "margin": margin})
        survey.name = name.strip()
        survey.margin = margin
        survey.save(update_fields=["name", "margin"])
        if changes:
            history.record(actor, "update", survey, scope=survey, changes=changes)
    return survey


def _group_state(group: RespondentGroup | None) -> dict:
    """What the log keeps of a group: its settings, units evaluated and section titles."""
    if group is None or group.pk is None:
        return {}
    return {
        "code": group.code, "name": group.name, "intro": group.intro, "access": group.access,
        "accepting": group.accepting,
        "units": [t.unit.code if t.population is None else f"{t.unit.code} (N={t.population})"
                  for t in group.targets.select_related("unit").order_by("unit__code")],
        "sections": [s.title for s in group.sections.order_by("position")],
    }


def save_group(actor, survey: Survey, group: RespondentGroup | None, *, code: str, name: str,
               intro: str, access: str, accepting: bool,
               targets: list[tuple[str, int | None]],
               sections: list[tuple[int | None, str]] | None = None) -> RespondentGroup:
    """Create or change a respondent group, replace its units evaluated, given as
    [(unit code, transactions N or None)] (a unit with responses cannot be taken away), and
    save its sections (see save_sections), all or nothing."""
    _check(actor, survey.round)
    if access not in RespondentGroup.Access.values:
        raise EditRefused(_("Choose who may answer."))
    clash = RespondentGroup.objects.filter(survey=survey, code=code)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise EditRefused(_("Another group of this survey has the code %(code)s.") % {
            "code": code})
    codes = [unit for unit, _population in targets]
    if len(set(codes)) != len(codes):
        raise EditRefused(_("A unit is listed twice."))
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    if len(units) != len(codes):
        raise EditRefused(_("Unknown unit."))
    if not codes:
        raise EditRefused(_("List the units this group evaluates."))
    with transaction.atomic():
        before = _group_state(group)
        if group is None:
            position = RespondentGroup.objects.filter(survey=survey).count()
            group = RespondentGroup(survey=survey, position=position)
        group.code, group.name, group.intro = code, name.strip(), intro.strip()
        group.access, group.accepting = access, accepting
        group.save()
        current = {t.unit.code: t for t in group.targets.select_related("unit")}
        removed = set(current) - set(codes)
        if removed and Response.objects.filter(
                group=group, unit__code__in=removed).exists():
            raise EditRefused(_("A unit that already has responses cannot be taken away: "
                                "%(units)s.") % {"units": ", ".join(sorted(removed))})
        GroupUnit.objects.filter(group=group, unit__code__in=removed).delete()
        changed, new = [], []
        for unit_code, population in targets:
            target = current.get(unit_code)
            if target is None:
                new.append(GroupUnit(group=group, unit=units[unit_code], population=population))
            elif target.population != population:
                target.population = population
                changed.append(target)
        GroupUnit.objects.bulk_update(changed, ["population"])
        GroupUnit.objects.bulk_create(new)
        if sections is not None:
            save_sections(group, sections)
        if changes := _changed(before, _group_state(group)):
            history.record(actor, "update" if before else "create", group, scope=survey,
                           changes=changes)
    return group


def save_sections(group: RespondentGroup, sections: list[tuple[int | None, str]]) -> None:
    """Rename sections and add new ones (id None) at the end; a section left with an empty title
    is removed when it has no questions. Part of `save_group`, which checks and logs."""
    with transaction.atomic():
        existing = {s.pk: s for s in group.sections.all()}
        used = set(Question.objects.filter(group=group).values_list("section_id", flat=True))
        renamed, removed = [], []
        position = max((s.position for s in existing.values()), default=-1) + 1
        for pk, title in sections:
            title = title.strip()
            if pk is None:
                if title:
                    Section.objects.create(group=group, position=position, title=title)
                    position += 1
                continue
            section = existing.get(pk)
            if section is None:
                raise EditRefused(_("Unknown section."))
            if not title:
                if pk in used:
                    raise EditRefused(_("The section “%(title)s” has questions: move or delete "
                                        "them before removing it.") % {"title": section.title})
                removed.append(pk)
            elif title != section.title:
                section.title = title
                renamed.append(section)
        Section.objects.bulk_update(renamed, ["title"])
        Section.objects.filter(pk__in=removed).delete()


def _renumber(group: RespondentGroup) -> None:
    """Positions 0, 1, 2… in questionnaire order (sections, then questions within each)."""
    questions = list(Question.objects.filter(group=group).order_by("section__position",
                                                                    "position"))
    Question.objects.filter(group=group).update(position=F("position") + 100000)
    for index, question in enumerate(questions):
        question.position = index
    Question.objects.bulk_update(questions, ["position"])


def _question_state(question: Question | None) -> dict:
    """What the log keeps of a question: its texts, section and options."""
    if question is None or question.pk is None:
        return {}
    return {
        "code": question.code, "text": question.text, "section": question.section.title,
        "leaf_code": question.leaf_code, "required": question.required,
        "options": [f"{o.code}: {o.label} ({'–' if o.weight is None else o.weight})"
                    for o in question.options.order_by("position")],
    }


def save_question(actor, group: RespondentGroup, question: Question | None, *, code: str,
                  text: str,
                  section_id: int, leaf_code: str, required: bool,
                  options: list[tuple[str, str, Decimal | None]]) -> Question:
    """Create or change a question and its answer options [(code, label, weight)].

    Weights (0..1, None for "don't know"), texts, labels and the sub-criterion stay editable at
    any time; once the group has responses, the options' codes and order and the question's
    section are fixed, and no question can be added.
    """
    _check(actor, group.survey.round)
    errors = []
    codes = [c for c, _label, _weight in options]
    if not options:
        errors.append(_("Give at least one answer option."))
    if len(set(codes)) != len(codes):
        errors.append(_("An option code is used twice."))
    for option_code, _label, weight in options:
        if len(option_code) != 1 or not option_code.isalnum():
            errors.append(_("An option code is one letter or digit."))
        if weight is not None:
            try:
                scoring.check_weight(weight)
            except ValueError:
                errors.append(_("The weight of %(code)s must be between 0 and 1.") % {
                    "code": option_code})
    if leaf_code:
        allowed = {c for leaves in survey_leaves(group.survey.round).values() for c in leaves}
        if leaf_code not in allowed:
            errors.append(_("%(code)s is not a survey sub-criterion of this round's "
                            "frameworks.") % {"code": leaf_code})
    section = Section.objects.filter(group=group, pk=section_id).first()
    if section is None:
        errors.append(_("Unknown section."))
    clash = Question.objects.filter(group=group, code=code)
    if question is not None:
        clash = clash.exclude(pk=question.pk)
    if clash.exists():
        errors.append(_("Another question of this group has the code %(code)s.") % {"code": code})
    if errors:
        raise EditRefused(" ".join(dict.fromkeys(str(e) for e in errors)))

    with transaction.atomic():
        before = _question_state(question)
        locked = _has_responses(group)
        current = list(question.options.order_by("position")) if question is not None else []
        if locked and (question is None or section.pk != question.section_id
                       or [o.code for o in current] != codes):
            raise EditRefused(_locked_message())
        moved = question is None or section.pk != question.section_id
        if question is None:
            question = Question(group=group, position=100000 + Question.objects.filter(
                group=group).count())
        question.section, question.code, question.text = section, code, text.strip()
        question.leaf_code, question.required = leaf_code, required
        question.save()
        if locked:
            for option, (_code, label, weight) in zip(current, options, strict=True):
                option.label, option.weight = label.strip(), weight
            Option.objects.bulk_update(current, ["label", "weight"])
        else:
            Option.objects.filter(question=question).delete()
            Option.objects.bulk_create(
                Option(question=question, position=i, code=c, label=label.strip(), weight=w)
                for i, (c, label, w) in enumerate(options))
        if moved:
            _renumber(group)
        if changes := _changed(before, _question_state(question)):
            history.record(actor, "update" if before else "create", question,
                           scope=group.survey, part=group.code, changes=changes)
    return question


def delete_question(actor, question: Question) -> None:
    group = question.group
    _check(actor, group.survey.round)
    with transaction.atomic():
        if _has_responses(group):
            raise EditRefused(_locked_message())
        history.record(actor, "delete", question, scope=group.survey, part=group.code,
                       before=_question_state(question))
        question.delete()
        _renumber(group)
