from django.core.management.base import BaseCommand

from parindex.commandline import acting_user, add_actor_argument, file_import
from parindex.frameworks.services import import_framework


class Command(BaseCommand):
    help = "Store a framework from a .yaml or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="framework .yaml or .xlsx")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite a framework with the same code (refused while scores use it)",
        )
        add_actor_argument(parser)

    def handle(self, *args, file, replace, actor, **options):
        with file_import(self.stderr, file):
            framework = import_framework(acting_user(actor), file, replace=replace)
        count = framework.nodes.count()
        self.stdout.write(self.style.SUCCESS(f"Framework {framework.code}: {count} nodes"))
