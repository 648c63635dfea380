from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from parindex.commandline import acting_user, add_actor_argument, refused
from parindex.engine.io import InputError
from parindex.units.services import import_reorganisations


class Command(BaseCommand):
    help = (
        "Record reorganisations (old units flowing into new ones) from a CSV/XLSX file "
        "(all or nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="reorganisation .csv or .xlsx")
        add_actor_argument(parser)

    def handle(self, *args, file, actor, **options):
        try:
            summary = import_reorganisations(acting_user(actor), file)
        except PermissionDenied as exc:
            raise refused(exc) from None
        except InputError as exc:
            for issue in exc.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                f"{len(exc.errors)} error(s); nothing was imported", returncode=2
            ) from None
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
        self.stdout.write(self.style.SUCCESS(f"Reorganisations: {summary}"))
