"""The load test in one command: a throwaway PostgreSQL database, the production settings behind
gunicorn on loopback, locust headless, then the lost-write check. See README.md.

    python bench/load/run.py [--duration 120] [--smoke]

Exit status: 0 when there were no errors and no lost writes; 1 otherwise; 2 when the test could
not run (PostgreSQL unreachable, the server did not start).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SRC = ROOT / "src"
PG = os.environ.get("LOAD_PG", "postgresql://postgres@127.0.0.1:5432")


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=None,
                        help="seconds of load (default 120; 15 with --smoke)")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run with few people, for tests and CI")
    parser.add_argument("--officers", type=int, default=None, help="default 300 (smoke 20)")
    parser.add_argument("--appraisers", type=int, default=None, help="default 30 (smoke 4)")
    parser.add_argument("--survey-rate", type=float, default=None,
                        help="survey submissions a second (default 20; smoke 5)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker; above 1 the gthread worker (default 1: sync)")
    args = parser.parse_args(argv)
    smoke = args.smoke
    args.duration = args.duration or (15 if smoke else 120)
    args.officers = args.officers if args.officers is not None else (20 if smoke else 300)
    args.appraisers = args.appraisers if args.appraisers is not None else (4 if smoke else 30)
    args.survey_rate = args.survey_rate or (5.0 if smoke else 20.0)
    return args


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen | None, name: str, grace: float = 15) -> None:
    """Stop a process group we started (SIGTERM, then SIGKILL after `grace` seconds)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop in {grace:.0f} s: killed", file=sys.stderr)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def wait_for_server(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")


def start_gunicorn(port: int, env: dict, cwd: Path, log: Path, workers: int = 4,
                   threads: int = 1) -> subprocess.Popen:
    """gunicorn serving parindex on 127.0.0.1:`port` in its own process group (for `stop`),
    its output and access log in `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "parindex.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
         "--access-logfile", "-"],
        env=env, cwd=cwd, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)


def collect_static() -> None:
    """The manifest the production storage reads, without its compressed copies (.gz, .br: a
    minute of CPU, and these tests fetch no static file). Django must be set up."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}):
        call_command("collectstatic", interactive=False, verbosity=0)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children so far."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for process in [root, *root.children(recursive=True)]:
            times = process.cpu_times()
            total += times.user + times.system
        return total
    except psutil.Error:
        return 0.0


# --------------------------------------------------------------------------- database


def pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def pg_reachable() -> bool:
    try:
        pg("SELECT 1")
        return True
    except Exception:
        return False


# --------------------------------------------------------------------------- the checks


def check_saves(records: list[dict], round_code: str) -> dict:
    """Every save the server accepted is in the database (that value, or a later one at a later
    version) and in the change log: one `score` row per change, in order, with that value.

    Versions make this exact: the notes stay empty, so a score's version counts the changes of
    its value; the k-th `score` row of a (sheet, sub-criterion, stage) must hold the value that
    the save answered with version k, and the stored row must be at the highest version any
    accepted save was answered with, holding that save's value."""
    from parindex import history
    from parindex.assessments.models import Round, Score, Sheet

    round = Round.objects.get(code=round_code)
    keys: dict[tuple, list[dict]] = defaultdict(list)
    for r in records:
        keys[r["unit"], r["node"], r["stage"]].append(r)
    stored = {
        (unit, node, stage): (value, version)
        for unit, node, stage, value, version in Score.objects.filter(round=round).values_list(
            "unit__code", "node__code", "stage", "value", "version")
    }
    unit_of = dict(Sheet.objects.filter(round=round).values_list("pk", "unit__code"))
    logged: dict[tuple, list[str]] = defaultdict(list)
    for sheet_id, part, before, after in history.for_scope(round).filter(
            action="score").order_by("pk").values_list("object_id", "part", "before", "after"):
        for stage in set(before) | set(after):
            logged[unit_of.get(sheet_id), part, stage].append(after.get(stage, ""))

    lost, unlogged, unconfirmed, problems = 0, 0, 0, []
    for key, saves in keys.items():
        accepted = [s for s in saves if s["outcome"] == "saved"]
        unanswered = [s for s in saves if s["outcome"] is None]
        if not accepted:
            continue
        top = max(s["version"] for s in accepted)
        expected = {s["value"] for s in accepted if s["version"] == top}
        value, version = stored.get(key, (None, 0))
        if len(expected) != 1 or version < top or (version == top and value not in expected):
            lost += 1
            problems.append(f"{key}: accepted {sorted(expected)} at version {top}, "
                            f"stored {value!r} at version {version}")
        elif version > top and not unanswered:
            unconfirmed += 1
            problems.append(f"{key}: stored version {version} is beyond every answer ({top})")
        log = logged.get(key, [])
        for s in accepted:
            if len(log) < s["version"] or log[s["version"] - 1] != s["value"]:
                unlogged += 1
                problems.append(f"{key}: {s['value']!r} (version {s['version']}) is not the "
                                f"change log's entry {s['version']} ({len(log)} entries)")
        if len(log) != version:
            unlogged += 1
            problems.append(f"{key}: version {version} but {len(log)} `score` rows")
    outcomes = Counter(r["outcome"] or f"no answer ({r['status']})" for r in records)
    return {"lost": lost, "unlogged": unlogged, "unconfirmed": unconfirmed,
            "problems": problems, "outcomes": outcomes}


