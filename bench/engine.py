"""How fast is `compute()` next to the simplest SQL aggregate over the same points?

A synthetic national case: N units × M leaves covering every rule kind, with NA and missing
leaves and a bonus and a penalty block. Prints ratios measured in this run (best of a few
repetitions, interleaved), not absolute claims: the target is compute() within 2× of SQLite's
GROUP BY, on the fastest of three natural tables (all three are printed).

It also times `compute_tallied`, the engine's share when a database sums the stored points
per unit and top-level node (as results do; see bench/results.py for the whole round from the
database): from those totals plus the values of the leaves without stored points (NA, and
proportional ratios not exact at four places).

    .venv/bin/python bench/engine.py [--units 5000] [--leaves 120] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from parindex.engine.compute import Tally, UnitInfo, compute, compute_tallied  # noqa: E402
from parindex.engine.framework import framework_from_dict  # noqa: E402
from parindex.engine.values import leaf_points, parse_value, stored_points  # noqa: E402

KINDS = ("points", "yes_no", "levels", "count", "ratio", "ratio_prop", "survey")


def rule_for(kind: str) -> dict:
    if kind == "levels":
        return {"kind": "levels", "levels": [
            {"label": "100%", "fraction": 1}, {"label": "80-<100%", "fraction": Decimal("0.5")},
            {"label": "<80%", "fraction": 0}]}
    if kind == "count":
        return {"kind": "count", "per_item": Decimal("0.25")}
    if kind == "ratio":
        return {"kind": "ratio", "bands": [
            {"min": 1, "fraction": 1}, {"min": Decimal("0.95"), "fraction": Decimal("0.5")},
            {"min": 0, "fraction": 0}]}
    if kind == "ratio_prop":
        return {"kind": "ratio", "proportional": True}
    return {"kind": kind}


def synthetic_framework(n_leaves: int, n_fields: int = 10) -> dict:
    """n_leaves leaves: all but four in ordinary fields, two in a bonus and two in a penalty."""
    ordinary = n_leaves - 4
    fields = [{"code": str(f + 1), "title": f"Lĩnh vực {f + 1}", "children": []}
              for f in range(n_fields)]
    for i in range(ordinary):
        kind = KINDS[i % len(KINDS)]
        field = fields[i % n_fields]
        field["children"].append({
            "code": f"{field['code']}.{len(field['children']) + 1}",
            "title": f"Tiêu chí {i}", "max": 2, "rule": rule_for(kind)})
    blocks = [
        {"code": "T", "title": "Điểm thưởng", "kind": "bonus", "children": [
            {"code": "T.1", "title": "Sáng kiến", "max": 1, "rule": rule_for("count")},
            {"code": "T.2", "title": "Khen thưởng", "max": 1, "rule": rule_for("yes_no")}]},
        {"code": "P", "title": "Điểm trừ", "kind": "penalty", "children": [
            {"code": "P.1", "title": "Vi phạm", "max": 2, "rule": rule_for("count")},
            {"code": "P.2", "title": "Chậm báo cáo", "max": 1, "rule": rule_for("yes_no")}]},
    ]
    return {"code": "bench", "name": "Bench", "year": 2024, "unit_group": "xa",
            "ranking": "competition",
            "bands": [{"code": "tot", "label": "Tốt", "min": 80},
                      {"code": "yeu", "label": "Yếu", "min": 0}],
            "nodes": fields + blocks}


def raw_value(rng: random.Random, leaf) -> str:
    """A plausible value as typed in a scores file; a few NA."""
    if rng.random() < 0.02:
        return "NA"
    kind = leaf.rule.kind
    if kind == "points" or kind == "survey":
        return str(Decimal(rng.randint(0, 8)) / 4)
    if kind == "yes_no":
        return rng.choice(("có", "không", "yes", "no"))
    if kind == "levels":
        return rng.choice(("100%", "80-<100%", "<80%"))
    if kind == "count":
        return str(rng.randint(0, 6))
    denominator = rng.randint(20, 60)
    return f"{rng.randint(denominator * 9 // 10, denominator)}/{denominator}"


def best_times(repeat: int, runs: dict) -> dict[str, float]:
    """Best time of each run over `repeat` rounds, the runs interleaved within a round so
    that a busy machine slows them alike and the ratios stay fair."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for label, run in runs.items():
            start = time.perf_counter()
            run()
            best[label] = min(best[label], time.perf_counter() - start)
    return best


# The same 600,000 scores as a database keeps them, one row per (unit, leaf) as the Score model
# (unique on round, unit, node, stage); points as REAL, which favours SQLite over exact decimals.
SQL_TABLES = {
    "covering index": (  # a heap table with an index on (unit, points) that the sum reads alone
        "CREATE TABLE scores (unit TEXT NOT NULL, leaf TEXT NOT NULL, points REAL)",
        "CREATE INDEX scores_unit_points ON scores (unit, points)"),
    "primary key, clustered": (  # PRIMARY KEY (unit, leaf) WITHOUT ROWID
        "CREATE TABLE scores (unit TEXT NOT NULL, leaf TEXT NOT NULL, points REAL, "
        "PRIMARY KEY (unit, leaf)) WITHOUT ROWID", None),
    "primary key only": (  # PRIMARY KEY (unit, leaf) in a rowid table: a non-covering index
        "CREATE TABLE scores (unit TEXT NOT NULL, leaf TEXT NOT NULL, points REAL, "
        "PRIMARY KEY (unit, leaf))", None),
}
SQL_QUERY = "SELECT unit, SUM(points) FROM scores GROUP BY unit"


