"""The survey definition file (YAML): respondent groups, the units each evaluates, questionnaires.

```yaml
name: Điều tra xã hội học năm 2021
margin: 0.05                 # e in n = N / (1 + N·e²)
options:                     # default answer options; a question may list its own
  - {code: A, label: Rất hài lòng, weight: 1}
  - {code: B, label: Hài lòng, weight: 0.6}
  - {code: C, label: Chưa hài lòng, weight: 0.2}
  - {code: D, label: Không hài lòng, weight: 0}
  - {code: X, label: Không biết / không trả lời}     # no weight: left out of the score
groups:
  - code: nguoi-dan
    name: Người dân, tổ chức đã giao dịch
    access: open             # open | codes (one response per invitation code)
    intro: …
    units:                   # the units this group evaluates, with transactions N
      - {unit: IAGRAI, transactions: 12000}
    sections:
      - title: Tiếp cận dịch vụ
        questions:
          - {code: Q1, text: …, leaf: "9.1"}     # leaf: the survey sub-criterion it feeds
          - {code: Q2, text: …, required: false} # no leaf: asked, not scored
```

Unknown keys are errors; every problem is reported with its place, and nothing is stored.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from parindex.assessments.models import Round
from parindex.engine.framework import to_decimal
from parindex.engine.io import YAML_NOT_UTF8, StrictLoader, yaml_error_place
from parindex.engine.tables import InputError, decode_text
from parindex.frameworks.models import Node
from parindex.units.models import Unit

from .models import RespondentGroup

SURVEY_KEYS = ("name", "margin", "options", "groups")
GROUP_KEYS = ("code", "name", "access", "intro", "units", "sections", "accepting")
UNIT_KEYS = ("unit", "transactions")
SECTION_KEYS = ("title", "questions")
QUESTION_KEYS = ("code", "text", "leaf", "required", "options")
OPTION_KEYS = ("code", "label", "weight")

# The common Vietnamese four-level satisfaction scale, A = 100%, B = 60%, C = 20%, D = 0%.
DEFAULT_OPTIONS: list[dict[str, Any]] = [
    {"code": "A", "label": "Rất hài lòng", "weight": Decimal("1")},
    {"code": "B", "label": "Hài lòng", "weight": Decimal("0.6")},
    {"code": "C", "label": "Chưa hài lòng", "weight": Decimal("0.2")},
    {"code": "D", "label": "Không hài lòng", "weight": Decimal("0")},
    {"code": "X", "label": "Không biết / không trả lời", "weight": None},
]

MAX_DEFINITION_BYTES = 10 * 2**20  # a questionnaire is a few kilobytes


class DefinitionError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def survey_leaves(round: Round) -> dict[str, dict[str, Node]]:
    """Survey sub-criteria of the round's frameworks: {unit group code: {leaf code: Node}}."""
    leaves: dict[str, dict[str, Node]] = {}
    nodes = Node.objects.filter(framework__rounds=round, rule__kind="survey").select_related(
        "framework__unit_group"
    )
    for node in nodes:
        leaves.setdefault(node.framework.unit_group.code, {})[node.code] = node
    return leaves


def read_definition(path: str | Path) -> Any:
    """The parsed YAML of a definition file: bounded in size, UTF-8, no anchors or aliases."""
    source = str(path)
    with open(path, "rb") as handle:
        raw = handle.read(MAX_DEFINITION_BYTES + 1)
    if len(raw) > MAX_DEFINITION_BYTES:
        raise DefinitionError([f"{source}: the file is larger than "
                               f"{MAX_DEFINITION_BYTES // 2**20} MB"])
    try:
        data = yaml.load(decode_text(raw, Path(path).name, YAML_NOT_UTF8), Loader=StrictLoader)
    except InputError as error:
        raise DefinitionError([str(issue) for issue in error.errors]) from None
    except yaml.MarkedYAMLError as error:  # syntax, or anchors and aliases (billion laughs)
        raise DefinitionError([yaml_error_place(error, source)]) from None
    return data


def _keys(errors: list[str], where: str, data: Any, allowed: tuple, required: tuple) -> bool:
    if not isinstance(data, dict):
        errors.append(f"{where}: expected a mapping")
        return False
    for key in data:
        if key not in allowed:
            errors.append(f"{where}: unknown key '{key}' (allowed: {', '.join(allowed)})")
    for key in required:
        if data.get(key) in (None, ""):
            errors.append(f"{where}: missing '{key}'")
    return True


