"""How fast is a survey import + scoring next to only parsing the same file with the csv module?

Builds a throwaway database (SQLite in a temporary directory, or PostgreSQL with --database-url
naming a database that does not exist yet: it is created, migrated and dropped), a round with a
survey of 8 scored questions and one unscored over U units, writes a CSV of R forms, then, in
each of --runs runs, times back to back on the same file:

  baseline  list(csv.reader(file))                          — parse only
  survey    import_file(group, file) + survey_points(round) — read through the one reader,
            check every cell, store in one transaction with the answer counts and the change
            log, then compute every unit's points from the counts

and prints the min and the median over the runs of each time and of the ratio survey/baseline
(each run's ratio uses that run's baseline: the machine is shared and its speed drifts), and
whether the target, ≤ 3×, is met by the median.

The import switches Python's cycle collector off while it reads and stores (the rows are
100,000s of lists without cycles, which each collection would walk again); that alone makes
its reading faster than the plain baseline. So that the figure owes nothing to that, each run
also times the baseline with the collector off (`strict`), and the ratio to it is printed too.

History. While each imported form was a Response row (commit 0862171, this script, 100,000 rows,
100 units, 7 runs) the ratio was min 4.8×, median 8.9× on SQLite and min 22×, median 30× on
PostgreSQL, and the bare insert of those rows with sqlite3's executemany — no Django, no
checks — was already 4.5×: no code around one row per form could reach 3×. So imported forms are
now stored per file (models.ImportBatch, its forms packed column-wise 10,000 to a PackedForms
row): the insert is a dozen rows, and what is left is the reader, the column-wise checks and the
counting, all in C loops (see surveys/services/imports.py). Now: median about 2.2× on SQLite and
2.3× on PostgreSQL (5.8× and 7× to `strict`). Small files stay above 3×: at 10,000 rows the
parse takes 4 ms and the import's fixed queries about 20 ms.

    .venv/bin/python bench/survey.py [--rows 100000] [--units 100] [--runs 7]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_survey_tmp]
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

TARGET = 3.0


@contextmanager
def throwaway_database(directory: Path, url: str | None):
    """DATABASE_URL for a fresh database: SQLite in `directory`, or the PostgreSQL database of
    `url`, created here (refused if it exists) and dropped on the way out."""
    if not url:
        yield f"sqlite:///{directory / 'bench.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def setup_django(directory: Path, database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "parindex.settings.base"
    os.environ["DEBUG"] = "0"  # as in production: no query log kept in memory
    os.environ["PARINDEX_VAR"] = str(directory)
    os.environ["DATABASE_URL"] = database_url
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


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def summary(values: list[float]) -> str:
    return f"min {min(values):7.3f}  median {statistics.median(values):7.3f}"


def measure(args, directory: Path) -> dict[str, list[float]]:
    """Per run: the baseline, the import + points, and their ratio."""
    from django.contrib.auth import get_user_model

    from parindex.surveys.models import RespondentGroup
    from parindex.surveys.selectors import survey_points
    from parindex.surveys.services import delete_responses, import_file

    round_, group, codes = build(args.units)
    admin = get_user_model().objects.get(username="bench")
    path = directory / "responses.csv"
    write_file(path, args.rows, codes)

    def baseline():
        with open(path, encoding="utf-8", newline="") as handle:
            return len(list(csv.reader(handle)))

    def survey():
        return import_file(admin, group, path), survey_points(round_)

    def strict():
        gc.disable()
        try:
            return baseline()
        finally:
            gc.enable()

    times: dict[str, list[float]] = {k: [] for k in ("baseline", "strict", "survey", "ratio",
                                                      "strict ratio")}
    for _ in range(args.runs):
        delete_responses(RespondentGroup.objects.all())
        base_time, lines = timed(baseline)
        strict_time, _lines = timed(strict)
        survey_time, (count, points) = timed(survey)
        assert lines == args.rows + 1 and count == args.rows and len(points) == args.units
        times["baseline"].append(base_time)
        times["strict"].append(strict_time)
        times["survey"].append(survey_time)
        times["ratio"].append(survey_time / base_time)
        times["strict ratio"].append(survey_time / strict_time)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a PostgreSQL database to create, use and drop (default: SQLite)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, \
            throwaway_database(Path(tmp), args.database_url) as url:
        setup_django(Path(tmp), url)
        times = measure(args, Path(tmp))
    engine = "PostgreSQL" if args.database_url else "SQLite"
    ratios = times["ratio"]
    met = statistics.median(ratios) <= TARGET
    print(f"{engine}, rows: {args.rows:,}  units: {args.units}  runs: {args.runs}")
    print(f"baseline csv.reader only (s):             {summary(times['baseline'])}")
    print(f"strict: the same, cycle collector off (s): {summary(times['strict'])}")
    print(f"survey import + every unit's points (s):  {summary(times['survey'])}")
    print(f"ratio (per run):                          {summary(ratios)}"
          f"  target <= {TARGET:g}x: {'met' if met else 'NOT met'}")
    print(f"ratio to strict (per run):                {summary(times['strict ratio'])}")


if __name__ == "__main__":
    main()
