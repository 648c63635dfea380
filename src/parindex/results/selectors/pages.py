"""Bounded reads of published results for the pages and the API.

Invariants: a page never reads more rows than it shows. Filtering, sorting and pagination of a
ranking happen in SQL; a group's statistics (count, averages, best, bands, distribution, gaps)
are SQL aggregates over published numbers; a unit's scorecard reads that unit's rows only. Each
function runs a fixed number of queries whatever the number of units and criteria. Averages are
exact sums of two-place numbers divided in Python and rounded half-up, as `stored.mean` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from parindex.assessments.models import Round
from parindex.collation import collated
from parindex.engine.compute import round2
from parindex.units.models import Unit

from ..models import ResultDetail, ResultRow, ResultSnapshot
from .stored import (
    LeafLine,
    Row,
    Table,
    compare_with_previous,
    engine_structure,
    previous_results,
    row_values,
    snapshots,
    table_of,
    trend,
)

TOP = 10  # rows of each group on the home page
BIN = 5  # width of a bin of the distribution of indices, in index points
INDEX = DecimalField(max_digits=5, decimal_places=2)
SORT_KEYS = ["rank", "unit", "points", "index", "change"]


class JsonText(Func):
    """The text at a path of keys in a JSON column (NULL where absent). Django's key transforms
    read a key such as "1" as an array position on SQLite; this reads it as an object key."""

    output_field = DecimalField()

    def __init__(self, column: str, *keys: str):
        self.keys = keys
        super().__init__(F(column))

    def as_sqlite(self, compiler, connection):
        column, params = compiler.compile(self.source_expressions[0])
        path = "$" + "".join(f".{json.dumps(key)}" for key in self.keys)
        return f"JSON_EXTRACT({column}, %s)", (*params, path)

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.source_expressions[0])
        return f"({column} #>> %s)", (*params, list(self.keys))


def component_index(code: str):
    """A row's component index of field `code`, as a number (NULL when not applicable)."""
    return Cast(JsonText("fields", code, "index"), INDEX)


def _mean(total, count) -> Decimal | None:
    if not count:
        return None
    exact = round2(Decimal(total))  # a sum of two-place numbers
    return round2(exact / count)


def _cents(value) -> Decimal | None:
    return None if value is None else round2(Decimal(value))


# --------------------------------------------------------------------------- statistics


@dataclass
class Stats:
    """A group's statistics over its whole ranking, computed by the database."""

    count: int = 0
    average_index: Decimal | None = None
    field_averages: list[Decimal | None] = field(default_factory=list)
    best: list[Decimal | None] = field(default_factory=list)
    distribution: list[tuple[int, int]] = field(default_factory=list)
    bands: list[tuple[dict, int]] = field(default_factory=list)
    lowest: Decimal | None = None
    highest: Decimal | None = None

    @property
    def spread(self) -> Decimal | None:
        """Highest index minus lowest: how far apart the group's units are."""
        return None if self.lowest is None else self.highest - self.lowest


def statistics(tables: list[Table]) -> dict[int, Stats]:
    """Per snapshot id: count, average index, per-field average and best component index,
    the distribution of indices in bins of `BIN` points and the count per band.

    A published snapshot is frozen, so its statistics are computed once (two aggregate
    queries) and then served from the cache; a draft's are computed every time."""
    published = {t.snapshot.pk: _cache_key(t.snapshot) for t in tables if t.snapshot.published_at}
    found = cache.get_many(list(published.values())) if published else {}
    result = {pk: found[key] for pk, key in published.items() if key in found}
    computed = _aggregate([t for t in tables if t.snapshot.pk not in result])
    cache.set_many({published[pk]: stats for pk, stats in computed.items() if pk in published})
    return {**result, **computed}


def _cache_key(snapshot: ResultSnapshot) -> str:
    return f"results-stats-{snapshot.pk}-{snapshot.published_at.timestamp()}"


