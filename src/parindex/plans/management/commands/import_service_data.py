from django.core.management.base import BaseCommand

from parindex.commandline import acting_user, add_actor_argument, file_import
from parindex.plans.services import import_service_data


class Command(BaseCommand):
    help = ("Import the public-service portal's monthly figures per unit (CSV/XLSX, all or "
            "nothing; see docs/formats.md).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="service figures .csv or .xlsx")
        add_actor_argument(parser)

    def handle(self, *args, file, actor, **options):
        with file_import(self.stderr, file):
            summary = import_service_data(acting_user(actor), file)
        self.stdout.write(self.style.SUCCESS(
            f"Service figures: {summary.created} month(s) added, {summary.updated} replaced"))
