"""Reads for plans, reports and service figures, and the values computed for framework leaves
that declare a `source`.

`SourceData.load` reads everything the sources of a set of units need for one year in a fixed
number of queries (plans, tasks, reports, months), so prefilling a round does not grow in
queries with its units; `SourceData.value` is then plain arithmetic.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from parindex import policy
from parindex.engine.compute import round2
from parindex.engine.framework import Source

from .models import Plan, Report, ServiceImport, ServiceMonth, Task, task_status

S = Task.Status


def link(kind: str, obj, label: str, **more) -> dict:
    return {"kind": kind, "id": obj.pk, "label": label, **more}


@dataclass
class SourceData:
    """One year's plans, tasks, reports and service months of some units."""

    year: int
    today: datetime.date
    plans: dict[int, Plan] = field(default_factory=dict)
    tasks: dict[int, list[Task]] = field(default_factory=lambda: defaultdict(list))
    reports: dict[int, list[Report]] = field(default_factory=lambda: defaultdict(list))
    months: dict[int, list[ServiceMonth]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, unit_ids, year: int, today: datetime.date | None = None) -> SourceData:
        data = cls(year, today or timezone.localdate())
        for plan in Plan.objects.filter(unit_id__in=unit_ids, year=year):
            data.plans[plan.unit_id] = plan
        for task in Task.objects.filter(responsible_id__in=unit_ids, plan__year=year
                                        ).select_related("plan").order_by("deadline", "code"):
            data.tasks[task.responsible_id].append(task)
        for report in Report.objects.filter(unit_id__in=unit_ids, year=year):
            data.reports[report.unit_id].append(report)
        for month in ServiceMonth.objects.filter(unit_id__in=unit_ids, month__year=year):
            data.months[month.unit_id].append(month)
        return data

    def value(self, source: Source, unit_id: int) -> tuple[str, list[dict]] | None:
        """The leaf's value in the scores-file syntax and the rows it came from, or None when
        there is nothing to compute it from (no task, no report due, no figures)."""
        return getattr(self, "_" + source.kind)(source, unit_id)

    def _plan_tasks_on_time(self, source: Source, unit_id: int):
        # Tasks carried over into next year are judged in that year's plan.
        tasks = [t for t in self.tasks[unit_id] if t.deadline.year <= self.year]
        if not tasks:
            return None
        statuses = [task_status(t.deadline, t.completed_on, self.year, self.today)
                    for t in tasks]
        done = sum(1 for status in statuses if status == S.ON_TIME)
        return f"{done}/{len(tasks)}", [
            link("task", t, f"{t.code}. {t.title}", status=status)
            for t, status in zip(tasks, statuses, strict=True)]

    def _reports_on_time(self, source: Source, unit_id: int):
        kinds = [k.strip() for k in source.get("reports").split(",") if k.strip()]
        due = [r for r in self.reports[unit_id] if not kinds or r.kind in kinds]
        if not due:
            return None
        on_time = sum(1 for r in due if r.on_time)
        value = f"{on_time}/{len(due)}" if source.get("rule") == "ratio" else str(on_time)
        return value, [link("report", r, r.title, on_time=r.on_time) for r in due]

    def _plan_issued_by(self, source: Source, unit_id: int):
        plan = self.plans.get(unit_id)
        if plan is None:
            return None
        by = datetime.date.fromisoformat(source.get("by"))
        issued = plan.issued_on is not None and plan.issued_on <= by
        return ("yes" if issued else "no"), [link("plan", plan, plan.title, issued_on=(
            plan.issued_on.isoformat() if plan.issued_on else ""))]

    def _service_ratio(self, source: Source, unit_id: int):
        months = self.months[unit_id]
        top, bottom = source.get("numerator"), source.get("denominator")
        denominator = sum(getattr(m, bottom) for m in months)
        if not denominator:
            return None
        numerator = sum(getattr(m, top) for m in months)
        return f"{numerator}/{denominator}", [
            link("month", m, f"{m.month:%m/%Y}", **{top: getattr(m, top),
                                                     bottom: getattr(m, bottom)})
            for m in months]


def with_rule(source: Source, rule_kind: str) -> Source:
    """The source with the leaf's rule kind, which decides how a count of reports is written."""
    return Source(source.kind, source.params + (("rule", rule_kind),))


# --------------------------------------------------------------------------- pages