def _aggregate(tables: list[Table]) -> dict[int, Stats]:
    if not tables:
        return {}
    codes = sorted({f.code for t in tables for f in t.fields})
    aggregates = {"n": Count("pk"), "total": Sum("index"), "low": Min("index"),
                  "high": Max("index")}
    for i, code in enumerate(codes):
        aggregates[f"s{i}"] = Sum(component_index(code))
        aggregates[f"c{i}"] = Count(component_index(code))
        aggregates[f"m{i}"] = Max(component_index(code))
    for low in range(0, 100, BIN):
        top = Q() if low + BIN >= 100 else Q(index__lt=low + BIN)
        aggregates[f"b{low}"] = Count("pk", filter=Q(index__gte=low) & top)
    snapshot_ids = [t.snapshot.pk for t in tables]
    # A draft's lines not final yet (criteria without a score) would count as zeros: left out.
    rows = ResultRow.objects.filter(snapshot_id__in=snapshot_ids).filter(
        Q(snapshot__published_at__isnull=False) | Q(missing=0))
    found = {
        a["snapshot_id"]: a
        for a in rows
        .values("snapshot_id")
        .order_by()
        .annotate(**aggregates)
    }
    bands: dict[int, dict[str, int]] = {pk: {} for pk in snapshot_ids}
    for snapshot_id, band, n in (
        rows.values("snapshot_id", "band")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("snapshot_id", "band", "n")
    ):
        bands[snapshot_id][band] = n
    return {t.snapshot.pk: _stats(t, codes, found.get(t.snapshot.pk), bands) for t in tables}


def _stats(table: Table, codes: list[str], found: dict | None, bands) -> Stats:
    if found is None:
        return Stats(bands=[(b, 0) for b in table.bands])
    where = [codes.index(f.code) for f in table.fields]
    counts = [(low, found[f"b{low}"]) for low in range(0, 100, BIN)]
    used = [low for low, n in counts if n]
    per_band = bands[table.snapshot.pk]
    return Stats(
        count=found["n"],
        average_index=_mean(found["total"], found["n"]),
        field_averages=[_mean(found[f"s{i}"], found[f"c{i}"]) for i in where],
        best=[_cents(found[f"m{i}"]) for i in where],
        distribution=[(low, n) for low, n in counts if used and low >= used[0]],
        bands=[(b, per_band.get(b["code"], 0)) for b in table.bands],
        lowest=_cents(found["low"]),
        highest=_cents(found["high"]),
    )


@dataclass
class Gap:
    row: Row
    table: Table

    @property
    def gap(self) -> Decimal:
        return self.row.self_index - self.row.index


def biggest_gaps(tables: list[Table], limit: int = 10) -> list[Gap]:
    """The rows of these tables whose self-assessed index is furthest above the appraised."""
    by_snapshot = {t.snapshot.pk: t for t in tables}
    gap = ExpressionWrapper(F("self_index") - F("index"), output_field=INDEX)
    rows = ResultRow.objects.filter(snapshot_id__in=by_snapshot, self_index__isnull=False)
    rows = rows.annotate(gap=gap).order_by("-gap", "unit_code")[:limit]
    return [Gap(by_snapshot[v[0]].row(v), by_snapshot[v[0]]) for v in row_values(rows)]


# --------------------------------------------------------------------------- tables


def group_tables(
    round: Round, published: bool = True, version: int | None = None, group: str | None = None
) -> list[Table]:
    """The round's tables (one group's with `group`) without rows, with their unit counts."""
    chosen = snapshots(round, published=published, version=version)
    if group is not None:
        chosen = [s for s in chosen if s.framework.unit_group.code == group]
    tables = [table_of(snapshot) for snapshot in chosen]
    if tables:
        counts = dict(
            ResultRow.objects.filter(snapshot__in=chosen)
            .values("snapshot_id")
            .order_by()
            .annotate(n=Count("pk"))
            .values_list("snapshot_id", "n")
        )
        for table in tables:
            table.count = counts.get(table.snapshot.pk, 0)
    return tables


