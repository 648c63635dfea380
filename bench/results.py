"""Results at national scale: compute-and-store a round, the ranking page, the Excel annex.

N units × M leaves in one unit group (every rule kind, some NA), stored in a fresh SQLite
database under a temporary directory (or the throwaway PostgreSQL database of DATABASE_URL),
the scores through the product's import door. Each measurement is printed next to a baseline measured
in the same run (best of --repeat):

- computing a round from the database (`results.selectors.round_results`: the stored points
  summed per unit and top-level node in SQL, the rest by the engine) vs the bare SQL
  `SELECT unit_id, SUM(points) … GROUP BY unit_id` over the same Score rows (both read the
  covering index `score_sums`, which also makes the baseline itself faster), alternated, min
  and median of each and of the ratio (target ≤ 2×); and the same leaf by leaf
  (`leaves=True`, every value parsed, as compute-and-store needs each leaf's points);
- compute-and-store (`services.compute_round`) vs computing alone through the engine
  (`results.selectors.round_results`, the same reads without storing the snapshot);
- the ranking page (Django test client, first page of 100 rows) vs reading the same rows'
  headline columns with a bare `values_list`; the page's absolute time is reported against
  the 100 ms goal;
- the Excel annex (ranking sheet + one detail sheet, a row per unit and criterion) vs openpyxl
  writing the very same cells as bare values with no formatting, both to a temporary file, run
  in alternation; the ratio's min and median over the runs. Target: ≤ 1.5×. Then the peak
  Python memory of one formatted run (tracemalloc, untimed) and the whole download through the
  view (request to last byte);
- the PDF annex (Typst), one run, against the 30 s goal (skip with --no-pdf).

    .venv/bin/python bench/results.py [--units 5000] [--leaves 120] [--repeat 3] [--no-pdf]
                                      [--compute-only]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
if "PARINDEX_VAR" not in os.environ:  # (a child, or bench/national.py, has one)
    os.environ["PARINDEX_VAR"] = tempfile.mkdtemp(prefix="parindex-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ["DEBUG"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from engine import raw_value, synthetic_framework  # noqa: E402
from parindex.assessments.models import Round, Score  # noqa: E402
from parindex.assessments.services import import_scores  # noqa: E402
from parindex.engine.framework import framework_from_dict  # noqa: E402
from parindex.frameworks.services import import_framework  # noqa: E402
from parindex.results import selectors as snaps  # noqa: E402
from parindex.results import services  # noqa: E402
from parindex.results.exports import annex_cells, annex_file, write_annex  # noqa: E402
from parindex.results.models import ResultRow  # noqa: E402
from parindex.results.pdf import render_pdf  # noqa: E402
from parindex.results.selectors import round_results  # noqa: E402
from parindex.units.models import Unit, UnitGroup  # noqa: E402


def best_of(repeat: int, run) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def build(n_units: int, n_leaves: int) -> Round:
    call_command("migrate", verbosity=0)
    group = UnitGroup.objects.create(code="xa", name="Cấp xã")
    Unit.objects.bulk_create(
        Unit(code=f"X{i:05d}", name=f"UBND xã số {i}", group=group) for i in range(n_units)
    )
    fw = framework_from_dict(synthetic_framework(n_leaves))
    admin = get_user_model().objects.create_superuser("bench")
    model = import_framework(admin, fw)
    rnd = Round.objects.create(code="bench", name="Bench", year=2024)
    rnd.frameworks.add(model)
    rng = random.Random(7)
    leaves = list(fw.leaves().values())
    path = Path(os.environ["PARINDEX_VAR"]) / "scores.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["unit_code", "criterion_code", "value"])
        for i in range(n_units):
            writer.writerows([f"X{i:05d}", leaf.code, raw_value(rng, leaf)] for leaf in leaves)
    import_scores(admin, rnd, path)
    return rnd


def alternated(runs: int, measured, baseline) -> tuple[list[float], list[float]]:
    pairs = [(timed(measured), timed(baseline)) for _ in range(runs)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def summary(label: str, measured: list[float], baseline: list[float], target: float) -> None:
    ratios = [m / b for m, b in zip(measured, baseline, strict=True)]
    verdict = "within" if statistics.median(ratios) <= target else "OUTSIDE"
    print(f"{label:<34} min {min(measured) * 1000:8.1f} ms, median "
          f"{statistics.median(measured) * 1000:8.1f} ms; SQL min {min(baseline) * 1000:7.1f} ms,"
          f" median {statistics.median(baseline) * 1000:7.1f} ms; ratio min {min(ratios):.2f}×, "
          f"median {statistics.median(ratios):.2f}× ({verdict} {target:g}×)")


def sql_sum(rnd: Round):
    """The baseline of compute: the bare SQL sum of the round's appraised points per unit."""
    query = (f"SELECT unit_id, SUM(points) FROM {Score._meta.db_table} WHERE round_id = %s "
             f"AND stage = %s GROUP BY unit_id")

    def sql():
        with connection.cursor() as cursor:
            cursor.execute(query, [rnd.pk, "appraised"])
            cursor.fetchall()

    return sql


