from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from parindex.commandline import acting_user, add_actor_argument, refused
from parindex.engine.framework import FrameworkError
from parindex.engine.io import InputError
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
        try:
            framework = import_framework(acting_user(actor), file, replace=replace)
        except PermissionDenied as exc:
            raise refused(exc) from None
        except (FrameworkError, InputError) as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s); nothing was imported", returncode=2
            ) from None
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
        count = framework.nodes.count()
        self.stdout.write(self.style.SUCCESS(f"Framework {framework.code}: {count} nodes"))
