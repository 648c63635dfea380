"""The monthly service index (Decision 766/QĐ-TTg, 2022): a framework of the year whose every
leaf takes its value from the monthly service figures (`service_ratio` sources) is scored once
per month on that month's figures alone, and its units ranked inside their group each month.

Reads only; the arithmetic is the engine's (`engine.compute.compute`), so a month's index is
computed exactly as a round's. A ratio with no applications that month is not applicable (it
leaves both the achieved and the maximum points). Queries: the year's frameworks and nodes,
the year's figures of the framework's group — a fixed number, whatever the units or months.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from parindex.engine.compute import UnitInfo, compute
from parindex.engine.framework import Framework as EngineFramework
from parindex.engine.values import NA, parse_value
from parindex.frameworks.models import Framework, Node
from parindex.frameworks.selectors import engine_framework

from .models import ServiceMonth


def service_frameworks(year: int) -> list[Framework]:
    """The year's frameworks scored from the service figures alone: every leaf has a
    `service_ratio` source (none, if the province does not publish a monthly index)."""
    frameworks = {fw.pk: fw for fw in Framework.objects.filter(year=year)
                  .select_related("unit_group")}
    leaves = defaultdict(list)
    for node in Node.objects.filter(framework_id__in=frameworks, rule__isnull=False).only(
            "framework_id", "source"):
        leaves[node.framework_id].append(node.source or {})
    return [fw for pk, fw in frameworks.items()
            if leaves[pk] and all(s.get("kind") == "service_ratio" for s in leaves[pk])]


@dataclass
class MonthRanking:
    month: datetime.date
    rows: list  # engine UnitResult, ranked


@dataclass
class Trend:
    unit_code: str
    unit_name: str
    points: list[tuple[datetime.date, Decimal | None]]

    def polyline(self, months: list[datetime.date]) -> str:
        """SVG points (x: 10 per month, y: 100 - index), a decimal point whatever the
        language; months without an index are skipped."""
        index = dict(self.points)
        return " ".join(f"{i * 10 + 5},{format(100 - index[m], 'f')}"
                        for i, m in enumerate(months) if index.get(m) is not None)


def monthly_index(framework: Framework, year: int) -> tuple[list[MonthRanking], list[Trend]]:
    """Every month of `year` with figures: the units of the framework's group ranked; and each
    unit's index month by month."""
    engine = engine_framework(framework)
    group = framework.unit_group
    figures = defaultdict(dict)  # month → unit code → ServiceMonth
    names = {}
    for row in ServiceMonth.objects.filter(month__year=year, unit__group=group).select_related(
            "unit"):
        figures[row.month][row.unit.code] = row
        names[row.unit.code] = row.unit.name
    rankings = []
    for month in sorted(figures):
        values = {code: _values(engine, row) for code, row in figures[month].items()}
        units = [UnitInfo(code, names[code], group.code) for code in sorted(values)]
        rankings.append(MonthRanking(month, compute(engine, values, units).results))
    months = [r.month for r in rankings]
    by_unit = defaultdict(dict)
    for ranking in rankings:
        for result in ranking.rows:
            by_unit[result.unit_code][ranking.month] = result.index
    trends = [Trend(code, names[code], [(m, by_unit[code].get(m)) for m in months])
              for code in sorted(by_unit)]
    return rankings, trends


def _values(engine: EngineFramework, row: ServiceMonth) -> dict:
    values = {}
    for code, leaf in engine.leaves().items():
        numerator = getattr(row, leaf.source.get("numerator"))
        denominator = getattr(row, leaf.source.get("denominator"))
        values[code] = NA if not denominator else parse_value(
            leaf, f"{min(numerator, denominator)}/{denominator}")
    return values
