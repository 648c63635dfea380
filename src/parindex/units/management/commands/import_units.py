from django.core.management.base import BaseCommand

from parindex.commandline import acting_user, add_actor_argument, file_import
from parindex.units.services import import_units


class Command(BaseCommand):
    help = "Create or update units from a units CSV/XLSX file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="units .csv or .xlsx")
        add_actor_argument(parser)

    def handle(self, *args, file, actor, **options):
        with file_import(self.stderr, file):
            summary = import_units(acting_user(actor), file)
        self.stdout.write(self.style.SUCCESS(f"Units: {summary}"))
