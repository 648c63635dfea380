"""The ranking annex as an Excel workbook, as provinces publish it.

One sheet per unit group (STT, unit, each field's points, total, index, rank, band), printed
landscape, one page wide, its header rows repeated and frozen (`engine.printing`); then one detail sheet with a row per unit
and criterion (group, unit code, unit name, criterion, max, self-assessed, appraised, points
lost), continued on "Chi tiết (2)"… past DETAIL_ROWS rows (Excel holds 1,048,576). Numbers are
numbers (Decimal → Excel number) formatted to two decimals, never text.

Invariants: the cost grows linearly with units × criteria (a fixed number of sheets, so no
per-sheet checks repeated per unit); memory is bounded by the ranking rows and one chunk of
details (openpyxl's streaming mode spills each sheet to a temporary file, the details are read
with a database iterator); every text cell goes through `engine.cells`.

`annex_cells` describes every cell once; `write_annex` lays them out with formatting, and the
benchmark writes the very same cells without formatting as its baseline.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db.models import OuterRef, Subquery
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side

from parindex.assessments.models import Round
from parindex.dates import long_date
from parindex.engine.cells import xlsx_cell, xlsx_row
from parindex.engine.printing import print_setup

from .models import ResultDetail, ResultRow
from .selectors import Table, analysis, engine_structure

# A cell is a plain value (text, int) or (value, style name); Decimals are points (0.00).
CellSpec = object


class Sheet(NamedTuple):
    title: str
    widths: list[int]
    rows: Iterator[list[CellSpec]]
    header: tuple[int, int] = (1, 1)  # rows repeated on every printed page and frozen (1-based)
    frozen_columns: int = 0  # columns kept in view when scrolling right (the unit)


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def decision_line(round: Round) -> str:
    """(Kèm theo Quyết định số 197/QĐ-UBND ngày 15 tháng 4 năm 2022 của …)"""
    parts = ["Kèm theo Quyết định"]
    if round.decision_number:
        parts.append(f"số {round.decision_number}")
    if round.published_on:
        parts.append(long_date(round.published_on))
    if round.organiser_id:
        parts.append(f"của {issuer(round)}")
    return "(" + " ".join(parts) + ")"


def illustrative_note(round: Round) -> str:
    """The annexes' warning (in Vietnamese, as the documents are) that a round's figures are
    made up, naming the units whose figures are as published; empty for a real round."""
    if not round.illustrative:
        return ""
    note = "Số liệu minh họa (không phải số liệu đã công bố)"
    if round.published_units:
        note += ", trừ các đơn vị có số liệu đúng như công bố: " + ", ".join(
            round.published_units)
    if round.source:
        note += f". Nguồn: {round.source}"
    return note + "."


def issuer(round: Round) -> str:
    """The body that signs the decision: the province's People's Committee."""
    organiser = round.organiser
    if organiser is None:
        return "Ủy ban nhân dân tỉnh"
    parent = getattr(organiser, "parent", None)
    body = parent if parent is not None and organiser.kind != "tinh" else organiser
    return body.name.replace("UBND", "Ủy ban nhân dân")


DETAIL_ROWS = 1_000_000  # data rows per detail sheet, under Excel's 1,048,576
DETAIL_TITLE = "Chi tiết"
DETAIL_HEADER = [
    "Nhóm đơn vị",
    "Mã đơn vị",
    "Đơn vị",
    "Mã tiêu chí",
    "Tiêu chí",
    "Điểm tối đa",
    "Điểm tự chấm",
    "Điểm thẩm định",
    "Điểm bị mất",
]
GROUP_HEADER = (5, 6)  # the column titles and the maxima row
ROBUSTNESS_TITLE = "Độ tin cậy xếp hạng"
ROBUSTNESS_HEADER = [
    "Nhóm đơn vị",
    "Mã đơn vị",
    "Đơn vị",
    "Xếp hạng công bố",
    "Trung vị",
    "Hạng cao nhất (5%)",
    "Hạng thấp nhất (95%)",
    "Khả năng đứng đầu (%)",
    "Không phân biệt được với",
    "Hạng cao nhất khi đổi trọng số",
    "Hạng thấp nhất khi đổi trọng số",
]


def annex_cells(round: Round, tables: list[Table], details: bool = True) -> Iterator[Sheet]:
    """Every sheet of the annex: the groups' rankings, then the detail sheet(s)."""
    titles = {DETAIL_TITLE.casefold()}  # the detail sheets keep their name
    for number, table in enumerate(tables):
        yield Sheet(
            _title(table.group.name, titles),
            [6, 42] + [12] * len(table.fields) + [11, 11, 9, 13],
            _group_rows(round, table, number),
            GROUP_HEADER,
            2,
        )
    if details:
        yield from _detail_sheets(_detail_rows(tables))
    if tables:
        yield Sheet(ROBUSTNESS_TITLE, [18, 12, 36, 9, 9, 9, 9, 11, 40, 9, 9],
                    _robustness_rows(tables), (3, 3), 3)


