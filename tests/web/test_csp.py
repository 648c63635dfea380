"""Content-Security-Policy: the header is on every page, and no page needs what it forbids —
no inline script, no event handler attribute, no inline style, nothing htmx would evaluate."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from parindex.assessments.models import Round, Sheet
from parindex.awards.models import Campaign
from parindex.results.selectors import published_rounds
from parindex.surveys.models import RespondentGroup


class Inline(HTMLParser):
    """What a page has that the policy would refuse."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on") or name.startswith("hx-on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            self._script = attrs
            if not attrs.get("src") and attrs.get("type") not in ("application/json",):
                self.found.append("inline <script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def refused(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.found


def test_the_checker_catches_inline_code():
    bad = ('<script>alert(1)</script><a onclick="x()">a</a><div hx-on:click="x()"></div>'
           '<p style="color:red"></p><style>p{}</style><a href="javascript:x()">b</a>')
    good = ('<script src="/static/x.js" defer></script><script type="application/json">{}'
            '</script><p class="x" data-on="1">online</p>')
    assert len(refused(bad)) == 6
    assert refused(good) == []


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


@pytest.fixture
def demo(db):
    call_command("demo", stdout=open("/dev/null", "w"))


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def test_main_pages_have_the_header_and_no_inline_code(client, demo):
    round = published_rounds()[0]
    home = client.get("/")
    ranking_url = re.search(rf'href="(/results/{round.code}/[\w-]+/)"', home.content.decode())
    assert ranking_url, "the home page links a ranking"
    ranking = client.get(ranking_url.group(1))
    unit_url = re.search(rf'href="({ranking_url.group(1)}[^"/]+/)"', ranking.content.decode())
    assert unit_url, "the ranking links a scorecard"
    group = RespondentGroup.objects.select_related("survey__round").first()
    campaign = Campaign.objects.first()
    # Pleiku's sheet of the round in progress, which its officer is filling in.
    sheet = Sheet.objects.select_related("round", "unit").filter(
        round__in=Round.objects.exclude(code__in=[r.code for r in published_rounds()]),
        unit__code="PLEIKU").get()

    public = {
        "home": home,
        "ranking": ranking,
        "scorecard": client.get(unit_url.group(1)),
        "overview": client.get(f"/results/{round.code}/"),
        "survey form": client.get(f"/survey/f/{group.survey.round.code}/{group.code}/"),
        "login": client.get("/accounts/login/"),
        "health": client.get("/healthz"),
    }
    login(client, "admin")
    staff = {
        "assessments": client.get("/assessments/"),
        "survey unit charts": client.get(
            f"/survey/{group.survey.round.code}/units/{sheet.unit.code}/"),
        "survey paper entry": client.get(f"/survey/{group.survey.round.code}/"),
        "awards": client.get("/awards/"),
        "campaign": client.get(f"/awards/{campaign.code}/"),
        "register": client.get("/awards/register/"),
        "admin": client.get("/admin/"),
    }
    login(client, "pleiku.canbo")
    staff["sheet"] = client.get(f"/assessments/{sheet.round.code}/units/{sheet.unit.code}/")
    login(client, "snv.quanly")
    staff["progress"] = client.get(f"/assessments/{sheet.round.code}/progress/")

    for name, response in {**public, **staff}.items():
        assert response.status_code == 200, name
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], name
        assert directives["script-src"] == ["'self'"], name
        assert directives["style-src"] == ["'self'"], name
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["form-action"] == ["'self'"], name
        assert directives["img-src"] == ["'self'", "data:"], name
        if response["Content-Type"].startswith("text/html"):
            assert refused(response.content.decode()) == [], name
    assert b'"allowEval":false' in home.content
    # The pages are the real ones, with what used to be inline.
    assert b'class="autosave' in staff["sheet"].content
    assert b'<svg class="stack"' in staff["survey unit charts"].content
    assert b"data-submit-on-change" in home.content
