"""Thin views over services and selectors.

Manager pages go through `manager_required` (someone who manages some round) and fetch their
survey, group or import through `_survey`, `_group`, `_import_job`: querysets of the policy, so
another organiser's survey answers "not found" exactly as a missing one does. The public form
shows a "closed" page once the survey no longer takes responses (`policy.survey_open`).
"""

from __future__ import annotations

import functools
import io
import tempfile
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex import history, policy, web
from parindex.collation import sorted_vi
from parindex.engine.cells import csv_writer
from parindex.units.models import Unit

from . import exports, scoring, selectors, services
from .models import GroupUnit, ImportJob, Invitation, RespondentGroup, Response, Survey

HISTORY_PAGE = 50


def manager_required(view):
    """Signed in and managing some round; which survey is theirs, the fetch helpers decide."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policy.can_manage_survey(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _survey(request, round_code: str) -> Survey:
    """The one door to a survey for its managers."""
    return get_object_or_404(
        policy.visible_surveys(request.user).select_related("round"), round__code=round_code
    )


def _group(request, round_code: str, group_code: str) -> RespondentGroup:
    """The one door to a respondent group for its managers."""
    return get_object_or_404(
        policy.visible_survey_groups(request.user).select_related("survey__round"),
        survey__round__code=round_code, code=group_code,
    )


def _public_group(round_code: str, group_code: str) -> RespondentGroup:
    """A group as the public reaches it (by link or QR code): no sign-in."""
    return get_object_or_404(
        RespondentGroup.objects.select_related("survey__round"),
        survey__round__code=round_code, code=group_code,
    )


def _closed(request, group: RespondentGroup, status: int = 200):
    return render(request, "surveys/closed.html", {"group": group}, status=status)


def _annotate(lay, values, errors) -> None:
    """Each question's current answer and error, for the templates."""
    for question in lay.questions:
        question.selected = (values.get(question.code) or "").strip().upper()
        question.error = errors.get(question.code, "")


def _client_address(request) -> str:
    # REMOTE_ADDR only: behind a reverse proxy, set it from the proxy's header there (e.g.
    # gunicorn --forwarded-allow-ips); trusting X-Forwarded-For here would let anyone forge it.
    return request.META.get("REMOTE_ADDR", "")


# --------------------------------------------------------------------------- public


def public_form(request, round, group):
    group = _public_group(round, group)
    if not policy.survey_open(group.survey):
        return _closed(request, group, status=409 if request.method == "POST" else 200)
    lay = selectors.layout(group)
    units = sorted_vi((t.unit for t in group.targets.select_related("unit")),
                      key=lambda unit: unit.name)
    values = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            services.submit_online(
                group,
                answers={q.code: request.POST.get(q.code, "") for q in lay.questions},
                unit_code=request.POST.get("unit"),
                comment=request.POST.get("comment", ""),
                invitation_code=request.POST.get("code", ""),
                address=_client_address(request),
            )
            return redirect("surveys:thanks", round=group.survey.round.code, group=group.code)
        except services.SurveyClosed:
            return _closed(request, group, status=409)
        except services.ResponseError as exc:
            errors = exc.errors
            status = 400
        except services.RateLimited:
            errors = {"group": _("Too many responses from your connection. Please try later.")}
            status = 429
    fixed_unit = None
    code = values.get("code", "")
    if group.access == RespondentGroup.Access.CODES and code:
        invitation = Invitation.objects.filter(group=group, code=code.strip().upper()).first()
        fixed_unit = invitation.unit if invitation else None
    if len(units) == 1:
        fixed_unit = units[0]
    _annotate(lay, values, errors)
    return render(request, "surveys/form.html", {
        "group": group, "layout": lay, "units": units, "errors": errors,
        "values": values, "fixed_unit": fixed_unit, "selected_unit": values.get("unit", ""),
        "code": code,
    }, status=status)


def thanks(request, round, group):
    group = _public_group(round, group)
    return render(request, "surveys/thanks.html", {"group": group})


# --------------------------------------------------------------------------- managers


@manager_required
def index(request):
    surveys = policy.visible_surveys(request.user).select_related("round").order_by(
        "-round__year", "round__code")
    rounds = policy.rounds_to_survey(request.user).order_by("-year", "code")
    return render(request, "surveys/index.html", {"surveys": surveys, "rounds": rounds})


