"""No list page and no API answer grows with the number of units: the same queries and (within
a few bytes of differing numbers) the same response size for a round of 180 units as for one of
540, since every list shows one page (≤ 100 rows) and every count is an SQL aggregate."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parindex.assessments.models import Round, Sheet
from tests import cast
from tests.results import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

# Both fill a ranking page (100), a sheet page (50) and the queue (a third of the sheets).
SIZES = [(180, 2020), (540, 2021)]
PAGES = {
    "home": "/?round=r{year}",
    "ranking": "/results/r{year}/g{n}/",
    "ranking filtered and sorted": "/results/r{year}/g{n}/?q=-0&sort=2&desc=1",
    "scorecard": "/results/r{year}/g{n}/Y{year}-077/",
    "overview": "/results/r{year}/",
    "progress board": "/assessments/r{year}/progress/",
    "progress board, late": "/assessments/r{year}/progress/?status=late&q=y{year}",
    "round page": "/assessments/r{year}/?status=late",
    "appraisal queue": "/assessments/r{year}/queue/",
    "API group results": "/api/rounds/r{year}/results/g{n}",
    "API round results": "/api/rounds/r{year}/results",
    "API unit result": "/api/rounds/r{year}/results/g{n}/Y{year}-077",
}


def with_sheets(n: int, year: int):
    rnd, group = f.published_round(n, year)
    rnd.self_deadline = datetime.date(year, 3, 31)
    rnd.kind = Round.Kind.ASSESSMENT  # a round run with sheets
    rnd.save()
    late = timezone.make_aware(datetime.datetime(year, 4, 2, 9))
    states = Sheet.State.values
    Sheet.objects.bulk_create(
        Sheet(
            round=rnd,
            unit=unit,
            framework=rnd.frameworks.get(),
            state=states[i % len(states)],
            submitted_at=None if i % len(states) == 0 else late,
        )
        for i, unit in enumerate(group.units.order_by("code"))
    )
    return rnd


@pytest.fixture
def rounds(db):
    return [with_sheets(n, year) for n, year in SIZES]


def measure(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries), len(response.content)


def test_pages_do_not_grow_with_the_units(client, rounds):
    client.force_login(cast.administrator())
    grown = []
    for page, url in PAGES.items():
        small, large = (measure(client, url.format(n=n, year=year)) for n, year in SIZES)
        if small[0] != large[0] or large[1] > small[1] * 1.01:
            grown.append(f"{page}: {small} then {large} (queries, bytes)")
    assert grown == []


def test_lists_show_one_page_with_the_whole_count(client, rounds):
    client.force_login(cast.administrator())
    html = client.get("/results/r2021/g540/").content.decode()
    assert html.count("<tr data-unit=") == 100 and "540" in html
    home = client.get("/?round=r2021").content.decode()
    assert home.count("<tr data-unit=") == 10 and 'href="/results/r2021/g540/"' in home
    board = client.get("/assessments/r2021/progress/").content.decode()
    assert board.count("/assessments/r2021/units/") == 50
    assert 'id="count-submitted">450<' in board and 'id="count-not-started">90<' in board
    assert 'id="count-late">540<' in board  # past the deadline, or submitted after it
    found = client.get("/assessments/r2021/", {"q": "Y2021-077"}).content.decode()
    assert found.count("/assessments/r2021/units/") == 1
    first = client.get("/api/rounds/r2021/results/g540").json()
    data = client.get("/api/rounds/r2021/results/g540", {"page": 2}).json()
    assert data["count"] == 540 and len(data["results"]) == 100 and first["previous"] is None
    assert first["next"] == "http://testserver/api/rounds/r2021/results/g540?page=2&page_size=100"
    assert data["next"].endswith("page=3&page_size=100")
    assert data["previous"].endswith("page=1&page_size=100")
    codes = {r["unit_code"] for r in first["results"]} | {r["unit_code"] for r in data["results"]}
    assert len(codes) == 200
    last = client.get("/api/rounds/r2021/results/g540", {"page": 2, "page_size": 500}).json()
    assert last["next"] is None and len(last["results"]) == 40
    assert client.get("/api/rounds/r2021/results/g540", {"page": 7}).status_code == 404
    assert client.get("/api/rounds/r2021/results/g540", {"page_size": 501}).status_code == 422
