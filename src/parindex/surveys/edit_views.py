"""The manager's editing of a survey: thin views over forms (shape) and services (rules, writes).
Every view goes through views.manager_required and fetches its survey, group or round through a
policy queryset: another organiser's survey (or round, for a new survey) is "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex import policy
from parindex.units.models import Unit

from . import forms, selectors, services
from .definition import DEFAULT_OPTIONS, survey_leaves
from .models import Question, RespondentGroup
from .views import _group, _survey, manager_required


def _unit_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {name}") for code, name in
            Unit.objects.order_by("code").values_list("code", "name")]


def _leaf_choices(round) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for leaves in survey_leaves(round).values():
        for code, node in sorted(leaves.items()):
            seen.setdefault(code, f"{code} — {node.title} (max {node.max_points})")
    return sorted(seen.items())


@manager_required
def create(request):
    """Start an empty survey for a round that has none."""
    if request.method == "POST":
        round = get_object_or_404(policy.rounds_to_manage(request.user),
                                  code=request.POST.get("round", ""))
        form = forms.SurveyForm(request.POST)
        if form.is_valid():
            try:
                services.create_survey_for(request.user, round, **form.cleaned_data)
                return redirect("surveys:edit", round=round.code)
            except services.EditRefused as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("surveys:index")


@manager_required
def edit(request, round):
    survey = _survey(request, round)
    form = forms.SurveyForm(request.POST or None,
                            initial={"name": survey.name, "margin": survey.margin})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_survey(request.user, survey, **form.cleaned_data)
            messages.success(request, _("Survey saved."))
            return redirect("surveys:edit", round=round)
        except services.EditRefused as exc:
            form.add_error(None, exc.message)
    groups = survey.groups.annotate(n_questions=Count("questions", distinct=True),
                                    n_units=Count("targets", distinct=True))
    return render(request, "surveys/edit_survey.html", {
        "survey": survey, "form": form, "groups": groups,
    }, status=400 if form.errors else 200)


def _group_page(request, survey, group):
    """The group's settings, its units evaluated and its sections, saved together."""
    choices = _unit_choices()
    if group is not None:
        targets = [{"unit": t.unit.code, "population": t.population}
                   for t in group.targets.select_related("unit").order_by("unit__code")]
        sections = [{"id": s.pk, "title": s.title} for s in group.sections.all()]
        initial = {"code": group.code, "name": group.name, "intro": group.intro,
                   "access": group.access, "accepting": group.accepting}
    else:
        targets, sections, initial = [], [], {"access": "open", "accepting": True}
    data = request.POST if request.method == "POST" else None
    form = forms.GroupForm(data, initial=initial)
    target_set = forms.TargetFormSet(data, initial=targets, prefix="units",
                                     form_kwargs={"unit_choices": choices})
    section_set = forms.SectionFormSet(data, initial=sections, prefix="sections")
    if data is not None and form.is_valid() and target_set.is_valid() and section_set.is_valid():
        rows = [(f.cleaned_data["unit"], f.cleaned_data.get("population"))
                for f in target_set.forms
                if f.cleaned_data.get("unit") and not f.cleaned_data.get("DELETE")]
        sections = [(f.cleaned_data.get("id"), f.cleaned_data.get("title") or "")
                    for f in section_set.forms]
        try:
            group = services.save_group(request.user, survey, group, targets=rows,
                                        sections=sections, **form.cleaned_data)
            messages.success(request, _("Group saved."))
            return redirect("surveys:group_edit", round=survey.round.code, group=group.code)
        except services.EditRefused as exc:
            form.add_error(None, exc.message)
    questions = []
    locked = False
    if group is not None:
        questions = list(group.questions.select_related("section").annotate(
            n_options=Count("options")).order_by("position"))
        locked = selectors.has_responses(group)
    failed = data is not None
    return render(request, "surveys/edit_group.html", {
        "survey": survey, "group": group, "form": form, "target_set": target_set,
        "section_set": section_set, "questions": questions, "locked": locked,
    }, status=400 if failed else 200)


@manager_required
def group_new(request, round):
    return _group_page(request, _survey(request, round), None)


@manager_required
def group_edit(request, round, group):
    group = _group(request, round, group)
    return _group_page(request, group.survey, group)


def _question_page(request, group: RespondentGroup, question: Question | None):
    sections = list(group.sections.all())
    if question is not None:
        options = [{"code": o.code, "label": o.label, "weight": o.weight}
                   for o in question.options.order_by("position")]
        initial = {"code": question.code, "text": question.text, "section": question.section_id,
                   "leaf_code": question.leaf_code, "required": question.required}
    else:
        options = [{"code": o["code"], "label": o["label"], "weight": o["weight"]}
                   for o in DEFAULT_OPTIONS]
        initial = {"required": True, "section": sections[-1].pk if sections else None}
    data = request.POST if request.method == "POST" else None
    form = forms.QuestionForm(data, initial=initial, sections=sections,
                              leaves=_leaf_choices(group.survey.round))
    option_set = forms.OptionFormSet(data, initial=options, prefix="options")
    if data is not None and form.is_valid() and option_set.is_valid():
        rows = [(f.cleaned_data["code"], f.cleaned_data.get("label") or "",
                 f.cleaned_data.get("weight"))
                for f in option_set.forms
                if f.cleaned_data.get("code") and not f.cleaned_data.get("DELETE")]
        cleaned = form.cleaned_data
        try:
            services.save_question(
                request.user, group, question, code=cleaned["code"], text=cleaned["text"],
                section_id=cleaned["section"], leaf_code=cleaned["leaf_code"],
                required=cleaned["required"], options=rows)
            messages.success(request, _("Question saved."))
            return redirect("surveys:group_edit", round=group.survey.round.code,
                            group=group.code)
        except services.EditRefused as exc:
            form.add_error(None, exc.message)
    return render(request, "surveys/edit_question.html", {
        "survey": group.survey, "group": group, "question": question, "form": form,
        "option_set": option_set, "locked": selectors.has_responses(group),
        "no_sections": not sections,
    }, status=400 if data is not None else 200)


@manager_required
def question_new(request, round, group):
    return _question_page(request, _group(request, round, group), None)


@manager_required
def question_edit(request, round, group, pk):
    group = _group(request, round, group)
    return _question_page(request, group, get_object_or_404(Question, pk=pk, group=group))


@manager_required
@require_POST
def question_delete(request, round, group, pk):
    group = _group(request, round, group)
    question = get_object_or_404(Question, pk=pk, group=group)
    try:
        services.delete_question(request.user, question)
        messages.success(request, _("Question deleted."))
    except services.EditRefused as exc:
        messages.error(request, exc.message)
    return redirect("surveys:group_edit", round=round, group=group.code)
