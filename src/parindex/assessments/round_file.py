"""The round file (YAML) of `parindex open-round`: a round set up without the web.

```yaml
code: gialai-2024
name: Chỉ số CCHC năm 2024 của tỉnh Gia Lai
year: 2024
organiser: SNV              # the organising unit's code
kind: assessment            # assessment (a sheet per unit) | results (scores imported)
groups:                     # one framework (already imported) per unit group
  - {group: huyen, framework: gialai-huyen-2024}
deadlines:                  # assessment round only; each optional, YYYY-MM-DD
  self_assessment: 2025-01-15
  appraisal_1: 2025-02-15
  explanation: 2025-02-28
  appraisal_2: 2025-03-15
  approval: 2025-03-31
appraisers:                 # assessment round only: appraisers of the organiser
  - {user: snv.thamdinh, units: [PLEIKU, ANKHE]}
  - {user: snv.thamdinh2, units: [PLEIKU], field: "3"}   # one top-level field only
decision_number: 197/QĐ-UBND   # results round only, when known
decision_date: 2022-04-15      # results round only, when known
```

Invariants: reading a file writes nothing; unknown keys are errors; every problem is reported at
once, each as `FILE:LINE: key: problem` (list items counted from 1, e.g. `groups[2].framework`);
the file is UTF-8, at most `MAX_ROUND_FILE_BYTES`, without YAML anchors or aliases. A plan that
passes here is what `services.open_round_file` writes, in one transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from parindex import policy
from parindex.engine.io import YAML_NOT_UTF8, load_yaml_with_positions, yaml_error_place
from parindex.engine.tables import InputError, decode_text
from parindex.frameworks.models import Framework, Node
from parindex.units.models import Unit, UnitGroup
from parindex.units.selectors import valid_in_year

from .models import Round

MAX_ROUND_FILE_BYTES = 2**20  # a round with a few hundred assignments is a few kilobytes
KEYS = ("code", "name", "year", "organiser", "kind", "groups", "deadlines", "appraisers",
        "decision_number", "decision_date")
REQUIRED = ("code", "name", "year", "organiser", "kind", "groups")
GROUP_KEYS = ("group", "framework")
APPRAISER_KEYS = ("user", "units", "field")
# The file's deadline keys, in the cycle's order, and the fields of `services.Deadlines`.
DEADLINES = {
    "self_assessment": "self_assessment",
    "appraisal_1": "appraisal",
    "explanation": "explanation",
    "appraisal_2": "final",
    "approval": "approval",
}
ASSESSMENT_ONLY = ("deadlines", "appraisers")
RESULTS_ONLY = ("decision_number", "decision_date")


class RoundFileError(Exception):
    """Every problem of a round file, each naming the file, line and key."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class RoundPlan:
    code: str
    name: str
    year: int
    organiser: Unit
    kind: str
    frameworks: list[Framework]
    deadlines: dict[str, datetime.date] = field(default_factory=dict)  # Deadlines field → date
    assignments: list[tuple[Any, Unit, str]] = field(default_factory=list)
    decision_number: str = ""
    decision_date: datetime.date | None = None


