"""bench/analysis.py on a small case: it runs and prints each figure with its baseline."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_analysis_bench_prints_its_figures():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "analysis.py"), "--units", "60", "--draws", "50",
         "--repeat", "1"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for figure in ("compute (baseline)", "uncertainty, 50 draws", "sensitivity", "target"):
        assert figure in done.stdout
