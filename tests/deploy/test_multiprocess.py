"""Two app servers and a worker over one PostgreSQL database (issue 11).

A throwaway database gets the Gia Lai demo (and the 2021 survey definition on the open 2023
round, so a survey import is possible); then two gunicorn processes on two loopback ports and
one `parindex worker` run `parindex.settings.production` with the same DATABASE_URL, SECRET_KEY
and MEDIA_ROOT (a temporary directory both servers share: the local-disk stand-in for shared
object storage). Through plain HTTP, as the HTTPS proxy would (bench/load's way: the forwarded
scheme header, Secure cookies kept by hand), one test shows that sessions, uploads, jobs and
published results cross from one server to the other. Skipped without PostgreSQL on
127.0.0.1:5432 (LOAD_PG overrides) or without gunicorn.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
LOAD = ROOT / "bench" / "load"

pytestmark = pytest.mark.load


def _load_helpers():
    """bench/load/run.py: free_port, stop, wait_for_server, start_gunicorn, pg, pg_reachable."""
    spec = importlib.util.spec_from_file_location("parindex_load_run", LOAD / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = _load_helpers()

SETUP = """
import django
django.setup()
from django.core.management import call_command
import run
from parindex.assessments.models import Round
from parindex.surveys.services.definitions import load_survey
call_command("migrate", verbosity=0)
run.collect_static()
call_command("demo", verbosity=0)
load_survey(Round.objects.get(code="gialai-2023"), "examples/gialai/survey-2021.yaml")
"""
MANAGER, OFFICER = "snv.quanly", "pleiku.canbo"
PASSWORD = "cchc-demo-2023"  # demo.assessment_round.PASSWORD
FORM_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _png() -> bytes:
    """A small PNG: evidence is checked by content (Pillow must verify it)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


