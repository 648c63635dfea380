"""Every list page and the API at national scale: none should grow with the number of units.

Builds N units × M leaves in one unit group (every rule kind, some NA) in a fresh temporary
database: SQLite under a temporary directory by default, or the PostgreSQL database named by
DATABASE_URL (use a throwaway, empty database: the bench migrates it and fills it). The round
is computed and published; every unit has a sheet, in every state of the cycle, some late.

Then measures with the Django test client, --repeat runs each after one warm-up, the p50 and
p95 of: the login page (the baseline: a page that reads nothing), the home page, the first
page of a ranking, a ranking filtered and sorted, a unit's scorecard, the round's overview, the
progress board, the round page, the appraisal queue, and the API's group results (first page).
Each line shows the ratio of its p50 and p95 to the login page's, the response size, and
whether its p95 meets the 100 ms goal.

    .venv/bin/python bench/pages.py [--units 5000] [--leaves 120] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages_x .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
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
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from parindex.assessments.models import Round, Sheet  # noqa: E402
from parindex.results import services  # noqa: E402
from parindex.units.models import Unit  # noqa: E402
from results import build  # noqa: E402

GOAL = 0.100  # seconds, p95 of every page
STATES = list(Sheet.State.values)


def add_sheets(rnd: Round) -> None:
    """One sheet per unit, cycling through the states; a third started, some submitted late."""
    framework = rnd.frameworks.get()
    deadline = datetime.date(2024, 3, 31)
    Round.objects.filter(pk=rnd.pk).update(self_deadline=deadline)
    on_time = timezone.make_aware(datetime.datetime(2024, 3, 30, 10))
    late = timezone.make_aware(datetime.datetime(2024, 4, 2, 10))
    sheets = []
    for i, unit in enumerate(Unit.objects.order_by("code")):
        state = STATES[i % len(STATES)]
        submitted = None if state == Sheet.State.DRAFT else (late if i % 7 == 0 else on_time)
        started = on_time if state != Sheet.State.DRAFT or i % 3 == 0 else None
        sheets.append(
            Sheet(
                round=rnd,
                unit=unit,
                framework=framework,
                state=state,
                started_at=started,
                submitted_at=submitted,
            )
        )
    Sheet.objects.bulk_create(sheets, batch_size=2000)


def measure(client: Client, url: str, repeat: int) -> tuple[list[float], int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return times, len(response.content)


def p95(times: list[float]) -> float:
    if len(times) < 2:
        return max(times)
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def pages(rnd: Round, unit: str, staff: Client, public: Client | None = None) -> list:
    """(label, client, url) of every page measured, the login page (the baseline) first."""
    public = public or Client()
    return [
        ("login page (baseline)", public, "/accounts/login/"),
        ("home", public, "/"),
        ("ranking, first page", public, f"/results/{rnd.code}/xa/"),
        ("ranking, filtered + sorted", public,
         f"/results/{rnd.code}/xa/?q=s%E1%BB%91+1&sort=3&desc=1&page=2"),
        ("unit scorecard", public, f"/results/{rnd.code}/xa/{unit}/"),
        ("round overview", public, f"/results/{rnd.code}/"),
        ("progress board", staff, f"/assessments/{rnd.code}/progress/"),
        ("round page", staff, f"/assessments/{rnd.code}/"),
        ("appraisal queue", staff, f"/assessments/{rnd.code}/queue/"),
        ("API group results", public, f"/api/rounds/{rnd.code}/results/xa"),
    ]


def measure_pages(listed: list, repeat: int) -> list[tuple[str, list[float] | None, int]]:
    """(label, times, size) of each page, after one warm-up; times None for a page that does
    not answer 200 (e.g. the appraisal queue of a round without sheets)."""
    measured = []
    for label, client, url in listed:
        if client.get(url).status_code != 200:
            measured.append((label, None, 0))
            continue
        times, size = measure(client, url, repeat)
        measured.append((label, times, size))
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--leaves", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    rnd = build(args.units, args.leaves)
    admin = get_user_model().objects.create_superuser("bench-pages", "bench@example.org", "x")
    services.compute_round(admin, rnd)
    services.publish(admin, rnd)
    add_sheets(rnd)
    print(
        f"{args.units} units × {args.leaves} leaves on {connection.vendor}: built, computed and "
        f"published in {time.perf_counter() - start:.1f} s; {args.repeat} runs each"
    )

    staff = Client()
    staff.force_login(admin)
    listed = pages(rnd, f"X{args.units // 2:05d}", staff)
    print(
        f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8} "
        f"{'p50 ×login':>10} {'p95 ×login':>10} {'size KB':>9}  goal (p95 < 100 ms)"
    )
    baseline = None
    for label, times, size in measure_pages(listed, args.repeat):
        if times is None:
            print(f"{label:<28} (did not answer 200)")
            continue
        p50, high = statistics.median(times), p95(times)
        baseline = baseline or (p50, high)
        verdict = "meets" if high < GOAL else "OVER"
        print(
            f"{label:<28} {p50 * 1000:8.1f} {high * 1000:8.1f} {min(times) * 1000:8.1f} "
            f"{p50 / baseline[0]:9.1f}× {high / baseline[1]:9.1f}× {size / 1024:9.1f}  {verdict}"
        )

if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(os.environ["PARINDEX_VAR"], ignore_errors=True)
