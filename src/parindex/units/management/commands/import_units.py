from django.core.management.base import BaseCommand, CommandError

from parindex.engine.io import InputError
from parindex.units.services import import_units


class Command(BaseCommand):
    help = "Create or update units from a units CSV/XLSX file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="units .csv or .xlsx")

    def handle(self, *args, file, **options):
        try:
            summary = import_units(file)
        except InputError as exc:
            for issue in exc.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                f"{len(exc.errors)} error(s); nothing was imported", returncode=2
            ) from None
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
        self.stdout.write(self.style.SUCCESS(f"Units: {summary}"))
