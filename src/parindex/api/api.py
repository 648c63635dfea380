"""Read-only REST API: rounds, frameworks, and published results per unit group and per unit.

Only published results are served (the same bounded reads as the public pages). Every number
of points, index, maximum or band threshold is a string with exactly two places, rounded half-up
as published ("7.00"; the `Points` type). A group's ranking comes a page at a time (`page`,
`page_size` ≤ 500) with `count`, `next` and `previous`, so no answer grows with the number of
units. OpenAPI schema at /api/openapi.json, docs at /api/docs.
Every operation that looks something up by a path parameter documents its 404 answer, whose
body is `ErrorOut` (django-ninja's own {"detail": …}).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Schema
from pydantic import PlainSerializer, WithJsonSchema

from parindex.engine.compute import round2
from parindex.frameworks.models import Framework, Node
from parindex.frameworks.selectors import framework_dict
from parindex.results import selectors
from parindex.results.models import ResultSnapshot
from parindex.results.selectors import analysis

api = NinjaAPI(
    title="parindex API",
    version="1",
    description="Published results of the Administrative Reform Index (Chỉ số CCHC): rounds, "
    "frameworks, rankings per unit group and each unit's results. Read-only; decimals are "
    "strings with two places.",
    urls_namespace="api",
)


PAGE_SIZE = 100  # results per page unless asked
MAX_PAGE_SIZE = 500


def two_places(value) -> str:
    """A number as published: two places, rounded half-up ("7.00")."""
    return str(round2(Decimal(value)))


Points = Annotated[
    Decimal,
    PlainSerializer(two_places, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?\d+\.\d{2}$",
            "examples": ["7.00"],
            "description": "A decimal number with exactly two places, rounded half-up.",
        }
    ),
]


class ErrorOut(Schema):
    """The body of an error answer."""

    detail: str


def or_404(schema) -> dict:
    """The answers of an operation that looks something up: the schema, or 404."""
    return {200: schema, 404: ErrorOut}


class BandOut(Schema):
    code: str
    label: str
    min: Points


class NodeOut(Schema):
    code: str
    title: str
    kind: str = ""
    max: Points
    rule: dict | None = None
    children: list[NodeOut] = []


class FrameworkOut(Schema):
    code: str
    name: str
    year: int
    unit_group: str
    ranking: str
    bands: list[BandOut]
    nodes: list[NodeOut]


class FrameworkBrief(Schema):
    code: str
    name: str
    year: int
    unit_group: str


class GroupBrief(Schema):
    code: str
    name: str
    framework: str


class RoundOut(Schema):
    code: str
    name: str
    year: int
    published_on: datetime.date | None
    decision_number: str
    organiser: str | None
    unit_groups: list[GroupBrief]
    illustrative: bool = Field(
        False, description="The round's figures are made up (a demo), except those of "
        "`published_units`, which are as published in `source`.")
    source: str = ""
    published_units: list[str] = Field(default_factory=list)


class FieldOut(Schema):
    achieved: Points
    max: Points
    index: Points


class ResultOut(Schema):
    rank: int
    unit_code: str
    unit_name: str
    achieved: Points
    max: Points
    index: Points
    band: str
    band_label: str
    fields: dict[str, FieldOut]
    previous_rank: int | None = None
    previous_index: Points | None = None
    previous_fields: dict[str, Points] = Field(
        default_factory=dict, description="Last year's component index per field.")
    previous_units: list[str] = Field(
        default_factory=list,
        description="Codes of the predecessors last year's figures come from (a reorganisation).")
    change_mark: str = Field(
        "", description='"derived": last year\'s figures are the (weighted) mean of the '
        'predecessors\'; "not_comparable": the reorganisation is marked not comparable; '
        '"" otherwise.')
    change_explanation: str = ""


class FieldInfoOut(Schema):
    code: str
    title: str
    max: Points


class GroupResultsOut(Schema):
    """One page of a unit group's published ranking, in rank order."""

    round: str
    year: int
    unit_group: GroupBrief
    version: int
    published_at: datetime.datetime
    correction_reason: str
    fields: list[FieldInfoOut]
    count: int
    next: str | None
    previous: str | None
    results: list[ResultOut]