def check_survey(records: list[dict]) -> dict:
    """Every submission answered by the redirect to the thanks page is a stored response; the
    one address sending twice a second has at most SURVEY_RATE_LIMIT responses counted."""
    from parindex.surveys.models import Response
    from parindex.surveys.services.responses import rate_limit

    accepted = {r["comment"] for r in records if r["status"] == 302}
    stored = dict(Response.objects.filter(comment__in=accepted).values_list("comment", "status"))
    people = {r["comment"] for r in records if r["status"] == 302 and not r.get("stuffer")}
    stuffer = [r for r in records if r.get("stuffer")]
    counted = sum(1 for r in stuffer if stored.get(r["comment"]) == Response.Status.ACCEPTED)
    limit = rate_limit()[0]
    return {"accepted": len(people), "lost": len(accepted - set(stored)),
            "flagged": sum(1 for c in people if stored.get(c, "accepted") != "accepted"),
            "stuffer": Counter(r["status"] for r in stuffer), "stuffer_counted": counted,
            "limit": limit, "over_limit": max(0, counted - limit)}


# --------------------------------------------------------------------------- the table


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (p in 0–100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def table(timings: dict[str, list], saves: dict, survey: dict, duration: int) -> tuple[str, int]:
    """Per endpoint: requests, their rate over the run, p50/p95/max (ms, as locust timed them:
    request sent to body read), errors (locust failures: a refused or wrong answer, a
    connection error) and, for the saves, the conflicts the page showed (not errors)."""
    conflicts = Counter(stage for (stage, outcome), n in saves["by_stage"].items()
                        for _ in range(n) if outcome == "conflict")
    lines = [f"{'endpoint':<32}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
             f"{'max ms':>8}{'errors':>8}{'conflicts':>10}"]
    errors = 0
    rows = sorted(timings.items()) + [("all", [t for v in timings.values() for t in v])]
    for name, samples in rows:
        if not samples:
            continue
        times = [t for t, _failed in samples]
        failed = sum(1 for _t, f in samples if f)
        if name != "all":
            errors += failed
        stage = name.rsplit(" ", 1)[-1] if name.startswith("POST save_score") else None
        lines.append(
            f"{name:<32}{len(samples):>9}{len(samples) / duration:>8.1f}"
            f"{percentile(times, 50):>8.0f}{percentile(times, 95):>8.0f}{max(times):>8.0f}"
            f"{failed:>8}{conflicts[stage] if stage else '':>10}")
    lines.append("")
    lines.append(
        f"saves answered 'saved': {saves['outcomes'].get('saved', 0)}; conflicts shown: "
        f"{saves['outcomes'].get('conflict', 0)}; lost writes: {saves['lost']}; "
        f"missing from the change log: {saves['unlogged']}; "
        f"stored beyond every answer: {saves['unconfirmed']}")
    lines.append(
        f"survey submissions accepted: {survey['accepted']} "
        f"({survey['accepted'] / duration:.1f}/s); not stored: {survey['lost']}; "
        f"stored but flagged for review: {survey['flagged']}")
    sent = survey["stuffer"]
    lines.append(
        f"one address, twice a second: {sum(sent.values())} sent, {sent.get(302, 0)} stored "
        f"({survey['stuffer_counted']} counted, limit {survey['limit']}), "
        f"{sent.get(429, 0)} refused")
    return "\n".join(lines), errors


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    args = options(argv)
    if not pg_reachable():
        print(f"PostgreSQL is not reachable at {PG}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    work = Path(tempfile.mkdtemp(prefix="parindex-load-"))
    database = f"load_test_{os.getpid()}_{secrets.token_hex(3)}"
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "parindex.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{PG}/{database}",
        "PARINDEX_VAR": str(work / "var"),
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
    }
    os.environ.update(env)
    sys.path.insert(0, str(SRC))
    sys.path.insert(0, str(HERE))
    server = locust = None
    created = False
    started = time.monotonic()
    try:
        pg(f'CREATE DATABASE "{database}"')
        created = True
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        collect_static()
        from setup_data import build

        plan = build(args.officers, args.appraisers, work)
        (work / "plan.json").write_text(json.dumps(plan), "utf-8")
        connections.close_all()
        print(f"setup: {time.monotonic() - started:.0f} s ({args.officers} officers, "
              f"{args.appraisers} appraisers, database {database})", flush=True)

        server = start_gunicorn(port, env, work, work / "gunicorn.log", args.workers,
                                args.threads)
        wait_for_server(f"http://127.0.0.1:{port}/accounts/login/", server)

        citizens = max(1, round(args.survey_rate * 2))  # each sends one every two seconds
        users = args.officers + args.appraisers + citizens + 1  # + the one-address sender
        locust_log = (work / "locust.log").open("w")
        locust = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
             "--host", f"http://127.0.0.1:{port}", "--users", str(users),
             "--spawn-rate", str(max(5, users // 20)), "--run-time", f"{args.duration}s",
             "--stop-timeout", "20", "--only-summary",
             "--loglevel", "WARNING", "--exit-code-on-error", "0"],
            env={**env, "LOAD_PLAN": str(work / "plan.json"),
                 "LOAD_RECORD": str(work / "records.jsonl"),
                 "LOAD_SURVEY_RATE": str(args.survey_rate), "LOAD_CITIZENS": str(citizens)},
            cwd=work, stdout=locust_log, stderr=subprocess.STDOUT, start_new_session=True)
        load_started, server_cpu = time.monotonic(), cpu_seconds(server.pid)
        try:
            locust.wait(args.duration + 120)
        except subprocess.TimeoutExpired:
            print("locust did not finish in time", file=sys.stderr)
        wall = time.monotonic() - load_started
        server_cpu = cpu_seconds(server.pid) - server_cpu
        load_average = os.getloadavg()[0]
        stop(locust, "locust")
        stop(server, "gunicorn")
        records_file = work / "records.jsonl"
        if locust.returncode != 0 or not records_file.exists():
            print((work / "locust.log").read_text("utf-8")[-4000:], file=sys.stderr)
            print(f"locust failed (status {locust.returncode})", file=sys.stderr)
            return 2
        records = [json.loads(line) for line in records_file.open(encoding="utf-8")]
        save_records = [r for r in records if r["kind"] == "save"]
        saves = check_saves(save_records, plan["round"])
        saves["by_stage"] = Counter((r["stage"], r["outcome"]) for r in save_records)
        survey = check_survey([r for r in records if r["kind"] == "survey"])
        timings = next(r["timings"] for r in records if r["kind"] == "timings")
        text, errors = table(timings, saves, survey, args.duration)
        print(f"\n{args.duration} s, {args.officers} officers, {args.appraisers} appraisers, "
              f"survey at {args.survey_rate:g}/s; gunicorn {args.workers} "
              f"{'gthread ×' + str(args.threads) if args.threads > 1 else 'sync'} workers\n")
        print(text)
        print(f"server CPU: {server_cpu:.0f} s in {wall:.0f} s ({server_cpu / wall:.2f} of "
              f"{os.cpu_count()} cores); machine load average at the end: {load_average:.1f}")
        for problem in saves["problems"][:20]:
            print("  ", problem)
        bad = (errors + saves["lost"] + saves["unlogged"] + saves["unconfirmed"] + survey["lost"]
               + survey["over_limit"])
        print("\nOK: no errors, no lost writes" if not bad else "\nFAILED")
        return 1 if bad else 0
    except RuntimeError as error:
        print(error, file=sys.stderr)
        log = work / "gunicorn.log"
        if log.exists():
            print(log.read_text("utf-8")[-4000:], file=sys.stderr)
        return 2
    finally:
        stop(locust, "locust")
        stop(server, "gunicorn")
        if created:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:
                pass
            pg(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
