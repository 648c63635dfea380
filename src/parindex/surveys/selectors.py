"""Reads for the survey: questionnaires, answer counts and survey points.

Answers are counted as they are written (models.AnswerCount): reading a whole survey's counts is
one query of a few thousand rows, whatever the number of responses; scoring.py turns the counts
into points.

A group's forms are its Response rows (online, paper) and its imported ones, packed by file
(models.ImportBatch, PackedForms); `imported_forms` unpacks those one pack at a time, so memory
stays at one pack whatever the number of forms.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.assessments.models import Round
from parindex.frameworks.models import Node
from parindex.units.models import Unit

from . import scoring
from .definition import survey_leaves
from .models import (
    AnswerCount,
    GroupUnit,
    ImportBatch,
    Option,
    PackedForms,
    Question,
    RespondentGroup,
    Response,
    Survey,
)


@dataclass
class Layout:
    """A group's questionnaire, loaded in three queries."""

    group: RespondentGroup
    questions: list[Question]
    sections: list[tuple[object, list[Question]]]

    @property
    def by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}


def layout(group: RespondentGroup) -> Layout:
    questions = list(group.questions.select_related("section").order_by("position"))
    options: dict[int, list[Option]] = defaultdict(list)
    for option in Option.objects.filter(question__group=group).order_by("question_id", "position"):
        options[option.question_id].append(option)
    sections: list[tuple[object, list[Question]]] = []
    for question in questions:
        question.option_list = options[question.pk]
        if not sections or sections[-1][0].pk != question.section_id:
            sections.append((question.section, []))
        sections[-1][1].append(question)
    return Layout(group=group, questions=questions, sections=sections)


def counts(survey: Survey, *, group: RespondentGroup | None = None, unit: Unit | None = None):
    """{(group id, unit id, question position, option code): number of counted answers}, in one
    query of the AnswerCount table (kept by the services as responses are written)."""
    rows = AnswerCount.objects.filter(group__survey=survey, count__gt=0).exclude(
        option=AnswerCount.RESPONSES)
    if group is not None:
        rows = rows.filter(group=group)
    if unit is not None:
        rows = rows.filter(unit=unit)
    return {
        (g, u, position, option): n
        for g, u, position, option, n in rows.order_by().values_list(
            "group_id", "unit_id", "position", "option", "count")
    }


def response_counts(survey: Survey) -> dict[tuple[int, int], int]:
    """{(group id, unit id): number of counted responses}."""
    return dict(
        ((g, u), n) for g, u, n in AnswerCount.objects.filter(
            group__survey=survey, option=AnswerCount.RESPONSES).order_by()
        .values_list("group_id", "unit_id", "count")
    )


def counted_by_group(survey: Survey) -> dict[int, int]:
    """{group id: number of counted forms}, whatever their channel (online, paper, imported)."""
    totals: dict[int, int] = defaultdict(int)
    for (group_id, _unit_id), n in response_counts(survey).items():
        totals[group_id] += n
    return dict(totals)


@dataclass
class Sample:
    group: RespondentGroup
    responses: int
    population: int | None
    required: int | None

    @property
    def short(self) -> bool:
        return self.required is not None and self.responses < self.required


@dataclass
class UnitScores:
    unit: Unit
    leaves: dict[str, scoring.LeafScore] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)

    @property
    def short(self) -> bool:
        return any(s.short for s in self.samples)

    @property
    def total(self) -> Decimal:
        return sum((s.points for s in self.leaves.values()), Decimal(0))


@dataclass
class SurveyScores:
    survey: Survey
    leaves: list[Node]  # distinct survey leaves (by code) in framework order, for columns
    units: list[UnitScores]


