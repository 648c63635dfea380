"""The load: officers autosaving their own sheets, appraisers appraising theirs, the public
survey form at a constant rate. Started by run.py (headless), which passes:

    LOAD_PLAN     the JSON plan written by setup_data.build (accounts, sessions, valid values)
    LOAD_RECORD   where to write every save and submission with its outcome (JSON lines),
                  read by run.py's lost-write check
    LOAD_SURVEY_RATE  survey submissions per second in all (default 20)

The load generator plays the TLS-terminating proxy in front of the app: every request carries
`X-Forwarded-Proto: https` (what `SECURE_PROXY_SSL_HEADER` of the production settings trusts),
and cookies, which the production settings mark Secure, are kept and sent by hand. So the server
runs `parindex.settings.production` unchanged, on plain HTTP over loopback.

Each person does what the page does:

- an officer opens their unit's sheet (GET), reads each sub-criterion's form (its `hx-post` URL
  and hidden `version`) and the CSRF token the page gives htmx; then, every few seconds, saves
  one random sub-criterion with a valid value, sending the version it last saw and taking the
  new one from the answer's out-of-band `version` input, as htmx does;
- an appraiser does the same with the appraised values of the two submitted sheets assigned to
  them (each shared with another appraiser). When the answer is a conflict (someone saved in
  between), the page shows the current value and a "Save mine over it" button carrying the
  current version: half the time the appraiser presses it, else moves on;
- a citizen opens the public form (GET) and sends it (POST, answered by a redirect to the
  thanks page), each from a new loopback address (127.1.x.y) as distinct people do, so the
  per-source rate limit (SURVEY_RATE_LIMIT) applies exactly as in production without
  refusing them;
- one stuffer sends the form twice a second from one address (127.2.0.1): run.py checks that
  at most SURVEY_RATE_LIMIT of its answers count.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
import uuid

from locust import HttpUser, between, constant_throughput, events, task
from requests.adapters import HTTPAdapter

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())
RECORD = os.environ["LOAD_RECORD"]
SURVEY_RATE = float(os.environ.get("LOAD_SURVEY_RATE", "20"))
CITIZENS = int(os.environ.get("LOAD_CITIZENS", "40"))
# Seconds between two saves of one person: officers at work on their sheet (finding the
# document, typing the value) save about every 20 s, appraisers checking values every 10 s.
OFFICER_WAIT = (10, 30)
APPRAISER_WAIT = (5, 15)

FORM = re.compile(
    r'<form class="autosave"[^>]*?hx-post="(?P<url>[^"]+/score/(?P<node>[^/"]+)/(?P<stage>\w+)/)"'
    r'[^>]*>\s*<input type="hidden" name="version" id="version-\d+-\w+" value="(?P<version>\d+)"'
)
HTMX_CSRF = re.compile(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'")
FORM_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAVED_VERSION = re.compile(r'name="version" id="version-\d+-\w+" value="(\d+)" hx-swap-oob')
CURRENT_VERSION = re.compile(r'class="small keep-mine" data-version="(\d+)"')

records: list[dict] = []
timings: dict[str, list] = {}  # request name → [[response ms, failed], ...]
officer_accounts = iter(PLAN["officers"])
appraiser_accounts = iter(PLAN["appraisers"])
addresses = itertools.count()


@events.request.add_listener
def time_request(name, response_time, exception, **_kwargs):
    timings.setdefault(name, []).append([response_time, exception is not None])


@events.quitting.add_listener
def write_records(**_kwargs):
    """Every save and submission, and every request's time: written last, once the users
    stopped by --stop-timeout have finished what they were doing."""
    with open(RECORD, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")
        f.write(json.dumps({"kind": "timings", "timings": timings}) + "\n")


class Proxied(HttpUser):
    """A browser behind the HTTPS proxy: forwarded scheme, Secure cookies kept by hand."""

    abstract = True

    def on_start(self):
        self.cookies: dict[str, str] = {}

    def headers(self, path: str, **extra) -> dict:
        origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        headers = {"X-Forwarded-Proto": "https", "Referer": origin + path, **extra}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def keep_cookies(self, response) -> None:
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value


class SheetUser(Proxied):
    """Someone signed in who autosaves values of their sheets, stage by stage."""

    abstract = True
    stage = ""
    accounts = iter(())

    def on_start(self):
        super().on_start()
        account = next(self.accounts, None)
        if account is None:  # more users than accounts: nothing to do
            self.forms = {}
            return
        self.username = account["username"]
        self.cookies["sessionid"] = account["session"]
        self.forms: dict[tuple[str, str], dict] = {}  # (unit, node) → url, version
        self.csrf = ""
        for unit in account["units"]:
            self.open_sheet(unit)

    def open_sheet(self, unit: str) -> None:
        path = f"/assessments/{PLAN['round']}/units/{unit}/"
        with self.client.get(path, headers=self.headers(path), name="GET sheet",
                             catch_response=True, allow_redirects=False) as response:
            self.keep_cookies(response)
            token = HTMX_CSRF.search(response.text or "")
            forms = [m for m in FORM.finditer(response.text or "")
                     if m["stage"] == self.stage]
            if response.status_code != 200 or token is None or not forms:
                response.failure(f"sheet {unit}: {response.status_code}, "
                                 f"{len(forms)} {self.stage} forms")
                return
            self.csrf = token.group(1)
            for m in forms:
                self.forms[unit, m["node"]] = {"url": m["url"], "version": int(m["version"])}

    @task
    def autosave(self):
        if not self.forms:
            return
        unit, node = random.choice(list(self.forms))
        sample = random.choice(PLAN["leaves"][node])
        self.save(unit, node, sample)

    def save(self, unit: str, node: str, sample: dict) -> None:
        form = self.forms[unit, node]
        data = {**sample["fields"], "note": "", "version": str(form["version"])}
        record = {"kind": "save", "user": self.username, "unit": unit, "node": node,
                  "stage": self.stage, "value": sample["value"], "sent": form["version"],
                  "status": None, "outcome": None, "version": None, "at": time.time()}
        records.append(record)
        headers = self.headers(f"/assessments/{PLAN['round']}/units/{unit}/",
                               **{"HX-Request": "true", "X-CSRFToken": self.csrf})
        headers["Origin"] = headers["Referer"].split("/assessments/")[0]
        with self.client.post(form["url"], data=data, headers=headers,
                              name=f"POST save_score {self.stage}", catch_response=True,
                              allow_redirects=False) as response:
            record["status"] = response.status_code
            outcome = response.headers.get("X-Parindex-Outcome")
            record["outcome"] = outcome
            text = response.text or ""
            if response.status_code != 200 or outcome is None:
                response.failure(f"{response.status_code} without an outcome")
            elif outcome == "saved":
                version = SAVED_VERSION.search(text)
                if version is None:
                    response.failure("saved, but no version in the answer")
                    return
                record["version"] = form["version"] = int(version.group(1))
            elif outcome == "conflict":
                current = CURRENT_VERSION.search(text)
                if current is None:
                    response.failure("conflict without the current version")
                    return
                record["current"] = form["version"] = int(current.group(1))
                response.success()  # shown on the page: not an error, counted apart
            else:
                response.failure(f"refused: {outcome}")
        if outcome == "conflict" and random.random() < 0.5:
            self.save(unit, node, sample)  # "Save mine over it"


class Officer(SheetUser):
    """The officer of one unit, filling in its draft sheet."""

    stage = "self"
    accounts = officer_accounts
    wait_time = between(*OFFICER_WAIT)
    fixed_count = len(PLAN["officers"])


class Appraiser(SheetUser):
    """An appraiser of the organising department, on the two submitted sheets given to them."""

    stage = "appraised"
    accounts = appraiser_accounts
    wait_time = between(*APPRAISER_WAIT)
    fixed_count = len(PLAN["appraisers"])


class SourceAddress(HTTPAdapter):
    """Connections from one loopback address (all of 127/8 reaches the server)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, connections, maxsize, block=False, **kwargs):
        super().init_poolmanager(connections, maxsize, block,
                                 source_address=(self.address, 0), **kwargs)


