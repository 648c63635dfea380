"""The questionnaire: the survey, its respondent groups (units evaluated, sections) and questions,
from the editing pages or a definition file. Nothing changes a group that has responses in a way
that would change what they answered."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from parindex import history
from parindex.assessments.models import Round
from parindex.units.models import Unit

from .. import scoring
from ..definition import DefinitionError, plan_survey, read_definition, survey_leaves
from ..models import (
    GroupUnit,
    ImportBatch,
    Option,
    Question,
    RespondentGroup,
    Response,
    Section,
    Survey,
)
from ..selectors import has_responses, unit_has_responses
from .common import (
    _changed,
    _check,
)


def import_definition(actor, round: Round, path: str | Path, *,
                      replace: bool = False) -> Survey:
    """Store a survey definition file for `round` (the `load-survey` command): one `import`
    row with what the file holds; DefinitionError (nothing written) for a bad file."""
    _check(actor, round)
    with transaction.atomic():
        survey = load_survey(round, path, replace=replace)
        history.record(actor, "import", survey, scope=survey, after={
            "file": Path(path).name, "name": survey.name, "margin": survey.margin,
            "groups": survey.groups.count(),
            "questions": Question.objects.filter(group__survey=survey).count()})
    return survey


class EditRefused(Exception):
    """A change to the questionnaire that would break stored responses or the scoring."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _locked_message() -> str:
    return _("This group already has responses: each answer is stored by the place of its "
             "question and the code of its option, so questions and options can no longer be "
             "added, removed, moved or recoded. Texts, weights and sub-criteria stay editable.")


def create_survey_for(actor, round: Round, *, name: str, margin: Decimal) -> Survey:
    _check(actor, round)
    if Survey.objects.filter(round=round).exists():
        raise EditRefused(_("This round already has a survey."))
    check_margin(margin)
    with transaction.atomic():
        survey = Survey.objects.create(round=round, name=name.strip(), margin=margin)
        history.record(actor, "create", survey, scope=survey,
                       after={"round": round.code, "name": survey.name, "margin": margin})
    return survey


def check_margin(margin: Decimal) -> None:
    if not Decimal(0) < margin < Decimal(1):
        raise EditRefused(_("The margin of error must be between 0 and 1, e.g. 0.05."))


def update_survey(actor, survey: Survey, *, name: str, margin: Decimal) -> Survey:
    _check(actor, survey.round)
    check_margin(margin)
    with transaction.atomic():
        stored = Survey.objects.select_for_update().get(pk=survey.pk)
        changes = _changed({"name": stored.name, "margin": stored.margin},
                           {"name": name.strip(), "margin": margin})
        survey.name = name.strip()
        survey.margin = margin
        survey.save(update_fields=["name", "margin"])
        if changes:
            history.record(actor, "update", survey, scope=survey, changes=changes)
    return survey


def _group_state(group: RespondentGroup | None) -> dict:
    """What the log keeps of a group: its settings, units evaluated and section titles."""
    if group is None or group.pk is None:
        return {}
    return {
        "code": group.code, "name": group.name, "intro": group.intro, "access": group.access,
        "accepting": group.accepting,
        "units": [t.unit.code if t.population is None else f"{t.unit.code} (N={t.population})"
                  for t in group.targets.select_related("unit").order_by("unit__code")],
        "sections": [s.title for s in group.sections.order_by("position")],
    }


