"""How fast is `import-scores` next to a plain executemany of the same rows, and how much memory?

Builds N units × M leaves in one unit group through the product's own doors (import_units,
import_framework, create_round), writes the scores CSV (N × M rows, a few NA), then times, in
alternation, each in a child process of its own on an emptied Score table:

- `import_scores` (the door: read, check, write with points, change log), and
- a plain `executemany` of the very same rows (ids and points worked out beforehand, untimed)
  into the same table;

and prints the min and median of each and of their ratio (target ≤ 5×), and the import's peak
resident memory (the child's VmHWM, target < 300 MB; the executemany child's for scale).
SQLite by default (a file in a temporary directory); PostgreSQL with DATABASE_URL pointing at
a throwaway database (its tables are dropped and remade by the migrations).

    .venv/bin/python bench/imports.py [--units 5000] [--leaves 120] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pickle
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
if "PARINDEX_VAR" not in os.environ:  # (a child, or bench/national.py, has one)
    os.environ["PARINDEX_VAR"] = tempfile.mkdtemp(prefix="parindex-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from engine import raw_value, synthetic_framework  # noqa: E402
from parindex.assessments.models import Round, Score  # noqa: E402
from parindex.assessments.services import create_round, import_scores  # noqa: E402
from parindex.engine.framework import framework_from_dict  # noqa: E402
from parindex.engine.io import dump_framework_yaml  # noqa: E402
from parindex.engine.values import parse_value, stored_points  # noqa: E402
from parindex.frameworks.models import Node, top_level_ids  # noqa: E402
from parindex.frameworks.selectors import engine_framework  # noqa: E402
from parindex.frameworks.services import import_framework  # noqa: E402
from parindex.units.models import Unit  # noqa: E402
from parindex.units.services import import_units  # noqa: E402

VAR = Path(os.environ["PARINDEX_VAR"])
SCORES = VAR / "scores.csv"
PLAIN = VAR / "plain.pickle"
INSERT = (f"INSERT INTO {Score._meta.db_table} (round_id, unit_id, node_id, field_id, stage, "
          f"value, points, note, version, updated_at, updated_by_id) "
          f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s)")


def build(n_units: int, n_leaves: int) -> None:
    """Units, framework and round through the product's doors; the scores file; the plain
    rows for executemany (pickled for the children)."""
    call_command("migrate", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench")
    units = VAR / "units.csv"
    with units.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name", "unit_group"])
        writer.writerow(["TINH", "UBND tỉnh", "tinh"])
        writer.writerows([f"X{i:05d}", f"UBND xã số {i}", "xa"] for i in range(n_units))
    import_units(admin, units)
    framework = VAR / "framework.yaml"
    fw = framework_from_dict(synthetic_framework(n_leaves))
    framework.write_text(dump_framework_yaml(fw), encoding="utf-8")
    import_framework(admin, framework)
    round = create_round(admin, "bench", "Bench", 2024, "TINH", ["bench"])
    rng = random.Random(7)
    leaves = list(fw.leaves().values())
    with SCORES.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["unit_code", "criterion_code", "value", "stage"])
        for i in range(n_units):
            writer.writerows([f"X{i:05d}", leaf.code, raw_value(rng, leaf), "appraised"]
                             for leaf in leaves)
    write_plain(round, admin, SCORES, PLAIN)


def write_plain(round: Round, actor, scores: Path, plain: Path) -> None:
    """The rows of `scores` as executemany inserts them (ids and points worked out here,
    untimed), pickled for the children."""
    framework = round.frameworks.get()
    fw = engine_framework(framework)
    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    framework_nodes = list(Node.objects.filter(framework=framework).order_by("position"))
    nodes = {node.code: node.pk for node in framework_nodes}
    field_of = top_level_ids(framework_nodes)
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    leaves = fw.leaves()
    with scores.open(encoding="utf-8") as rows:
        reader = csv.reader(rows)
        next(reader)
        rows = [(round.pk, unit_ids[unit], nodes[code], field_of[nodes[code]], stage, value,
                 stored_points(leaves[code], parse_value(leaves[code], value)),
                 "", stamp, actor.pk) for unit, code, value, stage in reader]
    plain.write_bytes(pickle.dumps(rows))


def empty(round_code: str = "bench") -> None:
    """No scores in the round, as in a fresh one (the change log is append-only: its rows
    stay)."""
    Score.objects.filter(round__code=round_code).delete()


def child(what: str, round_code: str = "bench", user: str = "bench", scores: Path = SCORES,
          plain_path: Path = PLAIN) -> None:
    """One timed run in this (fresh) process; prints seconds and max RSS as JSON."""
    if what == "import":
        actor = get_user_model().objects.get(username=user)
        round = Round.objects.get(code=round_code)
        start = time.perf_counter()
        summary = import_scores(actor, round, scores)
        took = time.perf_counter() - start
        assert summary.created == summary.rows, summary
    else:
        plain = pickle.loads(plain_path.read_bytes())
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(INSERT, plain)
        took = time.perf_counter() - start
    print(json.dumps({"seconds": took, "rss": peak_rss()}))


def peak_rss() -> int:
    """This process's peak resident memory in bytes: VmHWM, which starts afresh at exec (the
    max RSS of getrusage keeps the forking parent's peak on Linux)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_child(what: str, round_code: str = "bench", user: str = "bench", scores: Path = SCORES,
              plain: Path = PLAIN) -> dict:
    empty(round_code)
    connection.close()
    done = subprocess.run([sys.executable, __file__, "--child", what, "--round", round_code,
                           "--user", user, "--scores", str(scores), "--plain", str(plain)],
                          check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(runs: int, round_code: str = "bench", user: str = "bench", scores: Path = SCORES,
            plain: Path = PLAIN) -> dict:
    """import_scores and executemany of the same rows, alternated, each in a child of its own
    on the round emptied of scores: seconds of each run, and each side's peak RSS in bytes."""
    pairs = [(run_child("import", round_code, user, scores, plain),
              run_child("executemany", round_code, user, scores, plain)) for _ in range(runs)]
    return {"import": [p[0]["seconds"] for p in pairs],
            "executemany": [p[1]["seconds"] for p in pairs],
            "peak": max(p[0]["rss"] for p in pairs),
            "peak executemany": max(p[1]["rss"] for p in pairs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--leaves", type=int, default=120)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["import", "executemany"])
    parser.add_argument("--round", default="bench", help=argparse.SUPPRESS)
    parser.add_argument("--user", default="bench", help=argparse.SUPPRESS)
    parser.add_argument("--scores", type=Path, default=SCORES, help=argparse.SUPPRESS)
    parser.add_argument("--plain", type=Path, default=PLAIN, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.round, args.user, args.scores, args.plain)

    start = time.perf_counter()
    build(args.units, args.leaves)
    rows = args.units * args.leaves
    database = connection.vendor
    print(f"{database}: {args.units} units × {args.leaves} leaves = {rows} score rows, "
          f"built in {time.perf_counter() - start:.1f} s")
    measured = measure(args.runs)
    imports, plain = measured["import"], measured["executemany"]
    ratios = [a / b for a, b in zip(imports, plain, strict=True)]
    peak = measured["peak"] / 2**20
    base = measured["peak executemany"] / 2**20
    verdict = "within" if statistics.median(ratios) <= 5 else "OUTSIDE"
    print(f"  import_scores : min {min(imports):6.2f} s, median {statistics.median(imports):6.2f} s"
          f", peak RSS {peak:6.0f} MB ({'under' if peak < 300 else 'OVER'} 300 MB)")
    print(f"  executemany   : min {min(plain):6.2f} s, median {statistics.median(plain):6.2f} s"
          f", peak RSS {base:6.0f} MB (holds every row)")
    print(f"  ratio         : min {min(ratios):.2f}×, median {statistics.median(ratios):.2f}× "
          f"({verdict} the 5× target; {args.runs} runs, alternated)")


if __name__ == "__main__":
    try:
        main()
    finally:
        if "--child" not in sys.argv:
            shutil.rmtree(VAR, ignore_errors=True)
