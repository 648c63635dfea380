"""The demo's survey: the definition and sample answers of examples/gialai, reloaded as the
system (not a person, so not in the change log)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from parindex import policy
from parindex.assessments.models import Round
from parindex.surveys.models import (
    RespondentGroup,
    Survey,
)
from parindex.surveys.services.counts import delete_responses
from parindex.surveys.services.definitions import load_survey
from parindex.surveys.services.imports import import_responses, read_rows


def load_demo_survey(round: Round, directory: str | Path | None = None) -> Survey | None:
    """The demo survey of `round` from examples/gialai: survey-YEAR.yaml for the definition and
    survey-YEAR-GROUP.csv for each group's answers. None when the round has no survey file."""
    directory = Path(directory or Path(settings.BASE_DIR) / "examples" / "gialai")
    definition = directory / f"survey-{round.year}.yaml"
    if not definition.exists():
        return None
    loaded = Survey.objects.filter(round=round).first()
    if loaded is not None and not policy.survey_open(loaded):
        return loaded  # its round's results are published: the answers are history, kept
    with transaction.atomic():
        # A reload starts the demo survey afresh: its responses go with it.
        delete_responses(RespondentGroup.objects.filter(survey__round=round))
        survey = load_survey(round, definition, replace=True)
        for group in survey.groups.all():
            answers = directory / f"survey-{round.year}-{group.code}.csv"
            if answers.exists():
                import_responses(group, read_rows(answers))
    return survey