def tops(round: Round, limit: int = TOP) -> list[Table]:
    """Each group's first `limit` rows by rank, with the change since last year (home page).
    One query per unit group (a round has a handful), none reading more than `limit` rows."""
    tables = group_tables(round)
    if not tables:
        return []
    for table in tables:  # one query per group, each reading `limit` rows off the index
        top = ResultRow.objects.filter(snapshot=table.snapshot).order_by("rank", "unit_code")
        table.rows = [table.row(values) for values in row_values(top[:limit])]
    compare_with_previous(round, tables)
    return tables


# --------------------------------------------------------------------------- a ranking page


@dataclass
class Ranking:
    table: Table  # rows: the page's rows
    page: Page


def ranking(
    round: Round,
    group: str,
    *,
    published: bool = True,
    version: int | None = None,
    sort: str = "rank",
    descending: bool = False,
    query: str = "",
    band: str = "",
    page: str | int | None = 1,
    per_page: int = 100,
) -> Ranking:
    """One page of a group's ranking as the reader asked: filtered by a name or code fragment
    and a band, sorted by rank, unit, points, index, change or a field code — in SQL."""
    found = group_tables(round, published=published, version=version, group=group)
    if not found:
        raise Http404("No results for this group")
    table = found[0]
    rows = ResultRow.objects.filter(snapshot=table.snapshot)
    needle = query.strip()
    if needle:
        rows = rows.filter(Q(unit_name__icontains=needle) | Q(unit_code__icontains=needle))
    if band:
        rows = rows.filter(band=band)
    rows = _sorted(rows, round, table, sort, descending)
    paged = Paginator(row_values(rows), per_page).get_page(page)
    table.rows = [table.row(values) for values in paged.object_list]
    paged.object_list = table.rows
    compare_with_previous(round, [table])
    return Ranking(table, paged)


def _sorted(rows, round: Round, table: Table, sort: str, descending: bool):
    """Order as the ranking offers; ties keep rank order. Ascending, "nothing to compare"
    (no change, a field not applicable) comes first; descending, last."""
    keys = {"rank": ["rank", "unit_code"], "index": ["index"], "points": ["achieved"]}
    if sort == "unit":
        rows, keys[sort] = rows.annotate(sort_name=collated("unit_name")), ["sort_name"]
    elif sort == "change":
        rows, keys[sort] = rows.annotate(sort_key=_index_change(round, table)), ["sort_key"]
    elif sort in table.field_codes:
        rows, keys[sort] = rows.annotate(sort_key=component_index(sort)), ["sort_key"]
    if sort not in keys:
        sort = "rank"
    order = [
        F(k).desc(nulls_last=True) if descending else F(k).asc(nulls_first=True) for k in keys[sort]
    ]
    if sort in ("index", "points") and descending:
        order.append(F("unit_code").desc())
    return rows.order_by(*order, "rank", "unit_code")


def _index_change(round: Round, table: Table):
    """Index minus last year's (`previous_results`), as SQL to sort by: the unit's own row
    through a subquery, the units carried over from predecessors (a reorganisation's few new
    units) as a CASE; NULL when there is nothing to compare."""
    previous = (
        ResultSnapshot.objects.current()
        .filter(
            round__year__lt=round.year,
            round__published_on__isnull=False,
            framework__unit_group_id=table.snapshot.framework.unit_group_id,
        )
        .order_by("-round__year")
        .values("pk")[:1]
    )
    earlier = ResultRow.objects.filter(snapshot_id=Subquery(previous))
    own = earlier.filter(unit_code=OuterRef("unit_code")).values("index")[:1]
    newcomers = list(
        ResultRow.objects.filter(snapshot=table.snapshot)
        .exclude(unit_code__in=earlier.values("unit_code"))
        .filter(unit_code__in=Unit.predecessors.through.objects.values("from_unit__code"))
        .values_list("unit_code", flat=True)
    )
    _, found = previous_results(round, [table.snapshot.framework.unit_group_id], newcomers)
    derived = [When(unit_code=code, then=Value(last.index))
               for code, last in sorted(found.items()) if last.index is not None]
    before = Subquery(own, output_field=INDEX)
    if derived:
        before = Coalesce(before, Case(*derived, output_field=INDEX))
    return ExpressionWrapper(F("index") - before, output_field=INDEX)


