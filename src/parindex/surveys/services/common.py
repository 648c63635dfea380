"""What every survey write shares: the refusals it raises and the checks it makes first."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from parindex import policy
from parindex.assessments.models import Round

from ..models import (
    RespondentGroup,
)

FLAG_DUPLICATE = "duplicate"


FLAG_RATE = "rate"


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


MAX_KEPT_ERRORS = 200


class ResponseError(Exception):
    """A response that cannot be stored; `.errors` maps a field (question code, 'unit',
    'code', 'form_number') to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class RateLimited(Exception):
    pass


class SurveyClosed(ResponseError):
    """The survey no longer takes responses: its round's results are published."""

    def __init__(self):
        self.message = _("This survey is closed: the results of its round are published.")
        super().__init__({"group": self.message})


def _require_open(group: RespondentGroup) -> None:
    if not policy.survey_open(group.survey):
        raise SurveyClosed()


def _check(actor, round: Round) -> None:
    """Refuse, before anything is written, a person the policy does not let manage the survey."""
    if not policy.can_manage_survey(actor, round):
        raise PermissionDenied("only the round's managers change its survey")


def _changed(before: dict, after: dict) -> dict:
    """field → [old, new] for the fields that differ."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
