"""Writes for commendation. Every write checks the policy, validates before touching the
database (so bad input writes nothing), and records who changed what in the one change log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.notifications.services import notify
from parindex.units.models import Unit, UnitGroup

from . import law, rules, selectors
from .models import (
    Award,
    AwardingPower,
    Campaign,
    Decision,
    Honorific,
    Nomination,
    NomineeKind,
    ProposalRule,
)

CAMPAIGN_FIELDS = (
    "code", "name", "year", "round", "awarder_unit", "authority", "awarder_kind", "awarder_title",
    "award_form", "title_text", "deadline",
)
DECISION_FIELDS = (
    "number", "date", "place", "issuing_body", "signer_title", "signer_name", "legal_bases",
    "proposal", "executors", "recipients",
)


def _who(user):
    """The user to store as the author; None for the system (the demo loader, scripts)."""
    return user if user is not None and user.is_authenticated else None


def record(user, campaign: Campaign | None, obj, action: str, changes=None, reason: str = ""):
    """A commendation change in the one change log, listed under its campaign."""
    return history.record(user, action, obj, scope=campaign, changes=changes, reason=reason)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_open(campaign: Campaign) -> None:
    if not campaign.is_open:
        raise ValidationError(_("The decision has been issued: the campaign can no longer change."))


# --------------------------------------------------------------------------- campaigns


def _follow_authority(campaign: Campaign) -> None:
    """A campaign with an awarding authority takes its awarder and title from it."""
    authority = campaign.authority
    if authority is not None:
        campaign.awarder_kind = authority.awarder_kind
        campaign.awarder_title = authority.title
        if not campaign.award_form:
            campaign.award_form = rules.award_form_for(authority.awarder_kind)


def _form_label(award_form: str) -> str:
    return str(dict(Campaign._meta.get_field("award_form").choices).get(award_form, award_form))


def authority_errors(campaign: Campaign, decision: Decision | None) -> dict[str, list[str]]:
    """What the awarding authority may not do: give this form on the decision's date (on any
    date, before there is a decision), or number it in another body's series."""
    authority = campaign.authority
    if authority is None or not campaign.award_form:
        return {}
    errors: dict[str, list[str]] = {}
    day = decision.date if decision is not None else None
    if not AwardingPower.grants(authority.level, campaign.award_form, day):
        params = {"authority": authority.title, "form": _form_label(campaign.award_form)}
        if day is None:
            errors["award_form"] = [_("%(authority)s does not give a %(form)s.") % params]
        else:
            params["date"] = day.strftime("%d/%m/%Y")
            errors["date"] = [
                _("On %(date)s, %(authority)s may not give a %(form)s under the law then in "
                  "force.") % params
            ]
    if decision is not None:
        number, series = decision.number, authority.number_series
        if number and not number.endswith(f"/{series}"):
            errors["number"] = [
                _("A decision of %(authority)s is numbered in its series: …/%(series)s.")
                % {"authority": authority.title, "series": series}
            ]
        signer = decision.signer_title
        if signer and authority.signer_title.casefold() not in signer.casefold():
            errors["signer_title"] = [
                _("%(authority)s signs as %(title)s (a deputy: KT. %(title)s).")
                % {"authority": authority.title, "title": authority.signer_title}
            ]
    return errors


def _check_campaign(campaign: Campaign) -> None:
    errors: dict[str, list[str]] = {}
    _follow_authority(campaign)
    try:
        campaign.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    authority = campaign.authority
    if authority is not None:
        if authority.unit_id != campaign.awarder_unit_id:
            errors.setdefault("authority", []).append(
                _("This awarding authority belongs to another unit.")
            )
        decision = Decision.objects.filter(campaign_id=campaign.pk).first() if campaign.pk else None
        for key, problems in authority_errors(campaign, decision).items():
            # A decision's date or number clashing with the new authority is the authority's.
            errors.setdefault("award_form" if key == "award_form" else "authority", []).extend(
                problems
            )
    elif campaign.awarder_kind in rules.AWARDER_FORMS:
        expected = rules.award_form_for(campaign.awarder_kind)
        if campaign.award_form and campaign.award_form != expected:
            errors.setdefault("award_form", []).append(
                _("The %(awarder)s gives a %(form)s.")
                % {
                    "awarder": campaign.get_awarder_kind_display().lower(),
                    "form": dict(Campaign._meta.get_field("award_form").choices)[expected],
                }
            )
    if campaign.round_id and campaign.round.year != campaign.year:
        errors.setdefault("round", []).append(
            _("The round is of %(round)s, the campaign of %(year)s.")
            % {"round": campaign.round.year, "year": campaign.year}
        )
    if errors:
        raise ValidationError(errors)