# --------------------------------------------------------------------------- unit scorecard


@dataclass
class Scorecard:
    table: Table  # rows: the unit's row only
    row: Row
    stats: Stats
    leaves: list[LeafLine]
    trend: list
    missing: list[str]

    @property
    def group_average(self) -> list[Decimal | None]:
        return self.stats.field_averages

    @property
    def best(self) -> list[Decimal | None]:
        return self.stats.best

    @property
    def lost(self) -> list[LeafLine]:
        return sorted(
            (leaf for leaf in self.leaves if leaf.lost > 0),
            key=lambda leaf: (-leaf.lost, leaf.code),
        )

    @property
    def survey_points(self) -> Decimal | None:
        survey = [leaf.points for leaf in self.leaves if leaf.survey and leaf.points is not None]
        return sum(survey, Decimal(0)) if survey else None


def scorecard(
    round: Round, unit_code: str, published: bool = True, version: int | None = None
) -> Scorecard:
    """A unit's results in a round: components against its group's average and best, the
    leaves where points were lost, self vs appraised, and its trend over published years."""
    chosen = snapshots(round, published=published, version=version)
    mine = ResultRow.objects.filter(snapshot__in=chosen, unit_code=unit_code)
    found = list(row_values(mine))
    if not found:
        raise Http404("No such unit in these results")
    by_snapshot = {s.pk: s for s in chosen}
    table = table_of(next(by_snapshot[v[0]] for v in found if v[0] in by_snapshot))
    values = next(v for v in found if v[0] == table.snapshot.pk)
    row = table.row(values)
    table.rows = [row]
    compare_with_previous(round, [table])
    stats = statistics([table])[table.snapshot.pk]
    table.count = stats.count
    stored = ResultDetail.objects.get(snapshot=table.snapshot, unit_code=unit_code)
    return Scorecard(
        table,
        row,
        stats,
        _leaves(table, stored),
        trend(unit_code, upto=round if published else None),
        list(stored.missing),
    )


def _leaves(table: Table, stored: ResultDetail) -> list[LeafLine]:
    framework = engine_structure(table.snapshot)
    leaves = []
    for top in framework.nodes:
        for leaf in top.leaves():
            points = stored.points.get(leaf.code)
            own = stored.self_points.get(leaf.code) if stored.self_points else None
            leaves.append(
                LeafLine(
                    code=leaf.code,
                    title=leaf.title,
                    field_code=top.code,
                    max=leaf.max,
                    points=None if points is None else Decimal(str(points)),
                    self_points=None if own is None else Decimal(str(own)),
                    survey=leaf.rule.kind == "survey",
                    kind=top.kind,
                )
            )
    return leaves


def unit_row(round: Round, group: str, unit_code: str) -> tuple[Table, Row, ResultDetail]:
    """One unit's published row in a group, with its detail (the API's unit result)."""
    found = group_tables(round, group=group)
    rows = ResultRow.objects.filter(snapshot__in=[t.snapshot for t in found], unit_code=unit_code)
    values = list(row_values(rows))
    if not values:
        raise Http404("No published result for this unit")
    table = found[0]
    table.rows = [table.row(values[0])]
    compare_with_previous(round, [table])
    detail = ResultDetail.objects.get(snapshot=table.snapshot, unit_code=unit_code)
    return table, table.rows[0], detail
