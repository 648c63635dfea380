"""parindex round_results ROUND compute|publish|correct|verify — the results workflow from the
command line (the same services as the staff pages)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from parindex.assessments.models import Round
from parindex.commandline import acting_user, add_actor_argument, refused
from parindex.results import services
from parindex.results.models import ResultSnapshot


class Command(BaseCommand):
    help = "Compute, publish, correct or verify the stored results of a round."

    def add_arguments(self, parser):
        parser.add_argument("round", help="round code, e.g. gialai-2023")
        parser.add_argument("action", choices=["compute", "publish", "correct", "verify"])
        parser.add_argument("--decision", help="decision number, e.g. 197/QĐ-UBND (publish)")
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--reason", help="why the published results are corrected")
        add_actor_argument(parser)

    def handle(self, *args, round, action, decision=None, date=None, reason=None, actor=None,
               **options):
        try:
            rnd = Round.objects.get(code=round)
        except Round.DoesNotExist:
            raise CommandError(f"unknown round '{round}'", returncode=2) from None
        if action == "verify":  # reads only: no one needs to be named
            return self._verify(rnd)
        user = acting_user(actor)
        try:
            if action == "compute":
                done = services.compute_round(user, rnd)
            elif action == "publish":
                done = services.publish(user, rnd, published_on=date, decision_number=decision)
            else:
                done = services.correct(user, rnd, reason or "")
        except PermissionDenied as error:
            raise refused(error) from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages), returncode=2) from None
        for snapshot in done:
            state = "published" if snapshot.is_published else "draft"
            self.stdout.write(
                f"{snapshot.framework.code}: version {snapshot.version} ({state}), "
                f"{snapshot.rows.count()} units"
            )

    def _verify(self, rnd):
        problems = [f"points: {p}" for p in services.verify_points(rnd)]
        self.stdout.write(f"stored points: {'ok' if not problems else f'{len(problems)} differences'}")
        for snapshot in ResultSnapshot.objects.filter(round=rnd).order_by("framework", "version"):
            found = services.verify(snapshot)
            label = f"{snapshot.framework.code} v{snapshot.version}"
            self.stdout.write(f"{label}: {'ok' if not found else f'{len(found)} differences'}")
            problems += [f"{label}: {p}" for p in found]
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError("stored points or results differ from what the engine computes")
