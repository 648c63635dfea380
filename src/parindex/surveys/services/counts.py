"""Answer counts: the running tally of accepted answers per unit, question and option, kept in
the same transaction as the responses they count, so survey points never need a full scan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from operator import add, itemgetter

from django.db import connection, transaction
from django.db.models import Sum

from ..models import (
    NO_ANSWER,
    AnswerCount,
    ImportBatch,
    Response,
    Survey,
)
from ..selectors import imported_columns


def tally(group_id: int, unit_ids: Iterable[int], answers: list[str]) -> Counter:
    """tally_columns of responses given one answers text each (Response.answers)."""
    return tally_columns(group_id, list(unit_ids), answer_columns(answers))


def answer_columns(answers: list[str]) -> list[str]:
    """Per-form answer texts turned column-wise: one text per question position, character k
    being form k's answer there (short texts padded with no answer)."""
    if not answers:
        return []
    width = max(map(len, answers))
    if min(map(len, answers)) != width:
        answers = [a.ljust(width, NO_ANSWER) for a in answers]
    return ["".join(map(itemgetter(position), answers)) for position in range(width)]


def tally_columns(group_id: int, unit_ids: list[int], columns: list[str]) -> Counter:
    """{(group id, unit id, position, option code): n} of these forms' answers (columns as
    answer_columns gives them), plus (group, unit, 0, "") → the number of forms.

    Counted in C: an ASCII column (the usual A, B, C…) as ints unit·256 + byte (map over the
    column's bytes; ints hash and compare faster than (unit, character) tuples), any other
    column as Counter over zip."""
    per_unit = Counter(unit_ids)
    result: Counter = Counter({(group_id, unit_id, 0, AnswerCount.RESPONSES): n
                               for unit_id, n in per_unit.items()})
    units = list(per_unit)
    shifted = {unit_id: index << 8 for index, unit_id in enumerate(units)}
    keys = list(map(shifted.__getitem__, unit_ids))
    for position, column in enumerate(columns):
        if len(column) != len(unit_ids):
            raise ValueError("an answer column is not as long as the list of units")
        if column.isascii():
            counted = Counter(map(add, keys, column.encode("ascii")))
            pairs = {(units[key >> 8], chr(key & 255)): n for key, n in counted.items()}
        else:
            pairs = Counter(zip(unit_ids, column, strict=True))
        for (unit_id, char), n in pairs.items():
            if char != NO_ANSWER:
                result[(group_id, unit_id, position, char)] = n
    return result


UPSERT_ROWS = 1000  # rows per statement: 5,000 parameters, under every backend's limit


def apply_counts(counts: Mapping[tuple, int], sign: int = 1) -> None:
    """Add (or, with sign -1, take away) counts to AnswerCount: upserts that add to the stored
    numbers in the database, so concurrent writers never lose an answer. Call it inside the
    transaction that writes the responses. Additions go in few statements: UPSERT_ROWS rows a
    statement, or on PostgreSQL all of them as five arrays (unnest) in one."""
    if not counts:
        return
    q = connection.ops.quote_name
    table = q(AnswerCount._meta.db_table)
    names = [q(AnswerCount._meta.get_field(n).column)
             for n in ("group", "unit", "position", "option", "count")]
    if sign < 0:  # the rows exist: the responses taken away were counted when written
        where = " AND ".join(f"{name} = %s" for name in names[:4])
        sql = f"UPDATE {table} SET {names[4]} = {names[4]} - %s WHERE {where}"
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(n, *key) for key, n in counts.items() if n])
        return
    rows = [(*key, n) for key, n in counts.items() if n]
    upsert = (f"INSERT INTO {table} ({', '.join(names)}) %s "
              f"ON CONFLICT ({', '.join(names[:4])}) "
              f"DO UPDATE SET {names[4]} = {table}.{names[4]} + excluded.{names[4]}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # five arrays, one statement
            cursor.execute(upsert % "SELECT * FROM unnest(%s::bigint[], %s::bigint[], "
                           "%s::integer[], %s::varchar[], %s::integer[])",
                           [list(column) for column in zip(*rows, strict=True)])
            return
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start:start + UPSERT_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(upsert % f"VALUES {values}", [v for row in chunk for v in row])


def _count_one(response: Response, sign: int = 1) -> None:
    apply_counts(tally(response.group_id, [response.unit_id], [response.answers]), sign)


def recount(survey: Survey) -> None:
    """Rebuild the survey's AnswerCount rows from its counted forms: accepted Response rows and
    every imported form (a repair tool; the services keep them right as they write)."""
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
        for group_id, units, columns in imported_columns(survey):
            apply_counts(tally_columns(group_id, units, columns))


def delete_responses(groups) -> int:
    """Delete every form of these respondent groups (a queryset), online, paper and imported,
    and their counts; the number of forms deleted."""
    with transaction.atomic():
        AnswerCount.objects.filter(group__in=groups).delete()
        imported = ImportBatch.objects.filter(group__in=groups).aggregate(
            n=Sum("forms"))["n"] or 0
        ImportBatch.objects.filter(group__in=groups).delete()
        deleted, _by_model = Response.objects.filter(group__in=groups).delete()
    return deleted + imported
