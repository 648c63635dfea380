from django.core.management.base import BaseCommand, CommandError

from parindex.assessments.models import Round
from parindex.assessments.services import import_scores
from parindex.commandline import acting_user, add_actor_argument, file_import


class Command(BaseCommand):
    help = (
        "Store a scores CSV/XLSX (unit_code, criterion_code, value, stage, note) in a round, "
        "as its manager; a closed round's scores change only as a correction with --reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code", help="round code")
        parser.add_argument("file", help="scores .csv or .xlsx")
        add_actor_argument(parser)
        parser.add_argument("--reason", default="",
                            help="why the scores of an approved or published round change")

    def handle(self, *args, round_code, file, actor=None, reason="", **options):
        user = acting_user(actor)
        round = Round.objects.filter(code=round_code).first()
        if round is None:
            raise CommandError(f"unknown round '{round_code}'", returncode=2)
        with file_import(self.stderr, file):
            summary = import_scores(user, round, file, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Round {round.code}: {summary}"))
