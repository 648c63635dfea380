"""Pages of the assessment cycle. Thin: permissions from `parindex.policy`, writes through
`services`, reads from `selectors`. A sheet the person may not see is "not found", never
"forbidden", so ids cannot be probed."""

from __future__ import annotations

from collections import Counter

from csp.constants import SELF as CSP_SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from parindex import history, policy, web
from parindex.units.models import Unit

from . import exports, selectors, services, sheet_xlsx
from .forms import (
    AnswerForm,
    AssignForm,
    ReasonForm,
    RequestForm,
    RoundForm,
    UploadForm,
    compose_value,
    parse_version,
)
from .models import Assignment, Evidence, ExplanationRequest, Round, Sheet
from .selectors import APPRAISED, SELF, leaf_of, sheet_data

S = Sheet.State
HISTORY_PAGE = 50


def _round(request, code: str) -> Round:
    return get_object_or_404(
        policy.visible_rounds(request.user).select_related("organiser"), code=code
    )


def _sheet(request, round_code: str, unit_code: str) -> Sheet:
    round = get_object_or_404(Round, code=round_code)
    return get_object_or_404(
        policy.visible_sheets(request.user, round).select_related(
            "round__organiser", "unit", "framework__unit_group", "submitted_by"
        ),
        unit__code=unit_code,
    )


def _sheet_url(sheet: Sheet, anchor: str = "") -> str:
    url = reverse("assessments:sheet", args=[sheet.round.code, sheet.unit.code])
    return f"{url}#{anchor}" if anchor else url


# --------------------------------------------------------------------------- rounds


@login_required
def index(request):
    rounds = policy.visible_rounds(request.user).select_related("organiser").order_by(
        "-year", "code"
    )
    return render(request, "assessments/index.html", {
        "rounds": rounds,
        "my_sheets": policy.own_unit_sheets(request.user).select_related("round", "unit")
        .order_by("-round__year", "unit__code"),
        "can_open": policy.can_open_rounds(request.user),
    })


@login_required
def round_new(request):
    organisers = policy.organisers_to_manage(request.user)
    if not organisers.exists():
        raise Http404
    form = RoundForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round = _open(request.user, data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, web.error_messages(error))
        else:
            if round.kind == Round.Kind.RESULTS:
                messages.success(request, _("The results round is open: import its appraised "
                                            "scores, then publish its results."))
            else:
                messages.success(request, _("The round is open; each unit's sheet is ready."))
            return redirect("assessments:round", round.code)
    return render(request, "assessments/round_form.html", {"form": form})


def _list_filters(request) -> dict[str, str]:
    return {key: request.GET.get(key, "") for key in ("status", "state", "q")}


def _sheet_list(request, round: Round, sheets, order: tuple[str, ...]) -> dict:
    """The context of a paginated, filtered list of the round's sheets."""
    chosen = _list_filters(request)
    listed = selectors.filtered(
        round, sheets, status=chosen["status"], state=chosen["state"], query=chosen["q"]
    )
    page = selectors.page(
        selectors.with_progress(round, listed).order_by(*order), request.GET.get("page")
    )
    return {
        "round": round,
        "page": page,
        "filters": chosen,
        "state_counts": selectors.state_counts(sheets),
        "counts": selectors.progress_counts(round, sheets),
    }


def _open(user, data) -> Round:
    """The one service call that opens the round of the form's kind."""
    if data["kind"] == Round.Kind.RESULTS:
        return services.create_round(
            user, data["code"], data["name"], data["year"], data["organiser"].code,
            [fw.code for fw in data["frameworks"]], decision_number=data["decision_number"],
            published_on=data["published_on"], kind=Round.Kind.RESULTS,
        )
    return services.open_round(
        user, code=data["code"], name=data["name"], year=data["year"],
        organiser=data["organiser"], frameworks=list(data["frameworks"]),
        units=list(data["units"]) or None,
        deadlines=services.Deadlines(
            data["self_deadline"], data["appraisal_deadline"], data["explanation_deadline"],
            data["final_deadline"], data["approval_deadline"],
        ),
    )


