from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from parindex.commandline import acting_user, add_actor_argument, refused
from parindex.engine.tables import InputError
from parindex.imports import issue_text
from parindex.plans.services import import_service_data


class Command(BaseCommand):
    help = ("Import the public-service portal's monthly figures per unit (CSV/XLSX, all or "
            "nothing; see docs/formats.md).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="service figures .csv or .xlsx")
        add_actor_argument(parser)

    def handle(self, *args, file, actor, **options):
        try:
            summary = import_service_data(acting_user(actor), file)
        except PermissionDenied as exc:
            raise refused(exc) from None
        except InputError as exc:
            for issue in exc.errors:
                where = f"row {issue.row}: " if issue.row else ""
                self.stderr.write(f"{issue.file}: {where}{issue_text(issue)}")
            raise CommandError(f"{exc.total} error(s); nothing was imported",
                               returncode=2) from None
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
        self.stdout.write(self.style.SUCCESS(
            f"Service figures: {summary.created} month(s) added, {summary.updated} replaced"))