def save_group(actor, survey: Survey, group: RespondentGroup | None, *, code: str, name: str,
               intro: str, access: str, accepting: bool,
               targets: list[tuple[str, int | None]],
               sections: list[tuple[int | None, str]] | None = None) -> RespondentGroup:
    """Create or change a respondent group, replace its units evaluated, given as
    [(unit code, transactions N or None)] (a unit with responses cannot be taken away), and
    save its sections (see save_sections), all or nothing."""
    _check(actor, survey.round)
    if access not in RespondentGroup.Access.values:
        raise EditRefused(_("Choose who may answer."))
    clash = RespondentGroup.objects.filter(survey=survey, code=code)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise EditRefused(_("Another group of this survey has the code %(code)s.") % {
            "code": code})
    codes = [unit for unit, _population in targets]
    if len(set(codes)) != len(codes):
        raise EditRefused(_("A unit is listed twice."))
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    if len(units) != len(codes):
        raise EditRefused(_("Unknown unit."))
    if not codes:
        raise EditRefused(_("List the units this group evaluates."))
    with transaction.atomic():
        before = _group_state(group)
        if group is None:
            position = RespondentGroup.objects.filter(survey=survey).count()
            group = RespondentGroup(survey=survey, position=position)
        group.code, group.name, group.intro = code, name.strip(), intro.strip()
        group.access, group.accepting = access, accepting
        group.save()
        current = {t.unit.code: t for t in group.targets.select_related("unit")}
        removed = set(current) - set(codes)
        if removed and unit_has_responses(
                group, [current[code].unit for code in removed]):
            raise EditRefused(_("A unit that already has responses cannot be taken away: "
                                "%(units)s.") % {"units": ", ".join(sorted(removed))})
        GroupUnit.objects.filter(group=group, unit__code__in=removed).delete()
        changed, new = [], []
        for unit_code, population in targets:
            target = current.get(unit_code)
            if target is None:
                new.append(GroupUnit(group=group, unit=units[unit_code], population=population))
            elif target.population != population:
                target.population = population
                changed.append(target)
        GroupUnit.objects.bulk_update(changed, ["population"])
        GroupUnit.objects.bulk_create(new)
        if sections is not None:
            save_sections(group, sections)
        if changes := _changed(before, _group_state(group)):
            history.record(actor, "update" if before else "create", group, scope=survey,
                           changes=changes)
    return group


def save_sections(group: RespondentGroup, sections: list[tuple[int | None, str]]) -> None:
    """Rename sections and add new ones (id None) at the end; a section left with an empty title
    is removed when it has no questions. Part of `save_group`, which checks and logs."""
    with transaction.atomic():
        existing = {s.pk: s for s in group.sections.all()}
        used = set(Question.objects.filter(group=group).values_list("section_id", flat=True))
        renamed, removed = [], []
        position = max((s.position for s in existing.values()), default=-1) + 1
        for pk, title in sections:
            title = title.strip()
            if pk is None:
                if title:
                    Section.objects.create(group=group, position=position, title=title)
                    position += 1
                continue
            section = existing.get(pk)
            if section is None:
                raise EditRefused(_("Unknown section."))
            if not title:
                if pk in used:
                    raise EditRefused(_("The section “%(title)s” has questions: move or delete "
                                        "them before removing it.") % {"title": section.title})
                removed.append(pk)
            elif title != section.title:
                section.title = title
                renamed.append(section)
        Section.objects.bulk_update(renamed, ["title"])
        Section.objects.filter(pk__in=removed).delete()


def _renumber(group: RespondentGroup) -> None:
    """Positions 0, 1, 2… in questionnaire order (sections, then questions within each)."""
    questions = list(Question.objects.filter(group=group).order_by("section__position",
                                                                    "position"))
    Question.objects.filter(group=group).update(position=F("position") + 100000)
    for index, question in enumerate(questions):
        question.position = index
    Question.objects.bulk_update(questions, ["position"])


def _question_state(question: Question | None) -> dict:
    """What the log keeps of a question: its texts, section and options."""
    if question is None or question.pk is None:
        return {}
    return {
        "code": question.code, "text": question.text, "section": question.section.title,
        "leaf_code": question.leaf_code, "required": question.required,
        "options": [f"{o.code}: {o.label} ({'–' if o.weight is None else o.weight})"
                    for o in question.options.order_by("position")],
    }