@manager_required
def sample_size(request):
    """The sample size helper: n = N / (1 + N·e²)."""
    result = error = None
    try:
        population = int(request.GET.get("N", "") or 0)
        margin = Decimal(request.GET.get("e", "") or "0.05")
        result = scoring.required_sample(population, margin)
    except (ValueError, InvalidOperation):
        error = _("Enter a whole number of transactions and a margin between 0 and 1.")
    template = "surveys/_sample_size.html" if request.headers.get("HX-Request") else \
        "surveys/sample_size.html"
    return render(request, template, {
        "result": result, "error": error, "N": request.GET.get("N", ""),
        "e": request.GET.get("e", "0.05"),
    })


@manager_required
def dashboard(request, round):
    survey = _survey(request, round)
    groups = list(survey.groups.annotate(
        flagged=Count("responses", filter=Q(responses__status=Response.Status.FLAGGED)),
        rejected=Count("responses", filter=Q(responses__status=Response.Status.REJECTED)),
    ))
    units_of: dict[int, list] = {}
    for target in GroupUnit.objects.filter(group__survey=survey).select_related("unit"):
        units_of.setdefault(target.group_id, []).append(target)
    questions = dict(
        survey.groups.annotate(n=Count("questions")).values_list("pk", "n")
    )
    jobs = ImportJob.objects.filter(group__survey=survey).select_related("group")[:10]
    counted = selectors.counted_by_group(survey)
    for group in groups:
        group.counted = counted.get(group.pk, 0)
        group.target_list = units_of.get(group.pk, [])
        group.question_count = questions.get(group.pk, 0)
        for target in group.target_list:
            target.required = (
                scoring.required_sample(target.population, survey.margin)
                if target.population is not None else None
            )
        group.public_url = request.build_absolute_uri(
            reverse("surveys:form", args=[survey.round.code, group.code]))
    return render(request, "surveys/dashboard.html", {
        "survey": survey, "groups": groups, "jobs": jobs,
    })


@login_required
def history_page(request, round):
    """The survey's change log, newest first, 50 a page; "not found" to anyone but its
    managers, as for a survey that does not exist."""
    survey = _survey(request, round)
    changes = Paginator(history.about(survey), HISTORY_PAGE).get_page(request.GET.get("page"))
    return render(request, "surveys/history.html", {"survey": survey, "changes": changes})


@manager_required
def scores(request, round):
    survey = _survey(request, round)
    table = selectors.survey_scores(survey)
    rows = [
        {"entry": entry, "cells": [entry.leaves.get(leaf.code) for leaf in table.leaves]}
        for entry in table.units
    ]
    return render(request, "surveys/scores.html", {
        "survey": survey, "table": table, "rows": rows,
    })


@manager_required
def unit_charts(request, round, unit):
    survey = _survey(request, round)
    unit = get_object_or_404(Unit, code=unit)
    groups = list(survey.groups.filter(targets__unit=unit))
    charts = [{"group": g, "questions": selectors.distribution(g, unit)} for g in groups]
    return render(request, "surveys/unit.html", {"survey": survey, "unit": unit, "charts": charts})


@manager_required
def review_list(request, round):
    survey = _survey(request, round)
    status = request.GET.get("status", Response.Status.FLAGGED)
    if status not in Response.Status.values:
        status = Response.Status.FLAGGED
    responses = (
        Response.objects.filter(group__survey=survey, status=status)
        .select_related("group", "unit").order_by("pk")[:500]
    )
    return render(request, "surveys/review.html", {
        "survey": survey, "responses": responses, "status": status,
        "statuses": Response.Status.choices,
    })


@manager_required
@require_POST
def review_action(request, round, pk):
    survey = _survey(request, round)
    response = get_object_or_404(
        policy.visible_survey_responses(request.user), pk=pk, group__survey=survey)
    try:
        services.review(request.user, response, request.POST.get("status", ""))
    except services.SurveyClosed as closed:
        return HttpResponse(closed.message, status=409)
    except ValueError:
        return HttpResponse(status=400)
    if request.headers.get("HX-Request"):
        return render(request, "surveys/_review_row.html", {"r": response, "survey": survey})
    return redirect("surveys:review", round=round)


