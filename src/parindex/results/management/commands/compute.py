"""`parindex compute`: score a framework on files alone, without the database.

It is the same engine the web app uses, so a province can check published results (or try a
draft framework) with nothing but its spreadsheets. With --units, scores rows of units of
another unit group are skipped before any check (one file may hold a whole province) and
counted on stderr; rows of units of the framework's group it does not rank are errors.
"""

from collections import Counter
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parindex.engine.compute import UnitInfo, compute
from parindex.engine.framework import FrameworkError
from parindex.engine.io import (
    InputError,
    InputIssue,
    ReadLimits,
    ScoreRow,
    UnitRecord,
    load_framework,
    read_score_rows,
    read_scores,
    read_units,
    render_results,
)
from parindex.imports import read_limits

FORMATS = ("table", "json", "csv", "xlsx")


def valid_in_year(unit: UnitRecord, year: int) -> bool:
    """Whether the unit existed at some time in `year` (an empty date is open-ended)."""
    return (unit.valid_from is None or unit.valid_from <= date(year, 12, 31)) and (
        unit.valid_to is None or unit.valid_to >= date(year, 1, 1))


def units_in_year(units: list[UnitRecord], unit_group: str, year: int) -> list[UnitRecord]:
    """The units a framework of `unit_group` and `year` ranks: a department created in 2025
    has no place in the 2021 ranking, not even with 0.00."""
    return [u for u in units if u.unit_group == unit_group and valid_in_year(u, year)]


def _out_of_scope(file: str, rows: list[ScoreRow], units: list[UnitRecord], ranked: set[str],
                  year: int) -> list[InputIssue]:
    """Rows for listed units of the framework's group it does not rank (a unit of another
    year): refused with their place rather than silently dropped."""
    by_code = {u.code: u for u in units}
    issues = []
    for score in rows:
        unit = by_code.get(score.unit_code)
        if unit is None or unit.code in ranked:
            continue  # unknown units are read_scores' to report
        if unit.valid_from and unit.valid_from.year > year:
            why = f"exists only from {unit.valid_from.isoformat()}, after {year}"
        else:
            why = f"ended on {unit.valid_to.isoformat()}, before {year}"
        issues.append(InputIssue(file, score.row, "unit_code", f"unit '{unit.code}' {why}"))
    return issues


def split_by_group(rows: list[ScoreRow], units: list[UnitRecord], unit_group: str
                   ) -> tuple[list[ScoreRow], Counter]:
    """The rows of units of `unit_group` (or unknown ones, for read_scores to report), and how
    many rows each unit of another group has: those belong to another framework."""
    others = {u.code for u in units if u.unit_group != unit_group}
    kept = [row for row in rows if row.unit_code not in others]
    skipped = Counter(row.unit_code for row in rows if row.unit_code in others)
    return kept, skipped


def read_inputs(options: dict, framework, limits: ReadLimits
                ) -> tuple[list[UnitInfo] | None, dict, Counter]:
    """The units to rank (None: every unit in the scores), the parsed values and the rows
    skipped per unit of another group."""
    scores = options["scores"]
    if not options["units"]:
        return None, read_scores(scores, framework, stage=options["stage"],
                                 rows=read_score_rows(scores, limits)), Counter()
    records = read_units(options["units"], limits)
    rows, skipped = split_by_group(read_score_rows(scores, limits), records,
                                   framework.unit_group)
    ranked = units_in_year(records, framework.unit_group, framework.year)
    issues = _out_of_scope(Path(scores).name, rows, records, {u.code for u in ranked},
                           framework.year)
    try:
        values = read_scores(scores, framework, stage=options["stage"],
                             known_units={u.code for u in records}, rows=rows)
    except InputError as error:
        issues += error.errors
    if issues:  # one list, in the order of the file
        raise InputError(sorted(issues, key=lambda issue: issue.row or 0))
    return [UnitInfo(u.code, u.name, u.unit_group) for u in ranked], values, skipped


class Command(BaseCommand):
    help = "Compute index, rank and band of every unit from framework and scores files."
    requires_system_checks = []  # files in, files out: nothing to check, no database

    def add_arguments(self, parser):
        parser.add_argument("--framework", required=True, help="framework .yaml/.yml/.xlsx")
        parser.add_argument("--scores", required=True, help="scores .csv/.xlsx")
        parser.add_argument("--units", help="units .csv/.xlsx (names, unit groups)")
        parser.add_argument("--stage", choices=("appraised", "self"), default="appraised")
        parser.add_argument("--format", choices=FORMATS,
                            help="output format (default: from --out's extension, else table)")
        parser.add_argument("--out", help="write to this file instead of standard output")

    def handle(self, *args, **options):
        out = options["out"]
        fmt = options["format"]
        if fmt is None:
            suffix = Path(out).suffix.lower().lstrip(".") if out else ""
            fmt = suffix if suffix in FORMATS else "table"
        if fmt == "xlsx" and not out:
            raise CommandError("xlsx is binary: give --out FILE.xlsx", returncode=2)

        try:
            limits = read_limits()
            framework = load_framework(options["framework"], limits)
            units, values, skipped = read_inputs(options, framework, limits)
            results = compute(framework, values, units)
        except (FrameworkError, InputError) as error:
            for issue in error.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                f"{len(error.errors)} problem(s) in the input; nothing was computed",
                returncode=2,
            ) from None
        except OSError as error:
            raise CommandError(f"cannot read {error.filename}: {error.strerror}",
                               returncode=2) from None

        if skipped:
            self.stderr.write(
                f"skipped {sum(skipped.values())} scores row(s) of units of other unit groups "
                f"(not '{framework.unit_group}'): "
                + ", ".join(f"{code} ({n})" for code, n in sorted(skipped.items())))
        data = render_results(results, fmt)
        if out:
            if isinstance(data, bytes):
                Path(out).write_bytes(data)
            else:
                Path(out).write_text(data, encoding="utf-8", newline="")
        else:
            self.stdout.write(data, ending="")