def save_question(actor, group: RespondentGroup, question: Question | None, *, code: str,
                  text: str,
                  section_id: int, leaf_code: str, required: bool,
                  options: list[tuple[str, str, Decimal | None]]) -> Question:
    """Create or change a question and its answer options [(code, label, weight)].

    Weights (0..1, None for "don't know"), texts, labels and the sub-criterion stay editable at
    any time; once the group has responses, the options' codes and order and the question's
    section are fixed, and no question can be added.
    """
    _check(actor, group.survey.round)
    errors = []
    codes = [c for c, _label, _weight in options]
    if not options:
        errors.append(_("Give at least one answer option."))
    if len(set(codes)) != len(codes):
        errors.append(_("An option code is used twice."))
    for option_code, _label, weight in options:
        if len(option_code) != 1 or not option_code.isalnum():
            errors.append(_("An option code is one letter or digit."))
        if weight is not None:
            try:
                scoring.check_weight(weight)
            except ValueError:
                errors.append(_("The weight of %(code)s must be between 0 and 1.") % {
                    "code": option_code})
    if leaf_code:
        allowed = {c for leaves in survey_leaves(group.survey.round).values() for c in leaves}
        if leaf_code not in allowed:
            errors.append(_("%(code)s is not a survey sub-criterion of this round's "
                            "frameworks.") % {"code": leaf_code})
    section = Section.objects.filter(group=group, pk=section_id).first()
    if section is None:
        errors.append(_("Unknown section."))
    clash = Question.objects.filter(group=group, code=code)
    if question is not None:
        clash = clash.exclude(pk=question.pk)
    if clash.exists():
        errors.append(_("Another question of this group has the code %(code)s.") % {"code": code})
    if errors:
        raise EditRefused(" ".join(dict.fromkeys(str(e) for e in errors)))

    with transaction.atomic():
        before = _question_state(question)
        locked = has_responses(group)
        current = list(question.options.order_by("position")) if question is not None else []
        if locked and (question is None or section.pk != question.section_id
                       or [o.code for o in current] != codes):
            raise EditRefused(_locked_message())
        moved = question is None or section.pk != question.section_id
        if question is None:
            question = Question(group=group, position=100000 + Question.objects.filter(
                group=group).count())
        question.section, question.code, question.text = section, code, text.strip()
        question.leaf_code, question.required = leaf_code, required
        question.save()
        if locked:
            for option, (_code, label, weight) in zip(current, options, strict=True):
                option.label, option.weight = label.strip(), weight
            Option.objects.bulk_update(current, ["label", "weight"])
        else:
            Option.objects.filter(question=question).delete()
            Option.objects.bulk_create(
                Option(question=question, position=i, code=c, label=label.strip(), weight=w)
                for i, (c, label, w) in enumerate(options))
        if moved:
            _renumber(group)
        if changes := _changed(before, _question_state(question)):
            history.record(actor, "update" if before else "create", question,
                           scope=group.survey, part=group.code, changes=changes)
    return question


def delete_question(actor, question: Question) -> None:
    group = question.group
    _check(actor, group.survey.round)
    with transaction.atomic():
        if has_responses(group):
            raise EditRefused(_locked_message())
        history.record(actor, "delete", question, scope=group.survey, part=group.code,
                       before=_question_state(question))
        question.delete()
        _renumber(group)


def create_survey(round: Round, data, *, source: str = "<survey>", replace: bool = False) -> Survey:
    """Check a definition (parsed YAML) and store it for `round` in one transaction; the doors
    that call this (`import_definition`, the demo, tests' fixtures) decide who may."""
    margin, plans = plan_survey(round, data, source=source)
    with transaction.atomic():
        existing = Survey.objects.filter(round=round).first()
        if existing is not None:
            if not replace:
                raise DefinitionError([f"{source}: round {round.code} already has a survey"])
            if (Response.objects.filter(group__survey=existing).exists()
                    or ImportBatch.objects.filter(group__survey=existing).exists()):
                raise DefinitionError([f"{source}: the survey has responses; it cannot be replaced"])
            existing.delete()
        survey = Survey.objects.create(round=round, name=str(data["name"]), margin=margin)
        for position, plan in enumerate(plans):
            group = RespondentGroup.objects.create(
                survey=survey, code=plan["code"], name=plan["name"], access=plan["access"],
                intro=plan["intro"], accepting=plan["accepting"], position=position,
            )
            GroupUnit.objects.bulk_create(
                GroupUnit(group=group, unit=unit, population=population)
                for unit, population in plan["targets"]
            )
            index = 0
            options = []
            for s, section_plan in enumerate(plan["sections"]):
                section = Section.objects.create(group=group, position=s, title=section_plan["title"])
                questions = [
                    Question(group=group, section=section, position=index + i, code=q["code"],
                             text=q["text"], leaf_code=q["leaf"], required=q["required"])
                    for i, q in enumerate(section_plan["questions"])
                ]
                index += len(questions)
                Question.objects.bulk_create(questions)
                for question, q in zip(questions, section_plan["questions"], strict=True):
                    options += [
                        Option(question=question, position=o, code=opt["code"],
                               label=opt["label"], weight=opt["weight"])
                        for o, opt in enumerate(q["options"])
                    ]
            Option.objects.bulk_create(options)
    return survey


def load_survey(round: Round, path, *, replace: bool = False) -> Survey:
    """A definition file stored for `round` (see `create_survey`)."""
    return create_survey(round, read_definition(path), source=str(path), replace=replace)
