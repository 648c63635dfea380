"""The national case end to end: built through the product's own commands, then every figure.

Creates a fresh database — SQLite in a temporary directory by default, or with --database-url
a PostgreSQL database that must not exist yet (created, migrated and dropped here) — and builds
N units × M leaves (every rule kind, some NA) as a province would, timing each command:

    parindex migrate; parindex createsuperuser
    parindex import-units units.csv --as …          (N communes and the province)
    parindex import-framework framework.yaml --as …
    parindex open-round round.yaml --as …           (kind: results, as a published national case)
    parindex import-scores ROUND scores.csv --as …   (N × M appraised values)
    parindex round-results ROUND compute|publish --as …

Then runs the existing benches' measurements against that database (their functions, imported),
each against a baseline measured in the same run, min and median of --repeat runs (the
machine is shared and noisy), and prints one table — every figure, met or not:

- pages (bench/pages.py): each page's p95 and its ratio to the login page's; goal p95 < 100 ms;
- exports (bench/results.py): the XLSX annex vs the bare streaming writer (≤ 1.5×); the PDF
  annex (< 30 s);
- import (bench/imports.py): import-scores into a second, empty results round vs a plain
  executemany of the same rows, each in a child process (≤ 5×); its peak RSS (< 300 MB);
- compute (bench/results.py): round_results vs SQL `SUM(points) … GROUP BY unit_id` (≤ 2×);
- survey import (bench/survey.py): import + points vs csv parse only (≤ 3×), in the same
  database.

The load test (bench/load/run.py: gunicorn, locust, PostgreSQL) is not run unless --with-load.

    .venv/bin/python bench/national.py [--units 5000] [--leaves 120] [--repeat 3] [--small]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_national_tmp] [--with-load]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))

from engine import raw_value, synthetic_framework  # noqa: E402  (pure: no Django)
from parindex.engine.framework import framework_from_dict  # noqa: E402
from parindex.engine.io import dump_framework_yaml  # noqa: E402
from survey import throwaway_database  # noqa: E402  (Django set up only when asked)

ADMIN = "snv.national"
ROUND = "national"
IMPORT_ROUND = "national-import"  # the import measurement's own round, left unpublished
FRAMEWORK = "national"


# --------------------------------------------------------------------------- the case


def write_files(work: Path, units: int, leaves: int) -> dict[str, Path]:
    """The province's files: units, framework, the two round files, the scores."""
    files = {name: work / name for name in
             ("units.csv", "framework.yaml", "round.yaml", "import-round.yaml", "scores.csv")}
    with files["units.csv"].open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name", "unit_group"])
        writer.writerow(["TINH", "UBND tỉnh", "tinh"])
        writer.writerows([f"X{i:05d}", f"UBND xã số {i}", "xa"] for i in range(units))
    definition = synthetic_framework(leaves)
    definition["code"], definition["name"] = FRAMEWORK, "Bộ chỉ số cấp xã (national bench)"
    fw = framework_from_dict(definition)
    files["framework.yaml"].write_text(dump_framework_yaml(fw), encoding="utf-8")
    for name, code in (("round.yaml", ROUND), ("import-round.yaml", IMPORT_ROUND)):
        files[name].write_text(
            f"code: {code}\nname: Chỉ số CCHC cấp xã năm 2024 ({code})\nyear: 2024\n"
            f"organiser: TINH\nkind: results\ngroups:\n  - {{group: xa, framework: {FRAMEWORK}}}\n",
            encoding="utf-8")
    rng = random.Random(7)
    with files["scores.csv"].open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["unit_code", "criterion_code", "value", "stage"])
        for i in range(units):
            writer.writerows([f"X{i:05d}", leaf.code, raw_value(rng, leaf), "appraised"]
                             for leaf in fw.leaves().values())
    return files


