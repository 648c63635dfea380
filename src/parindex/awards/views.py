"""Thin views: read through selectors, write through services, ask policy_rules for access."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex import policy, web
from parindex.engine.cells import csv_writer, xlsx_row
from parindex.engine.printing import print_setup
from parindex.units.models import Unit

from . import documents, selectors, services
from .forms import (
    CampaignForm,
    DecisionForm,
    NominationEditForm,
    NominationForm,
    RegisterSearchForm,
    ReviewForm,
    RuleFormSet,
    WithdrawForm,
)
from .models import FORM_NAMES, Award, Campaign, Decision, Nomination, NomineeKind
from .rules import identity_key

HISTORY_PAGE = 50



def _campaign(request, code: str) -> Campaign:
    """The one door to a campaign: "not found" unless `request.user` may open it."""
    return get_object_or_404(
        policy.visible_campaigns(request.user).select_related("awarder_unit", "round", "authority"),
        code=code,
    )


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.encode("ascii", "ignore").decode())


# --------------------------------------------------------------------------- campaigns


@login_required
def campaign_list(request):
    user = request.user
    campaigns = policy.visible_campaigns(user).select_related("awarder_unit", "round")
    return render(request, "awards/campaign_list.html", {
        "campaigns": campaigns,
        "can_create": policy.can_create_campaign(user),
    })


@login_required
def campaign_create(request):
    if not policy.can_create_campaign(request.user):
        raise PermissionDenied
    managed = policy.campaign_managed_unit_ids(request.user)
    form = CampaignForm(request.POST or None, managed_units=managed)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(request.user, form.cleaned_data)
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("awards:campaign", code=campaign.code)
    return render(request, "awards/campaign_form.html", {"form": form, "campaign": None})


def _add_form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
def campaign_edit(request, code):
    campaign = _campaign(request, code)
    if not (policy.can_manage_campaign(request.user, campaign) and campaign.is_open):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, instance=Campaign.objects.get(pk=campaign.pk),
                        managed_units=policy.campaign_managed_unit_ids(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(request.user, campaign, form.cleaned_data)
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("awards:campaign", code=campaign.code)
    return render(request, "awards/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request, code):
    user = request.user
    campaign = _campaign(request, code)
    visible = policy.visible_nominations(user, campaign)
    nominations = list(selectors.nominations(visible))
    _mark_actions(user, campaign, nominations)
    collectives = [n for n in nominations if n.kind == NomineeKind.COLLECTIVE]
    individuals = [n for n in nominations if n.kind == NomineeKind.INDIVIDUAL]
    decision = Decision.objects.filter(campaign=campaign).first()
    rules = list(campaign.rules.select_related("unit_group"))
    if rules:
        labels = selectors.band_labels(campaign)
        for rule in rules:
            rule.band_label = labels.get(rule.band, rule.band)
    return render(request, "awards/campaign_detail.html", {
        "campaign": campaign,
        "collectives": collectives,
        "individuals": individuals,
        "counts": selectors.counts(campaign, visible),
        "rules": rules,
        "decision": decision,
        "can_manage": policy.can_manage_campaign(user, campaign) and campaign.is_open,
        "can_propose": policy.can_propose_from_results(user, campaign),
        "can_nominate": policy.can_nominate(user, campaign),
        "can_review": policy.can_review_nominations(user, campaign),
        "can_edit_decision": policy.can_edit_decision(user, campaign),
        "can_view_decision": decision is not None and policy.can_view_decision(user, campaign),
        "can_print": policy.can_print_certificates(user, campaign),
        "can_view_history": policy.can_view_campaign_history(user, campaign),
        "nomination_open": policy.nomination_open(campaign),
    })


@login_required
def rules_edit(request, code):
    campaign = _campaign(request, code)
    if not (policy.can_manage_campaign(request.user, campaign) and campaign.is_open):
        raise PermissionDenied
    initial = [
        {"kind": r.kind, "unit_group": r.unit_group, "top": r.top, "band": r.band,
         "min_index": r.min_index}
        for r in campaign.rules.select_related("unit_group")
    ]
    formset = RuleFormSet(request.POST or None, initial=initial, prefix="rules",
                          form_kwargs={"bands": selectors.band_labels(campaign)})
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        rows = [
            form.cleaned_data for form in formset.forms
            if form.cleaned_data and form.cleaned_data.get("kind")
            and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.replace_rules(request.user, campaign, rows)
        except ValidationError as error:
            errors = web.error_messages(error)
        else:
            messages.success(request, _("Proposal rules saved."))
            return redirect("awards:campaign", code=campaign.code)
    return render(request, "awards/rules_form.html", {
        "campaign": campaign, "formset": formset, "errors": errors,
    })


@login_required
@require_POST
def propose(request, code):
    campaign = _campaign(request, code)
    if not policy.can_propose_from_results(request.user, campaign):
        raise PermissionDenied
    try:
        created, skipped = services.propose_from_results(request.user, campaign)
    except (ValidationError, ValueError) as error:
        if isinstance(error, ValidationError):
            web.flash_errors(request, error)
        else:
            messages.error(request, str(error))
    else:
        messages.success(request, _("%(n)s collective(s) proposed from the results.")
                         % {"n": len(created)})
        if skipped:
            messages.info(request, _("Already in the campaign: %(names)s.")
                          % {"names": ", ".join(skipped)})
    return redirect("awards:campaign", code=campaign.code)


# --------------------------------------------------------------------------- nominations


def _mark_actions(user, campaign: Campaign, nominations) -> None:
    """Set can_edit and can_withdraw on each row; no query (roles are cached on the user)."""
    for nomination in nominations:
        nomination.campaign = campaign
        nomination.can_edit = policy.can_edit_nomination(user, nomination)
        nomination.can_withdraw = policy.can_withdraw_nomination(user, nomination)


def _nomination(request, campaign: Campaign, pk: int) -> Nomination:
    """A nomination `request.user` may read; any other answers "not found"."""
    nomination = get_object_or_404(
        selectors.nominations(policy.visible_nominations(request.user, campaign)), pk=pk
    )
    nomination.campaign = campaign
    return nomination


@login_required
def nominate(request, code):
    user = request.user
    campaign = _campaign(request, code)
    if not policy.can_nominate(user, campaign):
        raise PermissionDenied
    form = NominationForm(request.POST or None,
                          units=selectors.nominating_units(user, campaign))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = services.nominate(
                user, campaign, unit=data["unit"], kind=data["kind"], name=data["name"],
                position=data["position"], work_unit=data["work_unit"],
                achievement=data["achievement"], honorific=data["honorific"],
            )
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            messages.success(request, _("%(name)s nominated.") % {"name": nomination.name})
            if "another" in request.POST:
                return redirect("awards:nominate", code=campaign.code)
            return redirect("awards:campaign", code=campaign.code)
    return render(request, "awards/nominate.html", {"campaign": campaign, "form": form})


@login_required
@require_POST
def review(request, code, pk):
    campaign = _campaign(request, code)
    nomination = _nomination(request, campaign, pk)
    if not policy.can_review_nominations(request.user, campaign):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    error_messages: list[str] = []
    if form.is_valid():
        try:
            nomination = services.review(
                request.user, nomination, accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            error_messages = web.error_messages(error)
    else:
        error_messages = [_("Choose to accept or reject.")]
    if request.headers.get("HX-Request"):
        _mark_actions(request.user, campaign, [nomination])
        response = render(request, "awards/_nomination_row.html", {
            "n": nomination, "campaign": campaign, "can_review": True,
            "row_errors": error_messages,
        })
        response["HX-Trigger"] = "counts-changed"
        return response
    for message in error_messages:
        messages.error(request, message)
    return redirect("awards:campaign", code=campaign.code)


@login_required
def nomination_edit(request, code, pk):
    """A unit corrects its own nomination while it awaits review (plain form and redirect)."""
    user = request.user
    campaign = _campaign(request, code)
    nomination = _nomination(request, campaign, pk)
    if nomination.source != Nomination.Source.UNIT or not policy.answers_for_nomination(
        user, nomination
    ):
        raise PermissionDenied
    if not policy.can_edit_nomination(user, nomination) and request.method != "POST":
        web.flash_errors(request, services.not_changeable_error(nomination))
        return redirect("awards:campaign", code=campaign.code)
    form = NominationEditForm(request.POST or None, nomination=nomination)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {key: data[key] for key in services.NOMINATION_FIELDS if key in data}
        try:
            services.update_nomination(nomination, user, reason=data["reason"], **fields)
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            messages.success(request, _("The nomination of %(name)s was saved.")
                             % {"name": nomination.name})
            return redirect("awards:campaign", code=campaign.code)
    return render(request, "awards/nomination_edit.html", {
        "campaign": campaign, "nomination": nomination, "form": form,
    })


@login_required
@require_POST
def nomination_withdraw(request, code, pk):
    """Withdraw a nomination awaiting review, with a reason: the row in place under htmx."""
    user = request.user
    campaign = _campaign(request, code)
    nomination = _nomination(request, campaign, pk)
    if not policy.answers_for_nomination(user, nomination):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    error_messages: list[str] = []
    withdrawn = False
    if form.is_valid():
        try:
            services.withdraw_nomination(nomination, user, form.cleaned_data["reason"])
        except ValidationError as error:
            error_messages = web.error_messages(error)
        else:
            withdrawn = True
    else:
        error_messages = web.error_messages(ValidationError(form.errors))
    if request.headers.get("HX-Request"):
        _mark_actions(user, campaign, [nomination])
        response = render(request, "awards/_nomination_row.html", {
            "n": nomination, "campaign": campaign,
            "can_review": policy.can_review_nominations(user, campaign),
            "row_errors": error_messages,
            "row_message": _("Withdrawn.") if withdrawn else "",
        })
        if withdrawn:
            response["HX-Trigger"] = "counts-changed"
        return response
    for message in error_messages:
        messages.error(request, message)
    if withdrawn:
        messages.success(request, _("The nomination of %(name)s was withdrawn.")
                         % {"name": nomination.name})
    return redirect("awards:campaign", code=campaign.code)


@login_required
def counts(request, code):
    campaign = _campaign(request, code)
    return render(request, "awards/_counts.html", {
        "campaign": campaign,
        "counts": selectors.counts(campaign, policy.visible_nominations(request.user, campaign)),
    })


# --------------------------------------------------------------------------- the decision


@login_required
def decision_edit(request, code):
    campaign = _campaign(request, code)
    if not policy.can_edit_decision(request.user, campaign):
        raise PermissionDenied
    existing = Decision.objects.filter(campaign=campaign).first()
    instance = existing or _decision_defaults(campaign)
    form = DecisionForm(request.POST or None, instance=instance, authority=campaign.authority)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_decision(request.user, campaign, form.cleaned_data)
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("awards:decision", code=campaign.code)
    return render(request, "awards/decision_form.html", {"campaign": campaign, "form": form})


def _decision_defaults(campaign: Campaign) -> Decision:
    """A new decision pre-filled from the campaign: the body and the usual legal bases; with
    an awarding authority, these come from it and from the law in force on the date."""
    if campaign.authority_id:
        return Decision(campaign=campaign, recipients="- Như Điều 3;\n- Lưu: VT.")
    unit_name = campaign.awarder_unit.name
    body = unit_name.upper().replace("UBND ", "ỦY BAN NHÂN DÂN\n")
    return Decision(
        campaign=campaign,
        issuing_body=body,
        signer_title="CHỦ TỊCH" if "chairman" in campaign.awarder_kind else "GIÁM ĐỐC",
        legal_bases=(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\n"
            "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định "
            "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
        ),
        recipients="- Như Điều 3;\n- Lưu: VT.",
    )


@login_required
def decision(request, code):
    campaign = _campaign(request, code)
    if not Decision.objects.filter(campaign=campaign).exists():
        raise Http404
    if not policy.can_view_decision(request.user, campaign):
        raise Http404
    doc = documents.decision_doc(campaign)
    awards = list(selectors.campaign_awards(campaign)) if not campaign.is_open else []
    award_of = {award.nomination_id: award for award in awards}
    for nomination in doc.collectives + doc.individuals:
        nomination.award = award_of.get(nomination.pk)
    return render(request, "awards/decision.html", {
        "campaign": campaign,
        "doc": doc,
        "counts": selectors.counts(campaign),
        "can_edit": policy.can_edit_decision(request.user, campaign),
        "can_issue": policy.can_issue_decision(request.user, campaign),
        "can_print": policy.can_print_certificates(request.user, campaign),
        "awards": awards,
    })


@login_required
def decision_issue_confirm(request, code):
    """Issuing cannot be undone: the page says what it makes final and asks first."""
    campaign = _campaign(request, code)
    if not policy.can_issue_decision(request.user, campaign):
        raise Http404
    if not Decision.objects.filter(campaign=campaign).exists():
        raise Http404
    return render(request, "awards/decision_issue_confirm.html", {
        "campaign": campaign,
        "doc": documents.decision_doc(campaign),
        "counts": selectors.counts(campaign),
    })


@login_required
@require_POST
def decision_issue(request, code):
    campaign = _campaign(request, code)
    if not policy.can_issue_decision(request.user, campaign):
        raise PermissionDenied
    try:
        awards = services.issue_decision(request.user, campaign)
    except ValidationError as error:
        web.flash_errors(request, error)
    else:
        messages.success(request, _("Decision issued: %(n)s award(s) entered in the register.")
                         % {"n": len(awards)})
    return redirect("awards:decision", code=campaign.code)


def _decision_for_download(request, code) -> Campaign:
    campaign = _campaign(request, code)
    if not Decision.objects.filter(campaign=campaign).exists():
        raise Http404
    if not policy.can_view_decision(request.user, campaign):
        raise Http404
    return campaign


@login_required
def decision_pdf(request, code):
    campaign = _decision_for_download(request, code)
    doc = documents.decision_doc(campaign)
    name = f"quyet-dinh-{_slug(doc.decision.number)}.pdf"
    return web.attachment(documents.decision_pdf(doc), web.PDF, name)


@login_required
def decision_docx(request, code):
    campaign = _decision_for_download(request, code)
    doc = documents.decision_doc(campaign)
    name = f"quyet-dinh-{_slug(doc.decision.number)}.docx"
    return web.attachment(documents.decision_docx(doc), web.DOCX, name)


@login_required
def certificates_pdf(request, code):
    campaign = _campaign(request, code)
    if not policy.can_print_certificates(request.user, campaign):
        raise PermissionDenied
    awards = list(selectors.campaign_awards(campaign))
    return web.attachment(documents.certificates_pdf(campaign, awards), web.PDF,
                       f"{campaign.award_form.replace('_', '-')}-{campaign.code}.pdf")


@login_required
def certificate_pdf(request, pk):
    award = get_object_or_404(Award.objects.select_related("campaign__decision", "campaign__authority"), pk=pk)
    if award.campaign_id is None:  # recorded by hand: no decision here to print from
        raise Http404
    if not policy.can_download_certificate(request.user, award):
        raise Http404
    kind = "tt" if award.kind == NomineeKind.COLLECTIVE else "cn"
    return web.attachment(documents.certificates_pdf(award.campaign, [award]), web.PDF,
                       f"{award.campaign.award_form.replace('_', '-')}-{award.campaign.code}-{kind}"
                       f"{award.sequence:02d}.pdf")


@login_required
def history(request, code):
    campaign = _campaign(request, code)
    if not policy.can_view_campaign_history(request.user, campaign):
        raise Http404
    changes = Paginator(selectors.history(campaign), HISTORY_PAGE).get_page(request.GET.get("page"))
    return render(request, "awards/history.html", {"campaign": campaign, "changes": changes})


# --------------------------------------------------------------------------- the register

EXPORT_COLUMNS = [
    ("year", "Năm"), ("decision_number", "Số quyết định"), ("decision_date", "Ngày quyết định"),
    ("award_form", "Hình thức"), ("kind", "Đối tượng"), ("name", "Tên tập thể, cá nhân"),
    ("position", "Chức vụ"), ("work_unit", "Đơn vị công tác"), ("unit", "Đơn vị đề nghị"),
    ("awarder_title", "Người khen thưởng"), ("title_text", "Thành tích"),
]
EXPORT_WIDTHS = [6, 16, 14, 16, 12, 32, 20, 28, 28, 24, 50]


def _export_row(award: Award) -> list:
    values = {
        "year": award.year,
        "decision_number": award.decision_number,
        "decision_date": award.decision_date.strftime("%d/%m/%Y"),
        "award_form": FORM_NAMES.get(award.award_form, award.award_form),
        "kind": "Tập thể" if award.kind == NomineeKind.COLLECTIVE else "Cá nhân",
        "unit": award.unit.name if award.unit_id else "",
    }
    return [values.get(key, getattr(award, key, "")) for key, _title in EXPORT_COLUMNS]


@login_required
def register(request):
    if not policy.can_view_register(request.user):
        raise PermissionDenied
    form = RegisterSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    awards = selectors.search_register(
        q=filters.get("q") or "", unit=filters.get("unit") or "", year=filters.get("year"),
        award_form=filters.get("award_form") or "", kind=filters.get("kind") or "",
    )
    export = request.GET.get("export")
    if export == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 CSV with diacritics only with a BOM
        writer = csv_writer(out)
        writer.writerow([title for _key, title in EXPORT_COLUMNS])
        writer.writerows(_export_row(a) for a in awards)
        return web.attachment(out.getvalue().encode("utf-8"), web.CSV, "so-khen-thuong.csv")
    if export == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Sổ khen thưởng"
        header = [title for _key, title in EXPORT_COLUMNS]
        sheet.append(header)
        print_setup(sheet, EXPORT_WIDTHS, frozen_columns=6)
        for award in awards:
            sheet.append(xlsx_row(sheet, _export_row(award)))
        out = io.BytesIO()
        book.save(out)
        return web.attachment(out.getvalue(), web.XLSX, "so-khen-thuong.xlsx")
    return render(request, "awards/register.html", {
        "form": form,
        "awards": list(awards[:500]),
        "total": awards.count(),
        "years": selectors.register_years(),
        "query": request.GET.urlencode(),
    })


@login_required
def person(request):
    if not policy.can_view_register(request.user):
        raise PermissionDenied
    key = request.GET.get("key") or identity_key(
        "individual", request.GET.get("name", ""), request.GET.get("work_unit", "")
    )
    awards = list(selectors.person_history(key))
    if not awards:
        raise Http404
    return render(request, "awards/person.html", {"awards": awards, "first": awards[0]})


@login_required
def unit_awards(request, code):
    if not policy.can_view_register(request.user):
        raise PermissionDenied
    unit = get_object_or_404(Unit, code=code)
    own, nominated = selectors.unit_history(unit)
    return render(request, "awards/unit.html", {
        "unit": unit, "own": list(own), "nominated": list(nominated),
    })