class Browser:
    """A browser behind the HTTPS proxy, on one server: the forwarded scheme on every request
    and the Secure cookies kept by hand (as bench/load/locustfile.py's `Proxied`), so the
    production settings run unchanged over plain HTTP. `cookies` may be shared between two."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        import requests

        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies = {} if cookies is None else cookies
        self.http = requests.Session()

    def _send(self, method: str, path: str, **kwargs):
        headers = {"X-Forwarded-Proto": "https", "Referer": self.origin + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.http.cookies.clear()
        response = self.http.request(method, self.base + path, headers=headers,
                                     allow_redirects=False, timeout=60, **kwargs)
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path: str):
        return self._send("GET", path)

    def post(self, path: str, data: dict, files: dict | None = None, form_page: str = ""):
        """POST with the CSRF token of `form_page` (default: `path` itself)."""
        page = self.get(form_page or path)
        assert page.status_code == 200, (form_page or path, page.status_code)
        token = FORM_CSRF.search(page.text).group(1)
        return self._send("POST", path, data={"csrfmiddlewaretoken": token, **data},
                          files=files)


def _skip_without_tools():
    if importlib.util.find_spec("gunicorn") is None:
        pytest.skip("gunicorn is not installed (requirements-dev.txt)")
    if importlib.util.find_spec("requests") is None:
        pytest.skip("requests is not installed")
    if not run.pg_reachable():
        pytest.skip("PostgreSQL is not reachable")


def _wait_for(check, what: str, timeout: float = 40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


def test_two_servers_and_a_worker_share_sessions_uploads_jobs_and_results():
    _skip_without_tools()
    work = Path(tempfile.mkdtemp(prefix="parindex-multi-"))
    database = f"multiprocess_test_{os.getpid()}_{secrets.token_hex(3)}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "PYTHONPATH": os.pathsep.join([str(SRC), str(LOAD)]),
        "DJANGO_SETTINGS_MODULE": "parindex.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{run.PG}/{database}",
        "PARINDEX_VAR": str(work / "var"),
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),  # one directory for both servers and the worker
    }
    processes: dict[str, subprocess.Popen] = {}
    created = False
    try:
        run.pg(f'CREATE DATABASE "{database}"')
        created = True
        setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
        assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-4000:]

        ports = {"A": run.free_port(), "B": run.free_port()}
        for name, port in ports.items():
            processes[name] = run.start_gunicorn(port, env, work, work / f"gunicorn-{name}.log",
                                                 workers=1)
        processes["worker"] = subprocess.Popen(
            [sys.executable, "-m", "parindex.cli", "worker", "--interval", "0.5"],
            env=env, cwd=work, stdout=(work / "worker.log").open("w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        for name, port in ports.items():
            run.wait_for_server(f"http://127.0.0.1:{port}/accounts/login/", processes[name])

        # 1. Sessions in the database: signed in on A, the same cookie is accepted on B.
        officer_a = Browser(ports["A"])
        signed_in = officer_a.post("/accounts/login/",
                                   {"username": OFFICER, "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.text[-2000:]
        assert "sessionid" in officer_a.cookies
        officer_b = Browser(ports["B"], cookies=officer_a.cookies)
        sheet = "/assessments/gialai-2023/units/PLEIKU/"
        on_b = officer_b.get(sheet)
        assert on_b.status_code == 200, on_b.status_code  # not a redirect to the login page
        assert Browser(ports["B"]).get(sheet).status_code == 302  # without the cookie: login

        # 2. An upload on A, downloaded byte-identical through the checked view on B.
        png = _png()
        uploaded = officer_a.post(f"{sheet}evidence/1.1.1/", {},
                                  files={"file": ("proof.png", png, "image/png")},
                                  form_page=sheet)
        assert uploaded.status_code == 302, uploaded.text[-2000:]
        links = re.findall(r'href="/assessments/evidence/(\d+)/"', officer_b.get(sheet).text)
        assert links, "the uploaded evidence is not listed on B"
        download = officer_b.get(f"/assessments/evidence/{links[-1]}/")
        assert download.status_code == 200
        assert download.content == png
        assert Browser(ports["B"]).get(f"/assessments/evidence/{links[-1]}/").status_code == 302

        # 3. A job started on B (a survey import from the web), run by the worker, done on A.
        manager_b = Browser(ports["B"])
        assert manager_b.post("/accounts/login/",
                              {"username": MANAGER, "password": PASSWORD}).status_code == 302
        manager_a = Browser(ports["A"], cookies=manager_b.cookies)
        answers = (ROOT / "examples" / "gialai" / "survey-2021-dai-bieu.csv").read_bytes()
        started = manager_b.post("/survey/gialai-2023/dai-bieu/import/", {},
                                 files={"file": ("dai-bieu.csv", answers, "text/csv")})
        assert started.status_code == 302, started.text[-2000:]
        status = started.headers["Location"]
        assert re.fullmatch(r"/survey/gialai-2023/imports/\d+/", status), status
        page = _wait_for(
            lambda: (lambda text: text if "status-pending" not in text
                     and "status-running" not in text else None)(manager_a.get(status).text),
            "the import done on A (worker log: "
            + (work / "worker.log").read_text("utf-8", "replace")[-1000:] + ")")
        assert 'class="status-done"' in page, page[-3000:]
        rows = len([line for line in answers.decode("utf-8-sig").splitlines()[1:] if line.strip()])
        assert f"Đã nhập {rows} phiếu trả lời." in page, page[-3000:]  # every row, in Vietnamese

        # 4. Results published through A show on B's public ranking page.
        reason = f"multiprocess check {secrets.token_hex(4)}"
        published = manager_a.post("/manage/results/gialai-2022/do/correct/",
                                   {"reason": reason},
                                   form_page="/manage/results/gialai-2022/")
        assert published.status_code == 302, published.text[-2000:]
        public = Browser(ports["B"]).get("/results/gialai-2022/huyen/")
        assert public.status_code == 200
        assert reason in public.text
    finally:
        for name, process in processes.items():
            run.stop(process, name)
        if created:
            run.pg(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