def build(work: Path, env: dict, files: dict[str, Path]) -> list[tuple[str, float]]:
    """Each command as a separate `parindex` run, as an operator would type it; its seconds."""
    steps = [
        ("migrate", ["migrate", "--verbosity", "0"]),
        ("createsuperuser", ["createsuperuser", "--noinput", "--username", ADMIN,
                             "--email", "snv@example.org"]),
        ("import-units", ["import-units", str(files["units.csv"]), "--as", ADMIN]),
        ("import-framework", ["import-framework", str(files["framework.yaml"]), "--as", ADMIN]),
        ("open-round", ["open-round", str(files["round.yaml"]), "--as", ADMIN]),
        ("import-scores", ["import-scores", ROUND, str(files["scores.csv"]), "--as", ADMIN]),
        ("round-results compute", ["round-results", ROUND, "compute", "--as", ADMIN]),
        ("round-results publish", ["round-results", ROUND, "publish", "--as", ADMIN,
                                   "--decision", "01/QĐ-UBND", "--date", "2025-04-15"]),
        ("open-round (import round)", ["open-round", str(files["import-round.yaml"]),
                                       "--as", ADMIN]),
    ]
    times = []
    for label, argv in steps:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "parindex.cli", *argv], env=env, cwd=work,
                              capture_output=True, text=True)
        took = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"parindex {' '.join(argv)} failed ({done.returncode}):\n"
                     f"{done.stdout}{done.stderr}")
        times.append((label, took))
        print(f"  parindex {label:<28} {took:8.1f} s", flush=True)
    return times


# --------------------------------------------------------------------------- the table


def ms(values: list[float]) -> str:
    return f"{min(values) * 1000:.1f} / {statistics.median(values) * 1000:.1f} ms"


def sec(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} s"


def ratio_row(figure: str, measured: list[float], baseline: list[float], goal: float,
              unit=sec, baseline_name: str = "") -> list[str]:
    """A row whose ratio is per run (each run against its own baseline), met by the median."""
    ratios = [m / b for m, b in zip(measured, baseline, strict=True)]
    median = statistics.median(ratios)
    return [figure, unit(measured), f"{unit(baseline)} {baseline_name}".strip(),
            f"{min(ratios):.2f}× / {median:.2f}×", f"≤ {goal:g}× (median)",
            "yes" if median <= goal else "NO"]


