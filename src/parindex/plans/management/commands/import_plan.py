import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parindex.commandline import acting_user, add_actor_argument, file_import
from parindex.plans.services import import_tasks, save_plan
from parindex.units.models import Unit


class Command(BaseCommand):
    help = ("Make or update a unit's reform plan of a year and add its tasks from a CSV/XLSX "
            "file (all or nothing; see docs/formats.md).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="tasks .csv or .xlsx")
        parser.add_argument("--unit", required=True, help="code of the unit issuing the plan")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--title", required=True)
        parser.add_argument("--number", default="", help="the plan's document number")
        parser.add_argument("--issued-on", default="", help="YYYY-MM-DD")
        add_actor_argument(parser)

    def handle(self, *args, file, unit, year, title, number, issued_on, actor, **options):
        issuer = Unit.objects.filter(code=unit).first()
        if issuer is None:
            raise CommandError(f"unknown unit '{unit}'", returncode=2)
        try:
            day = datetime.date.fromisoformat(issued_on) if issued_on else None
        except ValueError:
            raise CommandError(f"--issued-on {issued_on!r} is not YYYY-MM-DD",
                               returncode=2) from None
        person = acting_user(actor)
        with file_import(self.stderr, file, "no task was imported"), transaction.atomic():
            plan = save_plan(person, issuer, year, title, number, day)  # kept only with its tasks
            tasks = import_tasks(person, plan, file)
        self.stdout.write(self.style.SUCCESS(f"Plan {plan.title}: {len(tasks)} task(s) added"))
