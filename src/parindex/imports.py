"""Files coming in, on the Django side: the read limits from settings, problems for people.

Every import passes `read_limits()` to the engine's one reader (parindex.engine.tables), and
shows its InputIssue messages through `issue_text`, which translates the reader's message ids.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

from parindex.engine.tables import InputIssue, ReadLimits


def read_limits() -> ReadLimits:
    return ReadLimits(
        max_rows=settings.PARINDEX_IMPORT_MAX_ROWS,
        max_cell_chars=settings.PARINDEX_IMPORT_MAX_CELL_CHARS,
        max_uncompressed_mb=settings.PARINDEX_IMPORT_MAX_UNCOMPRESSED_MB,
    )


def issue_text(issue: InputIssue) -> str:
    """The problem in the active language, with the file name when it concerns the whole file."""
    text = issue.text(gettext)
    return f"{issue.file}: {text}" if issue.row is None else text
