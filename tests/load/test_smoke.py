"""The load test's smoke run (bench/load/run.py --smoke): gunicorn on the production settings,
locust for ~15 s, the lost-write check. Needs PostgreSQL on 127.0.0.1:5432 (LOAD_PG to point
elsewhere) and the dev tools (gunicorn, locust); skipped without them."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "load" / "run.py"

pytestmark = pytest.mark.load


def _pg_reachable() -> bool:
    import psycopg

    url = os.environ.get("LOAD_PG", "postgresql://postgres@127.0.0.1:5432")
    try:
        with psycopg.connect(f"{url}/postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def test_smoke_run_has_no_errors_and_no_lost_writes():
    for tool in ("gunicorn", "locust"):
        if importlib.util.find_spec(tool) is None:
            pytest.skip(f"{tool} is not installed (requirements-dev.txt)")
    if not _pg_reachable():
        pytest.skip("PostgreSQL is not reachable")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, str(RUN), "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=90)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "lost writes: 0;" in output
    assert "not stored: 0;" in output
    assert "OK: no errors, no lost writes" in output
