"""Writes for results: compute a round into stored snapshots, publish them, correct them.

The arithmetic is the engine's (through `results.selectors.round_results`); this module only
records what the engine was given and what it returned, and guards the publication rules:

- `compute_round` stores a new draft version per framework of the round (replacing drafts), and
  `publish` freezes them, only for the frameworks that are ready (`policy.ready_frameworks`:
  the unit groups its council approved, or all of a round of imported appraised scores);
- `publish` freezes the drafts of the groups not published yet (a group approved later is
  published on its own); a published snapshot never changes;
- `correct` recomputes a published round into a new published version that names its reason
  and the version it supersedes; the old version stays visible.

Each takes the acting person first, asks `policy.can_publish_results` itself, and records a
`compute`, `publish` or `correct` row in the change log (listed under the round) in the same
transaction as the snapshots it writes.

Background work (parindex.jobs) for large rounds: `start_compute` queues `compute_round` as the
person who asked (`compute_job` is the worker's side), `start_annex` queues the Excel annex
(`build_annex`). Both are idempotent, so the runner may retry them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.assessments.models import Round, Score
from parindex.engine.compute import ResultSet, UnitInfo, compute
from parindex.engine.framework import framework_from_dict, framework_to_dict
from parindex.engine.io import results_to_dict
from parindex.engine.values import parse_value
from parindex.jobs import services as jobs
from parindex.notifications.services import notify
from parindex.results.models import ResultDetail, ResultRow, ResultSnapshot
from parindex.results.selectors import analysis, round_results

APPRAISED = Score.Stage.APPRAISED.value
SELF = Score.Stage.SELF.value


def _plain(data):
    """Decimals as strings, recursively, so the framework dict is JSON."""
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(value) for value in data]
    if isinstance(data, Decimal):
        return str(data)
    return data


def _published(result_set: ResultSet) -> dict[str, dict]:
    """The engine's published form of each unit's result (formats.md), by unit code."""
    return {d["unit_code"]: d for d in results_to_dict(result_set)["results"]}


def _exact(value: Decimal) -> str:
    """Exact, without trailing zeros or exponent: 2.00000 → "2", 0.6250 → "0.625"."""
    return format(value.normalize(), "f")


def _points(result) -> dict:
    return {code: None if p is None else _exact(p) for code, p in result.points.items()}


def _raw_values(round: Round) -> dict[int, dict[str, dict[str, dict[str, str]]]]:
    """{framework id: {stage: {unit code: {leaf code: raw value}}}} in one query."""
    values: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    rows = Score.objects.filter(round=round).values_list(
        "node__framework_id", "stage", "unit__code", "node__code", "value"
    )
    for framework_id, stage, unit_code, leaf_code, raw in rows:
        values[framework_id][stage][unit_code][leaf_code] = raw
    return values


def _with_derived(result_set: ResultSet, raw: dict[str, dict[str, str]]) -> dict:
    """The raw values, plus the points of leaves scored without a Score row (survey-derived),
    so that the recorded inputs alone reproduce the results."""
    recorded = {unit: dict(values) for unit, values in raw.items()}
    for result in result_set.results:
        missing = set(result.missing)
        unit_values = recorded.setdefault(result.unit_code, {})
        for code, points in result.points.items():
            if code not in unit_values and code not in missing:
                unit_values[code] = "NA" if points is None else _exact(points)
    return {unit: values for unit, values in recorded.items() if values}


def _bonus_and_penalty(result_set: ResultSet) -> set[str]:
    """Leaves of the bonus and penalty blocks: left empty, they simply give nothing, so a
    result lacking them is still final."""
    return {leaf.code for top in result_set.framework.nodes if top.kind in ("bonus", "penalty")
            for leaf in top.leaves()}


def _check_allowed(actor, round: Round) -> None:
    if not policy.can_publish_results(actor, round):
        raise PermissionDenied(_("Only the round's manager computes, publishes and corrects its "
                                 "results."))


def _versions(snapshots) -> dict[str, int]:
    """framework code → version, as the change log shows what a results step wrote."""
    return {s.framework.code: s.version for s in snapshots}


@transaction.atomic
def compute_round(actor, round: Round, frameworks=None) -> list[ResultSnapshot]:
    """Compute every ready framework of the round (or those of `frameworks`, a queryset of
    them) and store each as a new draft version.

    Earlier drafts of those frameworks are discarded; published versions are untouched. A
    constant number of queries whatever the number of units and criteria.
    """
    _check_allowed(actor, round)
    ready = _require_ready(round)
    if frameworks is not None:
        ready = ready.filter(pk__in=frameworks.values("pk"))
    raw = _raw_values(round)
    appraised = round_results(round, stage=APPRAISED, leaves=True, frameworks=ready)
    self_results = (
        {fw.pk: rs for fw, rs in round_results(round, stage=SELF, leaves=True, frameworks=ready)}
        if any(stages.get(SELF) for stages in raw.values())
        else {}
    )

    ResultSnapshot.objects.filter(round=round, published_at__isnull=True,
                                  framework__in=ready).delete()
    latest = dict(
        ResultSnapshot.objects.filter(round=round)
        .values("framework_id")
        .annotate(v=Max("version"))
        .values_list("framework_id", "v")
    )

    snapshots, rows, details = [], [], []
    for framework, result_set in appraised:
        stage_values = raw.get(framework.pk, {})
        has_self = bool(stage_values.get(SELF))
        self_set = self_results[framework.pk] if has_self else None
        self_by_code = _published(self_set) if has_self else {}
        snapshot = ResultSnapshot(
            round=round,
            framework=framework,
            version=latest.get(framework.pk, 0) + 1,
            computed_by=actor,
            structure=_plain(framework_to_dict(result_set.framework)),
            inputs={
                "units": [[r.unit_code, r.unit_name] for r in result_set.results],
                "values": {
                    APPRAISED: _with_derived(result_set, stage_values.get(APPRAISED, {})),
                    **({SELF: _with_derived(self_set, stage_values[SELF])} if has_self else {}),
                },
            },
        )
        snapshots.append(snapshot)
        self_points = {r.unit_code: _points(r) for r in self_set.results} if has_self else {}
        optional = _bonus_and_penalty(result_set)
        published = _published(result_set)
        for result in result_set.results:
            data = published[result.unit_code]
            own = self_by_code.get(result.unit_code)
            rows.append(
                ResultRow(
                    snapshot=snapshot,
                    unit_code=result.unit_code,
                    unit_name=result.unit_name,
                    rank=data["rank"],
                    achieved=Decimal(data["achieved"]),
                    max=Decimal(data["max"]),
                    index=Decimal(data["index"]),
                    band=data["band"] or "",
                    fields=data["fields"],
                    self_achieved=Decimal(own["achieved"]) if own else None,
                    self_index=Decimal(own["index"]) if own else None,
                    missing=len(set(data["missing"]) - optional),
                )
            )
            details.append(
                ResultDetail(
                    snapshot=snapshot,
                    unit_code=result.unit_code,
                    points=_points(result),
                    missing=data["missing"],
                    self_fields=own["fields"] if own else {},
                    self_points=self_points.get(result.unit_code, {}),
                )
            )
    ResultSnapshot.objects.bulk_create(snapshots)
    ResultRow.objects.bulk_create(rows, batch_size=500)
    ResultDetail.objects.bulk_create(details, batch_size=500)
    history.record(actor, "compute", round, scope=round, after=_versions(snapshots))
    return snapshots


@transaction.atomic
def publish(
    actor,
    round: Round,
    published_on: datetime.date | None = None,
    decision_number: str | None = None,
) -> list[ResultSnapshot]:
    """Freeze the round's drafts (one per framework) of the unit groups not published yet:
    each group's first publication; once published, a change is a correction with a reason
    (`correct`)."""
    _check_allowed(actor, round)
    _lock(round)
    ready = _require_ready(round)
    drafts = list(
        ResultSnapshot.objects.filter(round=round, published_at__isnull=True, framework__in=ready)
        .select_related("framework")
    )
    if not drafts:
        raise ValidationError(
            _("Compute the results before publishing them."), code="nothing_to_publish"
        )
    published = set(ResultSnapshot.objects.published().filter(round=round)
                    .values_list("framework_id", flat=True))
    drafts = [d for d in drafts if d.framework_id not in published]
    if not drafts:
        raise ValidationError(
            _("These results are already published; publish a correction with its reason."),
            code="already_published",
        )
    _freeze(drafts, actor)
    _mark_round(round, published_on, decision_number)
    history.record(actor, "publish", round, scope=round, after={
        **_versions(drafts),
        "decision_number": round.decision_number,
        "published_on": round.published_on,
    })
    notify(actor, "results_published", policy.results_recipients(round), round=round,
           link=reverse("results_overview", args=[round.code]))
    _start_robustness(actor, round, drafts)
    return drafts


@transaction.atomic
def correct(actor, round: Round, reason: str) -> list[ResultSnapshot]:
    """Recompute a published round from its current scores into new published versions that
    supersede the current ones and say why. The superseded versions stay readable."""
    _check_allowed(actor, round)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A correction needs its reason."), code="reason_required")
    _lock(round)
    current = {
        s.framework_id: s
        for s in ResultSnapshot.objects.current().filter(round=round).select_related("framework")
    }
    if not current:
        raise ValidationError(_("Only published results can be corrected."), code="not_published")
    snapshots = compute_round(actor, round, round.frameworks.filter(pk__in=list(current)))
    for snapshot in snapshots:
        snapshot.reason = reason
        snapshot.supersedes = current.get(snapshot.framework_id)
    _freeze(snapshots, actor, fields=["reason", "supersedes"])
    history.record(actor, "correct", round, scope=round, reason=reason,
                   before=_versions(current.values()), after=_versions(snapshots))
    _start_robustness(actor, round, snapshots)
    return snapshots


def _require_ready(round: Round):
    """Approved scores are the input to results: the frameworks whose unit group the council
    approved (`policy.ready_frameworks`); refused when there is none."""
    ready = policy.ready_frameworks(round)
    if not ready.exists():
        raise ValidationError(
            _("The council has not approved this round, nor any of its unit groups, yet; its "
              "results cannot be computed or published."),
            code="not_approved",
        )
    return ready


def _lock(round: Round) -> None:
    """Serialise publications of one round (a no-op on SQLite, which locks the database)."""
    list(Round.objects.select_for_update().filter(pk=round.pk).values_list("pk"))


def _freeze(snapshots: list[ResultSnapshot], user, fields: list[str] = ()) -> None:
    now = timezone.now()
    for snapshot in snapshots:
        snapshot.published_at = now
        snapshot.published_by = user
        snapshot.save(update_fields=["published_at", "published_by", *fields])


def _mark_round(round: Round, published_on, decision_number) -> None:
    changed = []
    if published_on is not None or round.published_on is None:
        round.published_on = published_on or timezone.localdate()
        changed.append("published_on")
    if decision_number is not None:
        round.decision_number = decision_number
        changed.append("decision_number")
    if changed:
        round.save(update_fields=changed)


def publish_demo_rounds(actor) -> list[Round]:
    """Store and publish, as `actor`, the snapshots of every round marked published that has
    none yet (the demo's 2021 and 2022 rounds); their dates and decision numbers are kept."""
    done = []
    rounds = Round.objects.filter(published_on__isnull=False).exclude(
        result_snapshots__published_at__isnull=False
    )
    for round in rounds.distinct().order_by("year", "code"):
        compute_round(actor, round)
        publish(actor, round)
        done.append(round)
    return done


def verify_points(round: Round) -> list[str]:
    """Recompute every stored leaf's points of the round from its value with the engine; the
    differences found (none when each `Score.points` is exactly `stored_points` of its value
    and each `Score.field` is its leaf's top-level node)."""
    from parindex.engine.values import stored_points
    from parindex.frameworks.models import Node, top_level_ids
    from parindex.frameworks.selectors import engine_framework

    frameworks = {fw.pk: fw for fw in round.frameworks.select_related("unit_group")}
    nodes = list(Node.objects.filter(framework__in=list(frameworks)).order_by("position"))
    engines = {pk: engine_framework(fw, [n for n in nodes if n.framework_id == pk])
               for pk, fw in frameworks.items()}
    leaves = {n.pk: engines[n.framework_id].leaves().get(n.code) for n in nodes}
    tops = top_level_ids(nodes)
    problems = []
    rows = Score.objects.filter(round=round).values_list(
        "unit__code", "node_id", "node__code", "stage", "value", "points", "field_id")
    for unit, node_id, code, stage, raw, points, field in rows.iterator(chunk_size=10_000):
        if tops.get(node_id) != field:
            problems.append(f"{unit} {code} {stage}: stored field {field} but the criterion's "
                            f"top-level node is {tops.get(node_id)}")
        try:
            expected = stored_points(leaves[node_id], parse_value(leaves[node_id], raw))
        except (ValueError, KeyError, AttributeError) as error:
            problems.append(f"{unit} {code} {stage}: value '{raw}' is not scored: {error}")
            continue
        if expected != points:
            problems.append(f"{unit} {code} {stage}: stored points {points} but the engine "
                            f"gives {expected} for '{raw}'")
    return problems


def verify(snapshot: ResultSnapshot) -> list[str]:
    """Recompute a snapshot from its recorded inputs alone; the differences found (none when
    the stored rows are exactly what the engine returns for those inputs)."""
    framework = framework_from_dict(snapshot.structure, source=str(snapshot))
    leaves = framework.leaves()
    units = [UnitInfo(code, name, framework.unit_group) for code, name in snapshot.inputs["units"]]
    values = {
        unit: {code: parse_value(leaves[code], raw) for code, raw in unit_values.items()}
        for unit, unit_values in snapshot.inputs["values"].get(APPRAISED, {}).items()
    }
    result_set = compute(framework, values, units=units)
    published = _published(result_set)
    stored = {row.unit_code: row for row in snapshot.rows.all()}
    points = dict(snapshot.details.values_list("unit_code", "points"))
    problems = []
    for result in result_set.results:
        row = stored.pop(result.unit_code, None)
        if row is None:
            problems.append(f"{result.unit_code}: not stored")
            continue
        data = published[result.unit_code]
        expected = (
            data["rank"],
            data["achieved"],
            data["max"],
            data["index"],
            data["band"] or "",
            data["fields"],
            _points(result),
        )
        got = (
            row.rank,
            str(row.achieved),
            str(row.max),
            str(row.index),
            row.band,
            row.fields,
            points.get(result.unit_code),
        )
        if expected != got:
            problems.append(f"{result.unit_code}: stored {got[:5]} but computed {expected[:5]}")
    problems.extend(f"{code}: stored but not computed" for code in stored)
    return problems


# --------------------------------------------------------------------------- background jobs


def start_compute(actor, round: Round):
    """Queue `compute_round` as `actor` (a large round); their running one if there is."""
    _check_allowed(actor, round)
    _require_ready(round)
    params = {"round": round.code}
    with transaction.atomic():
        return jobs.find_active(actor, "results_compute", params) or jobs.start(
            actor, "results_compute", _("Results of %(round)s") % {"round": round.name},
            params=params)


def _start_robustness(actor, round: Round, snapshots: list[ResultSnapshot]) -> None:
    """Queue the analysis of how sure the new published rankings are when one is too large to
    compute while a page waits (selectors.analysis.INLINE_UNITS units)."""
    counts = ResultRow.objects.filter(snapshot__in=snapshots).values("snapshot_id").order_by(
        ).annotate(n=Count("pk")).values_list("n", flat=True)
    if any(n > analysis.INLINE_UNITS for n in counts):
        jobs.start(actor, "results_robustness",
                   _("How sure the ranks of %(round)s are") % {"round": round.name},
                   params={"round": round.code})


def robustness_job(job, progress) -> None:
    """The worker's side of `_start_robustness`: each current published ranking's analysis,
    computed once and kept in the cache the pages read."""
    chosen = list(ResultSnapshot.objects.current().filter(round__code=job.params["round"])
                  .select_related("round").defer("inputs"))
    for done, snapshot in enumerate(chosen):
        progress(done, len(chosen))
        analysis.robustness(snapshot)
    progress(len(chosen), len(chosen))


def compute_job(job, progress) -> None:
    """The worker's side of `start_compute`: the very service, as the person who asked."""
    progress(0)
    compute_round(job.started_by, Round.objects.get(code=job.params["round"]))


def _may_build_annex(actor, round: Round, published: bool) -> None:
    if not published and not policy.rounds_with_results_to_manage(actor).filter(
            pk=round.pk).exists():
        raise PermissionDenied(_("Only those who see the whole round preview its results."))


def start_annex(actor, round: Round, *, published: bool, version: int | None = None):
    """Queue the Excel annex of the round's published results (or, for those who may preview
    them, of its latest version); the person's own waiting or running one if there is."""
    _may_build_annex(actor, round, published)
    params = {"round": round.code, "published": published, "version": version}
    title = (_("Excel annex of %(round)s") if published
             else _("Excel annex of %(round)s (preview)")) % {"round": round.name}
    with transaction.atomic():
        return jobs.find_active(actor, "results_annex", params) or jobs.start(
            actor, "results_annex", title, params=params)


def build_annex(job, progress):
    """The worker's side of `start_annex`: the workbook and its download name."""
    from .exports import annex_file
    from .selectors import tables

    params = job.params
    round = Round.objects.select_related("organiser__parent").get(code=params["round"])
    _may_build_annex(job.started_by, round, params["published"])
    chosen = tables(round, published=params["published"], version=params.get("version"),
                    compare=False)
    if not chosen:
        raise jobs.JobRefused(_("These results are no longer there."))
    progress(0)
    return annex_file(round, chosen, progress=progress), f"chi-so-cchc-{round.code}.xlsx"
