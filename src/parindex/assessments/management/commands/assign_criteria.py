from django.core.management.base import BaseCommand, CommandError

from parindex.assessments.models import Round
from parindex.assessments.selectors import national_sheet
from parindex.assessments.services import import_assignments
from parindex.commandline import acting_user, add_actor_argument, file_import


class Command(BaseCommand):
    help = (
        "Hand the sub-criteria of a province's self-assessment for the national index to the "
        "departments in charge, from a CSV/XLSX (criterion_code, unit_code), as the round's "
        "manager; a bad file writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code", help="round code (a round with the province's one sheet)")
        parser.add_argument("file", help="assignments .csv or .xlsx")
        add_actor_argument(parser)

    def handle(self, *args, round_code, file, actor=None, **options):
        user = acting_user(actor)
        round = Round.objects.filter(code=round_code).first()
        sheet = national_sheet(round) if round is not None else None
        if sheet is None:
            raise CommandError(f"no round '{round_code}' with exactly one sheet", returncode=2)
        with file_import(self.stderr, file, "nothing was assigned"):
            summary = import_assignments(user, sheet, file)
        self.stdout.write(self.style.SUCCESS(
            f"Round {round.code}: {summary.leaves} sub-criteria covered, "
            f"{summary.changed} assigned anew"))