class PageIn(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page.")


class UnitResultOut(ResultOut):
    round: str
    unit_group: str
    self_achieved: Points | None
    self_index: Points | None
    points: dict[str, Points | None]
    self_points: dict[str, Points | None]
    missing: list[str]


def _round_out(round, chosen) -> dict:
    return {
        "code": round.code,
        "name": round.name,
        "year": round.year,
        "published_on": round.published_on,
        "decision_number": round.decision_number,
        "organiser": round.organiser.name if round.organiser_id else None,
        "illustrative": round.illustrative,
        "source": round.source,
        "published_units": round.published_units,
        "unit_groups": [
            {
                "code": s.framework.unit_group.code,
                "name": s.framework.unit_group.name,
                "framework": s.framework.code,
            }
            for s in chosen
        ],
    }


def _result(row: selectors.Row, table: selectors.Table) -> dict:
    return {
        "rank": row.rank,
        "unit_code": row.unit_code,
        "unit_name": row.unit_name,
        "achieved": row.achieved,
        "max": row.max,
        "index": row.index,
        "band": row.band,
        "band_label": row.band_label,
        "fields": {f.code: cell for f, cell in zip(table.fields, row.fields, strict=True) if cell},
        "previous_rank": row.previous_rank,
        "previous_index": row.previous_index,
        "previous_fields": row.previous.fields if row.previous else {},
        "previous_units": row.previous_units,
        "change_mark": row.change_mark,
        "change_explanation": row.previous.explanation if row.change_mark else "",
    }


@api.get("/rounds", response=list[RoundOut], tags=["rounds"])
def rounds(request):
    """Rounds whose results are published, newest first."""
    published = selectors.published_rounds()
    current = (
        ResultSnapshot.objects.current()
        .filter(round__in=published)
        .select_related("framework__unit_group")
        .defer("inputs", "structure")
        .order_by("framework__unit_group__code")
    )
    by_round: dict[int, list] = {}
    for snapshot in current:
        by_round.setdefault(snapshot.round_id, []).append(snapshot)
    return [_round_out(r, by_round.get(r.pk, [])) for r in published]


@api.get("/rounds/{code}", response=or_404(RoundOut), tags=["rounds"])
def round_detail(request, code: str):
    round = selectors.get_round(code)
    return _round_out(round, selectors.snapshots(round))


@api.get("/frameworks", response=list[FrameworkBrief], tags=["frameworks"])
def frameworks(request):
    """Frameworks used by published rounds."""
    return [
        {"code": fw.code, "name": fw.name, "year": fw.year, "unit_group": fw.unit_group.code}
        for fw in _public_frameworks().select_related("unit_group")
    ]


def _public_frameworks():
    used = ResultSnapshot.objects.current().filter(round__published_on__isnull=False)
    return Framework.objects.filter(pk__in=used.values("framework_id")).order_by("-year", "code")


@api.get("/frameworks/{code}", response=or_404(FrameworkOut), tags=["frameworks"])
def framework_detail(request, code: str):
    fw = _public_frameworks().select_related("unit_group").filter(code=code).first()
    if fw is None:
        raise Http404("No such framework in a published round")
    nodes = list(Node.objects.filter(framework=fw).order_by("position"))
    return framework_dict(fw, nodes)


@api.get("/rounds/{code}/results", response=or_404(list[GroupResultsOut]), tags=["results"])
def round_results(request, code: str, paging: Query[PageIn]):
    """Every unit group's published ranking in the round: the same page of each (by default
    the first), each with its `count` and the links to its next and previous pages."""
    round = selectors.get_round(code)
    return [
        _group_page(request, round, table.group.code, paging)
        for table in selectors.group_tables(round)
    ]


@api.get("/rounds/{code}/results/{group}", response=or_404(GroupResultsOut), tags=["results"])
def group_results(request, code: str, group: str, paging: Query[PageIn]):
    """One page of a unit group's published ranking in rank order, with last year's rank and
    index where known; `count` units in all, `next` and `previous` pages as URLs (or null)."""
    return _group_page(request, selectors.get_round(code), group, paging)


def _group_page(request, round, group: str, paging: PageIn) -> dict:
    size = paging.page_size
    try:
        found = selectors.ranking(round, group, page=paging.page, per_page=size)
    except Http404:
        raise Http404("No published results for this unit group") from None
    page, table = found.page, found.table
    if page.number != paging.page:  # get_page fell back to the last page
        raise Http404("No such page")
    link = _page_links(request, round.code, group, size)
    return {
        "round": round.code,
        "year": round.year,
        "unit_group": {
            "code": table.group.code,
            "name": table.group.name,
            "framework": table.framework.code,
        },
        "version": table.snapshot.version,
        "published_at": table.snapshot.published_at,
        "correction_reason": table.snapshot.reason,
        "fields": [{"code": f.code, "title": f.title, "max": f.max} for f in table.fields],
        "count": page.paginator.count,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": [_result(r, table) for r in table.rows],
    }


def _page_links(request, round_code: str, group: str, size: int):
    """page number → the absolute URL of that page of the group's results."""
    path = reverse("api:group_results", kwargs={"code": round_code, "group": group})

    def link(number: int) -> str:
        query = urlencode({"page": number, "page_size": size})
        return request.build_absolute_uri(f"{path}?{query}")

    return link


@api.get("/rounds/{code}/results/{group}/{unit}", response=or_404(UnitResultOut), tags=["results"])
def unit_results(request, code: str, group: str, unit: str):
    """One unit's published result: components, every criterion's points, self scores."""
    round = selectors.get_round(code)
    table, row, stored = selectors.unit_row(round, group, unit)
    return {
        **_result(row, table),
        "round": round.code,
        "unit_group": group,
        "self_achieved": row.self_achieved,
        "self_index": row.self_index,
        "points": stored.points,
        "self_points": stored.self_points,
        "missing": stored.missing,
    }


# --------------------------------------------------------------------------- robustness

Chance = Annotated[
    Decimal,
    PlainSerializer(lambda value: str(value), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^[01]\.\d{3}$", "examples": ["0.615"],
                    "description": "A probability, 0 to 1, with three places."}),
]


