"""Reads for commendation, each in a fixed number of queries however many nominations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from parindex import history as change_log
from parindex import policy
from parindex.collation import collated
from parindex.units.models import Unit

from . import rules
from .models import Award, Campaign, Nomination, NomineeKind, fold


def candidates(campaign: Campaign) -> list[rules.Candidate]:
    """Every ranked unit of the campaign's round (appraised scores), as the rules see them."""
    if campaign.round_id is None:
        return []
    from parindex.results.selectors import round_results  # results depend on assessments

    found = []
    for framework, result_set in round_results(campaign.round):
        size = len(result_set.results)
        for result in result_set.results:
            found.append(
                rules.Candidate(
                    unit_code=result.unit_code,
                    unit_name=result.unit_name,
                    group=framework.unit_group.code,
                    rank=result.rank,
                    index=result.index,
                    band=result.band,
                    group_size=size,
                )
            )
    return found


def band_labels(campaign: Campaign) -> dict[str, str]:
    """Band code → label over the round's frameworks (e.g. "tot" → "Tốt")."""
    if campaign.round_id is None:
        return {}
    labels = {}
    for bands in campaign.round.frameworks.values_list("bands", flat=True):
        for band in bands or []:
            labels.setdefault(str(band.get("code")), str(band.get("label", band.get("code"))))
    return labels


def nominating_units(user, campaign: Campaign) -> QuerySet[Unit]:
    """The units `user` may nominate for in `campaign` (every unit for those who run it, else
    their own), in Vietnamese order, each once: the units in force on the campaign's deadline
    (without one, on the last day of its year). A merged unit and its predecessor often bear
    the same name ("Sở Tài chính"); only the one that exists then nominates."""
    day = campaign.deadline or datetime.date(campaign.year, 12, 31)
    units = Unit.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )
    if not policy.can_manage_campaign(user, campaign):
        units = units.filter(pk__in=policy.award_nominating_unit_ids(user))
    return units.order_by(collated("name"), "code")


def nominations(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return queryset.select_related("unit", "recipient_unit", "reviewed_by").order_by(
        "kind", "pk"
    )


@dataclass(frozen=True)
class Counts:
    collectives: int
    individuals: int
    pending: int
    rejected: int
    withdrawn: int = 0

    @property
    def total(self) -> int:
        return self.collectives + self.individuals


def counts(campaign: Campaign, nominations: QuerySet | None = None) -> Counts:
    """Accepted collectives and individuals, and what is still pending, rejected or withdrawn,
    among `nominations` (those a person may see; by default all of the campaign's); one query."""
    accepted = Q(status=Nomination.Status.ACCEPTED)
    if nominations is None:
        nominations = Nomination.objects.filter(campaign=campaign)
    row = nominations.aggregate(
        collectives=Count("pk", filter=accepted & Q(kind=NomineeKind.COLLECTIVE)),
        individuals=Count("pk", filter=accepted & Q(kind=NomineeKind.INDIVIDUAL)),
        pending=Count("pk", filter=Q(status=Nomination.Status.PENDING)),
        rejected=Count("pk", filter=Q(status=Nomination.Status.REJECTED)),
        withdrawn=Count("pk", filter=Q(status=Nomination.Status.WITHDRAWN)),
    )
    return Counts(**row)


def annex(campaign: Campaign) -> tuple[list[Nomination], list[Nomination]]:
    """The decision's annex: accepted collectives and individuals, in the order nominated."""
    accepted = list(
        Nomination.objects.filter(campaign=campaign, status=Nomination.Status.ACCEPTED)
        .select_related("unit", "recipient_unit__parent")
        .order_by("pk")
    )
    collectives = [n for n in accepted if n.kind == NomineeKind.COLLECTIVE]
    individuals = [n for n in accepted if n.kind == NomineeKind.INDIVIDUAL]
    return collectives, individuals


def campaign_awards(campaign: Campaign) -> QuerySet[Award]:
    return Award.objects.filter(campaign=campaign).select_related("campaign").order_by(
        "kind", "sequence", "pk"
    )


def search_register(
    q: str = "", unit: str = "", year: int | None = None, award_form: str = "", kind: str = ""
) -> QuerySet[Award]:
    """The register filtered: every word of `q` in the name, position, workplace or units;
    `unit` a unit's code, or part of a unit's or workplace's name. Case and composition do not
    matter ("đặng" finds "Đặng")."""
    awards = Award.objects.select_related("unit", "recipient_unit", "campaign")
    for word in fold(q).split():
        awards = awards.filter(search_text__contains=word)
    if unit.strip():
        awards = awards.filter(
            Q(unit__code__iexact=unit.strip()) | Q(search_text__contains=fold(unit))
        )
    if year:
        awards = awards.filter(year=year)
    if award_form:
        awards = awards.filter(award_form=award_form)
    if kind:
        awards = awards.filter(kind=kind)
    return awards.order_by("-decision_date", "decision_number", "kind", "sequence", "pk")


def register_years() -> list[int]:
    return list(Award.objects.order_by("-year").values_list("year", flat=True).distinct())


def person_history(identity_key: str) -> QuerySet[Award]:
    return (
        Award.objects.filter(identity_key=identity_key, kind=NomineeKind.INDIVIDUAL)
        .select_related("unit", "campaign", "recipient_unit")
        .order_by("-decision_date", "pk")
    )


def unit_history(unit: Unit) -> tuple[QuerySet[Award], QuerySet[Award]]:
    """Awards to the unit as a collective, and awards to the people and collectives it
    nominated (its offices, communes and staff)."""
    own = (
        Award.objects.filter(recipient_unit=unit)
        .select_related("campaign", "recipient_unit")
        .order_by("-decision_date", "pk")
    )
    nominated = (
        Award.objects.filter(unit=unit)
        .exclude(recipient_unit=unit)
        .select_related("campaign", "recipient_unit")
        .order_by("-decision_date", "kind", "sequence", "pk")
    )
    return own, nominated


def history(campaign: Campaign):
    """The campaign's changes, newest first."""
    return change_log.for_scope(campaign).reverse()
