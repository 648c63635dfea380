from django.core.management.base import BaseCommand, CommandError

from parindex.assessments.models import Round
from parindex.assessments.services import import_scores
from parindex.engine.io import InputError


class Command(BaseCommand):
    help = "Store a scores CSV/XLSX (unit_code, criterion_code, value, stage, note) in a round."

    def add_arguments(self, parser):
        parser.add_argument("round_code", help="round code")
        parser.add_argument("file", help="scores .csv or .xlsx")

    def handle(self, *args, round_code, file, **options):
        round = Round.objects.filter(code=round_code).first()
        if round is None:
            raise CommandError(f"unknown round '{round_code}'", returncode=2)
        try:
            summary = import_scores(round, file)
        except InputError as exc:
            for issue in exc.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                f"{len(exc.errors)} error(s); nothing was imported", returncode=2
            ) from None
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
        self.stdout.write(self.style.SUCCESS(f"Round {round.code}: {summary}"))