def measure(args, work: Path) -> list[list[str]]:
    """Every figure against its baseline, from the benches' own functions."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    import imports as import_bench
    import pages as page_bench
    import results as results_bench
    import survey as survey_bench
    from parindex.assessments.models import Round
    from parindex.results import selectors as snaps

    rows: list[list[str]] = []
    admin = get_user_model().objects.get(username=ADMIN)
    rnd = Round.objects.get(code=ROUND)
    runs = args.repeat

    # Pages: each page's p95 against the login page's.
    staff = Client()
    staff.force_login(admin)
    listed = page_bench.pages(rnd, f"X{args.units // 2:05d}", staff)
    measured = page_bench.measure_pages(listed, max(5, 7 * runs))
    login = measured[0][1]
    for label, times, _size in measured:
        if times is None:
            rows.append([f"page: {label}", "not measured (not 200 on a results round)",
                         "", "", "p95 < 100 ms", "n/a"])
            continue
        high = page_bench.p95(times)
        rows.append([f"page: {label}", f"{ms(times)} (p95 {high * 1000:.1f})",
                     f"{ms(login)} (p95 {page_bench.p95(login) * 1000:.1f}) login",
                     f"p95 {high / page_bench.p95(login):.1f}× login", "p95 < 100 ms",
                     "yes" if high < page_bench.GOAL else "NO"])
    print("  pages measured", flush=True)

    # Exports: the XLSX annex against the bare writer; the PDF annex.
    tables = snaps.tables(rnd, compare=False)
    styled, bare = results_bench.excel_times(rnd, tables, runs)
    rows.append(ratio_row("XLSX annex vs bare writer", styled, bare, 1.5, baseline_name="bare"))
    if args.no_pdf:
        rows.append(["PDF annex (Typst)", "skipped (--no-pdf)", "", "", "< 30 s", "n/a"])
    else:
        took, size = results_bench.pdf_seconds(rnd)
        rows.append(["PDF annex (Typst)", f"{took:.1f} s (one run, {size / 1e6:.1f} MB)",
                     "— (absolute goal)", "", "< 30 s", "yes" if took < 30 else "NO"])
    print("  exports measured", flush=True)

    # Compute: round_results against the bare SQL sum of the same points.
    computed, summed = results_bench.compute_times(rnd, max(3, runs))
    rows.append(ratio_row("compute (round_results) vs SQL SUM", computed, summed, 2, unit=ms,
                          baseline_name="SQL"))
    print("  compute measured", flush=True)

    # Import: import-scores into the empty round against executemany, in children.
    import_round = Round.objects.get(code=IMPORT_ROUND)
    scores, plain = work / "scores.csv", work / "plain.pickle"
    import_bench.write_plain(import_round, admin, scores, plain)
    done = import_bench.measure(runs, IMPORT_ROUND, ADMIN, scores, plain)
    rows.append(ratio_row("import-scores vs executemany", done["import"], done["executemany"],
                          5, baseline_name="executemany"))
    peak = done["peak"] / 2**20
    rows.append(["import-scores peak RSS", f"{peak:.0f} MB",
                 f"{done['peak executemany'] / 2**20:.0f} MB executemany", "",
                 "< 300 MB", "yes" if peak < 300 else "NO"])
    print("  import measured", flush=True)

    # Survey import: import + every unit's points against csv parse only.
    survey_args = argparse.Namespace(rows=args.survey_rows, units=args.survey_units,
                                     runs=max(3, runs))
    times = survey_bench.measure(survey_args, work)
    rows.append(ratio_row(f"survey import ({args.survey_rows:,} forms) vs csv parse",
                          times["survey"], times["baseline"], survey_bench.TARGET,
                          baseline_name="csv"))
    print("  survey measured", flush=True)
    return rows


def print_table(rows: list[list[str]]) -> None:
    head = ["figure", "measured (min / median)", "baseline (min / median)", "ratio", "goal",
            "met?"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, ["-" * w for w in widths], *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def load_test(args) -> int:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    done = subprocess.run([sys.executable, str(BENCH / "load" / "run.py"),
                           *(["--smoke"] if args.small else [])], env=env, cwd=ROOT)
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--leaves", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measurement (pages: 7 × as many samples)")
    parser.add_argument("--survey-rows", type=int, default=100_000)
    parser.add_argument("--survey-units", type=int, default=100)
    parser.add_argument("--small", action="store_true",
                        help="40 units × 20 leaves, repeat 1, 2,000 survey forms (for CI)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF annex")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL database to create, use and drop (default: SQLite)")
    parser.add_argument("--with-load", action="store_true",
                        help="also run bench/load/run.py (PostgreSQL; --smoke with --small)")
    args = parser.parse_args()
    if args.small:
        args.units, args.leaves, args.repeat = 40, 20, 1
        args.survey_rows, args.survey_units = 2000, 10
    if args.leaves < 12:
        parser.error("--leaves must be at least 12 (every rule kind plus the blocks)")

    with tempfile.TemporaryDirectory(prefix="parindex-national-") as tmp, \
            throwaway_database(Path(tmp), args.database_url) as url:
        work = Path(tmp)
        env = {**os.environ, "DATABASE_URL": url, "PARINDEX_VAR": str(work),
               "DJANGO_SETTINGS_MODULE": "parindex.settings.dev", "DEBUG": "false",
               "ALLOWED_HOSTS": "testserver",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                           os.environ.get("PYTHONPATH")])),
               "DJANGO_SUPERUSER_PASSWORD": "national-bench"}
        os.environ.update(env)
        engine = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{engine}: {args.units} units × {args.leaves} leaves = "
              f"{args.units * args.leaves:,} scores, repeat {args.repeat}", flush=True)
        start = time.perf_counter()
        files = write_files(work, args.units, args.leaves)
        print(f"  files written                    {time.perf_counter() - start:8.1f} s")
        steps = build(work, env, files)
        print(f"  built through the commands in {sum(t for _l, t in steps):.1f} s", flush=True)

        import django

        django.setup()
        rows = measure(args, work)
        from django.db import connections

        connections.close_all()

    print(f"\n{engine}, {args.units} units × {args.leaves} leaves, {args.repeat} runs "
          f"(min / median; ratios per run, against the baseline of the same run)\n")
    print_table(rows)
    print("\nload test (gunicorn + locust on PostgreSQL, lost-write check): "
          + ("below" if args.with_load else "not run; python bench/load/run.py, or --with-load"))
    if args.with_load:
        return load_test(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
