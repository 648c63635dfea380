"""XLSX exports of a round: the progress board, the history, self vs appraised."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from parindex.engine.cells import xlsx_row
from parindex.engine.compute import UnitResult, round2
from parindex.engine.printing import print_setup, widths_for
from parindex.results.selectors import round_results

from .models import Round, Score, Sheet

FINAL = (Sheet.State.FINALISED, Sheet.State.APPROVED)


def workbook(title: str, header: list[str], rows, frozen_columns: int = 2) -> bytes:
    """One sheet: the bold header row, then `rows`; printed and frozen as every export is."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    print_setup(sheet, widths_for(header), frozen_columns=frozen_columns)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


STATUS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "submitted": "Submitted",
}


def progress_xlsx(round: Round, sheets) -> bytes:
    """Every sheet, as `selectors.with_progress` annotates it (`status`, `late`)."""
    return workbook(
        _("Progress"),
        [_("Unit code"), _("Unit"), _("Status"), _("Late"), _("Submitted at"),
         _("Submitted by"), _("State")],
        [
            [s.unit.code, s.unit.name, _(STATUS[s.status]),
             _("yes") if s.late else "", _local(s.submitted_at),
             s.submitted_by.get_username() if s.submitted_by else "",
             s.get_state_display()]
            for s in sheets
        ],
    )


def history_xlsx(round: Round, changes) -> bytes:
    """Every change of the round, oldest first; each sheet's row names its unit's code."""
    units = dict(Sheet.objects.filter(round=round).values_list("pk", "unit__code"))
    sheet = Sheet._meta.model_name
    return workbook(
        _("Change history"),
        [_("When"), _("Who"), _("Unit"), _("Criterion"), _("Change"), _("Changed field"),
         _("Old value"), _("New value"), _("Reason"), _("Record"), _("Request id")],
        [
            [_local(c.at), c.actor.get_username() if c.actor else "",
             units.get(c.object_id, "") if c.object_type.model == sheet else "", c.part,
             c.action_label, c.field, c.old, c.new, c.reason, c.object_repr, c.request_id]
            for c in changes
        ],
    )


@dataclass
class Comparison:
    unit_code: str
    unit_name: str
    self_result: UnitResult | None
    appraised_result: UnitResult | None
    cut_leaves: list[str]

    @property
    def difference(self) -> Decimal | None:
        if self.self_result is None or self.appraised_result is None:
            return None
        return self.self_result.achieved - self.appraised_result.achieved


def round_comparison(round: Round) -> list[Comparison]:
    """Per unit with a sheet: self and appraised results, and the leaves where points were cut."""
    units = dict(round.sheets.values_list("unit__code", "unit__name"))
    # Appraised values are complete only once a sheet's appraisal is finalised.
    final = set(round.sheets.filter(state__in=FINAL).values_list("unit__code", flat=True))
    by_stage = {}
    for stage in (Score.Stage.SELF, Score.Stage.APPRAISED):
        by_stage[stage] = {
            result.unit_code: result
            for _framework, results in round_results(round, stage=stage, leaves=True)
            for result in results.results
            if result.unit_code in units
        }
    rows = []
    for code, name in sorted(units.items()):
        mine = by_stage[Score.Stage.SELF].get(code)
        theirs = by_stage[Score.Stage.APPRAISED].get(code)
        if code not in final:
            theirs = None
        cut = []
        if mine is not None and theirs is not None:
            for leaf, points in mine.points.items():
                other = theirs.points[leaf]
                if points is not None and other is not None and other < points:
                    cut.append(leaf)
        rows.append(Comparison(code, name, mine, theirs, cut))
    return rows


def comparison_xlsx(rows: list[Comparison]) -> bytes:
    def num(result, attr):
        return round2(getattr(result, attr)) if result is not None else None

    return workbook(
        _("Self vs appraised"),
        [_("Unit code"), _("Unit"), _("Self-assessed points"), _("Self-assessed index"),
         _("Appraised points"), _("Appraised index"), _("Points cut"), _("Criteria cut")],
        [
            [r.unit_code, r.unit_name, num(r.self_result, "achieved"),
             num(r.self_result, "index"), num(r.appraised_result, "achieved"),
             num(r.appraised_result, "index"),
             round2(r.difference) if r.difference is not None else None,
             ", ".join(r.cut_leaves)]
            for r in rows
        ],
    )
