"""How every XLSX the project writes prints and scrolls: A4 landscape, one page wide (as many
pages tall as it takes), the header rows repeated on each printed page and frozen on screen
with the first columns, and column widths set.

One helper for every export, normal or streamed (write-only) worksheets alike; in a streamed
sheet it must be called before the first row is written. No Django here: the engine's own
files use it too.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

WIDEST = 60  # characters: wider text wraps rather than pushing the table off the page


def print_setup(ws, widths: Sequence[float], header: tuple[int, int] = (1, 1),
                frozen_columns: int = 0) -> None:
    """Set `ws` up to print and scroll: `widths` (characters) of its first columns, the rows
    `header` (first, last; 1-based) repeated on every page and frozen above the data, with the
    first `frozen_columns` columns frozen too (the unit's name stays in view)."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width, WIDEST)
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    first, last = header
    ws.print_title_rows = f"{first}:{last}"
    ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{last + 1}"


def widths_for(header: Sequence[str], least: int = 10) -> list[int]:
    """Column widths from a header row's texts: each wide enough for its title (a table's
    data is rarely wider than its header, and wider text wraps)."""
    return [max(least, len(str(title)) + 2) for title in header]
