from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from parindex.assessments.models import Round
from parindex.commandline import acting_user, add_actor_argument, refused
from parindex.surveys.definition import DefinitionError
from parindex.surveys.services import import_definition


class Command(BaseCommand):
    help = "Load a survey definition (YAML: groups, units evaluated, questionnaires) for a round."

    def add_arguments(self, parser):
        parser.add_argument("round", help="round code")
        parser.add_argument("file", help="survey definition (.yaml)")
        parser.add_argument("--replace", action="store_true",
                            help="replace the round's survey while it has no responses")
        add_actor_argument(parser)

    def handle(self, *args, **options):
        actor = acting_user(options["actor"])
        round = Round.objects.filter(code=options["round"]).first()
        if round is None:
            raise CommandError(f"unknown round '{options['round']}'", returncode=2)
        try:
            survey = import_definition(actor, round, options["file"], replace=options["replace"])
        except PermissionDenied as exc:
            raise refused(exc) from None
        except DefinitionError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}",
                               returncode=2) from None
        self.stdout.write(f"{survey.name}: {survey.groups.count()} respondent groups")
