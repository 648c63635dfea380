"""How long does "how sure is a rank" take next to one plain compute of the same units?

A synthetic national case (bench/engine.py's framework: N units × M leaves, every rule kind,
one leaf in seven a survey sub-criterion with its sample of 150–400 people, a known population
for half the units), computed once with `compute()`; then `uncertainty` (D draws) and
`sensitivity` (each field ±20%, equal weights, survey share 20% and 40%) over the same units.
Prints min and median of several runs, interleaved, and their ratio to the plain compute
measured in the same run. Target: 5,000 units × 1,000 draws within 10 s.

    .venv/bin/python bench/analysis.py [--units 5000] [--leaves 120] [--draws 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import raw_value, synthetic_framework  # noqa: E402
from parindex.engine.analysis import (  # noqa: E402
    SurveySample,
    UnitPoints,
    sensitivity,
    uncertainty,
)
from parindex.engine.compute import compute  # noqa: E402
from parindex.engine.framework import framework_from_dict  # noqa: E402
from parindex.engine.values import parse_value  # noqa: E402

TARGET = 10.0  # seconds for uncertainty at 5,000 × 1,000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--leaves", type=int, default=120)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    rng = random.Random(15)
    fw = framework_from_dict(synthetic_framework(args.leaves))
    leaves = fw.leaves()
    values = {
        f"U{u:05d}": {code: parse_value(leaf, raw_value(rng, leaf))
                      for code, leaf in leaves.items()}
        for u in range(args.units)
    }
    survey = [code for code, leaf in leaves.items() if leaf.rule.kind == "survey"]
    result = compute(fw, values)
    units = []
    for r in result.results:
        n = rng.randint(150, 400)
        population = rng.randint(n, 50 * n) if rng.random() < 0.5 else None
        sample = SurveySample(n, Decimal(rng.randint(20, 40)) / 100, population)
        units.append(UnitPoints(r.unit_code, dict(r.points.items()),
                                dict.fromkeys(survey, sample)))

    runs = {
        "compute (baseline)": lambda: compute(fw, values),
        f"uncertainty, {args.draws} draws": lambda: uncertainty(fw, units, draws=args.draws),
        "sensitivity": lambda: sensitivity(fw, units),
    }
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(args.repeat):
        for label, run in runs.items():
            start = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - start)

    base = times["compute (baseline)"]
    print(f"{args.units} units × {args.leaves} leaves ({len(survey)} survey), "
          f"{args.repeat} runs, min / median")
    for label, seen in times.items():
        ratio = min(seen) / min(base), statistics.median(seen) / statistics.median(base)
        print(f"  {label:<28} {min(seen):7.2f} s / {statistics.median(seen):7.2f} s"
              f"   {ratio[0]:6.1f}× / {ratio[1]:6.1f}× compute")
    slowest = min(times[f"uncertainty, {args.draws} draws"])
    verdict = "within" if slowest <= TARGET else "OVER"
    print(f"uncertainty: {slowest:.2f} s, {verdict} the {TARGET:.0f} s target")


if __name__ == "__main__":
    main()
