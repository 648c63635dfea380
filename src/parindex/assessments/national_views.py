"""Pages of the province's self-assessment for the national index: one page per round where
each department drafts the sub-criteria in its charge and the Sở Nội vụ assigns them,
reviews each draft, submits the province's sheet and exports the workbook and the evidence
package. Thin: what a person sees comes from `policy.visible_criterion_assignments`, what they
may do from the policy's predicates, every write from `services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex import policy, web

from . import services
from .forms import UploadForm, compose_value, parse_version
from .models import Round, Sheet
from .national_exports import self_assessment_xlsx
from .selectors import (
    SELF,
    department_progress,
    departments_of,
    leaf_of,
    national_data,
    national_sheet,
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024  # an assignments file is a few kilobytes


def _national(request, round_code: str) -> tuple[Round, Sheet, object]:
    """The round (through the rounds the person sees), its one sheet, and the sub-criteria the
    person may see; "not found" when there are none to see and the person does not run it."""
    round = get_object_or_404(policy.visible_rounds(request.user), code=round_code)
    if not policy.sees_national_page(request.user, round):
        raise Http404
    return round, national_sheet(round), policy.visible_criterion_assignments(request.user, round)


def _page(round: Round, anchor: str = "") -> str:
    url = reverse("assessments:national", args=[round.code])
    return f"{url}#{anchor}" if anchor else url


@login_required
def national(request, round_code):
    round, sheet, visible = _national(request, round_code)
    user = request.user
    whole = policy.sees_whole_round(user, round)
    data = national_data(sheet, visible, everything=whole)
    for item in data.leaves():
        if item.assignment is not None:
            item.assignment.sheet = sheet
            item.can_draft = policy.can_draft_criterion(user, item.assignment)
    return render(request, "assessments/national.html", {
        "round": round, "sheet": sheet, "data": data, "whole_round": whole,
        "progress": department_progress(visible.filter(sheet=sheet)),
        "can_assign": policy.can_assign_criteria(user, sheet),
        "can_review": policy.can_review_criteria(user, sheet),
        "can_export": policy.can_export_self_assessment(user, sheet),
        "result": data.data.result(SELF),
        "departments": departments_of(sheet),
    })


@login_required
@require_POST
def assign(request, round_code):
    """Assign from a file (`file`) or one code to one unit (`criterion_code`, `unit_code`)."""
    round, sheet, _visible = _national(request, round_code)
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise ValidationError(_("The file is larger than %(limit)s MB.")
                                      % {"limit": MAX_IMPORT_BYTES // 2 ** 20})
            summary = services.import_assignments(request.user, sheet, upload.read(),
                                                  name=upload.name)
        else:
            summary = services.assign_criteria(request.user, sheet, [(
                None, request.POST.get("criterion_code", "").strip()[:32],
                request.POST.get("unit_code", "").strip()[:64])])
        messages.success(request, _("%(leaves)s sub-criteria covered, %(changed)s assigned "
                                    "anew.") % {"leaves": summary.leaves,
                                                "changed": summary.changed})
    except (ValidationError, PermissionDenied) as error:
        web.flash_errors(request, error)
    return redirect(_page(round, "assign"))


@login_required
@require_POST
def draft(request, round_code, node_code):
    """A department saves its draft of one sub-criterion: value, note, optional evidence."""
    round, sheet, _visible = _national(request, round_code)
    try:
        _framework, _node, leaf = leaf_of(sheet, node_code)
    except KeyError:
        raise Http404 from None
    try:
        services.save_score(request.user, sheet, node_code, SELF,
                            compose_value(leaf, request.POST), request.POST.get("note", ""),
                            parse_version(request.POST))
        messages.success(request, _("%(code)s saved.") % {"code": node_code})
        if request.FILES.get("file"):  # checked by the evidence door (`evidence.check_upload`)
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                services.add_evidence(request.user, sheet, node_code, form.cleaned_data["file"])
    except services.Conflict as conflict:
        messages.error(request, str(conflict))
    except (ValidationError, PermissionDenied) as error:
        web.flash_errors(request, error)
    return redirect(_page(round, f"leaf-{node_code}"))


@login_required
@require_POST
def review(request, round_code, node_code):
    round, sheet, visible = _national(request, round_code)
    assignment = get_object_or_404(visible.filter(sheet=sheet).select_related("sheet"),
                                   node__code=node_code)
    decision = request.POST.get("decision")
    if decision not in ("accept", "return"):
        raise Http404
    try:
        services.review_criterion(request.user, assignment, decision == "accept",
                                  request.POST.get("comment", ""))
        done = (_("%(code)s accepted.") if decision == "accept"
                else _("%(code)s returned to the department."))
        messages.success(request, done % {"code": node_code})
    except (ValidationError, PermissionDenied) as error:
        web.flash_errors(request, error)
    return redirect(_page(round, f"leaf-{node_code}"))


@login_required
@require_POST
def consolidate(request, round_code):
    round, sheet, _visible = _national(request, round_code)
    try:
        services.consolidate(request.user, sheet)
        messages.success(request, _("The province's self-assessment is submitted."))
    except (ValidationError, PermissionDenied) as error:
        web.flash_errors(request, error)
    return redirect(_page(round))


@login_required
def workbook(request, round_code):
    round, sheet, _visible = _national(request, round_code)
    if not policy.can_export_self_assessment(request.user, sheet):
        raise Http404
    return web.attachment(self_assessment_xlsx(sheet), web.XLSX,
                          f"tu-danh-gia-{round.code}-{sheet.unit.code}.xlsx")


@login_required
@require_POST
def evidence_package(request, round_code):
    round, sheet, _visible = _national(request, round_code)
    try:
        job = services.start_evidence_package(request.user, sheet)
    except PermissionDenied:
        raise Http404 from None
    return redirect("jobs:detail", pk=job.pk)

