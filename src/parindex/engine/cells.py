"""Text going out to a spreadsheet never runs as a formula (OWASP "CSV Injection").

Excel and LibreOffice read a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula. Every CSV and XLSX writer of the project passes its cells through here:

- CSV (`csv_writer`): such text gets a single quote `'` in front, as OWASP advises; the cell
  opens as text and shows the quote. Lines end in CRLF (RFC 4180), so that the writer quotes a
  text holding a bare carriage return, which would otherwise start a new row (and a new cell).
- XLSX (`xlsx_row`): such text becomes an explicit string cell (openpyxl would otherwise make
  any str starting with "=" a formula, and "#N/A" an error) styled with Excel's `quotePrefix`,
  so that editing it in Excel keeps it text. The text itself stays exact, so the files read back
  (framework, assessment sheet) give back exactly what was written.

Only text is touched: numbers, Decimals, dates and None pass unchanged, and so does text that is
a plain number ("-2.50" is a number, not a formula). No Django here: the engine uses it too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from copy import copy
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\Z")


def is_formula_like(value: Any) -> bool:
    """Text a spreadsheet would evaluate rather than show."""
    return (isinstance(value, str) and value.startswith(FORMULA_START)
            and not _PLAIN_NUMBER.match(value))


def csv_cell(value: Any) -> Any:
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


class csv_writer:  # noqa: N801 - used like csv.writer
    """`csv.writer(handle)` (excel dialect, CRLF) whose rows are neutralised."""

    def __init__(self, handle):
        self.writer = csv.writer(handle)

    def writerow(self, values: Iterable[Any]):
        return self.writer.writerow(csv_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writer.writerow(csv_row(row))


def xlsx_cell(ws, value: Any, style=None) -> Any:
    """`value` itself, or for risky text a string cell of `ws` (with the style array `style`,
    if given) that Excel shows and keeps as text."""
    if not (is_formula_like(value) or (isinstance(value, str) and value in ERROR_CODES)):
        return value
    cell = Cell(ws, row=1, column=1, style_array=copy(style) if style is not None else None)
    cell.value = value
    cell.data_type = "s"  # after the value: assigning "=…" sets "f"
    cell.quotePrefix = True
    return cell


def xlsx_row(ws, values: Iterable[Any]) -> list[Any]:
    """A row for `ws.append`, in normal or write-only workbooks."""
    return [xlsx_cell(ws, v) for v in values]
