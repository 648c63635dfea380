"""Reads of stored results (snapshots): rounds, versions, and whole ranking tables for the
files (annex workbook, PDF); the shared row and table shapes that `pages` fills one page at a
time.

Everything public goes through `published=True` (the default): only published, current
versions of rounds marked published. Each function runs a fixed number of queries however many
units a round has. Numbers come out as Decimals exactly as stored (two places, as published);
the only arithmetic here is descriptive statistics over published numbers (averages, gaps).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.http import Http404

from parindex.assessments.models import Round
from parindex.engine.framework import Framework as EngineFramework
from parindex.engine.framework import framework_from_dict
from parindex.units.models import Unit

from ..models import ResultRow, ResultSnapshot

CENT = Decimal("0.01")
HEADLINE = [
    "id",
    "snapshot_id",
    "unit_code",
    "unit_name",
    "rank",
    "achieved",
    "max",
    "index",
    "band",
    "fields",
    "self_achieved",
    "self_index",
]
ROW_COLUMNS = [
    "snapshot_id",
    "unit_code",
    "unit_name",
    "rank",
    "achieved",
    "max",
    "index",
    "band",
    "fields_text",
    "self_achieved",
    "self_index",
    "missing",
]


def mean(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class FieldInfo:
    code: str
    title: str
    max: Decimal


class Row:
    """One unit's published line, as the pages, exports and API show it. A plain slotted
    class: a national ranking builds thousands of these per request."""

    __slots__ = (
        "rank",
        "unit_code",
        "unit_name",
        "achieved",
        "max",
        "index",
        "band",
        "band_label",
        "stored_fields",
        "field_codes",
        "self_achieved",
        "self_index",
        "previous_rank",
        "previous_index",
        "previous_units",
        "missing",
        "previous",
        "_fields",
    )

    def __init__(
        self,
        rank,
        unit_code,
        unit_name,
        achieved,
        max,
        index,
        band,
        band_label,
        stored_fields,
        field_codes,
        self_achieved=None,
        self_index=None,
        missing=0,
    ):
        self.rank, self.unit_code, self.unit_name = rank, unit_code, unit_name
        self.achieved, self.max, self.index = achieved, max, index
        self.band, self.band_label = band, band_label
        self.stored_fields, self.field_codes = stored_fields, field_codes
        self.self_achieved, self.self_index = self_achieved, self_index
        self.missing = missing  # criteria without a score
        self.previous_rank: int | None = None
        self.previous_index: Decimal | None = None
        self.previous_units: list[str] = []
        self.previous = None  # a Previous when there is a last year to compare with
        self._fields = None

    def __repr__(self) -> str:
        return f"Row({self.rank}, {self.unit_code}, {self.index})"

    @property
    def fields(self) -> list[dict | None]:
        """In field order: {"achieved", "max", "index"} as Decimals; None when not applicable.
        Converted on first use, so a long ranking converts only the rows it shows."""
        if self._fields is None:
            cells = []
            stored = self.stored_fields
            if isinstance(stored, str):  # read as text, decoded only when shown
                stored = self.stored_fields = json.loads(stored)
            for code in self.field_codes:
                data = stored.get(code)
                cells.append({k: Decimal(v) for k, v in data.items()} if data else None)
            self._fields = cells
        return self._fields

    @property
    def final(self) -> bool:
        """Every criterion has its score: a preview shows the others as "not final"."""
        return not self.missing

    @property
    def rank_change(self) -> int | None:
        """Places gained since last year (positive = moved up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def index_change(self) -> Decimal | None:
        return None if self.previous_index is None else self.index - self.previous_index

    @property
    def change_mark(self) -> str:
        """"derived" (carried over from predecessors), "not_comparable", or ""."""
        if self.previous is None or not self.previous.derived:
            return ""
        return "derived" if self.previous.comparable else "not_comparable"

    @property
    def field_changes(self) -> list[Decimal | None]:
        """In field order, the component index minus last year's (None: nothing to compare)."""
        before = self.previous.fields if self.previous else {}
        return [None if cell is None or code not in before else cell["index"] - before[code]
                for code, cell in zip(self.field_codes, self.fields, strict=True)]


@dataclass
class Table:
    """A group's ranking: every row (`tables`, for files) or one page of rows (`pages`);
    `count` is the number of units in the whole ranking either way."""

    snapshot: ResultSnapshot
    fields: list[FieldInfo]
    bands: list[dict]
    rows: list[Row]
    previous_round: Round | None = None
    previous_year: int | None = None
    count: int = 0

    @property
    def has_change_marks(self) -> bool:
        return any(row.change_mark for row in self.rows)

    @cached_property
    def band_labels(self) -> dict[str, str]:
        return {b["code"]: b["label"] for b in self.bands}

    @cached_property
    def field_codes(self) -> list[str]:
        return [f.code for f in self.fields]

    def row(self, values) -> Row:
        """A Row from one `ROW_COLUMNS` tuple (its first item, the snapshot id, ignored)."""
        (_snapshot, code, name, rank, achieved, maximum, index, band, stored, own, own_index,
         missing) = values
        return Row(
            rank,
            code,
            name,
            achieved,
            maximum,
            index,
            band,
            self.band_labels.get(band, band),
            stored,
            self.field_codes,
            own,
            own_index,
            missing,
        )

    @property
    def framework(self):
        return self.snapshot.framework

    @property
    def group(self):
        return self.snapshot.framework.unit_group

    def field_averages(self) -> list[Decimal | None]:
        return [
            mean(r.fields[i]["index"] for r in self.rows if r.fields[i])
            for i in range(len(self.fields))
        ]

    def average_index(self) -> Decimal | None:
        return mean(r.index for r in self.rows)


def _dec(value) -> Decimal:
    return Decimal(str(value))


def fields_of(structure: dict) -> list[FieldInfo]:
    return [
        FieldInfo(n["code"], n["title"], _field_max(n))
        for n in structure.get("nodes", [])
        if not n.get("kind")
    ]


def _field_max(node: dict) -> Decimal:
    if "children" in node and node["children"]:
        return sum((_field_max(c) for c in node["children"]), Decimal(0))
    return _dec(node.get("max", 0))


def engine_structure(snapshot: ResultSnapshot) -> EngineFramework:
    return framework_from_dict(snapshot.structure, source=str(snapshot.pk))


# --------------------------------------------------------------------------- rounds


def published_rounds() -> list[Round]:
    """Rounds marked published that have published results, newest first."""
    return list(Round.objects.filter(_has_published()).order_by("-year", "code"))


def _has_published():
    return Q(published_on__isnull=False) & Q(
        Exists(ResultSnapshot.objects.filter(round=OuterRef("pk"), published_at__isnull=False))
    )


def get_round(code: str, published: bool = True) -> Round:
    rounds = Round.objects.select_related("organiser__parent")
    if published:
        rounds = rounds.filter(_has_published())
    try:
        return rounds.get(code=code)
    except Round.DoesNotExist:
        raise Http404("No such published round") from None


def snapshots(round: Round, published: bool = True, version: int | None = None):
    """The round's result set per unit group: the current published versions, or with
    `published=False` the latest version whatever its state (staff preview)."""
    query = (
        ResultSnapshot.objects.filter(round=round)
        .select_related("framework__unit_group")
        .defer("inputs")
        .order_by("framework__unit_group__position", "framework__unit_group__code", "-version")
    )
    if published:
        query = query.published()
        if version is None:
            query = query.filter(superseded_by__isnull=True)
    if version is not None:
        query = query.filter(version=version)
    chosen: dict[int, ResultSnapshot] = {}
    for snapshot in query:
        chosen.setdefault(snapshot.framework_id, snapshot)
    return list(chosen.values())


def unit_count(round: Round, published: bool = True, version: int | None = None) -> int:
    """How many ranked units the chosen versions hold (the annex's size), in two queries."""
    chosen = snapshots(round, published=published, version=version)
    return ResultRow.objects.filter(snapshot__in=chosen).count() if chosen else 0


def scored_units(round: Round) -> int:
    """How many units have scores in the round (the size of computing it), one query."""
    from parindex.assessments.models import Score

    return Score.objects.filter(round=round).values("unit_id").distinct().count()


def versions(round: Round) -> list[ResultSnapshot]:
    """Every published version of the round, for the visible history of corrections."""
    return list(
        ResultSnapshot.objects.published()
        .filter(round=round)
        .select_related("framework__unit_group")
        .defer("inputs", "structure")
        .order_by("framework__unit_group__position", "framework__unit_group__code", "version")
    )


# --------------------------------------------------------------------------- tables


def table_of(snapshot: ResultSnapshot) -> Table:
    """The empty table of one snapshot: its fields and bands, no rows yet."""
    return Table(snapshot, fields_of(snapshot.structure), snapshot.structure.get("bands", []), [])


def row_values(rows):
    """`ROW_COLUMNS` tuples of a ResultRow queryset, in rank order unless it is ordered."""
    if not rows.query.order_by:
        rows = rows.order_by("rank", "unit_code")
    rows = rows.annotate(fields_text=Cast("fields", TextField()))
    return rows.values_list(*ROW_COLUMNS)


def tables(
    round: Round,
    published: bool = True,
    version: int | None = None,
    group: str | None = None,
    compare: bool = True,
) -> list[Table]:
    """The ranking table of each unit group of the round (one group with `group`), with the
    change from the previous published year when `compare`. Seven queries at most."""
    chosen = snapshots(round, published=published, version=version)
    if group is not None:
        chosen = [s for s in chosen if s.framework.unit_group.code == group]
    if not chosen:
        return []
    result = [table_of(snapshot) for snapshot in chosen]
    by_snapshot = {table.snapshot.pk: table for table in result}
    for values in row_values(ResultRow.objects.filter(snapshot__in=chosen)):
        by_snapshot[values[0]].rows.append(by_snapshot[values[0]].row(values))
    for table in result:
        table.count = len(table.rows)
    if compare:
        compare_with_previous(round, result)
    return result


@dataclass
class Previous:
    """A unit's results of last year, its own or carried over from the units it replaced
    (`derived`); a not comparable reorganisation leaves `index` None and says so."""

    year: int
    rank: int | None
    index: Decimal | None
    fields: dict[str, Decimal]
    units: list[str]  # the predecessors compared with (none for the unit's own results)
    derived: bool = False
    comparable: bool = True
    explanation: str = ""


def weighted_mean(pairs) -> Decimal | None:
    """Mean of (value, weight) pairs by weight when every weight is given and they add up to
    more than nothing, else the plain mean; two places, half up."""
    pairs = [(v, w) for v, w in pairs if v is not None]
    if not pairs:
        return None
    total = sum((w for _, w in pairs if w is not None), Decimal(0))
    if all(w is not None for _, w in pairs) and total > 0:
        value = sum((v * w for v, w in pairs), Decimal(0)) / total
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    return mean(v for v, _ in pairs)


def previous_results(round: Round, group_ids: list[int], codes: list[str]
                     ) -> tuple[dict[int, ResultSnapshot], dict[str, Previous]]:
    """The one place that says what "last year" is for units of `round`: per unit group its
    latest earlier published result set, and per unit code its row there, else the weighted
    mean of its predecessors' latest earlier published rows (in whatever group they were
    ranked), by the weights of the reorganisation lines. Six queries however many units."""
    from django.utils.translation import gettext

    from parindex.units.models import ReorganisationLine

    earlier = (
        ResultSnapshot.objects.current()
        .filter(round__year__lt=round.year, round__published_on__isnull=False,
                framework__unit_group_id__in=group_ids)
        .select_related("round", "framework")
        .defer("inputs", "structure")
        .order_by("-round__year")
    )
    previous: dict[int, ResultSnapshot] = {}
    for snapshot in earlier:
        previous.setdefault(snapshot.framework.unit_group_id, snapshot)
    found: dict[str, Previous] = {}
    for snapshot_id, code, rank, index, fields in ResultRow.objects.filter(
        snapshot__in=previous.values(), unit_code__in=codes
    ).values_list("snapshot_id", "unit_code", "rank", "index", "fields"):
        year = next(s.round.year for s in previous.values() if s.pk == snapshot_id)
        found[code] = Previous(year, rank, index, _field_indices(fields), [])

    # Predecessors of the rest: reorganisation lines (with weights), else the plain links.
    rest = [c for c in codes if c not in found]
    lines: dict[str, list[tuple[str, Decimal | None]]] = defaultdict(list)
    basis: dict[str, object] = {}
    for new, old, weight, reorganisation in (
        ReorganisationLine.objects.filter(new_unit__code__in=rest).values_list("new_unit__code", "old_unit__code", "weight", "reorganisation")
    ):
        lines[new].append((old, weight))
        basis[new] = reorganisation
    for new, old in Unit.predecessors.through.objects.filter(
        from_unit__code__in=[c for c in rest if c not in lines]
    ).values_list("from_unit__code", "to_unit__code"):
        lines[new].append((old, None))
    if not lines:
        return previous, found
    from parindex.units.models import Reorganisation

    reorganisations = {r.pk: r for r in Reorganisation.objects.filter(pk__in=basis.values())}
    olds = {old for pairs in lines.values() for old, _ in pairs}
    latest: dict[str, tuple[int, int, Decimal, dict]] = {}
    names: dict[str, str] = {}
    for year, code, name, rank, index, fields in (
        ResultRow.objects.filter(
            snapshot__in=ResultSnapshot.objects.current().filter(
                round__year__lt=round.year, round__published_on__isnull=False),
            unit_code__in=olds,
        )
        .order_by("-snapshot__round__year")
        .values_list("snapshot__round__year", "unit_code", "unit_name", "rank", "index",
                     "fields")
    ):
        latest.setdefault(code, (year, rank, index, _field_indices(fields)))
        names.setdefault(code, name)
    for new, pairs in lines.items():
        had = [(old, w) for old, w in sorted(pairs) if old in latest]
        if not had:
            continue
        year = max(latest[old][0] for old, _ in had)
        had = [(old, w) for old, w in had if latest[old][0] == year]
        reorganisation = reorganisations.get(basis.get(new))
        units = [old for old, _ in had]
        if reorganisation is not None and not reorganisation.comparable:
            found[new] = Previous(year, None, None, {}, units, derived=True, comparable=False,
                                  explanation=gettext(
                                      "Not comparable with %(year)s: reorganised under "
                                      "%(basis)s") % {"year": year,
                                                       "basis": reorganisation.legal_basis})
            continue
        index = weighted_mean((latest[old][2], w) for old, w in had)
        field_codes = set().union(*(latest[old][3] for old, _ in had))
        fields = {f: weighted_mean((latest[old][3].get(f), w) for old, w in had)
                  for f in sorted(field_codes)}
        weighted = reorganisation is not None and all(w is not None for _, w in had)
        listed = ", ".join(names[code] for code in units)
        if len(had) == 1:
            text = gettext("Carried over from %(units)s (%(year)s)")
        elif weighted and reorganisation.weight_name:
            text = gettext("Mean of %(units)s (%(year)s), weighted by %(weight)s")
        else:
            text = gettext("Mean of %(units)s (%(year)s)")
        text %= {"units": listed, "year": year,
                 "weight": reorganisation.weight_name if reorganisation else ""}
        if reorganisation is not None:
            text += " · " + reorganisation.legal_basis
        rank = latest[had[0][0]][1] if len(had) == 1 else None  # ranks of several don't merge
        found[new] = Previous(year, rank, index, {k: v for k, v in fields.items() if v is not None},
                              units, derived=True, explanation=text)
    return previous, found


def _field_indices(fields) -> dict[str, Decimal]:
    if isinstance(fields, str):
        fields = json.loads(fields)
    return {code: Decimal(data["index"]) for code, data in (fields or {}).items()
            if data and data.get("index") is not None}


def compare_with_previous(round: Round, result: list[Table]) -> None:
    """Fill each row's last year (`previous_results`) and each table's previous round or, for
    a group new since, the year its units' predecessors were last ranked. Reads only the
    earlier rows of the units in the tables' rows (a page reads a page)."""
    group_ids = [t.snapshot.framework.unit_group_id for t in result]
    codes = [row.unit_code for table in result for row in table.rows]
    previous, found = previous_results(round, group_ids, codes)
    for table in result:
        snapshot = previous.get(table.snapshot.framework.unit_group_id)
        if snapshot is not None:
            table.previous_round, table.previous_year = snapshot.round, snapshot.round.year
        for row in table.rows:
            last = found.get(row.unit_code)
            if last is None:
                continue
            row.previous = last
            row.previous_rank, row.previous_index = last.rank, last.index
            row.previous_units = last.units
            table.previous_year = table.previous_year or last.year


# --------------------------------------------------------------------------- unit scorecard


@dataclass
class LeafLine:
    code: str
    title: str
    field_code: str
    max: Decimal
    points: Decimal | None  # None: not applicable
    self_points: Decimal | None
    survey: bool
    kind: str  # "", "bonus", "penalty" (of its top-level block)

    @property
    def lost(self) -> Decimal:
        if self.points is None or self.kind == "bonus":
            return Decimal(0)
        return self.points if self.kind == "penalty" else self.max - self.points

    @property
    def self_gap(self) -> Decimal | None:
        if self.points is None or self.self_points is None:
            return None
        return self.self_points - self.points


def trend(unit_code: str, upto: Round | None = None) -> list[tuple[Round, ResultRow]]:
    """The unit's published results by year, following its predecessors back (when a year has
    several predecessors, the first by code is shown). One query per generation of
    predecessors, and one for the rows."""
    codes = {unit_code}
    frontier = {unit_code}
    links = Unit.predecessors.through.objects
    while frontier:
        earlier = links.filter(from_unit__code__in=frontier).values_list("to_unit__code", flat=True)
        frontier = set(earlier) - codes
        codes |= frontier
    rows = (
        ResultRow.objects.filter(unit_code__in=codes)
        .filter(
            snapshot__published_at__isnull=False,
            snapshot__superseded_by__isnull=True,
            snapshot__round__published_on__isnull=False,
        )
        .select_related("snapshot__round")
        .only(*HEADLINE, "snapshot__round")
        .order_by("snapshot__round__year", "unit_code")
    )
    if upto is not None:
        rows = rows.filter(snapshot__round__year__lte=upto.year)
    seen: dict[int, tuple[Round, ResultRow]] = {}
    for r in rows:
        seen.setdefault(r.snapshot.round.year, (r.snapshot.round, r))
    return [seen[year] for year in sorted(seen)]