def create_campaign(user, data: Mapping[str, Any]) -> Campaign:
    awarder_unit = data.get("awarder_unit")
    _require(policy.can_create_campaign(user, getattr(awarder_unit, "pk", None)))
    campaign = Campaign(**{key: data[key] for key in CAMPAIGN_FIELDS if key in data})
    _follow_authority(campaign)
    if not campaign.award_form and campaign.awarder_kind in rules.AWARDER_FORMS:
        campaign.award_form = rules.award_form_for(campaign.awarder_kind)
    _check_campaign(campaign)
    with transaction.atomic():
        campaign.save()
        record(user, campaign, campaign, "create", {k: [None, history.plain(getattr(campaign, k))]
                                                    for k in CAMPAIGN_FIELDS})
    return campaign


def update_campaign(user, campaign: Campaign, data: Mapping[str, Any]) -> Campaign:
    _require(policy.can_manage_campaign(user, campaign))
    _require_open(campaign)
    stored = Campaign.objects.get(pk=campaign.pk)  # `campaign` may carry a form's edits
    before = {key: history.plain(getattr(stored, key)) for key in CAMPAIGN_FIELDS}
    for key in CAMPAIGN_FIELDS:
        if key in data:
            setattr(campaign, key, data[key])
    if campaign.awarder_unit_id != stored.awarder_unit_id or campaign.code != stored.code:
        # Moving a campaign to another awarding unit is a new campaign, not an edit.
        campaign.refresh_from_db()
        raise ValidationError(_("The code and the awarding unit of a campaign cannot change."))
    try:
        _check_campaign(campaign)
    except ValidationError:
        campaign.refresh_from_db()
        raise
    changes = {
        key: [before[key], history.plain(getattr(campaign, key))]
        for key in CAMPAIGN_FIELDS
        if before[key] != history.plain(getattr(campaign, key))
    }
    if changes:
        with transaction.atomic():
            campaign.save()
            record(user, campaign, campaign, "update", changes)
    return campaign


def _rule_text(rule: ProposalRule | Mapping[str, Any]) -> str:
    get = rule.get if isinstance(rule, Mapping) else lambda k, d=None: getattr(rule, k, d)
    group = get("unit_group")
    parts = [str(get("kind")), getattr(group, "code", "") or ""]
    for key in ("top", "band", "min_index"):
        if get(key) not in (None, ""):
            parts.append(f"{key}={get(key)}")
    return " ".join(p for p in parts if p)


def replace_rules(user, campaign: Campaign, rows: Iterable[Mapping[str, Any]]) -> list[ProposalRule]:
    """The campaign's rules become `rows` (dicts of kind, unit_group, top, band, min_index).

    Every problem of every row is reported together and nothing is saved then.
    """
    _require(policy.can_manage_campaign(user, campaign))
    _require_open(campaign)
    rows = list(rows)
    new = []
    for position, row in enumerate(rows):
        group = row.get("unit_group")
        if group is not None and not isinstance(group, UnitGroup):
            raise ValidationError(_("Unknown unit group."))
        min_index = row.get("min_index")
        new.append(
            ProposalRule(
                campaign=campaign,
                position=position,
                kind=row.get("kind") or "",
                unit_group=group,
                top=row.get("top"),
                band=(row.get("band") or "").strip(),
                min_index=Decimal(str(min_index)) if min_index not in (None, "") else None,
            )
        )
    problems = rules.check([rule.as_rule() for rule in new])
    if problems:
        raise ValidationError(problems)
    old = [_rule_text(rule) for rule in campaign.rules.select_related("unit_group")]
    with transaction.atomic():
        campaign.rules.all().delete()
        ProposalRule.objects.bulk_create(new)
        record(user, campaign, campaign, "rules", {"rules": [old, [_rule_text(r) for r in new]]})
    return list(campaign.rules.select_related("unit_group"))


# --------------------------------------------------------------------------- nominations


