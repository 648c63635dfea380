"""The ranking annex as an Excel workbook, as provinces publish it.

One sheet per unit group (STT, unit, each field's points, total, index, rank, band) and one
detail sheet per unit (every criterion: max, self-assessed, appraised, points lost). Numbers are
numbers (Decimal → Excel number) formatted to two decimals, never text.

`annex_cells` describes every cell once; `write_annex` lays them out with formatting, and the
benchmark writes the very same cells without formatting as its baseline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side

from parindex.assessments.models import Round
from parindex.engine.cells import xlsx_cell, xlsx_row

from .models import ResultDetail
from .selectors import Table, engine_structure

# A cell is a plain value (text, int) or (value, style name); Decimals are points (0.00).
CellSpec = object
Sheet = tuple[str, list[int], Iterator[list[CellSpec]]]  # title, column widths, rows

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def decision_line(round: Round) -> str:
    """(Kèm theo Quyết định số 197/QĐ-UBND ngày 15 tháng 4 năm 2022 của …)"""
    parts = ["Kèm theo Quyết định"]
    if round.decision_number:
        parts.append(f"số {round.decision_number}")
    if round.published_on:
        d = round.published_on
        parts.append(f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}")
    if round.organiser_id:
        parts.append(f"của {issuer(round)}")
    return "(" + " ".join(parts) + ")"


def issuer(round: Round) -> str:
    """The body that signs the decision: the province's People's Committee."""
    organiser = round.organiser
    if organiser is None:
        return "Ủy ban nhân dân tỉnh"
    parent = getattr(organiser, "parent", None)
    body = parent if parent is not None and organiser.kind != "tinh" else organiser
    return body.name.replace("UBND", "Ủy ban nhân dân")


def annex_cells(round: Round, tables: list[Table], details: bool = True) -> Iterator[Sheet]:
    """Every sheet of the annex: the groups' rankings, then one sheet per unit."""
    titles: set[str] = set()
    for number, table in enumerate(tables):
        title = _title(table.group.name, titles)
        yield (
            title,
            [6, 42] + [12] * len(table.fields) + [11, 11, 9, 13],
            _group_rows(round, table, number),
        )
    if not details:
        return
    points_of = {
        (snapshot_id, code): (points, own)
        for snapshot_id, code, points, own in ResultDetail.objects.filter(
            snapshot__in=[t.snapshot for t in tables]
        ).values_list("snapshot_id", "unit_code", "points", "self_points")
    }
    for table in tables:
        framework = engine_structure(table.snapshot)
        for row in table.rows:
            points, own = points_of[(table.snapshot.pk, row.unit_code)]
            yield (
                _title(row.unit_code, titles),
                [10, 70, 11, 11, 11, 11],
                _unit_rows(round, table, framework, row, points, own or {}),
            )


def _title(text: str, taken: set[str]) -> str:
    base = _BAD_TITLE.sub("-", text)[:31] or "Sheet"
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 1]}-{n}"
    taken.add(title.casefold())
    return title


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
        cells += [(cell["achieved"], "num") if cell else ("KAD", "center") for cell in row.fields]
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
            "Ghi chú: KAD – không áp dụng; Chỉ số CCHC = tổng điểm đạt được ÷ tổng điểm tối đa "
            "của các tiêu chí được áp dụng × 100.",
            "italic",
        )
    ]


def _unit_rows(round, table, framework, row, points, own) -> Iterator[list[CellSpec]]:
    yield [(row.unit_name, "title")]
    yield [(f"Kết quả Chỉ số CCHC năm {round.year} – {table.group.name}", "italic")]
    yield [("Chỉ số CCHC (%)", "text"), (row.index, "bold_num")]
    yield [("Tổng điểm", "text"), (row.achieved, "num"), ("/", "center"), (row.max, "num")]
    yield [("Xếp hạng", "text"), (row.rank, "int"), ("/", "center"), (len(table.rows), "int")]
    yield [("Xếp loại", "text"), (row.band_label, "text")]
    yield []
    yield [
        ("Mã", "header"),
        ("Tiêu chí", "header"),
        ("Điểm tối đa", "header"),
        ("Điểm tự chấm", "header"),
        ("Điểm thẩm định", "header"),
        ("Điểm bị mất", "header"),
    ]
    for top in framework.nodes:
        yield [(top.code, "bold"), (top.title, "bold"), (top.max, "bold_num")]
        for leaf in top.leaves():
            got, mine = points.get(leaf.code), own.get(leaf.code)
            if got is None:
                yield [
                    leaf.code,
                    (leaf.title, "text"),
                    (leaf.max, "num"),
                    ("KAD", "center"),
                    ("KAD", "center"),
                ]
                continue
            got = Decimal(got)
            lost = (
                got
                if top.kind == "penalty"
                else (Decimal(0) if top.kind == "bonus" else leaf.max - got)
            )
            yield [
                leaf.code,
                (leaf.title, "text"),
                (leaf.max, "num"),
                (Decimal(mine), "num") if mine is not None else "",
                (got, "num"),
                (lost, "num"),
            ]


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
    """Write the sheets to `out` (a path or file-like) in openpyxl's streaming mode; without
    `formatted`, the same cells as bare values (the benchmark's baseline)."""
    workbook = Workbook(write_only=True)
    pool = None
    for title, widths, rows in sheets:
        ws = workbook.create_sheet(title)
        if not formatted:
            for cells in rows:
                ws.append(xlsx_row(ws, [c[0] if isinstance(c, tuple) else c for c in cells]))
            continue
        pool = pool or _prototypes(ws)
        ws._values_to_row = _styled_rows(pool)
        for i, width in enumerate(widths):
            ws.column_dimensions[_letter(i)].width = width
        for cells in rows:
            ws.append(cells)
    workbook.save(out)


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def annex_workbook(round: Round, tables: list[Table], out, details: bool = True) -> None:
    write_annex(annex_cells(round, tables, details=details), out)
