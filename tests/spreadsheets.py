"""Hostile text for exports, and the checks that no exported cell runs as a formula."""

import csv
import io

from openpyxl import load_workbook

from parindex.engine.cells import is_formula_like

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def assert_xlsx_safe(content: bytes, expected=()) -> None:
    """No cell of any sheet is a formula; each `expected` text is there, exact, as text."""
    book = load_workbook(io.BytesIO(content))
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value: c for c in cells if c.data_type == "s"}
    for text in expected:
        assert text in texts, f"{text!r} not written as text"
        assert texts[text].quotePrefix


def assert_csv_safe(text: str, expected=()) -> None:
    """No CSV cell starts like a formula; each `expected` text is there behind a quote."""
    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) for cell in row]
    assert [c for c in cells if is_formula_like(c)] == []
    for value in expected:
        assert "'" + value in cells


def assert_xlsx_printable(content: bytes) -> dict:
    """Every sheet prints A4 landscape, one page wide, its header rows repeated, and scrolls
    with them frozen; its columns have widths. Returns {sheet: (title rows, frozen cell)}."""
    book = load_workbook(io.BytesIO(content))
    found = {}
    for ws in book.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9"), ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows and ws.freeze_panes, ws.title
        assert ws.column_dimensions["A"].width and ws.column_dimensions["B"].width, ws.title
        found[ws.title] = (ws.print_title_rows, ws.freeze_panes)
    return found