def _duplicate_error(existing: Nomination) -> ValidationError:
    if existing.source == Nomination.Source.RESULTS:
        where = _("proposed from the results")
    else:
        where = _("nominated by %(unit)s") % {"unit": existing.unit.name}
    return ValidationError(
        _("%(name)s is already in this campaign (%(where)s): one award per achievement.")
        % {"name": existing.name, "where": where},
        code="duplicate",
    )


def _live_duplicate(
    campaign: Campaign, key: str, exclude_pk: int | None = None
) -> Nomination | None:
    """The nomination holding this person's or collective's place (rejected and withdrawn ones
    hold none)."""
    live = (
        Nomination.objects.filter(campaign=campaign, identity_key=key)
        .exclude(status__in=Nomination.CLOSED)
        .select_related("unit")
    )
    if exclude_pk is not None:
        live = live.exclude(pk=exclude_pk)
    return live.first()


def _save_new(nomination: Nomination) -> Nomination:
    """Insert; the database's unique constraint backs the check made just before."""
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        existing = _live_duplicate(nomination.campaign, nomination.identity_key)
        if existing is None:
            raise
        raise _duplicate_error(existing) from None
    return nomination


def _clean_nominee(
    unit: Unit,
    kind: str,
    name: str,
    position: str,
    work_unit: str,
    achievement: str,
    recipient_unit: Unit | None,
    honorific: str = "",
) -> dict[str, Any]:
    """The nominee's fields as stored, or every problem at once (a ValidationError)."""
    name = " ".join((name or "").split())
    honorific = (honorific or "").strip()
    position = (position or "").strip()
    achievement = (achievement or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in NomineeKind.values:
        errors["kind"] = [_("Choose a collective or an individual.")]
    if recipient_unit is not None and kind == NomineeKind.COLLECTIVE:
        name = name or recipient_unit.name
    if not name:
        errors["name"] = [_("The name is required.")]
    if kind == NomineeKind.INDIVIDUAL:
        if not position:
            errors["position"] = [_("The position is required for an individual.")]
        work_unit = " ".join((work_unit or unit.name).split())
        recipient_unit = None
    else:
        position = ""
        work_unit = " ".join((work_unit or "").split())
        if recipient_unit is None and name:
            # A collective typed by its name is the registered unit of that name, if any.
            recipient_unit = Unit.objects.filter(name__iexact=name).first()
    if kind != NomineeKind.INDIVIDUAL:
        honorific = ""  # a collective is addressed as "Tập thể"
    elif honorific not in Honorific.values:
        errors["honorific"] = [_("Choose Ông, Bà, or leave the title empty.")]
    if not achievement:
        errors["achievement"] = [_("Summarise the achievement.")]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "honorific": honorific, "position": position, "work_unit": work_unit,
            "achievement": achievement, "recipient_unit": recipient_unit}


def nominate(
    user,
    campaign: Campaign,
    *,
    unit: Unit,
    kind: str,
    name: str,
    position: str = "",
    work_unit: str = "",
    achievement: str = "",
    recipient_unit: Unit | None = None,
    honorific: str = "",
) -> Nomination:
    """A unit puts forward one of its people (with their title, Ông or Bà, when known), or a
    collective of its own (an office, a commune, or itself; its workplace is its parent unit).
    Refused with a clear message for a person or collective already in the campaign."""
    _require(policy.can_nominate(user, campaign, unit.pk))
    _require_open(campaign)
    clean = _clean_nominee(unit, kind, name, position, work_unit, achievement, recipient_unit,
                           honorific)
    nomination = Nomination(
        campaign=campaign,
        kind=kind,
        source=Nomination.Source.UNIT,
        unit=unit,
        created_by=_who(user),
        **clean,
    )
    nomination.identity_key = nomination.compute_identity()
    existing = _live_duplicate(campaign, nomination.identity_key)
    if existing is not None:
        raise _duplicate_error(existing)
    with transaction.atomic():
        _save_new(nomination)
        record(user, campaign, nomination, "create", {
            "kind": [None, kind], "name": [None, nomination.name],
            "honorific": [None, nomination.honorific],
            "position": [None, nomination.position], "work_unit": [None, nomination.work_unit],
            "unit": [None, unit.pk],
        })
    return nomination


NOMINATION_FIELDS = ("name", "position", "work_unit", "achievement", "honorific")


