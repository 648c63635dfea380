"""Responses coming in one at a time: the public form, paper forms, review, invitation codes.

Stuffing protection for open groups (documented for managers on the review page):
- every online response records `source`, a salted hash of the sender's IP address (the address
  itself is never stored);
- per group and source, responses past SURVEY_RATE_LIMIT = (count, seconds) — default 20 an
  hour, counted from the stored responses (so every server process sees the same count) — are
  kept but flagged; past five times that they are refused (HTTP 429);
- a response from the same source, for the same unit, with exactly the same answers as an earlier
  one is kept but flagged as a possible duplicate.
Flagged responses do not count until a manager accepts them; rejected ones never count.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history

from ..models import (
    NO_ANSWER,
    Invitation,
    RespondentGroup,
    Response,
)
from ..selectors import form_number_taken, layout
from .common import (
    CODE_ALPHABET,
    FLAG_DUPLICATE,
    FLAG_RATE,
    RateLimited,
    ResponseError,
    _check,
    _require_open,
)
from .counts import _count_one

# --------------------------------------------------------------------------- responses


def rate_limit() -> tuple[int, int]:
    return tuple(getattr(settings, "SURVEY_RATE_LIMIT", (20, 3600)))


def source_of(address: str) -> str:
    """A salted, shortened hash of an IP address: enough to group, not to recover it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


def _encode(group: RespondentGroup, answers: Mapping[str, str], *, require: bool,
            errors: dict[str, str]) -> str:
    """The answers as Response.answers (one character per question); errors by question code."""
    chars = []
    for question in layout(group).questions:
        raw = (answers.get(question.code) or "").strip().upper()
        codes = {o.code for o in question.option_list}
        if not raw or raw == NO_ANSWER:
            if require and question.required:
                errors[question.code] = _("Please choose an answer.")
            chars.append(NO_ANSWER)
        elif raw in codes:
            chars.append(raw)
        else:
            errors[question.code] = _("'%(value)s' is not an option (valid: %(valid)s).") % {
                "value": raw, "valid": ", ".join(sorted(codes))}
            chars.append(NO_ANSWER)
    return "".join(chars)


def _unit(group: RespondentGroup, unit_code: str | None, errors: dict[str, str]):
    targets = {t.unit.code: t.unit for t in group.targets.select_related("unit")}
    if not unit_code and len(targets) == 1:
        return next(iter(targets.values()))
    unit = targets.get((unit_code or "").strip())
    if unit is None:
        errors["unit"] = _("Choose the unit you are evaluating.")
    return unit


def submit_online(group: RespondentGroup, *, answers: Mapping[str, str], unit_code: str | None,
                  address: str, comment: str = "", invitation_code: str = "") -> Response:
    """A response from the public form; flagged (not dropped) when it looks like stuffing."""
    _require_open(group)
    if not group.accepting:
        raise ResponseError({"group": _("This survey is closed.")})
    errors: dict[str, str] = {}
    invitation = None
    if group.access == RespondentGroup.Access.CODES:
        code = invitation_code.strip().upper().replace(" ", "")
        invitation = Invitation.objects.filter(group=group, code=code).select_related("unit").first()
        if invitation is None:
            errors["code"] = _("This invitation code is not valid.")
        elif Response.objects.filter(invitation=invitation).exists():
            errors["code"] = _("This invitation code has already been used.")
        elif invitation.unit is not None:
            unit_code = invitation.unit.code
    unit = _unit(group, unit_code, errors)
    encoded = _encode(group, answers, require=True, errors=errors)
    if errors:
        raise ResponseError(errors)

    source = source_of(address)
    flag = ""
    if invitation is None:
        limit, window = rate_limit()
        # Counted in the database, which every server process shares: a per-process cache
        # (Django's default) gave each gunicorn worker its own count, so a source got
        # `workers` times its limit. The partial index response_source_online serves this.
        since = timezone.now() - datetime.timedelta(seconds=window)
        seen = Response.objects.filter(group=group, source=source, created_at__gte=since)\
            .count() + 1
        if seen > 5 * limit:
            raise RateLimited()
        if seen > limit:
            flag = FLAG_RATE
        earlier = (
            Response.objects.filter(group=group, source=source, unit=unit, answers=encoded)
            .values_list("pk", flat=True).first()
        )
        if earlier is not None:
            flag = f"{FLAG_DUPLICATE}:{earlier}"
    try:
        with transaction.atomic():
            response = Response.objects.create(
                group=group, unit=unit, channel=Response.Channel.ONLINE, answers=encoded,
                comment=comment.strip()[:5000], invitation=invitation, source=source,
                status=Response.Status.FLAGGED if flag else Response.Status.ACCEPTED, flag=flag,
                created_at=timezone.now(),
            )
            if response.status == Response.Status.ACCEPTED:
                _count_one(response)
            return response
    except IntegrityError:  # the same code submitted twice at the same moment
        raise ResponseError({"code": _("This invitation code has already been used.")}) from None