def _title(text: str, taken: set[str]) -> str:
    """A valid sheet title (31 characters, no []:*?/\\), unique among `taken` (casefolded)."""
    base = _BAD_TITLE.sub("-", text)[:31] or "Sheet"
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 1]}-{n}"
    taken.add(title.casefold())
    return title


def _detail_sheets(rows: Iterator[list[CellSpec]]) -> Iterator[Sheet]:
    """The detail rows on as many sheets as Excel needs, each with the header row. Each sheet's
    rows are consumed before the next sheet is asked for (openpyxl streams sheet by sheet)."""
    part = 1
    first = next(rows, None)
    while first is not None:
        title = DETAIL_TITLE if part == 1 else f"{DETAIL_TITLE} ({part})"
        chunk = itertools.chain([first], itertools.islice(rows, DETAIL_ROWS - 1))
        header = [[(text, "header") for text in DETAIL_HEADER]]
        yield Sheet(title, [18, 12, 36, 10, 60, 11, 11, 11, 11], itertools.chain(header, chunk),
                    (1, 1), 3)
        first = next(rows, None)
        part += 1


def _detail_rows(tables: list[Table]) -> Iterator[list[CellSpec]]:
    """Every unit's every criterion, group by group in ranking order; one query per group."""
    for table in tables:
        leaves = [(top.kind, leaf) for top in engine_structure(table.snapshot).nodes
                  for leaf in top.leaves()]
        names = {row.unit_code: row.unit_name for row in table.rows}
        group = table.group.name
        for code, points, own in _details(table):
            unit = [(group, "text"), (code, "text"), (names.get(code, code), "text")]
            for kind, leaf in leaves:
                yield unit + _criterion_cells(kind, leaf, points.get(leaf.code),
                                              (own or {}).get(leaf.code))


def _details(table: Table) -> Iterator[tuple[str, dict, dict | None]]:
    """(unit code, appraised points, self-assessed points) per unit, in ranking order, read in
    chunks so that a national round is never held in memory at once."""
    rank = ResultRow.objects.filter(
        snapshot=table.snapshot, unit_code=OuterRef("unit_code")
    ).values("rank")[:1]
    return (
        ResultDetail.objects.filter(snapshot=table.snapshot)
        .annotate(rank=Subquery(rank))
        .order_by("rank", "unit_code")
        .values_list("unit_code", "points", "self_points")
        .iterator(chunk_size=500)
    )


def _robustness_rows(tables: list[Table]) -> Iterator[list[CellSpec]]:
    """The appendix: each unit's rank interval under the survey's sampling error and its ranks
    under other weights (selectors.analysis), group by group in ranking order."""
    yield [("PHỤ LỤC: ĐỘ TIN CẬY CỦA THỨ HẠNG", "title")]
    yield [(ROBUSTNESS_NOTE, "italic")]
    yield [(text, "header") for text in ROBUSTNESS_HEADER]
    estimated = False
    for table in tables:
        found = analysis.robustness(table.snapshot)
        estimated = estimated or found.estimated
        for spread in found.uncertainty.spreads:
            shift = found.shift(spread.code)
            yield [
                (table.group.name, "text"), (spread.code, "text"),
                (found.names.get(spread.code, spread.code), "text"),
                (spread.rank, "int"), (spread.median, "int"), (spread.low, "int"),
                (spread.high, "int"), (spread.first * 100, "num"),
                (", ".join(found.names.get(c, c) for c in spread.neighbours), "text"),
                (shift.best, "int"), (shift.worst, "int"),
            ]
    if estimated:
        yield []
        yield [(ROBUSTNESS_ESTIMATED, "italic")]


