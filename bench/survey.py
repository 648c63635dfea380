"""How fast is a survey import + scoring next to only parsing the same file with the csv module?

Builds a throwaway SQLite database (migrated), a round with a survey of 8 scored questions and
one unscored over U units, writes a CSV of R forms, then times, best of a few repetitions:

  baseline  list(csv.reader(file))                          — parse only
  survey    import_file(group, file) + survey_points(round) — read, check every cell, store in
            one transaction, then count the answers in the database and compute every unit's
            points

and prints the ratio measured in this run. Target: ≤ 3×.

It also prints, as a reference, where the time goes:

  floor     the very rows the import stored, read back and inserted again with the sqlite3
            module's executemany on the app's own connection (same table, indexes, foreign
            keys and pragmas; no Django, no checking, no counting), in one transaction

baseline + floor is the least any design that stores one row per imported form can take, so
(baseline + floor) / baseline is the best ratio such a design can reach on this machine. With
the Response table of today the floor alone is 4–5× the baseline, so the target cannot be met
while each imported form is a row. Measured outside this script (100,000 rows), much of the
floor is the table's shape: AUTOINCREMENT (Django's primary key on SQLite) about 0.1 s, the
UNIQUE invitation column (indexed even when NULL) about 0.04 s, binding the seven columns that
are the same on every imported row about 0.09 s. Without all three the floor is still about 2×
the baseline, and reading, checking and counting the answers take about 3× on their own (the
parse included), so one row per form stays above 4× whatever the code around it.

    .venv/bin/python bench/survey.py [--rows 100000] [--units 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def setup_django(directory: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "parindex.settings.base"
    os.environ["DEBUG"] = "0"  # as in production: no query log kept in memory
    os.environ["PARINDEX_VAR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(units: int):
    from django.contrib.auth import get_user_model

    from parindex.assessments.models import Round
    from parindex.engine.framework import framework_from_dict
    from parindex.frameworks.services import import_framework
    from parindex.surveys.services.definitions import create_survey
    from parindex.units.models import Unit, UnitGroup

    group = UnitGroup.objects.create(code="huyen", name="Cấp huyện")
    codes = [f"U{i:04d}" for i in range(units)]
    Unit.objects.bulk_create(Unit(code=c, name=f"UBND {c}", group=group) for c in codes)
    admin = get_user_model().objects.create_superuser("bench")
    framework = import_framework(admin, framework_from_dict({
        "code": "bench", "name": "Bench", "year": 2021, "unit_group": "huyen",
        "nodes": [{"code": "8", "title": "Điều tra", "children": [
            {"code": "8.1", "title": "Hài lòng", "max": 12, "rule": {"kind": "survey"}},
            {"code": "8.2", "title": "Thủ tục", "max": 6, "rule": {"kind": "survey"}}]}],
    }))
    round_ = Round.objects.create(code="bench", name="Bench", year=2021)
    round_.frameworks.add(framework)
    questions = [{"code": f"Q{i + 1}", "text": f"Câu {i + 1}", "leaf": "8.1" if i < 5 else "8.2"}
                 for i in range(8)]
    questions.append({"code": "LV", "text": "Lĩnh vực", "required": False,
                      "options": [{"code": str(i), "label": f"LV {i}"} for i in range(1, 6)]})
    survey = create_survey(round_, {
        "name": "Bench", "groups": [{
            "code": "nguoi-dan", "name": "Người dân",
            "units": [{"unit": c, "transactions": 20000} for c in codes],
            "sections": [{"title": "Câu hỏi", "questions": questions}]}]})
    return round_, survey.groups.get(), codes


def write_file(path: Path, rows: int, codes: list[str]) -> None:
    rng = random.Random("bench-survey")
    letters = "AAAABBBCDX"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["form_number", "unit_code", *[f"Q{i + 1}" for i in range(8)], "LV",
                         "comment"])
        for n in range(rows):
            writer.writerow([f"F{n:07d}", rng.choice(codes),
                             *[rng.choice(letters) for _ in range(8)], rng.randint(1, 5),
                             "Tốt" if n % 50 == 0 else ""])


def best(fn, repeat: int, before=None) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def sqlite_floor(repeat: int) -> float:
    """Best time to insert again, with sqlite3 alone, the Response rows now in the database (the
    rows the import stored), deleting them before each try; they are in the table again after."""
    from django.db import connection

    from parindex.surveys.models import Response

    meta = Response._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in meta.concrete_fields
                        if not f.primary_key)
    connection.ensure_connection()
    raw = connection.connection  # the sqlite3.Connection Django opened, with its pragmas
    rows = raw.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(rows[0]))})"
    times = []
    for _ in range(repeat):
        raw.execute(f"DELETE FROM {table}")
        raw.execute("BEGIN")
        start = time.perf_counter()
        raw.executemany(sql, rows)
        raw.execute("COMMIT")  # deferred foreign-key checks run here: part of the cost
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        setup_django(directory)
        from parindex.surveys.models import RespondentGroup
        from parindex.surveys.selectors import survey_points
        from parindex.surveys.services import delete_responses, import_file

        round_, group, codes = build(args.units)
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.get(username="bench")
        path = directory / "responses.csv"
        write_file(path, args.rows, codes)

        def baseline():
            with open(path, encoding="utf-8", newline="") as handle:
                return len(list(csv.reader(handle)))

        def clear():
            delete_responses(RespondentGroup.objects.all())

        def survey():
            count = import_file(admin, group, path)
            return count, survey_points(round_)

        base_time, lines = best(baseline, args.repeat)
        survey_time, (count, points) = best(survey, args.repeat, before=clear)
        import_time, _ = best(lambda: import_file(admin, group, path), 1, before=clear)
        score_time, _ = best(lambda: survey_points(round_), args.repeat)
        floor_time = sqlite_floor(args.repeat)

    assert lines == args.rows + 1 and count == args.rows and len(points) == args.units
    print(f"rows: {args.rows:,}  units: {args.units}  (best of {args.repeat})")
    print(f"baseline csv.reader only:           {base_time:8.3f} s")
    print(f"survey import + every unit's points: {survey_time:8.3f} s"
          f"  (import {import_time:.3f} s, points {score_time:.3f} s)")
    print(f"floor: storing {args.rows:,} rows in SQLite: {floor_time:8.3f} s"
          "  (sqlite3 executemany of the same rows, no Django)")
    print(f"ratio: {survey_time / base_time:.2f}x  (target <= 3x; one row per form cannot go "
          f"below {(base_time + floor_time) / base_time:.2f}x)")


if __name__ == "__main__":
    main()