def tasks_board(user, year: int, unit_id: int | None = None):
    """The tasks one may see for a year, overdue first (then by deadline), with their plan,
    responsible unit and status; constant queries."""
    tasks = policy.visible_tasks(user).filter(plan__year=year).select_related(
        "plan__unit", "responsible")
    if unit_id is not None:
        tasks = tasks.filter(Q(responsible_id=unit_id) | Q(plan__unit_id=unit_id))
    today = timezone.localdate()
    rows = list(tasks.order_by("deadline", "plan__unit__code", "code"))
    for task in rows:
        task.current = task_status(task.deadline, task.completed_on, year, today)
    order = {S.NOT_DONE: 0, S.OPEN: 1, S.LATE: 2, S.CARRIED_OVER: 3, S.ON_TIME: 4}
    rows.sort(key=lambda t: order[t.current])
    return rows


def summary(rows, key) -> list[dict]:
    """Counts of statuses per `key(task)` (a unit's name, a field), most overdue first."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for task in rows:
        counts[key(task)][task.current] += 1
        counts[key(task)]["total"] += 1
    lines = [{"name": name, **values} for name, values in counts.items()]
    return sorted(lines, key=lambda line: (-line.get(S.NOT_DONE, 0), line["name"]))


def service_imports(user):
    """The files imported, newest first: for those who import them."""
    if not policy.can_import_service_data(user):
        return ServiceImport.objects.none()
    return ServiceImport.objects.select_related("imported_by").order_by("-imported_at")


def reports_board(user, year: int):
    return list(policy.visible_reports(user).filter(year=year).select_related(
        "unit", "requested_by", "submitted_by").order_by("due_on", "unit__code"))


def service_series(user, year: int, unit_id: int | None = None):
    """Monthly figures one may see for a year, per unit, with the month's shares."""
    months = policy.visible_service_months(user).filter(month__year=year).select_related("unit")
    if unit_id is not None:
        months = months.filter(unit_id=unit_id)
    return list(months.order_by("unit__code", "month"))


def service_totals(user, year: int):
    """Per unit and year: sums of the figures (one grouped query)."""
    return list(policy.visible_service_months(user).filter(month__year=year)
                .values("unit_id", "unit__code", "unit__name")
                .annotate(received=Sum("received"), on_time=Sum("on_time"), late=Sum("late"),
                          online=Sum("online"), digitised=Sum("digitised"), months=Count("pk"))
                .order_by("unit__code"))


def share(numerator, denominator) -> Decimal | None:
    """A percentage to two places, for display (Decimal)."""
    if not denominator:
        return None
    return round2(Decimal(numerator) * 100 / Decimal(denominator))


def service_table(user, year: int) -> list[dict]:
    """Per unit: the year's sums and their shares (on time, online, digitised) in percent."""
    rows = service_totals(user, year)
    for row in rows:
        row["on_time_share"] = share(row["on_time"], row["on_time"] + row["late"])
        row["online_share"] = share(row["online"], row["received"])
        row["digitised_share"] = share(row["digitised"], row["received"])
    return rows


@dataclass
class Bar:
    """A month of a unit's chart, 10 wide and 100 high per 100 %; SVG numbers are written with
    a decimal point whatever the page's language."""

    index: int
    month: datetime.date
    on_time: Decimal | None
    online: Decimal | None

    @property
    def x(self) -> int:
        return self.index * 10

    @staticmethod
    def _svg(value: Decimal | None) -> str:
        return format(value or Decimal(0), "f")

    @property
    def on_time_h(self) -> str:
        return self._svg(self.on_time)

    @property
    def on_time_y(self) -> str:
        return self._svg(100 - (self.on_time or 0))

    @property
    def online_h(self) -> str:
        return self._svg(self.online)

    @property
    def online_y(self) -> str:
        return self._svg(100 - (self.online or 0))


def service_charts(user, year: int) -> list[dict]:
    """Per unit, a bar per month: processed on time and received online, in percent."""
    charts: dict[int, dict] = {}
    for month in service_series(user, year):
        chart = charts.setdefault(month.unit_id, {"unit": month.unit, "bars": []})
        chart["bars"].append(Bar(len(chart["bars"]), month.month,
                                 share(month.on_time, month.on_time + month.late),
                                 share(month.online, month.received)))
    for chart in charts.values():
        chart["width"] = max(10, len(chart["bars"]) * 10)
    return list(charts.values())