ROBUSTNESS_NOTE = (
    "Điểm điều tra xã hội học được tính từ một mẫu người trả lời. Bảng xếp hạng được tính lại "
    "1.000 lần, mỗi lần lấy điểm điều tra của mọi đơn vị ngẫu nhiên trong phạm vi sai số chọn "
    "mẫu; từ hạng cao nhất đến hạng thấp nhất là khoảng chứa thứ hạng của 90% số lần tính lại. "
    "Đổi trọng số: mỗi lĩnh vực ±20%, các lĩnh vực ngang nhau, điều tra chiếm 20% hoặc 40%."
)
ROBUSTNESS_ESTIMATED = (
    "Ước tính: phiếu trả lời điều tra của kỳ này không có trong hệ thống; điểm điều tra được "
    "coi như từ 200 người trả lời cho mỗi tiêu chí thành phần, độ lệch chuẩn 0,3 của thang đo."
)


def _criterion_cells(kind: str, leaf, got, mine) -> list[CellSpec]:
    """Code, title, max, self, appraised, lost; NA where the criterion does not apply."""
    cells: list[CellSpec] = [(leaf.code, "text"), (leaf.title, "text"), (leaf.max, "num")]
    if got is None:
        return cells + [("NA", "center")] * 3
    got = Decimal(got)
    lost = got if kind == "penalty" else (Decimal(0) if kind == "bonus" else leaf.max - got)
    own = (Decimal(mine), "num") if mine is not None else ("", "text")
    return cells + [own, (got, "num"), (lost, "num")]


def _group_rows(round: Round, table: Table, number: int) -> Iterator[list[CellSpec]]:
    numeral = ROMAN[number] if number < len(ROMAN) else str(number + 1)
    yield [(f"PHỤ LỤC {numeral}", "title")]
    yield [
        (
            f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {round.year} CỦA {table.group.name.upper()}",
            "title",
        )
    ]
    yield [(decision_line(round), "italic")]
    yield []
    header = [("STT", "header"), ("Đơn vị", "header")]
    header += [(f"{f.code}. {f.title}", "header") for f in table.fields]
    header += [
        ("Tổng điểm", "header"),
        ("Chỉ số CCHC (%)", "header"),
        ("Xếp hạng", "header"),
        ("Xếp loại", "header"),
    ]
    yield header
    yield (
        [("", "header"), ("Điểm tối đa", "header_left")]
        + [(f.max, "header_num") for f in table.fields]
        + [(sum((f.max for f in table.fields), Decimal(0)), "header_num")]
        + [("", "header")] * 3
    )
    for position, row in enumerate(table.rows, start=1):
        cells: list[CellSpec] = [(position, "int"), (row.unit_name, "text")]
        cells += [(cell["achieved"], "num") if cell else ("NA", "center") for cell in row.fields]
        cells += [
            (row.achieved, "num"),
            (row.index, "bold_num"),
            (row.rank, "int"),
            (row.band_label, "center"),
        ]
        yield cells
    yield []
    yield [
        (
            "Ghi chú: NA – không áp dụng; Chỉ số CCHC = tổng điểm đạt được ÷ tổng điểm tối đa "
            "của các tiêu chí được áp dụng × 100.",
            "italic",
        )
    ]
    if note := illustrative_note(round):
        yield [(note, "italic")]