class Citizen(Proxied):
    """A member of the public answering the survey: a new person (address) each time."""

    wait_time = constant_throughput(SURVEY_RATE / CITIZENS)
    fixed_count = CITIZENS
    label = ""
    accepted = (302,)

    def address(self) -> str:
        n = next(addresses)
        return f"127.1.{n // 250 % 250}.{n % 250 + 1}"

    @task
    def answer(self):
        adapter = SourceAddress(self.address())
        self.client.mount("http://", adapter)
        self.cookies = {}
        survey = PLAN["survey"]
        path = f"/survey/f/{PLAN['round']}/{survey['group']}/"
        try:
            with self.client.get(path, headers=self.headers(path),
                                 name=f"GET survey form{self.label}",
                                 catch_response=True) as response:
                self.keep_cookies(response)
                token = FORM_CSRF.search(response.text or "")
                if response.status_code != 200 or token is None:
                    response.failure(f"{response.status_code} without the form")
                    return
            data = {"csrfmiddlewaretoken": token.group(1),
                    "unit": random.choice(survey["units"]),
                    "comment": f"load-{uuid.uuid4().hex}"}
            for code, options in survey["questions"].items():
                data[code] = random.choice(options)
            record = {"kind": "survey", "comment": data["comment"], "status": None,
                      "stuffer": bool(self.label), "at": time.time()}
            records.append(record)
            headers = self.headers(path)
            headers["Origin"] = headers["Referer"].split("/survey/")[0]
            with self.client.post(path, data=data, headers=headers,
                                  name=f"POST survey form{self.label}", catch_response=True,
                                  allow_redirects=False) as response:
                record["status"] = response.status_code
                thanks = response.status_code == 302 and "/thanks" in response.headers.get(
                    "Location", "")
                if not thanks and response.status_code not in self.accepted:
                    response.failure(f"{response.status_code}, not sent to the thanks page")
                else:
                    response.success()
        finally:
            adapter.close()


class Stuffer(Citizen):
    """Someone sending the form again and again from one address, twice a second: past
    SURVEY_RATE_LIMIT (default 20 an hour) their answers are flagged, past five times that
    refused (429, the page says why: not an error)."""

    wait_time = constant_throughput(2)
    fixed_count = 1
    label = " (one address)"
    accepted = (302, 429)

    def address(self) -> str:
        return "127.2.0.1"