@login_required
def round_detail(request, round_code):
    round = _round(request, round_code)
    user = request.user
    sheets = policy.visible_sheets(user, round)
    return render(request, "assessments/round.html", {
        **_sheet_list(request, round, sheets, ("unit__code",)),
        "whole_round": policy.sees_whole_round(user, round),
        "can_manage": policy.can_manage_round(user, round),
        "can_approve": policy.can_approve_round(user, round),
        "groups": selectors.group_states(round) if policy.sees_whole_round(user, round)
        and round.kind == Round.Kind.ASSESSMENT else [],
        "to_approve": set(policy.groups_to_approve(user, round).values_list("pk", flat=True)),
        "can_view_history": policy.can_view_round_history(user, round),
        "queue": policy.appraisal_queue(user, round).count(),
        "results_round": round.kind == Round.Kind.RESULTS,
        "can_import": policy.can_import_scores(user, round),
        "can_manage_results": policy.can_preview_results(user, round),
        "national": policy.sees_national_page(user, round),
    })


@login_required
def progress_board(request, round_code):
    round = _round(request, round_code)
    if not policy.can_view_progress(request.user, round):
        raise Http404
    if request.GET.get("format") == "xlsx":
        sheets = round.sheets.select_related("unit", "submitted_by").order_by("unit__code")
        return web.attachment(exports.progress_xlsx(round, selectors.with_progress(round, sheets)),
                              web.XLSX,
                              f"{round.code}-progress.xlsx")
    context = _sheet_list(request, round, round.sheets.all(), ("unit__code",))
    return render(request, "assessments/progress.html", {
        **context, "status": context["filters"]["status"],
        "can_view_reminders": policy.can_view_reminders(request.user, round),
    })


