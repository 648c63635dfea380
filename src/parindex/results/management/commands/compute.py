"""`parindex compute`: score a framework on files alone, without the database.

It is the same engine the web app uses, so a province can check published results (or try a
draft framework) with nothing but its spreadsheets.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parindex.engine.compute import UnitInfo, compute
from parindex.engine.framework import FrameworkError
from parindex.engine.io import (
    InputError,
    load_framework,
    read_scores,
    read_units,
    render_results,
)

FORMATS = ("table", "json", "csv", "xlsx")


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
            units = None
            if options["units"]:
                units = [UnitInfo(u.code, u.name, u.unit_group)
                         for u in read_units(options["units"])]
            values = read_scores(
                options["scores"], framework, stage=options["stage"],
                known_units={u.code for u in units} if units is not None else None,
            )
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
