import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from parindex.commandline import acting_user, add_actor_argument, refused
from parindex.engine.tables import InputError
from parindex.surveys.models import RespondentGroup
from parindex.surveys.services import import_file


class Command(BaseCommand):
    help = ("Import survey responses from CSV/XLSX (one row per form, a column per question "
            "code), all or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("round", help="round code")
        parser.add_argument("group", help="respondent group code")
        parser.add_argument("file", help=".csv or .xlsx")
        add_actor_argument(parser)

    def handle(self, *args, **options):
        actor = acting_user(options["actor"])
        group = RespondentGroup.objects.filter(
            survey__round__code=options["round"], code=options["group"]).first()
        if group is None:
            raise CommandError(f"no respondent group '{options['group']}' in round "
                               f"'{options['round']}'", returncode=2)

        def progress(done, total):
            if sys.stderr.isatty():
                self.stderr.write(f"\r{done}/{total} rows checked", ending="")

        try:
            count = import_file(actor, group, options["file"], progress=progress)
        except PermissionDenied as exc:
            raise refused(exc) from None
        except InputError as exc:
            lines = [str(issue) for issue in exc.errors]
            more = exc.total - len(exc.errors)
            if more > 0:
                lines.append(f"… and {more} more")
            raise CommandError("nothing imported:\n" + "\n".join(lines), returncode=2) from None
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}",
                               returncode=2) from None
        self.stdout.write(f"{count} responses imported into {group.code}")
