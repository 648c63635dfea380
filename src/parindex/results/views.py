"""Results pages: the public home ranking, a round's overview, a group's ranking, a unit's
scorecard, downloads; and for staff, computing, previewing, publishing and correcting.

Public views read only published snapshots (`selectors.*` with published=True). The staff
preview reuses the same views with `published=False` behind the view permission.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex import policy
from parindex.assessments.models import Round

from . import analysis_views, charts, selectors, services
from .forms import PublishForm
from .models import ResultSnapshot

PAGE_SIZE = 100  # rows of a ranking page; a province has fewer, a national round more


def _version(request) -> int | None:
    value = request.GET.get("version", "")
    return int(value) if value.isdigit() else None


def _round(code: str, published: bool) -> Round:
    if published:
        return selectors.get_round(code)
    return get_object_or_404(Round.objects.select_related("organiser__parent"), code=code)


def _managed_round(request, code: str) -> Round:
    """The one door to a round's results management: "not found" unless the person may
    preview its results."""
    return get_object_or_404(policy.rounds_with_results_to_manage(request.user), code=code)


def home(request):
    """The top of each unit group's published ranking for one published round (the latest by
    default), each with a link to its full ranking."""
    rounds = selectors.published_rounds()
    code = request.GET.get("round")
    if code:
        selected = next((r for r in rounds if r.code == code), None)
        if selected is None:
            raise Http404("No such published round")
    else:
        selected = rounds[0] if rounds else None
    tables = selectors.tops(selected) if selected else []
    return render(
        request,
        "results/home.html",
        {"rounds": rounds, "round": selected, "tables": tables, "published": True},
    )


def overview(request, round_code: str, published: bool = True):
    """Distribution of indices, averages per field, bands, biggest self/appraised gaps."""
    round = _round(round_code, published)
    tables = selectors.group_tables(round, published=published, version=_version(request))
    if not tables:
        raise Http404("No results")
    stats = selectors.statistics(tables)
    groups = []
    for table in tables:
        group_stats = stats[table.snapshot.pk]
        step = selectors.BIN
        groups.append(
            {
                "table": table,
                "averages": list(zip(table.fields, group_stats.field_averages, strict=True)),
                "average_index": group_stats.average_index,
                "stats": group_stats,
                "bands": group_stats.bands,
                "histogram": charts.histogram(
                    group_stats.distribution,
                    step,
                    _("Number of units by index, %(group)s") % {"group": table.group.name},
                ),
                "field_chart": charts.field_bars(
                    [(f.code, f.title) for f in table.fields],
                    [(_("Average"), group_stats.field_averages)],
                    _("Average component index per field, %(group)s") % {"group": table.group.name},
                ),
            }
        )
    versions = selectors.versions(round) if published else []
    return render(
        request,
        "results/overview.html",
        {
            "round": round,
            "groups": groups,
            "gaps": selectors.biggest_gaps(tables),
            "versions": versions,
            "corrected": any(v.version > 1 for v in versions),
            "published": published,
            "can_manage": policy.can_preview_results(request.user, round),
            # A preview names the unit groups whose scores the council has not approved yet.
            "waiting": [] if published else list(
                round.frameworks.exclude(pk__in=policy.ready_frameworks(round).values("pk"))
                .select_related("unit_group").order_by("unit_group__name")),
        },
    )


def ranking(request, round_code: str, group: str, published: bool = True):
    """One unit group's ranking: sortable, filterable, with the change since last year."""
    round = _round(round_code, published)
    sort = request.GET.get("sort", "rank")
    descending = request.GET.get("desc") == "1"
    query, band = request.GET.get("q", ""), request.GET.get("band", "")
    found = selectors.ranking(
        round,
        group,
        published=published,
        version=_version(request),
        sort=sort,
        descending=descending,
        query=query,
        band=band,
        page=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    table, page = found.table, found.page
    chart = charts.ranking_bars(  # a preview leaves out the lines not final (no bar at 0)
        [(r.unit_name, r.index) for r in page.object_list if published or r.final],
        _("Index of each unit, %(group)s") % {"group": table.group.name},
    )
    context = {
        "round": round,
        "table": table,
        "rows": page.object_list,
        "page": page,
        "chart": chart,
        "published": published,
        "sort": sort,
        "desc": descending,
        "q": query,
        "band": band,
        "sort_keys": selectors.SORT_KEYS,
        **analysis_views.ranking_context(table, page.object_list),
    }
    if request.headers.get("HX-Request"):
        return render(request, "results/_ranking_table.html", context)
    return render(request, "results/ranking.html", context)


def unit_card(request, round_code: str, group: str, unit_code: str, published: bool = True):
    """A unit's scorecard: where it stands, where it lost points, and its trend."""
    round = _round(round_code, published)
    card = selectors.scorecard(round, unit_code, published=published, version=_version(request))
    if card.table.group.code != group:
        raise Http404("No such unit in this group")
    fields = [(f.code, f.title) for f in card.table.fields]
    own = [cell["index"] if cell else None for cell in card.row.fields]
    field_chart = charts.field_bars(
        fields,
        [
            (card.row.unit_name, own),
            (_("Group average"), card.group_average),
            (_("Best unit"), card.best),
        ],
        _("Component index per field"),
    )
    trend_chart = (
        charts.trend_lines(
            [r.year for r, _row in card.trend],
            [(_("Index"), [row.index for _r, row in card.trend])],
            _("Index over the years"),
        )
        if len(card.trend) > 1
        else None
    )
    by_field = []
    changes = card.row.field_changes
    for i, f in enumerate(card.table.fields):
        leaves = [leaf for leaf in card.leaves if leaf.field_code == f.code]
        own_points = [leaf.self_points for leaf in leaves if leaf.self_points is not None]
        by_field.append(
            {
                "field": f,
                "cell": card.row.fields[i],
                "average": card.group_average[i],
                "best": card.best[i],
                "self": sum(own_points) if own_points else None,
                "survey": all(leaf.survey for leaf in leaves) and bool(leaves),
                "change": changes[i],
            }
        )
    return render(
        request,
        "results/scorecard.html",
        {
            "round": round,
            "card": card,
            "row": card.row,
            "table": card.table,
            "by_field": by_field,
            "field_chart": field_chart,
            "trend_chart": trend_chart,
            "published": published,
            **analysis_views.card_context(card),
        },
    )


# --------------------------------------------------------------------------- downloads


def annex_xlsx(request, round_code: str, published: bool = True):
    """The Excel annex; for a round of more than PARINDEX_BACKGROUND_UNITS units a background
    job builds it (signed-in people only) and the person follows it on its page."""
    round = _round(round_code, published)
    version = _version(request)
    if selectors.unit_count(round, published, version) > settings.PARINDEX_BACKGROUND_UNITS:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        job = services.start_annex(request.user, round, published=published, version=version)
        return redirect("jobs:detail", pk=job.pk)
    tables = selectors.tables(round, published=published, version=version, compare=False)
    if not tables:
        raise Http404("No results")
    from parindex import web

    from .exports import annex_file

    return web.attachment(annex_file(round, tables), web.XLSX, f"chi-so-cchc-{round.code}.xlsx")


def annex_pdf(request, round_code: str, published: bool = True, decision: bool = False):
    round = _round(round_code, published)
    tables = selectors.tables(round, published=published, version=_version(request))
    if not tables:
        raise Http404("No results")
    from parindex import web

    from .pdf import render_pdf  # the typesetter loads only when a PDF is asked for

    name = "du-thao-quyet-dinh" if decision else "phu-luc"
    return web.attachment(
        render_pdf(round, tables, decision=decision), web.PDF, f"{name}-{round.code}.pdf"
    )


# --------------------------------------------------------------------------- staff


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def manage_index(request):
    """The rounds whose results this person may manage, with the state of their results."""
    _require(policy.can_see_results_management(request.user))
    rounds = list(policy.rounds_with_results_to_manage(request.user).order_by("-year", "code"))
    states = {}
    for round_id, published_at in ResultSnapshot.objects.values_list("round_id", "published_at"):
        state = states.setdefault(round_id, {"draft": False, "published": False})
        state["published" if published_at else "draft"] = True
    return render(
        request,
        "results/manage_index.html",
        {"rounds": [(r, states.get(r.pk, {})) for r in rounds]},
    )


@login_required
def manage(request, round_code: str):
    """A round's results: each unit group's state (approved by the council or not, computed,
    published), the buttons the person may use, and why when there are none."""
    round = _managed_round(request, round_code)
    snapshots = list(
        round.result_snapshots.select_related("framework__unit_group")
        .defer("inputs", "structure")
        .order_by("-version", "framework__code")
    )
    ready = set(policy.ready_frameworks(round).values_list("pk", flat=True))
    published = {s.framework_id for s in snapshots if s.is_published}
    groups = [
        {"framework": fw, "ready": fw.pk in ready, "published": fw.pk in published}
        for fw in round.frameworks.select_related("unit_group").order_by("unit_group__name")
    ]
    return render(
        request,
        "results/manage.html",
        {
            "round": round,
            "snapshots": snapshots,
            "groups": groups,
            "to_publish": any(not s.is_published and s.framework_id in ready - published
                              for s in snapshots),
            "has_published": bool(published),
            "can_publish": policy.can_publish_results(request.user, round),
            "ready": bool(ready),
            "waiting": len(ready) < len(groups),
            "results_round": round.kind == Round.Kind.RESULTS,
        },
    )


@require_POST
def manage_action(request, round_code: str, action: str):
    round = _managed_round(request, round_code)
    _require(policy.can_publish_results(request.user, round))
    try:
        if action == "compute" and (
                selectors.scored_units(round) > settings.PARINDEX_BACKGROUND_UNITS):
            job = services.start_compute(request.user, round)
            messages.info(request, _("The results are being computed in the background."))
            return redirect("jobs:detail", pk=job.pk)
        if action == "compute":
            services.compute_round(request.user, round)
            messages.success(request, _("Results computed. Check the preview, then publish."))
        elif action == "publish":
            form = PublishForm(request.POST)
            if not form.is_valid():
                raise ValidationError([f"{form.fields[name].label}: {message}"
                                       for name, errors in form.errors.items()
                                       for message in errors])
            services.publish(
                request.user,
                round,
                published_on=form.cleaned_data["published_on"],
                decision_number=form.cleaned_data["decision_number"] or None,
            )
            messages.success(request, _("Results published."))
        elif action == "correct":
            services.correct(request.user, round, request.POST.get("reason", ""))
            messages.success(request, _("Correction published."))
        else:
            raise Http404("Unknown action")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("results_manage", round_code=round.code)


def preview(view):
    """A public view over the latest (possibly unpublished) version, for those who may see it."""

    @login_required
    def inner(request, *args, round_code: str, **kwargs):
        _managed_round(request, round_code)
        return view(request, *args, round_code=round_code, published=False, **kwargs)

    return inner