def not_changeable_error(nomination: Nomination) -> ValidationError:
    """Why a nomination can no longer be edited or withdrawn."""
    if not nomination.campaign.is_open:
        return ValidationError(
            _("The decision has been issued: the campaign can no longer change.")
        )
    if nomination.status != Nomination.Status.PENDING:
        return ValidationError(
            _("This nomination is no longer awaiting review (%(status)s): it cannot change.")
            % {"status": nomination.get_status_display().lower()}
        )
    return ValidationError(_("The nomination deadline has passed: nominations cannot change."))


def _lock_pending(nomination: Nomination) -> Nomination:
    """Inside a transaction: the stored row, locked, refused if the council got there first."""
    stored = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if stored.status != Nomination.Status.PENDING:
        raise not_changeable_error(stored)
    return stored


def update_nomination(nomination: Nomination, user, *, reason: str = "", **fields) -> Nomination:
    """A unit corrects its nomination (name, position, workplace, achievement) before the
    council reviews it and before the deadline; the manager may too. Proposals from the
    results are not edited. The person or collective may still be in the campaign only once:
    an edit making it a duplicate is refused and writes nothing."""
    unknown = set(fields) - set(NOMINATION_FIELDS)
    if unknown:
        raise TypeError(f"update_nomination() cannot change {', '.join(sorted(unknown))}")
    campaign = nomination.campaign
    if not policy.can_edit_nomination(user, nomination):
        if nomination.source == Nomination.Source.UNIT and policy.answers_for_nomination(
            user, nomination
        ):
            raise not_changeable_error(nomination)
        raise PermissionDenied
    current = {key: getattr(nomination, key) for key in NOMINATION_FIELDS}
    renamed = " ".join(str(fields.get("name") or "").split()) not in ("", nomination.name)
    given = {key: fields.get(key, current[key]) for key in NOMINATION_FIELDS}
    clean = _clean_nominee(
        nomination.unit, nomination.kind, given["name"], given["position"], given["work_unit"],
        given["achievement"],
        # A collective renamed is looked up again among the registered units.
        None if renamed else nomination.recipient_unit,
        given["honorific"],
    )
    before = {**current, "recipient_unit": nomination.recipient_unit_id}
    after = {**{key: clean[key] for key in NOMINATION_FIELDS},
             "recipient_unit": history.plain(clean["recipient_unit"])}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return nomination
    probe = Nomination(kind=nomination.kind, name=clean["name"], work_unit=clean["work_unit"])
    identity = probe.compute_identity()
    existing = _live_duplicate(campaign, identity, exclude_pk=nomination.pk)
    if existing is not None:
        raise _duplicate_error(existing)
    try:
        with transaction.atomic():
            _lock_pending(nomination)
            for key, value in clean.items():
                setattr(nomination, key, value)
            nomination.identity_key = identity
            nomination.save(update_fields=[*clean, "identity_key"])
            record(user, campaign, nomination, "update", changes, reason.strip())
    except IntegrityError:  # another request took the nominee's place meanwhile
        nomination.refresh_from_db()
        existing = _live_duplicate(campaign, identity, exclude_pk=nomination.pk)
        if existing is None:
            raise
        raise _duplicate_error(existing) from None
    except ValidationError:
        nomination.refresh_from_db()
        raise
    return nomination


def withdraw_nomination(nomination: Nomination, user, reason: str) -> Nomination:
    """The nominating unit (or the manager) withdraws a nomination awaiting review, with a
    reason; a proposal from the results only the manager withdraws. A withdrawn nomination no
    longer holds the nominee's place: the unit may nominate them again."""
    campaign = nomination.campaign
    if not policy.can_withdraw_nomination(user, nomination):
        if policy.answers_for_nomination(user, nomination):
            raise not_changeable_error(nomination)
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for withdrawing.")]})
    with transaction.atomic():
        _lock_pending(nomination)
        old = nomination.status
        nomination.status = Nomination.Status.WITHDRAWN
        nomination.withdrawal_reason = reason
        nomination.withdrawn_at = timezone.now()
        nomination.withdrawn_by = _who(user)
        nomination.save(
            update_fields=["status", "withdrawal_reason", "withdrawn_at", "withdrawn_by"]
        )
        record(user, campaign, nomination, "withdraw",
               {"status": [old, Nomination.Status.WITHDRAWN]}, reason)
    return nomination


def propose_from_results(user, campaign: Campaign) -> tuple[list[Nomination], list[str]]:
    """Nominate the collectives the rules choose from the round's results, with the reason.

    Units already in the campaign are left as they are (their names come back as skipped), so
    proposing again after the rules change only adds the new ones.
    """
    _require(policy.can_propose_from_results(user, campaign))
    return _propose(user, campaign)