# --------------------------------------------------------------------------- writing

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
STYLES = {
    "title": {"font": Font(name="Times New Roman", bold=True, size=13)},
    "italic": {"font": Font(name="Times New Roman", italic=True, size=12)},
    "header": {
        "font": Font(name="Times New Roman", bold=True, size=11),
        "border": _BOX,
        "alignment": Alignment(wrap_text=True, horizontal="center", vertical="center"),
    },
    "header_left": {
        "font": Font(name="Times New Roman", bold=True, size=11),
        "border": _BOX,
        "alignment": _WRAP,
    },
    "header_num": {
        "font": Font(name="Times New Roman", bold=True, size=11),
        "border": _BOX,
        "number_format": "0.00",
    },
    "text": {"font": Font(name="Times New Roman", size=12), "border": _BOX, "alignment": _WRAP},
    "bold": {
        "font": Font(name="Times New Roman", bold=True, size=12),
        "border": _BOX,
        "alignment": _WRAP,
    },
    "center": {
        "font": Font(name="Times New Roman", size=12),
        "border": _BOX,
        "alignment": Alignment(horizontal="center", vertical="center"),
    },
    "int": {
        "font": Font(name="Times New Roman", size=12),
        "border": _BOX,
        "number_format": "0",
        "alignment": Alignment(horizontal="center", vertical="center"),
    },
    "num": {"font": Font(name="Times New Roman", size=12), "border": _BOX, "number_format": "0.00"},
    "bold_num": {
        "font": Font(name="Times New Roman", bold=True, size=12),
        "border": _BOX,
        "number_format": "0.00",
    },
}


class _StyledCell(Cell):
    """A streamed cell whose style is fixed: its style id is looked up once, not per write."""

    __slots__ = ("_style_id",)

    @property
    def style_id(self):
        return self._style_id

    @property
    def has_style(self):
        return True


def _prototypes(ws) -> dict[str, WriteOnlyCell]:
    """One reusable cell per style: a streamed row is written cell by cell, so a cell can take
    its next value as soon as the previous one is out."""
    styles = {**STYLES, "": {"font": Font(name="Times New Roman", size=12), "border": _BOX}}
    cells = {}
    for name, attrs in styles.items():
        cell = _StyledCell(ws, row=1, column=1)
        for attr, value in attrs.items():
            setattr(cell, attr, value)
        cell._style_id = ws.parent._cell_styles.add(cell._style)
        cells[name] = cell
    return cells


def _styled_rows(pool):
    """Replaces a streamed sheet's `_values_to_row` (openpyxl 3.1): each cell spec becomes the
    pooled cell of its style carrying the value, as openpyxl does with its one plain cell."""

    def values_to_row(cells, row_idx):
        for col_idx, spec in enumerate(cells, 1):
            value, style = spec if isinstance(spec, tuple) else (spec, "")
            if value is None:
                continue
            pooled = pool[style]
            # risky text gets a cell of its own (quote prefix); the pooled one keeps its style
            cell = xlsx_cell(pooled.parent, value, pooled._style)
            if cell is value:
                cell = pooled
                cell.value = value
            cell.column = col_idx
            cell.row = row_idx
            yield cell

    return values_to_row


def write_annex(sheets, out, formatted: bool = True) -> None:
    """Write the sheets to `out` (a path or a seekable file) in openpyxl's streaming mode;
    without `formatted`, the same cells as bare values (the benchmark's baseline)."""
    workbook = Workbook(write_only=True)
    pool = None
    for sheet in sheets:
        title, widths, rows, header, frozen_columns = Sheet(*sheet)
        ws = workbook.create_sheet(title)
        if not formatted:
            for cells in rows:
                ws.append(xlsx_row(ws, [c[0] if isinstance(c, tuple) else c for c in cells]))
            continue
        pool = pool or _prototypes(ws)
        ws._values_to_row = _styled_rows(pool)
        print_setup(ws, widths, header, frozen_columns)
        for cells in rows:
            ws.append(cells)
    workbook.save(out)


PROGRESS_ROWS = 2000


def _counted(sheets: Iterator[Sheet], progress) -> Iterator[Sheet]:
    """The same sheets, telling `progress` how many rows were written so far."""
    written = 0

    def rows(sheet_rows):
        nonlocal written
        for cells in sheet_rows:
            yield cells
            written += 1
            if written % PROGRESS_ROWS == 0:
                progress(written)

    for sheet in sheets:
        yield sheet._replace(rows=rows(sheet.rows))


def annex_file(round: Round, tables: list[Table], details: bool = True, progress=None):
    """The annex in an anonymous temporary file, rewound: the caller streams it out and
    closing it frees the disk (a file, not memory, whatever the number of units).
    `progress(rows written)` is called every PROGRESS_ROWS rows (a background job's
    heartbeat)."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    sheets = annex_cells(round, tables, details=details)
    if progress is not None:
        sheets = _counted(sheets, progress)
    try:
        write_annex(sheets, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