def _options(errors: list[str], where: str, raw: Any) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        errors.append(f"{where}: options must be a non-empty list")
        return []
    options, codes = [], set()
    for i, item in enumerate(raw, start=1):
        here = f"{where}, option {i}"
        if not _keys(errors, here, item, OPTION_KEYS, ("code", "label")):
            continue
        code = str(item.get("code", "")).strip().upper()
        if len(code) != 1 or not code.isalnum():
            errors.append(f"{here}: code '{code}' must be one letter or digit")
        elif code in codes:
            errors.append(f"{here}: code '{code}' is repeated")
        codes.add(code)
        weight = item.get("weight")
        if weight is not None:
            weight = to_decimal(weight)
            if weight is None or not 0 <= weight <= 1:
                errors.append(f"{here}: weight must be a number within 0..1 (or left out)")
        options.append({"code": code, "label": str(item.get("label", "")), "weight": weight})
    return options


def plan_survey(round: Round, data: Any, *, source: str = "<survey>") -> tuple[Decimal, list]:
    """Check a definition (parsed YAML) against `round`: its margin and one plan per group, or
    DefinitionError listing every problem with its place. Reads only; the survey services store
    the plan."""
    errors: list[str] = []
    if not _keys(errors, source, data, SURVEY_KEYS, ("name", "groups")):
        raise DefinitionError(errors)
    margin = to_decimal(data.get("margin", "0.05"))
    if margin is None or not 0 < margin < 1:
        errors.append(f"{source}: margin must be a number within 0..1, e.g. 0.05")
    default_options = (
        _options(errors, f"{source}: options", data["options"]) if "options" in data
        else DEFAULT_OPTIONS
    )
    leaves = survey_leaves(round)
    units = {u.code: u for u in Unit.objects.select_related("group")}
    groups = data.get("groups") or []
    if not isinstance(groups, list):
        errors.append(f"{source}: groups must be a list")
        groups = []

    plans = []
    group_codes: set[str] = set()
    for g, raw in enumerate(groups, start=1):
        where = f"{source}: group {g}"
        if not _keys(errors, where, raw, GROUP_KEYS, ("code", "name", "sections")):
            continue
        code = str(raw["code"])
        where = f"{source}: group '{code}'"
        if code in group_codes:
            errors.append(f"{where}: code is repeated")
        group_codes.add(code)
        access = raw.get("access", "open")
        if access not in RespondentGroup.Access.values:
            errors.append(f"{where}: access must be 'open' or 'codes'")
        targets = []
        unit_groups = set()
        for i, item in enumerate(raw.get("units") or [], start=1):
            here = f"{where}, unit {i}"
            if isinstance(item, str):
                item = {"unit": item}
            if not _keys(errors, here, item, UNIT_KEYS, ("unit",)):
                continue
            unit = units.get(str(item["unit"]))
            if unit is None:
                errors.append(f"{here}: unknown unit '{item['unit']}'")
                continue
            population = item.get("transactions")
            if population is not None and (not isinstance(population, int) or population < 0):
                errors.append(f"{here}: transactions must be a whole number")
                population = None
            targets.append((unit, population))
            unit_groups.add(unit.group.code)
        if not targets:
            errors.append(f"{where}: list the units this group evaluates")
        sections = []
        question_codes: set[str] = set()
        for s, section in enumerate(raw.get("sections") or [], start=1):
            here = f"{where}, section {s}"
            if not _keys(errors, here, section, SECTION_KEYS, ("title", "questions")):
                continue
            questions = []
            for q, question in enumerate(section.get("questions") or [], start=1):
                qhere = f"{here}, question {q}"
                if not _keys(errors, qhere, question, QUESTION_KEYS, ("code", "text")):
                    continue
                qcode = str(question["code"]).strip()
                if qcode in question_codes:
                    errors.append(f"{qhere}: code '{qcode}' is repeated in the group")
                question_codes.add(qcode)
                leaf = str(question.get("leaf") or "").strip()
                if leaf and not any(leaf in leaves.get(ug, {}) for ug in unit_groups):
                    errors.append(
                        f"{qhere}: '{leaf}' is not a survey sub-criterion of the framework of "
                        f"the units this group evaluates"
                    )
                options = (
                    _options(errors, qhere, question["options"]) if "options" in question
                    else default_options
                )
                questions.append({
                    "code": qcode, "text": str(question["text"]), "leaf": leaf,
                    "required": bool(question.get("required", True)), "options": options,
                })
            sections.append({"title": str(section["title"]), "questions": questions})
        plans.append({
            "code": code, "name": str(raw["name"]), "access": access,
            "intro": str(raw.get("intro") or ""), "accepting": bool(raw.get("accepting", True)),
            "targets": targets, "sections": sections,
        })
    if errors:
        raise DefinitionError(errors)
    return margin, plans
