"""A sheet as an XLSX file to fill in offline, and the filled file read back.

Columns: STT, code, criterion, max, self score, self points, appraised score, appraised points,
notes. Reading back is all-or-nothing: every problem is reported with its row and column and
nothing is saved unless the whole file is right. Columns are read by position, so a file
downloaded in Vietnamese reads back the same as one in English. An empty cell leaves the saved
value as it is.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from parindex.engine.cells import xlsx_row
from parindex.engine.printing import print_setup
from parindex.engine.tables import InputError, read_xlsx_rows
from parindex.engine.values import parse_value
from parindex.imports import issue_text, problem_text, read_limits

from . import services
from .selectors import SELF, SheetData, sheet_data

CODE, SELF_VALUE, NOTE = 2, 5, 9  # 1-based column numbers read back
COLUMN_LETTERS = {CODE: "B", SELF_VALUE: "E", NOTE: "I"}
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")


class SheetFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _points(value):
    if value == "":
        return None
    return _("NA") if value is None else value


def write_sheet(data: SheetData, with_appraisal: bool = True) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = data.sheet.unit.code[:31]
    ws.append([_("No."), _("Code"), _("Criterion"), _("Max points"), _("Self score"),
               _("Self points"), _("Appraised score"), _("Appraised points"), _("Notes")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(data.rows, start=1):
        mine, theirs = row.self_score, row.appraised_score if with_appraisal else None
        ws.append(xlsx_row(ws, [
            number, row.node.code, "  " * row.depth + row.node.title, row.leaf.max,
            mine.value if mine else None,
            _points(row.self_points) if row.is_leaf else None,
            theirs.value if theirs else None,
            _points(row.appraised_points) if row.is_leaf and with_appraisal else None,
            mine.note if mine else None,
        ]))
        line = ws.max_row
        if row.is_leaf:
            for column in (SELF_VALUE, NOTE):
                ws.cell(line, column).fill = INPUT_FILL
                ws.cell(line, column).number_format = "@"  # 45/50 must not become a date
        else:
            for cell in ws[line]:
                cell.font = Font(bold=True)
    print_setup(ws, (6, 9, 60, 9, 14, 10, 14, 10, 40), frozen_columns=3)
    for cell in ws["C"]:
        cell.alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_sheet(user, sheet, upload) -> int:
    """Save the self scores and notes of a filled sheet file; returns how many rows changed."""
    try:  # the engine's one reader: limits on rows, cells and unpacked size
        rows = list(read_xlsx_rows(upload, Path(upload.name or "sheet.xlsx").name, read_limits()))
    except InputError as error:
        raise SheetFileError([issue_text(issue) for issue in error.errors]) from None
    data = sheet_data(sheet, with_files=False)
    by_code = {row.node.code: row for row in data.rows}
    errors, changes, seen = [], [], {}
    for number, cells in enumerate(rows[1:], start=2):
        cells = cells[:NOTE] + [""] * (NOTE - len(cells))
        code, value, note = cells[CODE - 1], cells[SELF_VALUE - 1], cells[NOTE - 1]
        if not code:
            if value or note:
                errors.append(_("Row %(row)s, column B: the code is missing.") % {"row": number})
            continue
        where = {"row": number, "code": code}
        row = by_code.get(code)
        if row is None:
            errors.append(_("Row %(row)s, column B: '%(code)s' is not a criterion of this "
                            "sheet.") % where)
            continue
        if code in seen:
            errors.append(_("Row %(row)s, column B: '%(code)s' is already on row %(first)s.")
                          % {**where, "first": seen[code]})
            continue
        seen[code] = number
        if not row.is_leaf:
            if value:
                errors.append(_("Row %(row)s, column E: '%(code)s' is not a sub-criterion; "
                                "its points are the sum of its children.") % where)
            continue
        if value:
            try:
                parse_value(row.leaf, value)
            except ValueError as error:
                errors.append(_("Row %(row)s, column E: %(error)s")
                              % {**where, "error": problem_text(error)})
                continue
        current = row.self_score
        new_value = value or (current.value if current else "")
        new_note = note or (current.note if current else "")
        if new_note and not new_value:
            errors.append(_("Row %(row)s, column E: enter a value before writing a note.")
                          % where)
            continue
        if current is None and not new_value:
            continue
        if current is None or (current.value, current.note) != (new_value, new_note):
            changes.append((code, new_value, new_note, current.version if current else 0))
    if errors:
        raise SheetFileError(errors)
    try:
        with transaction.atomic():
            for code, value, note, version in changes:
                services.save_score(user, sheet, code, SELF, value, note, version,
                                    reason=_("Imported from a sheet file"))
    except services.Conflict as conflict:
        raise SheetFileError([str(conflict)]) from None
    return len(changes)

