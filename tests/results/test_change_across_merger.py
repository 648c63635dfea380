"""Change from last year across a reorganisation: a new unit compared with the weighted mean of
its predecessors (ranked last year in another group), or marked not comparable; the same on the
ranking page, the scorecard and the API, in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from parindex.assessments.models import Round
from parindex.engine.io import REORGANISATION_COLUMNS
from parindex.results import services
from parindex.results.selectors import tables
from parindex.units.services import import_reorganisations
from tests import cast

from ..frameworks.factories import write_csv
from . import factories as f

pytestmark = pytest.mark.django_db

BASIS = "Nghị quyết 1664/NQ-UBTVQH15"


def merge(tmp_path, lines, comparable="yes", code="nq-1664"):
    """Record `lines` ((old, new, weight)) as one reorganisation on 1/7/2022 through the
    import; new units go to the ward group."""
    rows = [
        {"reorganisation": code, "date": "1/7/2022", "legal_basis": BASIS, "old_unit": old,
         "new_unit": new, "new_name": f"Phường {new}", "new_group": "phuong",
         "weight": weight, "weight_name": "dân số", "comparable": comparable}
        for old, new, weight in lines
    ]
    path = write_csv(tmp_path / f"{code}.csv", list(REORGANISATION_COLUMNS), rows)
    import_reorganisations(cast.administrator(), path)


def publish(rnd):
    services.compute_round(cast.administrator(), rnd)
    services.publish(cast.administrator(), rnd)
    return rnd


@pytest.fixture
def last_year():
    """2021: communes U001 (100.00), U002 (65.00), U003 (63.64), U004 (100.00) in group xa."""
    xa = f.group("xa", "Cấp xã")
    old = f.units(4, unit_group=xa)
    publish(f.round_with(year=2021, fw=f.framework("fw-xa-2021", 2021, xa), unit_list=old,
                         published_on=f.PUBLISHED))
    f.group("phuong", "Phường")
    return old


def this_year(codes):
    from parindex.units.models import Unit

    phuong = f.group("phuong", "Phường")
    rnd = f.round_with(year=2022, fw=f.framework("fw-phuong-2022", 2022, phuong),
                       unit_list=list(Unit.objects.filter(code__in=codes).order_by("code")),
                       published_on=datetime.date(2023, 4, 1))
    return publish(rnd)


def test_weighted_mean_of_predecessors_across_groups(last_year, tmp_path, client):
    merge(tmp_path, [("U001", "P1", "3"), ("U002", "P1", "1"), ("U003", "P2", "")])
    rnd = this_year(["P1", "P2"])

    [table] = tables(rnd)
    rows = {r.unit_code: r for r in table.rows}
    p1, p2 = rows["P1"], rows["P2"]
    assert table.previous_year == 2021  # the ward group is new, its units' predecessors are not
    assert p1.previous_index == Decimal("91.25")  # (100.00 × 3 + 65.00 × 1) / 4
    assert p1.previous_rank is None and p1.previous_units == ["U001", "U002"]
    assert p1.change_mark == "derived" and "dân số" in p1.previous.explanation
    assert BASIS in p1.previous.explanation
    assert set(p1.previous.fields) == {"1", "2", "3"}
    assert p1.field_changes[0] is not None
    # A single predecessor carries its own rank and index over.
    assert p2.previous_index == Decimal("63.64") and p2.previous_rank == 4
    assert p2.change_mark == "derived"

    html = client.get(reverse("results_ranking", args=[rnd.code, "phuong"])).content.decode()
    cell = html[html.index('data-unit="P1"'):]
    cell = cell[:cell.index("</tr>")]
    assert 'data-mark="derived"' in cell and "dân số" in cell
    assert "change-note" in html
    html = client.get(reverse("results_unit", args=[rnd.code, "phuong", "P1"])).content.decode()
    assert 'id="change-explanation"' in html and "Đơn vị U001, Đơn vị U002" in html
    assert html.count('class="num field-change"') == 3  # each field against last year

    data = client.get(f"/api/rounds/{rnd.code}/results/phuong").json()
    out = {r["unit_code"]: r for r in data["results"]}
    assert out["P1"]["previous_index"] == "91.25"
    assert out["P1"]["change_mark"] == "derived" and out["P1"]["previous_units"] == ["U001", "U002"]
    assert set(out["P1"]["previous_fields"]) == {"1", "2", "3"}


def test_not_comparable_reorganisation(last_year, tmp_path, client):
    merge(tmp_path, [("U001", "P1", ""), ("U002", "P1", "")], comparable="no")
    rnd = this_year(["P1"])
    [table] = tables(rnd)
    [p1] = table.rows
    assert p1.previous_index is None and p1.index_change is None
    assert p1.change_mark == "not_comparable" and BASIS in p1.previous.explanation
    html = client.get(reverse("results_ranking", args=[rnd.code, "phuong"])).content.decode()
    assert 'data-mark="not_comparable"' in html
    data = client.get(f"/api/rounds/{rnd.code}/results/phuong").json()
    assert data["results"][0]["change_mark"] == "not_comparable"
    assert data["results"][0]["previous_index"] is None


def test_old_results_stay_with_the_old_units(last_year, tmp_path):
    merge(tmp_path, [("U001", "P1", "3"), ("U002", "P1", "1")])
    [table] = tables(Round.objects.get(year=2021))
    assert [r.unit_code for r in table.rows] == ["U001", "U004", "U002", "U003"]


def test_sorting_by_change_uses_the_same_previous_index(last_year, tmp_path, client):
    merge(tmp_path, [("U001", "P1", "3"), ("U002", "P1", "1"), ("U003", "P2", "")])
    rnd = this_year(["P1", "P2"])
    url = reverse("results_ranking", args=[rnd.code, "phuong"])
    html = client.get(url, {"sort": "change"}).content.decode()
    # P1: 100.00 − 91.25 = 8.75; P2: 65.00 − 63.64 = 1.36: ascending puts P2 first.
    assert html.index('data-unit="P2"') < html.index('data-unit="P1"')


def test_queries_do_not_grow_with_merged_units(last_year, tmp_path, django_assert_max_num_queries):
    counts = []
    for n, year in [(1, 2022), (1, 2023), (4, 2024)]:  # the first makes a ward year to read
        lines = [(f"U00{i}", f"N{year}-{i}", "2") for i in range(1, n + 1)]
        from parindex.units.models import Unit

        Unit.objects.update(ended_by=None)
        merge(tmp_path, lines, code=f"r{year}")
        phuong = f.group("phuong", "Phường")
        rnd = publish(f.round_with(
            year=year, code=f"p{year}", fw=f.framework(f"fw-p-{year}", year, phuong),
            unit_list=list(Unit.objects.filter(code__startswith=f"N{year}-")),
            published_on=datetime.date(year + 1, 4, 1)))
        with django_assert_max_num_queries(12) as ctx:
            [table] = tables(rnd)
        assert all(r.change_mark for r in table.rows if r.unit_code.startswith(f"N{year}"))
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[2]
