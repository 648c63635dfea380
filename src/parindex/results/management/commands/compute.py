"""`parindex compute`: score a framework on files alone, without the database.

It is the same engine the web app uses, so a province can check published results (or try a
draft framework) with nothing but its spreadsheets.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parindex.engine.compute import UnitInfo, compute
from parindex.engine.framework import FrameworkError
from parindex.engine.io import (
    InputError,
    InputIssue,
    UnitRecord,
    load_framework,
    read_score_rows,
    read_scores,
    read_units,
    render_results,
)

FORMATS = ("table", "json", "csv", "xlsx")


def valid_in_year(unit: UnitRecord, year: int) -> bool:
    """Whether the unit existed at some time in `year` (an empty date is open-ended)."""
    return (unit.valid_from is None or unit.valid_from <= date(year, 12, 31)) and (
        unit.valid_to is None or unit.valid_to >= date(year, 1, 1))


def units_in_year(units: list[UnitRecord], unit_group: str, year: int) -> list[UnitRecord]:
    """The units a framework of `unit_group` and `year` ranks: a department created in 2025
    has no place in the 2021 ranking, not even with 0.00."""
    return [u for u in units if u.unit_group == unit_group and valid_in_year(u, year)]


def _out_of_scope(path: str, units: list[UnitRecord], ranked: set[str], unit_group: str,
                  year: int) -> list[InputIssue]:
    """Rows for listed units the framework does not rank: a wrong file or a unit of another
    year, so they are refused with their place rather than silently dropped."""
    by_code = {u.code: u for u in units}
    issues = []
    for score in read_score_rows(path):
        unit = by_code.get(score.unit_code)
        if unit is None or unit.code in ranked:
            continue  # unknown units are read_scores' to report
        if unit.unit_group != unit_group:
            why = f"is in unit group '{unit.unit_group}', not '{unit_group}'"
        elif unit.valid_from and unit.valid_from.year > year:
            why = f"exists only from {unit.valid_from.isoformat()}, after {year}"
        else:
            why = f"ended on {unit.valid_to.isoformat()}, before {year}"
        issues.append(InputIssue(Path(path).name, score.row, "unit_code",
                                 f"unit '{unit.code}' {why}"))
    return issues


def read_inputs(options: dict, framework) -> tuple[list[UnitInfo] | None, dict]:
    """The units to rank (None: every unit in the scores) and the parsed values."""
    if not options["units"]:
        return None, read_scores(options["scores"], framework, stage=options["stage"])
    records = read_units(options["units"])
    ranked = units_in_year(records, framework.unit_group, framework.year)
    # The scores are read a second time for the rows' places: files are small next to that.
    issues = _out_of_scope(options["scores"], records, {u.code for u in ranked},
                           framework.unit_group, framework.year)
    try:
        values = read_scores(options["scores"], framework, stage=options["stage"],
                             known_units={u.code for u in records})
    except InputError as error:
        issues += error.errors
    if issues:  # one list, in the order of the file
        raise InputError(sorted(issues, key=lambda issue: issue.row or 0))
    return [UnitInfo(u.code, u.name, u.unit_group) for u in ranked], values


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
            framework = load_framework(options["framework"])
            units, values = read_inputs(options, framework)
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

        data = render_results(results, fmt)
        if out:
            if isinstance(data, bytes):
                Path(out).write_bytes(data)
            else:
                Path(out).write_text(data, encoding="utf-8", newline="")
        else:
            self.stdout.write(data, ending="")