class RankSpreadOut(Schema):
    """How sure one unit's rank is under the survey's sampling error, and under other
    weights (`best`, `worst`: its ranks over the weight scenarios)."""

    unit_code: str
    unit_name: str
    rank: int
    median: int
    low: int = Field(description="Best rank of the 5–95% interval (it holds the published rank).")
    high: int = Field(description="Worst rank of the 5–95% interval.")
    first: Chance = Field(description="Chance of rank 1.")
    bands: dict[str, Chance] = Field(description="Chance of each band (\"\": no band).")
    neighbours: list[str] = Field(description="Units it cannot be told apart from.")
    best: int | None = None
    worst: int | None = None
    stable: bool | None = Field(None, description="The same rank under every scenario.")


class ScenarioOut(Schema):
    kind: str = Field(description="field: one field's weight × factor; equal: equal field "
                      "weights; survey: the survey worth `share` of the points.")
    field: str
    factor: Decimal
    share: Decimal | None
    correlation: Decimal | None = Field(description="Spearman's, with the published ranks.")
    moved: int = Field(description="Units whose rank changes.")


class GroupRobustnessOut(Schema):
    """How sure a unit group's published ranking is: one page of units in rank order."""

    round: str
    unit_group: str
    version: int
    draws: int
    seed: int
    estimated: bool = Field(description="Some survey points had an assumed sample (no answers "
                            "in the system): 200 people, spread 0.3.")
    survey_share: Decimal | None
    scenarios: list[ScenarioOut]
    count: int
    next: str | None
    previous: str | None
    results: list[RankSpreadOut]


