"""bench/national.py --small on SQLite: the national case built through the product's commands,
then every figure printed with its baseline — run here so that the bench keeps working."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = ROOT / "bench" / "national.py"

FIGURES = [
    "page: login page (baseline)", "page: home", "page: ranking, first page",
    "page: ranking, filtered + sorted", "page: unit scorecard", "page: round overview",
    "page: progress board", "page: round page", "page: appraisal queue",
    "page: API group results", "XLSX annex vs bare writer", "PDF annex (Typst)",
    "compute (round_results) vs SQL SUM", "import-scores vs executemany",
    "import-scores peak RSS", "survey import (2,000 forms) vs csv parse",
]


def test_small_national_case_prints_every_figure():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",
                                                            "DATABASE_URL")}
    done = subprocess.run([sys.executable, str(NATIONAL), "--small"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    lines = done.stdout.splitlines()
    for command in ("import-units", "import-framework", "open-round", "import-scores",
                    "round-results compute", "round-results publish"):
        assert any(line.strip().startswith(f"parindex {command}") for line in lines), command
    for figure in FIGURES:
        row = next((line for line in lines if line.startswith(f"{figure} ")), None)
        assert row is not None, f"no row for {figure}:\n{output}"
        cells = [cell.strip() for cell in row.split("|")]
        assert len(cells) == 6 and cells[5] in ("yes", "NO"), row
    assert "bench/load/run.py" in done.stdout
