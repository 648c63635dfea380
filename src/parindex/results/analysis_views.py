"""The robustness parts of the results pages: the whisker chart of a ranking, a scorecard's
robustness panel, and the what-if simulator (htmx; computes, stores nothing)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import ResultDetail
from .selectors import analysis, group_tables
from .whiskers import whiskers

MAX_TEXT = 16  # characters of one typed number
NAMED = 10  # units named in a sentence of the ranking page


def ranking_context(table, rows) -> dict:
    """The whisker chart of the page's rows and the analysis, for results/_whiskers.html."""
    found = analysis.robustness(table.snapshot, table.count)
    if found is None:
        return {"robustness": None, "preparing": True}
    spreads = found.uncertainty.by_code()
    shown = [(r.unit_name, spreads[r.unit_code]) for r in rows if r.unit_code in spreads]
    first = sorted((s for s in found.uncertainty.spreads if s.first), key=lambda s: -s.first)
    stable = found.sensitivity.stable
    # Named up to NAMED units each, so that the page does not grow with the ranking.
    return {
        "robustness": found,
        "could_be_first": [(found.names.get(s.code, s.code), s.first) for s in first[:NAMED]],
        "first_more": max(0, len(first) - NAMED),
        "stable": [found.names.get(code, code) for code in stable[:NAMED]],
        "stable_more": max(0, len(stable) - NAMED),
        "scenarios": [(scenario_label(s), s) for s in found.sensitivity.scenarios],
        "whiskers": whiskers(shown, table.count, _("Rank and its 5–95%% interval, %(group)s")
                             % {"group": table.group.name}) if shown else None,
    }


def scenario_label(scenario) -> str:
    """A weight scenario in words: "Field 3 × 1.2", "Equal field weights", "Survey 20%"."""
    if scenario.kind == "field":
        return _("Field %(field)s weight × %(factor)s") % {
            "field": scenario.field, "factor": number_format(scenario.factor)}
    if scenario.kind == "equal":
        return _("All fields weigh the same")
    return _("Survey worth %(share)s%% of the points") % {
        "share": number_format(scenario.share * 100, decimal_pos=0)}


def card_context(card) -> dict:
    """The scorecard's robustness panel: the rank's interval, the chances of each band, the
    neighbours, the rank under other weights, what would lift it, and the simulator's leaves."""
    snapshot, code = card.table.snapshot, card.row.unit_code
    found = analysis.robustness(snapshot, card.table.count)
    if found is None:
        return {"robustness": None, "preparing": True}
    spread = found.spread(code)
    labels = card.table.band_labels
    lift = analysis.lift(snapshot, code)
    titles = {leaf.code: leaf.title for leaf in card.leaves}
    return {
        "robustness": found,
        "spread": spread,
        "band_chances": [(labels.get(b, b) if b else _("No band"), p)
                         for b, p in spread.bands.items()] if spread else [],
        "neighbours": [found.names.get(c, c) for c in spread.neighbours] if spread else [],
        "shift": found.shift(code),
        "lift": lift,
        "lift_steps": [(s, titles.get(s.code, "")) for s in lift.steps[:10]],
        "targets": [(t, labels.get(t.band, t.band) if t.band else "") for t in lift.targets],
        "simulated_leaves": [leaf for leaf in card.leaves if leaf.points is not None],
    }


def _parse(text: str) -> Decimal | None:
    """A number as typed (decimal comma or point), or None."""
    text = text.strip().replace(",", ".")
    if not text or len(text) > MAX_TEXT:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@require_POST
def simulate(request, round_code: str, group: str, unit_code: str, published: bool = True):
    """The unit's index, band and rank with the points typed in the simulator (fields
    "leaf-CODE"); answers the partial results/_simulation.html, saves nothing."""
    from .views import _round, _version  # the results pages' one door to a round

    round = _round(round_code, published)
    tables = group_tables(round, published=published, version=_version(request), group=group)
    if not tables:
        raise Http404("No results for this group")
    snapshot = tables[0].snapshot
    try:
        points, _others = analysis.unit_points(snapshot, unit_code)
    except ResultDetail.DoesNotExist:
        raise Http404("No such unit in these results") from None
    leaves = {leaf.code: leaf for leaf in analysis.engine_structure(snapshot).leaves().values()}
    changes, errors = {}, []
    for key, text in request.POST.items():
        if not key.startswith("leaf-"):
            continue
        code = key[len("leaf-"):]
        leaf = leaves.get(code)
        if leaf is None or points.get(code) is None:
            continue  # not a criterion of this unit's framework, or not applicable
        value = _parse(text)
        if value is None or not Decimal(0) <= value <= leaf.max:
            errors.append(_("%(code)s: enter a number from 0 to %(max)s.")
                          % {"code": code, "max": leaf.max})
            continue
        if value != points[code]:
            changes[code] = value
    context = {"errors": errors, "labels": tables[0].band_labels, "changed": sorted(changes)}
    if not errors:
        context["simulation"] = analysis.simulate(snapshot, unit_code, changes)
    return render(request, "results/_simulation.html", context)
