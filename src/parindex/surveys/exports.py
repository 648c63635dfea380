"""Survey responses out: CSV rows and the XLSX workbook (one sheet per respondent group), every
text cell neutralised by `parindex.engine.cells`."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from operator import itemgetter

from django.utils import timezone

from .models import (
    NO_ANSWER,
    RespondentGroup,
    Response,
    Survey,
)
from .selectors import imported_forms, layout


def export_header(group: RespondentGroup) -> list[str]:
    return (["response_id", "group", "unit_code", "unit_name", "channel", "status", "flag",
             "form_number", "submitted_at"] + [q.code for q in layout(group).questions]
            + ["comment"])


def export_rows(group: RespondentGroup) -> Iterable[list[str]]:
    """One row per form, a column per question code (the option code; blank: no answer): the
    Response rows and the imported forms, merged in the order they came in (imported forms
    are named `import-BATCH-N`, the N-th form of that import). A fixed number of queries
    whatever the number of forms; imported forms are read one pack at a time."""
    width = len(layout(group).questions)
    units = {t.unit_id: (t.unit.code, t.unit.name)
             for t in group.targets.select_related("unit")}
    rows = (
        Response.objects.filter(group=group).order_by("pk")
        .values_list("pk", "unit__code", "unit__name", "channel", "status", "flag",
                     "form_number", "created_at", "answers", "comment")
        .iterator(chunk_size=5000)
    )
    imported = (
        (f.key, *units.get(f.unit_id, ("", "")), Response.Channel.IMPORT.value,
         Response.Status.ACCEPTED.value, "", f.form_number, f.created_at, f.answers, f.comment)
        for f in imported_forms(group)
    )
    for pk, unit_code, unit_name, channel, status, flag, form, created, answers, comment in \
            heapq.merge(rows, imported, key=itemgetter(7)):
        cells = [("" if ch == NO_ANSWER else ch) for ch in answers.ljust(width, NO_ANSWER)[:width]]
        yield ([str(pk), group.code, unit_code, unit_name, channel, status, flag, form,
                timezone.localtime(created).isoformat(timespec="seconds")] + cells + [comment])


def write_responses_xlsx(survey: Survey, handle) -> None:
    """All responses of the survey as XLSX into `handle`, a sheet per group, in openpyxl's
    write-only mode: rows go to disk as they are written, so memory stays flat whatever the
    number of responses."""
    from openpyxl import Workbook

    from parindex.engine.cells import xlsx_row
    from parindex.engine.printing import print_setup, widths_for

    book = Workbook(write_only=True)
    for group in survey.groups.all():
        sheet = book.create_sheet(title=group.code[:31])
        header = export_header(group)
        print_setup(sheet, widths_for(header, least=6), frozen_columns=1)
        sheet.append(header)
        for row in export_rows(group):
            sheet.append(xlsx_row(sheet, row))
    book.save(handle)