def survey_scores(survey: Survey) -> SurveyScores:
    """Every evaluated unit's points per survey sub-criterion, answers, margins and samples.

    A fixed number of queries: groups, targets, questions, options, leaves, the answer counts
    and the responses per unit.
    """
    round = survey.round
    groups = {g.pk: g for g in survey.groups.all()}
    targets = list(
        GroupUnit.objects.filter(group__survey=survey).select_related("unit__group")
        .order_by("unit__code", "group__position")
    )
    questions = list(Question.objects.filter(group__survey=survey).exclude(leaf_code=""))
    weights: dict[tuple[int, str], Decimal | None] = {
        (o.question_id, o.code): o.weight for o in Option.objects.filter(question__in=questions)
    }
    leaves_by_group = survey_leaves(round)
    per_group_question = {(q.group_id, q.position): q for q in questions}

    # tallies[unit id][leaf code] = {weight: count}
    tallies: dict[int, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for (group_id, unit_id, position, ch), n in counts(survey).items():
        question = per_group_question.get((group_id, position))
        if question is None:
            continue
        weight = weights.get((question.pk, ch))
        tally = tallies[unit_id][question.leaf_code]
        tally[weight] = tally.get(weight, 0) + n

    responses = response_counts(survey)

    units: dict[int, UnitScores] = {}
    for target in targets:
        unit = target.unit
        entry = units.setdefault(unit.pk, UnitScores(unit=unit))
        population = target.population
        required = (
            scoring.required_sample(population, survey.margin) if population is not None else None
        )
        entry.samples.append(Sample(
            group=groups[target.group_id], responses=responses.get((target.group_id, unit.pk), 0),
            population=population, required=required,
        ))
    for unit_id, entry in units.items():
        framework_leaves = leaves_by_group.get(entry.unit.group.code, {})
        for leaf_code, tally in tallies.get(unit_id, {}).items():
            node = framework_leaves.get(leaf_code)
            if node is None:
                continue
            result = scoring.score(node.max_points, tally)
            if result is not None:
                entry.leaves[leaf_code] = result

    columns: dict[str, Node] = {}
    for group_leaves in leaves_by_group.values():
        for node in sorted(group_leaves.values(), key=lambda n: (n.framework_id, n.position)):
            columns.setdefault(node.code, node)
    return SurveyScores(
        survey=survey, leaves=list(columns.values()),
        units=sorted(units.values(), key=lambda e: e.unit.code),
    )


def survey_points(round: Round) -> dict[str, dict[str, Decimal]]:
    """{unit code: {survey leaf code: exact points}} for units and leaves with valid answers.

    The hook for results: these points replace the survey leaves' values of the scores.
    """
    survey = Survey.objects.filter(round=round).first()
    if survey is None:
        return {}
    return {
        entry.unit.code: {code: s.points for code, s in entry.leaves.items()}
        for entry in survey_scores(survey).units
        if entry.leaves
    }


def survey_points_by_group(round: Round) -> dict[str, dict[str, dict[str, Decimal]]]:
    """survey_points keyed first by unit group code, so results can put each unit's survey points
    into the framework of its group: {unit group: {unit code: {leaf code: exact points}}}."""
    survey = Survey.objects.filter(round=round).first()
    if survey is None:
        return {}
    grouped: dict[str, dict[str, dict[str, Decimal]]] = {}
    for entry in survey_scores(survey).units:
        if entry.leaves:
            grouped.setdefault(entry.unit.group.code, {})[entry.unit.code] = {
                code: s.points for code, s in entry.leaves.items()}
    return grouped


@dataclass(frozen=True)
class LeafSample:
    """The sample behind one unit's points on one survey sub-criterion: the people who
    answered (forms of the groups whose questions feed it), the spread of the answers' weights
    and the population they were drawn from (None when a group's is unknown)."""

    people: int
    spread: Decimal
    population: int | None


def leaf_samples(round: Round) -> dict[str, dict[str, LeafSample]]:
    """{unit code: {survey leaf code: LeafSample}} of the round's survey, for units and leaves
    with at least two valid answers; {} without a survey. survey_scores' queries and one."""
    survey = Survey.objects.filter(round=round).first()
    if survey is None:
        return {}
    feeds: dict[str, set[int]] = defaultdict(set)
    for group_id, leaf_code in Question.objects.filter(group__survey=survey).exclude(
            leaf_code="").values_list("group_id", "leaf_code"):
        feeds[leaf_code].add(group_id)
    found: dict[str, dict[str, LeafSample]] = {}
    for entry in survey_scores(survey).units:
        by_group = {s.group.pk: s for s in entry.samples}
        for code, score in entry.leaves.items():
            if score.spread is None:
                continue
            samples = [by_group[g] for g in feeds[code] if g in by_group]
            people = sum(s.responses for s in samples) or score.answers
            populations = [s.population for s in samples]
            population = (sum(populations) if samples and None not in populations else None)
            found.setdefault(entry.unit.code, {})[code] = LeafSample(
                min(people, score.answers), score.spread, population)
    return found


def _share(count: int, total: int, step: str = "0.01") -> Decimal:
    """`count` of `total` in percent, rounded to `step`."""
    return (Decimal(100) * count / total).quantize(Decimal(step)) if total else Decimal(0)


def distribution(group: RespondentGroup, unit: Unit) -> list[dict]:
    """Per question of `group`, the count and share of each option among `unit`'s answers."""
    lay = layout(group)
    tally = {
        (pos, ch): n
        for (_, _, pos, ch), n in counts(group.survey, group=group, unit=unit).items()
    }
    rows = []
    for question in lay.questions:
        bars = [(o, tally.get((question.position, o.code), 0)) for o in question.option_list]
        total = sum(n for _, n in bars)
        before = [sum(n for _, n in bars[:i]) for i in range(len(bars))]
        rows.append({
            "question": question,
            "total": total,
            "bars": [
                {"option": o, "count": n,
                 "percent": _share(n, total, "0.1"),
                 # Where the option's segment starts and how wide it is in the stacked bar (%).
                 "start": _share(b, total), "width": _share(b + n, total) - _share(b, total)}
                for (o, n), b in zip(bars, before, strict=True)
            ],
        })
    return rows


# --------------------------------------------------------------------------- forms of a group


def has_responses(group: RespondentGroup) -> bool:
    """Whether the group has any form, online, paper or imported (its questionnaire is fixed)."""
    return (Response.objects.filter(group=group).exists()
            or ImportBatch.objects.filter(group=group).exists())


def unit_has_responses(group: RespondentGroup, units) -> bool:
    """Whether any form of the group evaluates one of `units` (imported forms are all counted,
    so their answer counts say it)."""
    return (Response.objects.filter(group=group, unit__in=units).exists()
            or AnswerCount.objects.filter(group=group, unit__in=units,
                                          option=AnswerCount.RESPONSES, count__gt=0).exists())


def taken_form_numbers(group: RespondentGroup) -> set[str]:
    """Every form number already in the group: paper forms and imported files."""
    taken = set(Response.objects.filter(group=group).exclude(form_number="")
                .values_list("form_number", flat=True))
    for packed in PackedForms.objects.filter(batch__group=group).values_list(
            "form_numbers", flat=True).iterator(chunk_size=4):
        taken.update(json.loads(packed))
    taken.discard("")
    return taken


def form_number_taken(group: RespondentGroup, number: str) -> bool:
    """Whether `number` is already a form of the group. The database narrows the packs to those
    whose text holds the number as a JSON string (a superset: LIKE may ignore case), Python
    decides."""
    if Response.objects.filter(group=group, form_number=number).exists():
        return True
    candidates = PackedForms.objects.filter(
        batch__group=group, form_numbers__contains=json.dumps(number, ensure_ascii=False))
    return any(number in json.loads(packed)
               for packed in candidates.values_list("form_numbers", flat=True))


@dataclass(frozen=True)
class ImportedForm:
    """One imported form, as its file gave it; `key` names it in exports (batch and place)."""

    key: str
    unit_id: int
    answers: str
    form_number: str
    comment: str
    created_at: object


def imported_forms(group: RespondentGroup) -> Iterator[ImportedForm]:
    """The group's imported forms, file by file in the order imported, each in file order."""
    packs = (PackedForms.objects.filter(batch__group=group)
             .select_related("batch").order_by("batch__created_at", "batch_id", "first"))
    for pack in packs.iterator(chunk_size=4):
        columns = json.loads(pack.answers)
        answers = map("".join, zip(*columns, strict=True)) if columns else \
            [""] * pack.count
        for k, (unit_id, answer, number, comment) in enumerate(zip(
                json.loads(pack.units), answers, json.loads(pack.form_numbers),
                json.loads(pack.comments), strict=True), start=pack.first + 1):
            yield ImportedForm(f"import-{pack.batch_id}-{k}", unit_id, answer, number, comment,
                               pack.batch.created_at)


def imported_columns(survey: Survey) -> Iterator[tuple[int, list[int], list[str]]]:
    """(group id, unit ids, answer columns) of every pack of the survey's imported forms."""
    packs = PackedForms.objects.filter(batch__group__survey=survey).order_by().values_list(
        "batch__group_id", "units", "answers")
    for group_id, units, answers in packs.iterator(chunk_size=4):
        yield group_id, json.loads(units), json.loads(answers)