class TargetOut(Schema):
    kind: str = Field(description="rank: the next rank up; band: the next band up.")
    index: Points
    band: str | None
    short: Points = Field(description="Points short of it.")
    criteria: list[str] = Field(description="The fewest criteria whose lost points reach it.")


class StepOut(Schema):
    code: str
    lost: Points
    index: Points = Field(description="The index with these points recovered.")
    rank: int
    band: str | None


class UnitRobustnessOut(RankSpreadOut):
    round: str
    unit_group: str
    targets: list[TargetOut]
    steps: list[StepOut]


def _robustness_of(code: str, group: str):
    round = selectors.get_round(code)
    tables = selectors.group_tables(round, group=group)
    if not tables:
        raise Http404("No published results for this unit group")
    return round, tables[0], analysis.robustness(tables[0].snapshot)


def _spread(found, spread) -> dict:
    shift = found.shift(spread.code)
    return {
        "unit_code": spread.code, "unit_name": found.names.get(spread.code, ""),
        "rank": spread.rank, "median": spread.median, "low": spread.low, "high": spread.high,
        "first": spread.first, "bands": spread.bands, "neighbours": spread.neighbours,
        "best": shift.best if shift else None, "worst": shift.worst if shift else None,
        "stable": shift.stable if shift else None,
    }


@api.get("/rounds/{code}/robustness/{group}", response=or_404(GroupRobustnessOut),
         tags=["results"])
def group_robustness(request, code: str, group: str, paging: Query[PageIn]):
    """How sure each rank of a published ranking is: the survey's points drawn within their
    sampling error (`draws` times, seeded), each unit's median rank, 5–95% interval, chances of
    first place and of each band, indistinguishable neighbours; and the ranking under other
    weights (each field ±20%, equal weights, the survey worth 20% or 40%)."""
    round, table, found = _robustness_of(code, group)
    size = paging.page_size
    page = Paginator(found.uncertainty.spreads, size).get_page(paging.page)
    if page.number != paging.page:
        raise Http404("No such page")
    path = reverse("api:group_robustness", kwargs={"code": code, "group": group})

    def link(number: int) -> str:
        return request.build_absolute_uri(
            f"{path}?{urlencode({'page': number, 'page_size': size})}")

    sensitivity = found.sensitivity
    return {
        "round": round.code, "unit_group": group, "version": table.snapshot.version,
        "draws": found.uncertainty.draws, "seed": found.uncertainty.seed,
        "estimated": found.estimated, "survey_share": sensitivity.survey_share,
        "scenarios": [vars(s) for s in sensitivity.scenarios],
        "count": page.paginator.count,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": [_spread(found, s) for s in page.object_list],
    }


@api.get("/rounds/{code}/robustness/{group}/{unit}", response=or_404(UnitRobustnessOut),
         tags=["results"])
def unit_robustness(request, code: str, group: str, unit: str):
    """One unit's rank interval and what would move it up: the next rank's and next band's
    index, the points short and the fewest criteria whose lost points reach each; and every
    criterion with lost points, with the index, rank and band it would give back."""
    round, table, found = _robustness_of(code, group)
    spread = found.spread(unit)
    if spread is None:
        raise Http404("No published result for this unit")
    lift = analysis.lift(table.snapshot, unit)
    return {
        **_spread(found, spread), "round": round.code, "unit_group": group,
        "targets": [vars(t) for t in lift.targets],
        "steps": [{"code": s.code, "lost": s.lost, "index": s.published, "rank": s.rank,
                   "band": s.band} for s in lift.steps],
    }