def compute_times(rnd: Round, runs: int, leaves: bool = False) -> tuple[list[float], list[float]]:
    """round_results (totals in SQL, or leaf by leaf) and the bare SQL sum, alternated."""
    round_results(rnd)  # warm: the frameworks' memos, as a recompute after an edit
    return alternated(runs, lambda: round_results(rnd, leaves=leaves), sql_sum(rnd))


def compute_vs_sql(rnd: Round, runs: int) -> None:
    """round_results (totals in SQL, and leaf by leaf) against the bare SQL sum, alternated."""
    summary("round_results (totals in SQL)", *compute_times(rnd, runs), target=2)
    summary("round_results (leaf by leaf)",
            *compute_times(rnd, max(1, runs // 2), leaves=True), target=2)


def line(label: str, measured: float, baseline: float, note: str = "") -> None:
    print(
        f"{label:<34} {measured * 1000:10.1f} ms   baseline {baseline * 1000:10.1f} ms   "
        f"ratio {measured / baseline:5.2f}×  {note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--leaves", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF annex")
    parser.add_argument("--compute-only", action="store_true",
                        help="only the round computed from the database against SQL")
    args = parser.parse_args()

    start = time.perf_counter()
    rnd = build(args.units, args.leaves)
    admin = get_user_model().objects.create_superuser("bench-admin")
    print(
        f"{args.units} units × {args.leaves} leaves: "
        f"{Score.objects.count()} scores stored in {time.perf_counter() - start:.1f} s"
    )

    print(f"database: {connection.vendor}")
    compute_vs_sql(rnd, max(5, args.repeat))
    if args.compute_only:
        return
    compute_only = best_of(args.repeat, lambda: round_results(rnd))
    store = best_of(args.repeat, lambda: services.compute_round(admin, rnd))
    line("compute and store a round", store, compute_only, "(baseline: compute only)")

    services.publish(admin, rnd)
    snapshot = ResultRow.objects.filter(snapshot__round=rnd).first().snapshot
    client = Client()
    url = f"/results/{rnd.code}/xa/"
    assert client.get(url).status_code == 200
    page = best_of(args.repeat * 2, lambda: client.get(url))
    rows = best_of(
        args.repeat * 2,
        lambda: list(
            ResultRow.objects.filter(snapshot=snapshot).values_list(
                "rank", "unit_code", "unit_name", "achieved", "max", "index", "band", "fields"
            )
        ),
    )
    goal = "meets the 100 ms goal" if page < 0.1 else "over the 100 ms goal"
    line("ranking page", page, rows, f"(baseline: read the rows; {goal})")

    tables = snaps.tables(rnd, compare=False)
    excel(rnd, tables, client, max(3, args.repeat))
    if not args.no_pdf:
        took, size = pdf_seconds(rnd)
        verdict = "meets" if took < 30 else "OVER"
        print(f"PDF annex (Typst)                  {took:10.1f} s    {size / 1e6:.1f} MB  "
              f"({verdict} the 30 s goal)")

def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def excel_times(rnd, tables, runs: int) -> tuple[list[float], list[float]]:
    """The formatted annex and the same cells bare (the baseline), alternated."""

    def formatted():
        annex_file(rnd, tables).close()

    def bare():
        with tempfile.TemporaryFile() as out:
            write_annex(annex_cells(rnd, tables), out, formatted=False)

    pairs = [(timed(formatted), timed(bare)) for _ in range(runs)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def pdf_seconds(rnd) -> tuple[float, int]:
    """One PDF annex (Typst): seconds and bytes."""
    tables = snaps.tables(rnd)
    start = time.perf_counter()
    size = len(render_pdf(rnd, tables))
    return time.perf_counter() - start, size


def excel(rnd, tables, client, runs: int) -> None:
    """Formatted annex vs the same cells bare, alternated; memory; the whole download."""
    styled, plain = excel_times(rnd, tables, runs)
    ratios = [s / p for s, p in zip(styled, plain, strict=True)]
    verdict = "within" if statistics.median(ratios) <= 1.5 else "OVER"
    print(
        f"Excel annex, {runs} runs: formatted min {min(styled):.1f} s, median "
        f"{statistics.median(styled):.1f} s; bare min {min(plain):.1f} s, median "
        f"{statistics.median(plain):.1f} s; ratio min {min(ratios):.2f}×, median "
        f"{statistics.median(ratios):.2f}× ({verdict} 1.5×)"
    )
    tracemalloc.start()
    with annex_file(rnd, tables) as out:
        size = out.seek(0, os.SEEK_END)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"Excel annex: {size / 1e6:.1f} MB file, peak Python memory {peak / 1e6:.1f} MB")
    url = f"/results/{rnd.code}/annex.xlsx"
    took = timed(lambda: b"".join(client.get(url).streaming_content))
    print(f"Excel annex download (view)        {took:10.1f} s")

if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(os.environ["PARINDEX_VAR"], ignore_errors=True)