def sql_database(table: str, index: str | None, rows: list[tuple]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(table)
    db.executemany("INSERT INTO scores VALUES (?, ?, ?)", rows)
    if index:
        db.execute(index)
    db.execute("ANALYZE")
    return db


def tallied(fw, parsed: dict) -> tuple[dict, dict, dict]:
    """What the database hands compute_tallied: stored points summed per unit and top-level
    node, the values of the leaves without stored points, and each unit's tallied leaves."""
    top_of = {leaf.code: top.code for top in fw.nodes for leaf in top.leaves()}
    tallies: dict = {}
    rest: dict = {}
    present: dict = {}
    for unit, row in parsed.items():
        sums = tallies[unit] = {}
        for code, value in row.items():
            points = stored_points(fw.leaves()[code], value)
            if points is None:
                rest.setdefault(unit, {})[code] = value
                continue
            present.setdefault(unit, []).append(code)
            total, count = sums.get(top_of[code], (Decimal(0), 0))
            sums[top_of[code]] = Tally(total + points, count + 1)
    return tallies, rest, present


def read_everything(resultset) -> None:
    """What a caller that shows every unit reads: fields and points are built lazily."""
    for result in resultset.results:
        for field in result.fields.values():
            field.index  # noqa: B018
        for points in result.points.values():
            points  # noqa: B018


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--leaves", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.leaves < 12:
        parser.error("--leaves must be at least 12 (every rule kind plus the blocks)")

    rng = random.Random(2024)
    fw = framework_from_dict(synthetic_framework(args.leaves))
    leaves = list(fw.leaves().values())
    units = [UnitInfo(f"U{u:05d}", f"Xã {u}", "xa") for u in range(args.units)]
    raw = {
        unit.code: {leaf.code: raw_value(rng, leaf) for leaf in leaves
                    if rng.random() >= 0.01}  # about 1% of leaves missing
        for unit in units
    }
    cells = sum(len(row) for row in raw.values())

    parsed: dict = {}

    def parse_all() -> None:
        parsed.clear()
        for unit, row in raw.items():
            parsed[unit] = {code: parse_value(fw.leaves()[code], text) for code, text in row.items()}

    start = time.perf_counter()
    parse_all()
    parse_time = time.perf_counter() - start

    rows = [(unit, code, None if (p := leaf_points(fw.leaves()[code], value)) is None
             else float(p)) for unit, row in parsed.items() for code, value in row.items()]
    databases = {label: sql_database(table, index, rows)
                 for label, (table, index) in SQL_TABLES.items()}
    runs = {label: (lambda db=db: db.execute(SQL_QUERY).fetchall())
            for label, db in databases.items()}
    # compute() keeps its per-value memos on the framework: the first run on a fresh framework
    # pays for scoring each distinct value, later runs (a recompute after an edit) do not.
    runs["fresh"] = lambda: compute(
        framework_from_dict(synthetic_framework(args.leaves)), parsed, units)
    runs["warm"] = lambda: compute(fw, parsed, units)
    runs["warm, every field and point read"] = lambda: read_everything(
        compute(fw, parsed, units))
    tallies, rest, present = tallied(fw, parsed)
    runs["from totals"] = lambda: compute_tallied(
        fw, tallies, rest, units, lambda codes: {c: present.get(c, ()) for c in codes})
    best = best_times(args.repeat, runs)

    print(f"{args.units} units × {len(leaves)} leaves = {cells} values "
          f"(best of {args.repeat}, runs interleaved)")
    for label, db in databases.items():
        plan = " / ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + SQL_QUERY))
        print(f"  SQLite, {label:22}: {best[label] * 1000:8.1f} ms  ({plan})")
    sql_label = min(SQL_TABLES, key=best.get)  # the fastest natural table is the baseline
    sql_time = best[sql_label]
    print(f"  parse_value, all raw strings : {parse_time * 1000:8.1f} ms  "
          f"({parse_time / sql_time:.1f}× the SQL aggregate)")
    for label in ("fresh", "warm", "warm, every field and point read", "from totals"):
        print(f"  compute(), {label:33}: {best[label] * 1000:8.1f} ms")
    unstored = sum(len(row) for row in rest.values())
    print(f"  leaves without stored points (NA, inexact ratios): {unstored} of {cells}")
    print(f"  baseline: {sql_label}")
    for label in ("fresh", "warm", "warm, every field and point read", "from totals"):
        ratios = ", ".join(f"{best[label] / best[sql]:.2f}× {sql}"
                           for sql in SQL_TABLES if sql != sql_label)
        ratio = best[label] / sql_time
        verdict = "within" if ratio <= 2 else "OUTSIDE"
        print(f"  engine ({label}) / SQL = {ratio:.2f}  ({verdict} the 2× target; {ratios})")


if __name__ == "__main__":
    main()