@manager_required
def enter(request, round, group):
    group = _group(request, round, group)
    lay = selectors.layout(group)
    units = [t.unit for t in group.targets.select_related("unit").order_by("unit__code")]
    errors: dict[str, str] = {}
    values = request.POST
    if request.method == "POST":
        try:
            response = services.enter_paper_form(
                request.user, group,
                form_number=request.POST.get("form_number", ""),
                answers={q.code: request.POST.get(q.code, "") for q in lay.questions},
                unit_code=request.POST.get("unit"),
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, _("Form %(number)s saved.") % {
                "number": response.form_number})
            url = reverse("surveys:enter", args=[round, group.code])
            return redirect(f"{url}?unit={response.unit.code}")
        except services.ResponseError as exc:
            errors = exc.errors
    entered = group.responses.filter(channel=Response.Channel.PAPER).count()
    _annotate(lay, values, errors)
    return render(request, "surveys/enter.html", {
        "group": group, "layout": lay, "units": units, "errors": errors, "values": values,
        "selected_unit": request.POST.get("unit") or request.GET.get("unit", ""),
        "entered": entered,
    }, status=400 if errors else 200)


@manager_required
def import_upload(request, round, group):
    group = _group(request, round, group)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.name.lower().endswith((".csv", ".xlsx")):
            error = _("Choose a .csv or .xlsx file.")
        else:
            try:
                job = services.start_import(request.user, group, upload)
            except services.SurveyClosed as closed:
                error = closed.message
            else:
                return redirect("surveys:import_status", round=round, pk=job.pk)
    lay = selectors.layout(group)
    return render(request, "surveys/import.html", {
        "group": group, "layout": lay, "error": error,
        "jobs": group.imports.all()[:10],
    }, status=400 if error else 200)


@manager_required
def import_status(request, round, pk):
    job = get_object_or_404(
        ImportJob.objects.select_related("group__survey__round"), pk=pk,
        group__in=policy.visible_survey_groups(request.user), group__survey__round__code=round,
    )
    template = "surveys/_import_status.html" if request.headers.get("HX-Request") else \
        "surveys/import_status.html"
    percent = int(100 * job.rows_done / job.rows_total) if job.rows_total else 0
    return render(request, template, {"job": job, "percent": percent})


class _Echo:
    def write(self, value):
        return value


@manager_required
def export_csv(request, round, group):
    group = _group(request, round, group)
    writer = csv_writer(_Echo())

    def stream():
        yield "\ufeff"  # so that Excel reads the Vietnamese as UTF-8
        yield writer.writerow(exports.export_header(group))
        for row in exports.export_rows(group):
            yield writer.writerow(row)

    return web.attachment(stream(), web.CSV, f"survey-{round}-{group.code}.csv")


@manager_required
def export_xlsx(request, round):
    """Every response of every group, a sheet per group, streamed from a temporary file."""
    survey = _survey(request, round)
    handle = tempfile.TemporaryFile()
    exports.write_responses_xlsx(survey, handle)
    handle.seek(0)
    return web.attachment(handle, web.XLSX, f"survey-{round}.xlsx")


@manager_required
def codes(request, round, group):
    group = _group(request, round, group)
    if request.method == "POST":
        try:
            count = int(request.POST.get("count", "0"))
            unit_code = request.POST.get("unit", "")
            unit = group.targets.select_related("unit").get(unit__code=unit_code).unit \
                if unit_code else None
            services.create_invitations(request.user, group, count, unit=unit)
            messages.success(request, _("%(count)s codes created.") % {"count": count})
        except (ValueError, group.targets.model.DoesNotExist):
            messages.error(request, _("Enter a number of codes between 1 and 10000."))
        return redirect("surveys:codes", round=round, group=group.code)
    invitations = group.invitations.select_related("unit", "response")
    base = request.build_absolute_uri(reverse("surveys:form", args=[round, group.code]))
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 CSV with diacritics only with a BOM
        writer = csv_writer(out)
        writer.writerow(["code", "unit_code", "link", "used"])
        for invitation in invitations:
            writer.writerow([invitation.code, invitation.unit.code if invitation.unit else "",
                             f"{base}?code={invitation.code}",
                             "yes" if hasattr(invitation, "response") else "no"])
        return web.attachment(out.getvalue().encode("utf-8"), web.CSV,
                              f"codes-{round}-{group.code}.csv")
    units = [t.unit for t in group.targets.select_related("unit")]
    return render(request, "surveys/codes.html", {
        "group": group, "invitations": invitations[:1000], "units": units, "base": base,
        "total": invitations.count(),
    })


@manager_required
def qr(request, round, group):
    import segno

    group = _group(request, round, group)
    url = request.build_absolute_uri(reverse("surveys:form", args=[round, group.code]))
    unit = request.GET.get("unit", "")
    if unit:
        url += f"?unit={unit}"
    response = HttpResponse(content_type="image/svg+xml")
    segno.make(url, error="m").save(response, kind="svg", scale=4, border=2)
    return response
