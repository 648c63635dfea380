import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parindex.commandline import acting_user, add_actor_argument, refused
from parindex.engine.tables import InputError
from parindex.imports import issue_text
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
        try:
            with transaction.atomic():  # the plan is kept only with its tasks
                plan = save_plan(person, issuer, year, title, number, day)
                tasks = import_tasks(person, plan, file)
        except PermissionDenied as exc:
            raise refused(exc) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from None
        except InputError as exc:
            for issue in exc.errors:
                where = f"row {issue.row}: " if issue.row else ""
                self.stderr.write(f"{issue.file}: {where}{issue_text(issue)}")
            raise CommandError(f"{exc.total} error(s); no task was imported",
                               returncode=2) from None
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
        self.stdout.write(self.style.SUCCESS(f"Plan {plan.title}: {len(tasks)} task(s) added"))
