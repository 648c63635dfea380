"""Results at national scale: compute-and-store a round, the ranking page, the Excel annex.

N units × M leaves in one unit group (every rule kind, some NA), stored in a fresh SQLite
database under a temporary directory. Each measurement is printed next to a baseline measured
in the same run (best of --repeat):

- compute-and-store (`services.compute_round`) vs computing alone through the engine
  (`results.selectors.round_results`, the same reads without storing the snapshot);
- the ranking page (Django test client, first page of 100 rows) vs reading the same rows'
  headline columns with a bare `values_list`; the page's absolute time is reported against
  the 100 ms goal;
- the Excel annex (ranking sheet + one detail sheet per unit) vs openpyxl writing the very same
  cells as bare values with no formatting. Target: ≤ 1.5×.

    .venv/bin/python bench/results.py [--units 5000] [--leaves 120] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["PARINDEX_VAR"] = tempfile.mkdtemp(prefix="parindex-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ["DEBUG"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from engine import raw_value, synthetic_framework  # noqa: E402
from parindex.assessments.models import Round, Score  # noqa: E402
from parindex.engine.framework import framework_from_dict  # noqa: E402
from parindex.frameworks.models import Node  # noqa: E402
from parindex.frameworks.services import import_framework  # noqa: E402
from parindex.results import selectors as snaps  # noqa: E402
from parindex.results import services  # noqa: E402
from parindex.results.exports import annex_cells, write_annex  # noqa: E402
from parindex.results.models import ResultRow  # noqa: E402
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
    model = import_framework(fw)
    rnd = Round.objects.create(code="bench", name="Bench", year=2024)
    rnd.frameworks.add(model)
    rng = random.Random(7)
    leaves = [
        (node, fw.leaves()[node.code])
        for node in Node.objects.filter(framework=model, rule__isnull=False)
    ]
    units = list(Unit.objects.all())
    batch = []
    for unit in units:
        for node, leaf in leaves:
            batch.append(Score(round=rnd, unit=unit, node=node, value=raw_value(rng, leaf)))
        if len(batch) >= 20_000:
            Score.objects.bulk_create(batch)
            batch = []
    Score.objects.bulk_create(batch)
    return rnd


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
    args = parser.parse_args()

    start = time.perf_counter()
    rnd = build(args.units, args.leaves)
    print(
        f"{args.units} units × {args.leaves} leaves: "
        f"{Score.objects.count()} scores stored in {time.perf_counter() - start:.1f} s"
    )

    compute_only = best_of(args.repeat, lambda: round_results(rnd))
    store = best_of(args.repeat, lambda: services.compute_round(rnd))
    line("compute and store a round", store, compute_only, "(baseline: compute only)")

    services.publish(rnd)
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

    def formatted():
        write_annex(annex_cells(rnd, tables), io.BytesIO())

    def bare():
        write_annex(annex_cells(rnd, tables), io.BytesIO(), formatted=False)

    export_repeat = max(1, args.repeat - 1)
    plain = best_of(export_repeat, bare)
    styled = best_of(export_repeat, formatted)
    verdict = "within" if styled / plain <= 1.5 else "OVER"
    line("Excel annex", styled, plain, f"(baseline: same cells unformatted; {verdict} 1.5×)")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(os.environ["PARINDEX_VAR"], ignore_errors=True)
