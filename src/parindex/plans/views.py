"""Thin views of the year's reform work: fetch through the policy's querysets (404 for "not
yours"), call one service, turn refusals into messages, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex import history, policy, web
from parindex.engine.tables import InputError
from parindex.imports import issue_text

from . import selectors, services
from .forms import ContestForm, FileForm, PlanForm, ProgressForm, RequestReportsForm, TaskForm
from .models import Prefill, Progress, Task


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _refusal(request, error) -> None:
    web.flash_errors(request, error)


# --------------------------------------------------------------------------- plans and tasks


@login_required
def index(request):
    user, year = request.user, _year(request)
    everything = selectors.tasks_board(user, year)
    unit_code = request.GET.get("unit", "")
    rows = [t for t in everything if not unit_code or unit_code in (
        t.responsible.code, t.plan.unit.code)]
    units = policy.plan_units(user)
    return render(request, "plans/index.html", {
        "year": year, "years": range(year - 2, year + 2), "tasks": rows, "unit": unit_code,
        "task_units": sorted({t.responsible for t in everything}, key=lambda u: u.code),
        "by_unit": selectors.summary(rows, lambda t: t.responsible.name),
        "by_field": selectors.summary(rows, lambda t: t.field or "—"),
        "plans": policy.visible_plans(user).filter(year=year).select_related("unit"),
        "plan_form": PlanForm(units=units, initial={"year": year}) if units.exists() else None,
    })


@login_required
@require_POST
def save_plan(request):
    form = PlanForm(request.POST, units=policy.plan_units(request.user))
    if not form.is_valid():
        messages.error(request, _("Check the plan: %(errors)s") % {
            "errors": "; ".join(m for ms in form.errors.values() for m in ms)})
        return redirect("plans:index")
    data = form.cleaned_data
    try:
        plan = services.save_plan(request.user, data["unit"], data["year"], data["title"],
                                  data["number"], data["issued_on"])
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        return redirect("plans:index")
    messages.success(request, _("The plan is saved."))
    return redirect("plans:plan", plan.pk)


@login_required
def plan(request, pk):
    user = request.user
    item = get_object_or_404(policy.visible_plans(user).select_related("unit"), pk=pk)
    editable = policy.can_edit_plan(user, item.unit_id)
    rows = list(item.tasks.select_related("responsible").order_by("deadline", "code"))
    today = timezone.localdate()
    for task in rows:
        task.current = task.status(today)
    return render(request, "plans/plan.html", {
        "plan": item, "tasks": rows, "editable": editable,
        "task_form": TaskForm(units=policy.reform_overseen_units(user) | policy.plan_units(user))
        if editable else None,
        "changes": history.for_scope(item)[:50],
    })


@login_required
@require_POST
def add_task(request, pk):
    user = request.user
    item = get_object_or_404(policy.visible_plans(user), pk=pk)
    form = TaskForm(request.POST,
                    units=policy.reform_overseen_units(user) | policy.plan_units(user))
    if not form.is_valid():
        messages.error(request, _("Check the task: %(errors)s") % {
            "errors": "; ".join(m for ms in form.errors.values() for m in ms)})
        return redirect("plans:plan", item.pk)
    d = form.cleaned_data
    try:
        services.add_task(user, item, d["code"], d["title"], d["responsible"], d["deadline"],
                          field=d["field"], output=d["output"], cooperating=list(d["cooperating"]))
        messages.success(request, _("The task is added."))
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect("plans:plan", item.pk)


def _task(request, pk) -> Task:
    return get_object_or_404(policy.visible_tasks(request.user).select_related(
        "plan__unit", "responsible"), pk=pk)


@login_required
def task(request, pk):
    item = _task(request, pk)
    can_report = policy.can_report_task(request.user, item)
    return render(request, "plans/task.html", {
        "task": item, "status": item.status(), "can_report": can_report,
        "form": ProgressForm() if can_report else None,
        "progress": item.progress.select_related("reported_by"),
        "cooperating": item.cooperating.all(),
        "changes": history.for_object(item)[:50],
    })


@login_required
@require_POST
def report_progress(request, pk):
    item = _task(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
        return redirect("plans:task", item.pk)
    d = form.cleaned_data
    try:
        services.report_progress(request.user, item, d["note"], d["completed_on"], d["file"])
        messages.success(request, _("The progress is saved."))
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect("plans:task", item.pk)


@login_required
def progress_file(request, pk):
    progress = get_object_or_404(Progress.objects.filter(
        task__in=policy.visible_tasks(request.user)).exclude(file=""), pk=pk)
    return web.attachment(progress.file.open("rb"), "application/octet-stream", progress.name)


# --------------------------------------------------------------------------- reports


@login_required
def reports(request):
    user, year = request.user, _year(request)
    rows = selectors.reports_board(user, year)
    for report in rows:
        report.can_submit = policy.can_submit_report(user, report)
    requesters = policy.organisers_to_manage(user)
    return render(request, "plans/reports.html", {
        "year": year, "reports": rows, "today": timezone.localdate(), "file_form": FileForm(),
        "request_form": RequestReportsForm(
            requesters=requesters, units=policy.units_to_request_reports_from(user),
            initial={"year": year}) if requesters.exists() else None,
    })


@login_required
@require_POST
def request_reports(request):
    user = request.user
    form = RequestReportsForm(request.POST, requesters=policy.organisers_to_manage(user),
                              units=policy.units_to_request_reports_from(user))
    if not form.is_valid():
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
        return redirect("plans:reports")
    d = form.cleaned_data
    try:
        made = services.request_reports(user, d["requester"], list(d["units"]), d["year"],
                                        d["kind"], d["title"], d["due_on"])
        messages.success(request, _("%(count)s report(s) requested.") % {"count": len(made)})
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect(f"{reverse('plans:reports')}?year={d['year']}")


@login_required
@require_POST
def submit_report(request, pk):
    report = get_object_or_404(policy.visible_reports(request.user), pk=pk)
    form = FileForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_("Attach the report's file."))
        services.submit_report(request.user, report, form.cleaned_data["file"])
        messages.success(request, _("The report is sent."))
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect(f"{reverse('plans:reports')}?year={report.year}")


@login_required
def report_file(request, pk):
    report = get_object_or_404(policy.visible_reports(request.user).exclude(file=""), pk=pk)
    return web.attachment(report.file.open("rb"), "application/octet-stream", report.name)


# --------------------------------------------------------------------------- service figures


@login_required
def service(request):
    user, year = request.user, _year(request)
    return render(request, "plans/service.html", {
        "year": year, "totals": selectors.service_table(user, year),
        "charts": selectors.service_charts(user, year),
        "can_import": policy.can_import_service_data(user), "form": FileForm(),
        "imports": selectors.service_imports(user)[:20],
    })


@login_required
@require_POST
def service_import(request):
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV or XLSX file."))
        return redirect("plans:service")
    upload = form.cleaned_data["file"]
    try:  # the engine's reader bounds what it reads of the upload (rows, cells, unpacked size)
        summary = services.import_service_data(request.user, upload, upload.name)
    except InputError as error:
        return render(request, "plans/import_errors.html", {
            "name": upload.name, "total": error.total,
            "issues": [(i.row, i.column, issue_text(i)) for i in error.errors]}, status=400)
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        return redirect("plans:service")
    messages.success(request, _("%(new)s month(s) added, %(changed)s replaced.") % {
        "new": summary.created, "changed": summary.updated})
    return redirect("plans:service")


# --------------------------------------------------------------------------- prefill


@login_required
@require_POST
def contest(request, pk):
    prefill = get_object_or_404(Prefill.objects.select_related("sheet__round", "sheet__unit"),
                                pk=pk)
    sheet = get_object_or_404(policy.visible_sheets(request.user, prefill.sheet.round),
                              pk=prefill.sheet_id)
    form = ContestForm(request.POST)
    url = reverse("assessments:sheet", args=[sheet.round.code, sheet.unit.code])
    if not form.is_valid():  # never read as "withdraw": nothing changes
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
        return redirect(f"{url}#prefills")
    try:
        services.contest_prefill(request.user, prefill, form.cleaned_data.get("value", ""),
                                 form.cleaned_data.get("explanation", ""))
        messages.success(request, _("Your value and explanation are saved."))
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect(f"{url}#prefills")




# --------------------------------------------------------------------------- monthly index


@login_required
def monthly_index(request):
    from .service_index import monthly_index as compute_index
    from .service_index import service_frameworks

    if not policy.can_view_service_index(request.user):
        raise Http404
    year = _year(request)
    frameworks = service_frameworks(year)
    chosen = next((fw for fw in frameworks if fw.code == request.GET.get("framework")),
                  frameworks[0] if frameworks else None)
    rankings, trends, months = [], [], []
    if chosen is not None:
        rankings, trends = compute_index(chosen, year)
        months = [r.month for r in rankings]
    try:
        shown = int(request.GET.get("month") or 0)
    except ValueError:
        raise Http404 from None
    ranking = next((r for r in rankings if r.month.month == shown), rankings[-1] if rankings
                   else None)
    return render(request, "plans/monthly_index.html", {
        "year": year, "frameworks": frameworks, "framework": chosen, "ranking": ranking,
        "rankings": rankings, "months": months, "width": max(10, len(months) * 10),
        "trends": [(t, t.polyline(months)) for t in trends],
    })