def _propose(user, campaign: Campaign) -> tuple[list[Nomination], list[str]]:
    _require_open(campaign)
    campaign_rules = [rule.as_rule() for rule in campaign.rules.select_related("unit_group")]
    if not campaign_rules:
        raise ValidationError(_("The campaign has no proposal rules yet."))
    chosen = rules.propose(campaign_rules, selectors.candidates(campaign))
    units = Unit.objects.in_bulk([p.unit_code for p in chosen], field_name="code")
    groups = dict(UnitGroup.objects.values_list("code", "name"))
    labels = selectors.band_labels(campaign)
    live = set(
        Nomination.objects.filter(campaign=campaign)
        .exclude(status__in=Nomination.CLOSED)
        .values_list("identity_key", flat=True)
    )
    # A proposal the manager withdrew is not proposed again when the rules change.
    live |= set(
        Nomination.objects.filter(
            campaign=campaign, source=Nomination.Source.RESULTS,
            status=Nomination.Status.WITHDRAWN,
        ).values_list("identity_key", flat=True)
    )
    created, skipped = [], []
    with transaction.atomic():
        for proposal in chosen:
            unit = units[proposal.unit_code]
            nomination = Nomination(
                campaign=campaign,
                kind=NomineeKind.COLLECTIVE,
                source=Nomination.Source.RESULTS,
                unit=unit,
                recipient_unit=unit,
                name=unit.name,
                result_group=groups.get(proposal.group, proposal.group),
                result_rank=proposal.rank,
                result_group_size=proposal.group_size,
                result_index=proposal.index,
                result_band=labels.get(proposal.band or "", proposal.band or ""),
                result_rules=", ".join(str(n + 1) for n in proposal.rules),
                created_by=_who(user),
            )
            nomination.identity_key = nomination.compute_identity()
            if nomination.identity_key in live:
                skipped.append(unit.name)
                continue
            live.add(nomination.identity_key)
            nomination.save()
            created.append(nomination)
            record(user, campaign, nomination, "propose", {
                "name": [None, unit.name], "rank": [None, proposal.rank],
                "index": [None, str(proposal.index)],
            })
    return created, skipped


def review(user, nomination: Nomination, *, accept: bool, reason: str = "") -> Nomination:
    """The council accepts a nomination, or rejects it with a reason. A decision may be
    revised (a rejected nomination accepted after all) until the decision is issued."""
    campaign = nomination.campaign
    _require(policy.can_review_nominations(user, campaign))
    _require_open(campaign)
    if nomination.status == Nomination.Status.WITHDRAWN:
        raise ValidationError(_("This nomination was withdrawn: there is nothing to review."))
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": [_("Give the reason for rejecting.")]})
    status = Nomination.Status.ACCEPTED if accept else Nomination.Status.REJECTED
    if accept and nomination.status == Nomination.Status.REJECTED:
        existing = _live_duplicate(campaign, nomination.identity_key, exclude_pk=nomination.pk)
        if existing is not None:
            raise _duplicate_error(existing)
    old = nomination.status
    nomination.status = status
    nomination.review_reason = reason
    nomination.reviewed_by = user
    nomination.reviewed_at = timezone.now()
    with transaction.atomic():
        nomination.save(
            update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"]
        )
        record(user, campaign, nomination, "accept" if accept else "reject",
               {"status": [old, status]}, reason)
        notify(user, "nomination_accepted" if accept else "nomination_rejected",
               policy.nomination_unit_people(nomination), campaign=campaign,
               params={"name": nomination.name, "reason": reason})
    return nomination


# --------------------------------------------------------------------------- the decision


