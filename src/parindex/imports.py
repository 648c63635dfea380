"""Files coming in, on the Django side: the read limits from settings, problems for people.

Every import passes `read_limits()` to the engine's one reader (parindex.engine.tables), and
shows its InputIssue messages through `issue_text`, which translates the reader's message ids;
`problem_text` does the same for the engine's refusals of one value (`ValueProblem`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext

from parindex.engine.framework import fmt
from parindex.engine.tables import InputIssue, ReadLimits
from parindex.engine.values import ValueProblem


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


def problem_text(problem: ValueError) -> str:
    """Why a value was refused (or warned about), in the active language, numbers in its
    format (2,5 in Vietnamese); a plain ValueError, from older code, as it is."""
    if isinstance(problem, ValueProblem):
        return problem.text(gettext, lambda number: number_format(Decimal(fmt(number))))
    return str(problem)