def enter_paper_form(user, group: RespondentGroup, *, form_number: str,
                     answers: Mapping[str, str], unit_code: str | None,
                     comment: str = "") -> Response:
    """A paper form typed in by staff (`user`, the typist); blank answers are allowed (the
    respondent skipped). The log names the form and its unit, not its answers."""
    _check(user, group.survey.round)
    _require_open(group)
    errors: dict[str, str] = {}
    form_number = form_number.strip()
    if not form_number:
        errors["form_number"] = _("Enter the number written on the form.")
    elif form_number_taken(group, form_number):
        errors["form_number"] = _taken(form_number)
    unit = _unit(group, unit_code, errors)
    encoded = _encode(group, answers, require=False, errors=errors)
    if errors:
        raise ResponseError(errors)
    try:
        with transaction.atomic():
            # Imports check form numbers under this lock too (the constraint sees paper only).
            RespondentGroup.objects.select_for_update().filter(pk=group.pk).first()
            if form_number_taken(group, form_number):
                raise IntegrityError
            response = Response.objects.create(
                group=group, unit=unit, channel=Response.Channel.PAPER, answers=encoded,
                comment=comment.strip(), form_number=form_number, entered_by=user,
                created_at=timezone.now(),
            )
            _count_one(response)
            history.record(user, "create", response, scope=group.survey, after={
                "group": group.code, "form_number": form_number,
                "unit": unit.code if unit else None, "channel": response.channel})
            return response
    except IntegrityError:
        raise ResponseError({"form_number": _taken(form_number)}) from None


def _taken(form_number: str) -> str:
    return _("Form %(number)s has already been entered.") % {"number": form_number}


def review(actor, response: Response, status: str) -> Response:
    """A manager's decision on a response: counted (accepted) or not (rejected)."""
    _check(actor, response.group.survey.round)
    if status not in (Response.Status.ACCEPTED, Response.Status.REJECTED):
        raise ValueError(f"unknown review status '{status}'")
    _require_open(response.group)
    accepted = Response.Status.ACCEPTED
    with transaction.atomic():
        current = Response.objects.select_for_update().filter(pk=response.pk).values_list(
            "status", flat=True).get()
        response.status = status
        response.save(update_fields=["status"])
        if (current == accepted) != (status == accepted):
            _count_one(response, 1 if status == accepted else -1)
        history.record(actor, "review", response, scope=response.group.survey,
                       changes={"status": [current, status]})
    return response


def create_invitations(actor, group: RespondentGroup, count: int,
                       unit=None) -> list[Invitation]:
    """`count` new one-time codes for a closed group (for one unit, or any of the group's)."""
    _check(actor, group.survey.round)
    if not 0 < count <= 10000:
        raise ValueError("between 1 and 10000 codes at a time")
    existing = set(Invitation.objects.values_list("code", flat=True))
    codes: set[str] = set()
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if code not in existing:
            codes.add(code)
    with transaction.atomic():
        created = Invitation.objects.bulk_create(
            Invitation(group=group, code=code, unit=unit) for code in sorted(codes)
        )
        history.record(actor, "invite", group, scope=group.survey, after={
            "codes": count, "unit": unit.code if unit else None})
    return created