def save_decision(user, campaign: Campaign, data: Mapping[str, Any]) -> Decision:
    """Create or edit the draft decision (number, date, signer, legal bases…)."""
    _require(policy.can_edit_decision(user, campaign))
    _require_open(campaign)
    decision = Decision.objects.filter(campaign=campaign).first() or Decision(campaign=campaign)
    creating = decision.pk is None
    before = {key: history.plain(getattr(decision, key)) for key in DECISION_FIELDS}
    for key in DECISION_FIELDS:
        if key in data:
            value = data[key]
            setattr(decision, key, value.strip() if isinstance(value, str) else value)
    decision.number = _numbered(campaign, decision.number)
    if campaign.authority_id:
        decision.issuing_body = ""  # the authority's heading is printed
    errors: dict[str, list[str]] = {}
    try:
        decision.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if campaign.authority_id is None:
        # Without an authority the officer types what it would give.
        for key in ("issuing_body", "signer_title", "legal_bases"):
            if not getattr(decision, key):
                errors.setdefault(key, []).append(
                    _("Required when the campaign has no awarding authority.")
                )
    elif decision.date is not None:
        for key, problems in authority_errors(campaign, decision).items():
            errors.setdefault(key, []).extend(problems)
    if errors:
        raise ValidationError(errors)
    changes = {
        key: [None if creating else before[key], history.plain(getattr(decision, key))]
        for key in DECISION_FIELDS
        if creating or before[key] != history.plain(getattr(decision, key))
    }
    with transaction.atomic():
        decision.save()
        if changes:
            record(user, campaign, decision, "create" if creating else "update", changes)
    return decision


def _numbered(campaign: Campaign, number: str) -> str:
    """"1234" becomes "1234/QĐ-UBND" in the authority's series; a full number stays."""
    number = " ".join((number or "").split())
    if campaign.authority_id and number and "/" not in number:
        return f"{number}/{campaign.authority.number_series}"
    return number


def issue_decision(user, campaign: Campaign) -> list[Award]:
    """Issue the decision: the accepted list is final and each awardee enters the register.

    Refused while any nomination awaits review, without a decision, or with nobody accepted.
    """
    _require(policy.can_issue_decision(user, campaign))
    return _issue(user, campaign)


def _issue(user, campaign: Campaign) -> list[Award]:
    _require_open(campaign)
    decision = Decision.objects.filter(campaign=campaign).first()
    if decision is None:
        raise ValidationError(_("Record the decision's number, date and signer first."))
    problems = authority_errors(campaign, decision)
    if problems:  # the law or the authority changed since the draft was saved
        raise ValidationError(problems)
    counts = selectors.counts(campaign)
    if counts.pending:
        raise ValidationError(
            _("%(n)s nomination(s) still await review.") % {"n": counts.pending}
        )
    if not counts.total:
        raise ValidationError(_("No nomination has been accepted."))
    collectives, individuals = selectors.annex(campaign)
    awards = []
    for group in (collectives, individuals):
        for sequence, nomination in enumerate(group, 1):
            awards.append(
                Award(
                    campaign=campaign,
                    nomination=nomination,
                    sequence=sequence,
                    kind=nomination.kind,
                    name=nomination.name,
                    honorific=nomination.honorific,
                    position=nomination.position,
                    # A collective keeps its parent unit, as the decision printed it.
                    work_unit=nomination.parent_name or nomination.work_unit,
                    unit=nomination.unit,
                    recipient_unit=nomination.recipient_unit,
                    award_form=campaign.award_form,
                    awarder_title=campaign.awarder_title,
                    title_text=campaign.title_text,
                    year=campaign.year,
                    decision_number=decision.number,
                    decision_date=decision.date,
                    identity_key=nomination.identity_key,
                )
            )
    for award in awards:
        award.fill_search_text()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not locked.is_open:
            raise ValidationError(_("The decision has already been issued."))
        Award.objects.bulk_create(awards)
        decision.issued_at = timezone.now()
        decision.issued_by = _who(user)
        decision.save(update_fields=["issued_at", "issued_by"])
        campaign.state = Campaign.State.DECIDED
        campaign.save(update_fields=["state"])
        record(user, campaign, decision, "issue", {
            "collectives": [None, len(collectives)], "individuals": [None, len(individuals)],
        })
        notify(user, "decision_issued", policy.decision_recipients(campaign), campaign=campaign,
               params={"number": decision.number})
    return awards


def install_law(power, basis) -> bool:
    """Write the shipped law into the models `power` and `basis` (real or historical) when
    there is none yet; True when it was written."""
    if power.objects.exists() or basis.objects.exists():
        return False
    power.objects.bulk_create([
        power(level=level, award_form=form, valid_from=start, valid_to=end, source=source)
        for level, form, start, end, source in law.POWERS
    ])
    basis.objects.bulk_create([
        basis(position=position, level=level, valid_from=start, valid_to=end, text=text)
        for position, level, start, end, text in law.BASES
    ])
    return True
