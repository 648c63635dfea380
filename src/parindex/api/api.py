"""Read-only REST API: rounds, frameworks, and published results per unit group and per unit.

Only published results are served (the same reads as the public pages); decimals are strings
with two places, as in formats.md. OpenAPI schema at /api/openapi.json, docs at /api/docs.
Every operation that looks something up by a path parameter documents its 404 answer, whose
body is `ErrorOut` (django-ninja's own {"detail": …}).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import NinjaAPI, Schema

from parindex.frameworks.models import Framework, Node
from parindex.frameworks.selectors import framework_dict
from parindex.results import selectors as snaps
from parindex.results.models import ResultDetail, ResultSnapshot

api = NinjaAPI(
    title="parindex API",
    version="1",
    description="Published results of the Administrative Reform Index (Chỉ số CCHC): rounds, "
    "frameworks, rankings per unit group and each unit's results. Read-only; decimals are "
    "strings with two places.",
    urls_namespace="api",
)


class ErrorOut(Schema):
    """The body of an error answer."""

    detail: str


def or_404(schema) -> dict:
    """The answers of an operation that looks something up: the schema, or 404."""
    return {200: schema, 404: ErrorOut}


class BandOut(Schema):
    code: str
    label: str
    min: Decimal


class NodeOut(Schema):
    code: str
    title: str
    kind: str = ""
    max: Decimal
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


class FieldOut(Schema):
    achieved: Decimal
    max: Decimal
    index: Decimal


class ResultOut(Schema):
    rank: int
    unit_code: str
    unit_name: str
    achieved: Decimal
    max: Decimal
    index: Decimal
    band: str
    band_label: str
    fields: dict[str, FieldOut]
    previous_rank: int | None = None
    previous_index: Decimal | None = None


class GroupResultsOut(Schema):
    round: str
    year: int
    unit_group: GroupBrief
    version: int
    published_at: datetime.datetime
    correction_reason: str
    fields: list[dict]
    results: list[ResultOut]


class UnitResultOut(ResultOut):
    round: str
    unit_group: str
    self_achieved: Decimal | None
    self_index: Decimal | None
    points: dict[str, Decimal | None]
    self_points: dict[str, Decimal | None]
    missing: list[str]


def _round_out(round, chosen) -> dict:
    return {
        "code": round.code,
        "name": round.name,
        "year": round.year,
        "published_on": round.published_on,
        "decision_number": round.decision_number,
        "organiser": round.organiser.name if round.organiser_id else None,
        "unit_groups": [
            {
                "code": s.framework.unit_group.code,
                "name": s.framework.unit_group.name,
                "framework": s.framework.code,
            }
            for s in chosen
        ],
    }


def _result(row: snaps.Row, table: snaps.Table) -> dict:
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
    }


@api.get("/rounds", response=list[RoundOut], tags=["rounds"])
def rounds(request):
    """Rounds whose results are published, newest first."""
    published = snaps.published_rounds()
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
    round = snaps.get_round(code)
    return _round_out(round, snaps.snapshots(round))


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
def round_results(request, code: str):
    """Every unit group's published ranking in the round."""
    round = snaps.get_round(code)
    return [_group_out(round, t) for t in snaps.tables(round)]


@api.get("/rounds/{code}/results/{group}", response=or_404(GroupResultsOut), tags=["results"])
def group_results(request, code: str, group: str):
    """One unit group's published ranking, with last year's rank and index where known."""
    round = snaps.get_round(code)
    found = snaps.tables(round, group=group)
    if not found:
        raise Http404("No published results for this unit group")
    return _group_out(round, found[0])


def _group_out(round, table: snaps.Table) -> dict:
    snapshot = table.snapshot
    return {
        "round": round.code,
        "year": round.year,
        "unit_group": {
            "code": table.group.code,
            "name": table.group.name,
            "framework": table.framework.code,
        },
        "version": snapshot.version,
        "published_at": snapshot.published_at,
        "correction_reason": snapshot.reason,
        "fields": [{"code": f.code, "title": f.title, "max": f.max} for f in table.fields],
        "results": [_result(r, table) for r in table.rows],
    }


@api.get("/rounds/{code}/results/{group}/{unit}", response=or_404(UnitResultOut), tags=["results"])
def unit_results(request, code: str, group: str, unit: str):
    """One unit's published result: components, every criterion's points, self scores."""
    round = snaps.get_round(code)
    found = snaps.tables(round, group=group)
    row = next((r for r in found[0].rows if r.unit_code == unit), None) if found else None
    if row is None:
        raise Http404("No published result for this unit")
    stored = ResultDetail.objects.get(snapshot=found[0].snapshot, unit_code=unit)
    return {
        **_result(row, found[0]),
        "round": round.code,
        "unit_group": group,
        "self_achieved": row.self_achieved,
        "self_index": row.self_index,
        "points": stored.points,
        "self_points": stored.self_points,
        "missing": stored.missing,
    }
