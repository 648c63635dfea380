"""Files out of the province's self-assessment for the national index, ready to submit.

- The workbook (`self_assessment_xlsx`): every node of the national framework with its max
  points, the province's self value and points, the explanation (the note), the evidence file
  names and the department in charge; A4 landscape, one page wide, the header on every page.
- The evidence package (`evidence_package`): a ZIP with a folder per sub-criterion code holding
  its evidence files, and an index (`index.csv` and `index.xlsx`, the same columns) naming each
  file with its path in the ZIP, size and SHA-256. The index lists exactly the files in the
  ZIP. The ZIP is written to a temporary file, one evidence file at a time, and refused above
  PARINDEX_EVIDENCE_PACKAGE_MAX_MB of evidence.

Every text cell goes through `engine.cells` (a file name is hostile input).
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from parindex.engine.cells import csv_writer, xlsx_row
from parindex.engine.compute import round2
from parindex.jobs import services as jobs

from .models import CriterionAssignment, Evidence, Sheet
from .selectors import SELF, national_data

DEFAULT_PACKAGE_MAX_MB = 2048
INDEX_CSV, INDEX_XLSX = "index.csv", "index.xlsx"
COPY_BLOCK = 1024 * 1024


def _print_setup(ws, widths: list[int], header_row: int) -> None:
    """Column widths; A4 landscape, one page wide, the header row on every page."""
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "&P / &N"


def _points(value):
    if value == "":
        return None
    return _("NA") if value is None else round2(value)


def self_assessment_xlsx(sheet: Sheet) -> bytes:
    """The province's self-assessment workbook. `sheet` as for `selectors.sheet_data`."""
    data = national_data(sheet, CriterionAssignment.objects.all(), everything=True)
    result = data.data.result(SELF)
    book = Workbook()
    ws = book.active
    ws.title = _("Self-assessment")[:31]
    ws.append(xlsx_row(ws, [_("Self-assessment of %(unit)s: %(round)s") % {
        "unit": sheet.unit.name, "round": sheet.round.name}]))
    ws.append(xlsx_row(ws, [_("Framework: %(framework)s") % {"framework": sheet.framework.name},
                            None, _("Self-assessed points"), round2(result.achieved),
                            _("of"), round2(result.max)]))
    ws["A1"].font = Font(bold=True, size=13)
    header = [_("Code"), _("Criterion"), _("Max points"), _("Self score"), _("Self points"),
              _("Explanation"), _("Evidence files"), _("Department in charge"), _("Review")]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for item in data.rows:
        row, assignment = item.row, item.assignment
        mine = row.self_score
        ws.append(xlsx_row(ws, [
            row.node.code, "  " * row.depth + row.node.title, round2(row.leaf.max),
            mine.value if mine else None,
            _points(row.self_points) if row.is_leaf else None,
            mine.note if mine else None,
            "\n".join(e.name for e in row.active_evidence) or None,
            assignment.unit.name if assignment else None,
            assignment.get_status_display() if assignment else None,
        ]))
        if not row.is_leaf:
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
    for column in "BFG":
        for cell in ws[column][3:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _print_setup(ws, [9, 60, 9, 12, 9, 40, 30, 28, 16], header_row=3)
    ws.freeze_panes = "C4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class IndexLine:
    code: str
    criterion: str
    department: str
    file_name: str
    path: str
    size: int
    sha256: str

    def cells(self) -> list:
        return [self.code, self.criterion, self.department, self.file_name, self.path,
                self.size, self.sha256]


def index_header() -> list[str]:
    return [_("Code"), _("Criterion"), _("Department in charge"), _("File name"),
            _("Path in the package"), _("Size (bytes)"), "SHA-256"]


def _safe(name: str, fallback: str) -> str:
    """A file or folder name that stays where it is put in the ZIP (no separators, no "..",
    no control characters), bounded in length and keeping its suffix."""
    try:
        safe = get_valid_filename(PurePath(name.replace("\\", "/")).name)
    except SuspiciousFileOperation:  # nothing usable is left
        safe = fallback
    suffix = PurePath(safe).suffix[:10]
    return safe[: 100 - len(suffix)] + suffix if len(safe) > 100 else safe


def package_max_bytes() -> int:
    mb = int(getattr(settings, "PARINDEX_EVIDENCE_PACKAGE_MAX_MB", DEFAULT_PACKAGE_MAX_MB))
    return mb * 1024 * 1024


def evidence_package(sheet: Sheet, progress=None):
    """The evidence package in an anonymous temporary file, rewound (closing it frees the
    disk). `progress(done, total)` after each file (a job's heartbeat)."""
    files = list(Evidence.objects.filter(sheet=sheet, removed_at__isnull=True)
                 .select_related("node").order_by("node__position", "uploaded_at", "pk"))
    total = sum(item.size for item in files)
    if total > package_max_bytes():
        raise jobs.JobRefused(_("The evidence holds %(size)s MB, more than the package limit "
                                "of %(limit)s MB.") % {"size": total // (1024 * 1024) + 1,
                                                      "limit": package_max_bytes() // 2 ** 20})
    departments = dict(CriterionAssignment.objects.filter(sheet=sheet).values_list(
        "node_id", "unit__name"))
    out = tempfile.TemporaryFile(suffix=".zip")
    try:
        _write_package(out, files, departments, progress)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _write_package(out, files: list[Evidence], departments: dict[int, str], progress) -> None:
    lines, counts = [], {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for done, item in enumerate(files, start=1):
            folder = _safe(item.node.code, "criterion")
            counts[folder] = counts.get(folder, 0) + 1
            path = f"{folder}/{counts[folder]:02d}-{_safe(item.name, 'file')}"
            digest = hashlib.sha256()
            with item.file.open("rb") as source, package.open(path, "w") as target:
                while block := source.read(COPY_BLOCK):
                    digest.update(block)
                    target.write(block)
            lines.append(IndexLine(item.node.code, item.node.title,
                                   departments.get(item.node_id, ""), item.name, path,
                                   item.size, digest.hexdigest()))
            if progress is not None:
                progress(done, len(files))
        package.writestr(INDEX_CSV, _index_csv(lines))
        package.writestr(INDEX_XLSX, _index_xlsx(lines))


def _index_csv(lines: list[IndexLine]) -> bytes:
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(index_header())
    writer.writerows(line.cells() for line in lines)
    return ("\ufeff" + text.getvalue()).encode("utf-8")  # the BOM: Excel opens it as UTF-8


def _index_xlsx(lines: list[IndexLine]) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = _("Index")[:31]
    ws.append(index_header())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in lines:
        ws.append(xlsx_row(ws, line.cells()))
    _print_setup(ws, [9, 50, 28, 30, 40, 12, 66], header_row=1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