class _Checker:
    """Collects problems, each placed at the line of the key it is about."""

    def __init__(self, source: str, positions: dict):
        self.source, self.positions, self.errors = source, positions, []

    def add(self, path: tuple, message: str) -> None:
        line = next((self.positions[path[:end]][0] for end in range(len(path), -1, -1)
                     if path[:end] in self.positions), None)
        key = "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in path)
        place = f"{self.source}:{line}" if line else self.source
        self.errors.append(f"{place}: {key.lstrip('.') or 'file'}: {message}")

    def mapping(self, path: tuple, data: Any, allowed: tuple, required: tuple) -> bool:
        if not isinstance(data, dict):
            self.add(path, "expected a mapping of keys to values")
            return False
        for key in data:
            if key not in allowed:
                self.add(path + (key,), f"unknown key (allowed: {', '.join(allowed)})")
        for key in required:
            if data.get(key) in (None, "", []):
                self.add(path + (key,) if key in data else path, f"missing '{key}'")
        return True

    def text(self, path: tuple, value: Any, max_length: int) -> str:
        """A code or a name: text (a bare number is read as its digits), within max_length."""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(path, "must be text")
            return ""
        value = str(value).strip()
        if len(value) > max_length:
            self.add(path, f"longer than {max_length} characters")
        return value

    def date(self, path: tuple, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.add(path, f"'{value}' is not a date written YYYY-MM-DD")
            return None

    def codes(self, path: tuple, value: Any) -> list[str]:
        items = value if isinstance(value, list) else [value]
        if not items or any(isinstance(item, list | dict) or item is None for item in items):
            self.add(path, "must be a unit code or a list of unit codes")
            return []
        return [self.text(path + (i,), item, 64) for i, item in enumerate(items)]


def read_round_file(path: str | Path) -> tuple[Any, dict]:
    """The parsed YAML and its positions: bounded in size, UTF-8, no anchors or aliases."""
    source = Path(path).name
    with open(path, "rb") as handle:
        raw = handle.read(MAX_ROUND_FILE_BYTES + 1)
    if len(raw) > MAX_ROUND_FILE_BYTES:
        raise RoundFileError([f"{source}: the file is larger than "
                              f"{MAX_ROUND_FILE_BYTES // 2**10} KB"])
    try:
        data, positions = load_yaml_with_positions(decode_text(raw, source, YAML_NOT_UTF8))
    except InputError as error:
        raise RoundFileError([str(issue) for issue in error.errors]) from None
    except yaml.MarkedYAMLError as error:  # syntax, or anchors and aliases (billion laughs)
        raise RoundFileError([yaml_error_place(error, source)]) from None
    if data is None:
        raise RoundFileError([f"{source}: the file is empty"])
    return data, positions


def plan_round(path: str | Path) -> RoundPlan:
    """Read and check a round file against the database: the plan, or RoundFileError listing
    every problem. Reads only."""
    data, positions = read_round_file(path)
    check = _Checker(Path(path).name, positions)
    if not check.mapping((), data, KEYS, REQUIRED):
        raise RoundFileError(check.errors)
    plan = _head(check, data)
    wrong = {Round.Kind.ASSESSMENT: RESULTS_ONLY, Round.Kind.RESULTS: ASSESSMENT_ONLY}
    for key in wrong.get(plan.kind, ()):
        if key in data:
            check.add((key,), f"not for a round of kind '{plan.kind}'")
    plan.frameworks = _frameworks(check, data.get("groups"))
    if plan.kind == Round.Kind.ASSESSMENT:
        plan.deadlines = _deadlines(check, data.get("deadlines"))
        if plan.year and plan.organiser:  # else which units get sheets is not known
            units = _units_with_sheets(check, plan)
            plan.assignments = _assignments(check, data.get("appraisers"), plan, units)
    elif plan.kind == Round.Kind.RESULTS:
        plan.decision_number = check.text(("decision_number",), data.get("decision_number", ""),
                                          64)
        if data.get("decision_date") is not None:
            plan.decision_date = check.date(("decision_date",), data["decision_date"])
    if check.errors:
        raise RoundFileError(check.errors)
    return plan


def _head(check: _Checker, data: dict) -> RoundPlan:
    """The round's own fields: code, name, year, organiser, kind."""
    code = check.text(("code",), data.get("code", ""), 100)
    try:
        validate_slug(code)
    except ValidationError:
        if code:
            check.add(("code",), "use only letters, digits, hyphens and underscores")
    if Round.objects.filter(code=code).exists():
        check.add(("code",), f"round '{code}' already exists")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        if year is not None:
            check.add(("year",), "must be a year between 2000 and 2100")
        year = 0
    organiser_code = check.text(("organiser",), data.get("organiser", ""), 64)
    organiser = Unit.objects.filter(code=organiser_code).first()
    if organiser is None and organiser_code:
        check.add(("organiser",), f"unknown unit '{organiser_code}'")
    kind = data.get("kind")
    if kind not in Round.Kind.values:
        if kind is not None:
            check.add(("kind",), f"must be one of: {', '.join(Round.Kind.values)}")
        kind = None
    return RoundPlan(code=code, name=check.text(("name",), data.get("name", ""), 255),
                     year=year, organiser=organiser, kind=kind, frameworks=[])


def _frameworks(check: _Checker, groups: Any) -> list[Framework]:
    """One framework per unit group, each scoring the group it is listed under."""
    if not isinstance(groups, list):
        check.add(("groups",), "must be a list of {group, framework}")
        return []
    frameworks, seen = [], set()
    for i, item in enumerate(groups):
        path = ("groups", i)
        if not check.mapping(path, item, GROUP_KEYS, GROUP_KEYS):
            continue
        group_code = check.text(path + ("group",), item["group"], 32)
        code = check.text(path + ("framework",), item["framework"], 100)
        if group_code in seen:
            check.add(path + ("group",), f"group '{group_code}' is listed twice")
        seen.add(group_code)
        fw = Framework.objects.select_related("unit_group").filter(code=code).first()
        if not UnitGroup.objects.filter(code=group_code).exists():
            check.add(path + ("group",), f"unknown unit group '{group_code}'")
        elif fw is None:
            check.add(path + ("framework",), f"unknown framework '{code}' (import it first)")
        elif fw.unit_group.code != group_code:
            check.add(path + ("framework",),
                      f"framework '{code}' scores the group '{fw.unit_group.code}', "
                      f"not '{group_code}'")
        else:
            frameworks.append(fw)
    return frameworks


def _deadlines(check: _Checker, raw: Any) -> dict[str, datetime.date]:
    """`services.Deadlines` field → date; given deadlines must follow the cycle's order."""
    if raw is None:
        return {}
    if not check.mapping(("deadlines",), raw, tuple(DEADLINES), ()):
        return {}
    dates, previous = {}, None
    for key, field_name in DEADLINES.items():
        if raw.get(key) is None:
            continue
        date = check.date(("deadlines", key), raw[key])
        if date and previous and date < previous[1]:
            check.add(("deadlines", key), f"{date} is before the {previous[0]} deadline")
        if date:
            dates[field_name], previous = date, (key, date)
    return dates


def _units_with_sheets(check: _Checker, plan: RoundPlan) -> dict[str, Unit]:
    """The units that will get a sheet (every unit of the groups valid in the year), by code;
    a group without any is a problem."""
    units = {
        u.code: u for u in Unit.objects.filter(
            group__in=[fw.unit_group for fw in plan.frameworks]
        ).filter(valid_in_year(plan.year)).select_related("group")
    }
    have = {u.group.code for u in units.values()}
    for i, fw in enumerate(plan.frameworks):
        if fw.unit_group.code not in have:
            check.add(("groups", i, "group"),
                      f"no unit of group '{fw.unit_group.code}' is valid in {plan.year}")
    return units


def _assignments(check: _Checker, raw: Any, plan: RoundPlan, units: dict[str, Unit]) -> list:
    """(appraiser, unit, field code) for every unit listed under every appraiser."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.add(("appraisers",), "must be a list of {user, units, field}")
        return []
    fields = _top_fields(plan.frameworks)
    names = [str(i["user"]) for i in raw
             if isinstance(i, dict) and isinstance(i.get("user"), str | int)]
    people = {u.username: u for u in
              get_user_model().objects.filter(is_active=True, username__in=names)}
    found, seen = [], set()
    for i, item in enumerate(raw):
        path = ("appraisers", i)
        if not check.mapping(path, item, APPRAISER_KEYS, ("user", "units")):
            continue
        username = check.text(path + ("user",), item["user"], 150)
        user = people.get(username)
        if user is None:
            check.add(path + ("user",), f"unknown or inactive user '{username}'")
        elif not policy.is_appraiser_of(user, plan.organiser.pk):
            check.add(path + ("user",), f"'{username}' is not an appraiser of "
                                        f"{plan.organiser.code}")
            user = None
        field_code = check.text(path + ("field",), item.get("field") or "", 32)
        for j, code in enumerate(check.codes(path + ("units",), item["units"])):
            unit = units.get(code)
            if unit is None:
                check.add(path + ("units", j), f"unit '{code}' gets no sheet in this round")
            elif field_code and field_code not in fields[unit.group_id]:
                check.add(path + ("field",), f"'{field_code}' is not a top-level field of the "
                                             f"framework of {code}")
            elif (username, code, field_code) in seen:
                check.add(path + ("units", j), f"'{username}' is already given {code} above")
            elif user is not None:
                found.append((user, unit, field_code))
            seen.add((username, code, field_code))
    return found


def _top_fields(frameworks: list[Framework]) -> dict[int, set[str]]:
    """unit group id → codes of the top-level nodes of its framework."""
    by_framework: dict[int, set[str]] = {fw.pk: set() for fw in frameworks}
    for framework_id, code in Node.objects.filter(
        framework__in=frameworks, parent__isnull=True
    ).values_list("framework_id", "code"):
        by_framework[framework_id].add(code)
    return {fw.unit_group_id: by_framework[fw.pk] for fw in frameworks}