@login_required
def assignments(request, round_code):
    round = _round(request, round_code)
    if not policy.can_manage_round(request.user, round):
        raise Http404
    appraisers = policy.round_appraisers(round)
    units = Unit.objects.filter(sheets__round=round)
    form = AssignForm(request.POST or None, appraisers=appraisers, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assign(request.user, round, data["appraiser"], data["unit"],
                            data["field_code"].strip())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("assessments:assignments", round.code)
    rows = Assignment.objects.filter(round=round).select_related("user", "unit").order_by(
        "unit__code", "user__username"
    )
    return render(request, "assessments/assignments.html", {
        "round": round, "form": form, "rows": rows,
    })


@login_required
def queue(request, round_code):
    round = _round(request, round_code)
    sheets = policy.appraisal_queue(request.user, round)
    return render(
        request,
        "assessments/queue.html",
        _sheet_list(request, round, sheets, ("submitted_at", "unit__code")),
    )


@login_required
@require_POST
def approve(request, round_code):
    """The council approves one unit group (`framework` posted) or every group left."""
    round = _round(request, round_code)
    framework = request.POST.get("framework", "")[:100]
    try:
        if framework:
            round = services.approve_group(request.user, round, framework)
        else:
            round = services.approve_round(request.user, round)
    except (ValidationError, PermissionDenied) as error:
        web.flash_errors(request, error)
    else:
        if round.approved_at:
            messages.success(request, _("The round is approved; its appraised scores are final."))
        else:
            messages.success(request, _("The unit group is approved; its appraised scores are "
                                        "final and its results may be computed."))
    return redirect("assessments:round", round.code)


@login_required
def round_compare(request, round_code):
    round = _round(request, round_code)
    if not policy.sees_whole_round(request.user, round):
        raise Http404
    rows = exports.round_comparison(round)
    if request.GET.get("format") == "xlsx":
        return web.attachment(exports.comparison_xlsx(rows), web.XLSX, f"{round.code}-self-vs-appraised.xlsx")
    return render(request, "assessments/round_compare.html", {"round": round, "rows": rows})


@login_required
def round_history_page(request, round_code):
    """Every change of the round, newest first, 50 a page; the XLSX export has them all."""
    round = _round(request, round_code)
    if not policy.can_view_round_history(request.user, round):
        raise Http404
    changes = Paginator(history.about(round), HISTORY_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessments/round_history.html", {"round": round, "changes": changes})


@login_required
def round_history(request, round_code):
    round = _round(request, round_code)
    if not policy.can_view_round_history(request.user, round):
        raise Http404
    return web.attachment(exports.history_xlsx(round, history.for_scope(round)), web.XLSX, f"{round.code}-history.xlsx")


# --------------------------------------------------------------------------- the sheet


def _mark_appraisable(user, sheet: Sheet, data) -> bool:
    """Mark the rows whose appraised score `user` may set; whether there is any."""
    appraise_any = policy.can_appraise(user, sheet)
    for row in data.rows:
        row.can_appraise = appraise_any and policy.can_appraise(user, sheet, row.field_code)
    return appraise_any


def _sheet_context(request, sheet: Sheet, data=None) -> dict:
    user = request.user
    data = data or sheet_data(sheet)
    appraise_any = _mark_appraisable(user, sheet, data)
    show_appraisal = sheet.state != S.DRAFT and (
        policy.sees_whole_round(user, sheet.round) or policy.is_appraiser(user, sheet)
        or sheet.state in (S.EXPLANATION, S.EXPLAINED, S.FINALISED, S.APPROVED)
    )
    edit_self = policy.can_edit_self(user, sheet)
    can_explain = policy.can_explain(user, sheet)
    is_member = policy.is_unit_member(user, sheet)
    # The unit follows its own scores; the appraisers and the round's managers the appraisal.
    stage = APPRAISED if show_appraisal and not is_member else SELF
    results = {
        SELF: data.result(SELF),
        APPRAISED: data.result(APPRAISED) if show_appraisal else None,
    }
    navigation = selectors.flag_leaves(
        data, stage, results[stage], with_appraisal=show_appraisal, explain=can_explain,
        decides=(lambda row: row.can_appraise) if stage == APPRAISED else (lambda row: edit_self),
    )
    accept = selectors.acceptable(data) if appraise_any else []
    accept_by_field = Counter(row.field_code for row in accept)
    for field in navigation.fields:
        field.row.accept = accept_by_field[field.row.node.code]
    return {
        "sheet": sheet,
        "round": sheet.round,
        "data": data,
        "self_result": results[SELF],
        "appraised_result": results[APPRAISED],
        "field_names": {node.code: node.title for node in data.framework.nodes},
        "show_appraisal": show_appraisal,
        "edit_self": edit_self,
        "appraise": appraise_any,
        "navigation": navigation,
        "accept_total": len(accept),
        "can_submit": policy.can_submit(user, sheet),
        "can_reopen": policy.can_reopen(user, sheet),
        "can_request": policy.can_request_explanation(user, sheet),
        "can_finalise": policy.can_finalise(user, sheet),
        "can_explain": can_explain,
        "is_member": is_member,
        "late": sheet.state == S.DRAFT and sheet.round.self_deadline is not None
        and timezone.localdate() > sheet.round.self_deadline,
        "reason_form": ReasonForm(),
    }


@login_required
def sheet(request, round_code, unit_code):
    sheet = _sheet(request, round_code, unit_code)
    return render(request, "assessments/sheet.html", _sheet_context(request, sheet))


@login_required
@require_POST
def save_score(request, round_code, unit_code, node_code, stage):
    """Autosave of one leaf (htmx). Always answers 200 with out-of-band fragments: the row's
    status, points, version and the totals; on a conflict, the whole row with the current
    value; so the page shows every outcome and nothing typed disappears silently."""
    sheet = _sheet(request, round_code, unit_code)
    if stage not in (SELF, APPRAISED):
        raise Http404
    try:
        _framework, _node, leaf = leaf_of(sheet, node_code)
    except KeyError:
        raise Http404 from None
    outcome, message, current = "saved", "", None
    try:
        value = compose_value(leaf, request.POST)
        services.save_score(
            request.user, sheet, node_code, stage, value, request.POST.get("note", ""),
            parse_version(request.POST),
        )
    except services.Conflict as conflict:
        outcome, message, current = "conflict", str(conflict), conflict.current
    except (ValidationError, PermissionDenied) as error:
        outcome, message = "error", " ".join(web.error_messages(error))
    context = _sheet_context(request, sheet, sheet_data(sheet))
    context.update({
        "row": context["data"].row(node_code), "stage": stage, "outcome": outcome,
        "message": message, "current": current,
    })
    response = render(request, "assessments/_saved.html", context)
    response["X-Parindex-Outcome"] = outcome  # tells the page's script the save was answered
    return response


@login_required
@require_POST
def upload_evidence(request, round_code, unit_code, node_code):
    sheet = _sheet(request, round_code, unit_code)
    request_id = request.POST.get("request")
    explanation = None
    if request_id:
        explanation = get_object_or_404(ExplanationRequest, pk=request_id, sheet=sheet)
    form = UploadForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        try:
            services.add_evidence(request.user, sheet, node_code, form.cleaned_data["file"],
                                  request=explanation)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        except PermissionDenied as refused:
            error = str(refused)
    else:
        error = _("Choose a file to upload.")
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect(_sheet_url(sheet, f"leaf-{node_code}"))
    context = _sheet_context(request, sheet)
    try:
        context.update({"row": context["data"].row(node_code), "evidence_error": error})
    except StopIteration:
        raise Http404 from None
    return render(request, "assessments/_evidence.html", context)


def _evidence(request, pk) -> Evidence:
    """The one door to a piece of evidence: through the sheets of its round the person sees."""
    round = get_object_or_404(Round, sheets__evidence__pk=pk)
    return get_object_or_404(
        policy.visible_evidence(request.user, round).select_related(
            "sheet__round", "sheet__unit", "node"
        ),
        pk=pk,
    )


@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [CSP_SELF]})
def evidence_file(request, pk):
    """The file itself: a PDF or an image inline (the sheet previews it in a frame of its own
    origin), anything else as a download."""
    evidence = _evidence(request, pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=not evidence.preview,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def remove_evidence(request, pk):
    evidence = _evidence(request, pk)
    try:
        services.remove_evidence(request.user, evidence, request.POST.get("reason", ""))
    except PermissionDenied as error:
        web.flash_errors(request, error)
    return redirect(_sheet_url(evidence.sheet, f"leaf-{evidence.node.code}"))


# Each irreversible step of the sheet asks first (a page, so it works without script): the
# predicate that lets the person take the step lets them see its confirmation.
STEPS = {
    "submit": policy.can_submit,
    "send": policy.can_request_explanation,
    "finalise": policy.can_finalise,
    "accept": policy.can_appraise,
}


@login_required
def sheet_confirm(request, round_code, unit_code, action):
    sheet = _sheet(request, round_code, unit_code)
    allowed = STEPS.get(action)
    if allowed is None or not allowed(request.user, sheet):
        raise Http404
    problems, accept, field = [], [], request.GET.get("field") or None
    if action == "submit" and sheet.state == S.DRAFT:
        problems = services.submission_problems(sheet)
    if action == "accept":
        data = sheet_data(sheet, with_files=False)
        _mark_appraisable(request.user, sheet, data)
        accept = selectors.acceptable(data, field)
    return render(request, "assessments/confirm.html", {
        "sheet": sheet,
        "round": sheet.round,
        "action": action,
        "summary": selectors.step_summary(sheet),
        "problems": problems,
        "accept": accept,
        "field": field,
    })


@login_required
@require_POST
def sheet_action(request, round_code, unit_code, action):
    sheet = _sheet(request, round_code, unit_code)
    done = {
        "submit": _("The sheet is submitted and locked."),
        "reopen": _("The sheet is reopened for the unit."),
        "send": _("The explanation requests are sent to the unit."),
        "finalise": _("The appraisal of this sheet is finalised."),
        "accept": "",
    }
    if action not in done:
        raise Http404
    try:
        if action == "accept":
            count = services.accept_self_scores(request.user, sheet,
                                                request.POST.get("field") or None)
            done[action] = ngettext(
                "%(count)s self score accepted as the appraised score.",
                "%(count)s self scores accepted as the appraised scores.", count,
            ) % {"count": count}
        elif action == "submit":
            services.submit(request.user, sheet)
        elif action == "reopen":
            services.reopen(request.user, sheet, request.POST.get("reason", ""))
        elif action == "send":
            services.send_requests(request.user, sheet)
        else:
            services.finalise(request.user, sheet)
    except ValidationError as error:
        if action == "submit" and sheet.state == S.DRAFT:
            # The confirmation lists what is missing, each sub-criterion linked to its place.
            messages.error(request, _("The sheet cannot be submitted yet."))
            return redirect("assessments:sheet_confirm", sheet.round.code, sheet.unit.code,
                            action)
        web.flash_errors(request, error)
    except PermissionDenied as error:
        web.flash_errors(request, error)
    else:
        messages.success(request, done[action])
    return redirect(_sheet_url(sheet))


@login_required
@require_POST
def request_explanation(request, round_code, unit_code, node_code):
    sheet = _sheet(request, round_code, unit_code)
    form = RequestForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write what the unit should explain."))
        services.request_explanation(request.user, sheet, node_code,
                                     form.cleaned_data["question"])
    except (ValidationError, PermissionDenied) as error:
        web.flash_errors(request, error)
    else:
        messages.success(request, _("Explanation requested for %(code)s.") % {"code": node_code})
    return redirect(_sheet_url(sheet, f"leaf-{node_code}"))


@login_required
@require_POST
def answer(request, round_code, unit_code, pk):
    sheet = _sheet(request, round_code, unit_code)
    explanation = get_object_or_404(
        ExplanationRequest.objects.select_related("node"), pk=pk, sheet=sheet
    )
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the explanation."))
        services.answer_request(request.user, explanation, form.cleaned_data["answer"],
                                form.cleaned_data["version"])
    except services.Conflict as conflict:
        messages.error(request, f"{conflict} «{conflict.current.answer}»")
    except (ValidationError, PermissionDenied) as error:
        web.flash_errors(request, error)
    else:
        messages.success(request, _("Explanation saved."))
    return redirect(_sheet_url(sheet, f"leaf-{explanation.node.code}"))


@login_required
def leaf_history(request, round_code, unit_code, node_code):
    sheet = _sheet(request, round_code, unit_code)
    return render(request, "history/_changes.html", {
        "changes": history.for_object(sheet, node_code), "sheet": sheet,
    })


@login_required
def sheet_history(request, round_code, unit_code):
    sheet = _sheet(request, round_code, unit_code)
    return render(request, "assessments/sheet_history.html", {
        "sheet": sheet, "round": sheet.round, "changes": history.for_object(sheet),
    })


@login_required
def sheet_compare(request, round_code, unit_code):
    sheet = _sheet(request, round_code, unit_code)
    context = _sheet_context(request, sheet)
    if not context["show_appraisal"]:
        raise Http404
    return render(request, "assessments/sheet_compare.html", context)


# --------------------------------------------------------------------------- XLSX in and out


@login_required
def sheet_download(request, round_code, unit_code):
    sheet = _sheet(request, round_code, unit_code)
    context = _sheet_context(request, sheet)
    content = sheet_xlsx.write_sheet(context["data"], with_appraisal=context["show_appraisal"])
    return web.attachment(content, web.XLSX, f"{sheet.round.code}-{sheet.unit.code}.xlsx")


@login_required
@require_POST
def sheet_upload(request, round_code, unit_code):
    sheet = _sheet(request, round_code, unit_code)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(_sheet_url(sheet))
    try:
        count = sheet_xlsx.import_sheet(request.user, sheet, form.cleaned_data["file"])
    except sheet_xlsx.SheetFileError as error:
        return render(request, "assessments/upload_errors.html", {
            "sheet": sheet, "round": sheet.round, "errors": error.errors,
        }, status=400)
    except PermissionDenied as error:
        web.flash_errors(request, error)
    else:
        messages.success(request, _("%(count)s values imported from the file.") % {"count": count})
    return redirect(_sheet_url(sheet))

