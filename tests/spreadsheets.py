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
