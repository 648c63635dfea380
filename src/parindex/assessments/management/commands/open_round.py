"""`parindex open-round FILE.yaml --as USERNAME`: set up a round from a round file
(`assessments/round_file.py`, docs/formats.md) without the web; all or nothing, exit 2 with
every problem of the file on stderr."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from parindex.assessments.round_file import RoundFileError
from parindex.assessments.services import open_round_file
from parindex.commandline import acting_user, add_actor_argument, refused


class Command(BaseCommand):
    help = (
        "Open a round from a YAML file (code, name, year, organiser, kind, unit groups and "
        "their frameworks, deadlines, appraisers; or a results round's decision), as a "
        "manager of its organising unit; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="round file (.yaml)")
        add_actor_argument(parser)

    def handle(self, *args, file, actor=None, **options):
        user = acting_user(actor)
        try:
            round = open_round_file(user, file)
        except PermissionDenied as exc:
            raise refused(exc) from None
        except RoundFileError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(exc.errors)} problem(s) in {file}; nothing was written", returncode=2
            ) from None
        except ValidationError as exc:
            raise CommandError(f"{file}: {'; '.join(exc.messages)}; nothing was written",
                               returncode=2) from None
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
        self.stdout.write(self.style.SUCCESS(
            f"Round {round.code} ({round.kind}) opened: {round.sheets.count()} sheets, "
            f"{round.assignments.count()} appraiser assignments"
        ))
