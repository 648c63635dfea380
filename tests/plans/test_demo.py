"""The demo's reform year: the plan, three quarterly reports (some late), eleven months of
figures, the open round's sheets prefilled from them, and the monthly index ranking units."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from parindex.assessments.models import Score, Sheet
from parindex.demo.plans import UNITS, demo_round
from parindex.plans.models import Plan, Prefill, Report, ServiceMonth, Task
from parindex.plans.service_index import monthly_index, service_frameworks

pytestmark = pytest.mark.django_db


def test_the_demo_builds_the_year_and_prefills_the_open_round():
    call_command("demo")
    round = demo_round()
    year = round.year
    assert Plan.objects.filter(unit=round.organiser, year=year).exists()  # the province's
    # Each unit with an officer or head in the demo issues its own plan too.
    assert Plan.objects.filter(year=year).exclude(unit=round.organiser).exists()
    assert Task.objects.filter(plan__year=year).count() == 3 * UNITS
    reports = Report.objects.filter(year=year)
    assert sorted(set(reports.values_list("kind", flat=True))) == ["half", "q1", "q3"]
    sent = [r for r in reports if r.submitted_at]
    assert any(r.on_time for r in sent) and any(not r.on_time for r in sent)
    assert set(ServiceMonth.objects.filter(month__year=year).values_list(
        "month__month", flat=True)) == set(range(1, 12))

    prefills = Prefill.objects.filter(sheet__round=round).select_related("sheet", "node")
    assert prefills.exists()
    assert all(p.sheet.state == Sheet.State.DRAFT for p in prefills)
    for prefill in prefills:
        score = Score.objects.get(round=round, unit=prefill.sheet.unit, node=prefill.node,
                                  stage="self")
        assert score.value == prefill.value and score.points is not None

    for framework in service_frameworks(year):
        rankings, _trends = monthly_index(framework, year)
        assert len(rankings) == 11
        assert all(r.rows and r.rows[0].rank == 1 for r in rankings)

    call_command("demo")  # a reload leaves the year as it was
    assert Task.objects.filter(plan__year=year).count() == 3 * UNITS
