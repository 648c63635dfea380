"""The framework tree (fields → criteria → leaves), its validation and its plain-dict form.

A framework arrives from files typed by people, so validation reports every problem it finds
(not only the first) and points at the place in the file when the caller knows it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

RULE_KINDS = ("points", "yes_no", "levels", "count", "ratio", "survey")
NODE_KINDS = ("", "bonus", "penalty")
RANKINGS = ("competition", "dense")

FRAMEWORK_KEYS = ("code", "name", "year", "unit_group", "ranking", "bands", "nodes")
NODE_KEYS = ("code", "title", "kind", "max", "rule", "guide", "source", "children")
BAND_KEYS = ("code", "label", "min")
# Which rule keys each kind takes besides `kind`; anything else is a typo worth reporting.
RULE_KEYS = {
    "points": (),
    "yes_no": (),
    "levels": ("levels",),
    "count": ("per_item",),
    "ratio": ("bands", "proportional"),
    "survey": (),
}

# Where a leaf's value may come from besides a person typing it (parindex fills it in from the
# year's reform plan, periodic reports and service figures): kind → (its keys, required keys,
# the rule kinds whose value it can write). The engine only checks and keeps it; the
# arithmetic never reads it, so `parindex compute` on files ignores it.
SERVICE_FIGURES = ("received", "on_time", "late", "online", "digitised")
SOURCE_KINDS = {
    "plan_tasks_on_time": ((), (), ("ratio",)),
    "reports_on_time": (("reports",), (), ("count", "ratio")),
    "plan_issued_by": (("by",), ("by",), ("yes_no",)),
    "service_ratio": (("numerator", "denominator"), ("numerator", "denominator"), ("ratio",)),
}
REPORT_KINDS = ("q1", "half", "q3", "year", "adhoc")

ZERO = Decimal(0)
ONE = Decimal(1)


class FrameworkError(Exception):
    """A framework that cannot be used; `.errors` holds every message, each with its place."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min: Decimal


@dataclass(frozen=True)
class Level:
    label: str
    fraction: Decimal


@dataclass(frozen=True)
class RatioBand:
    min: Decimal
    fraction: Decimal


@dataclass(frozen=True)
class Rule:
    kind: str
    levels: tuple[Level, ...] = ()
    per_item: Decimal | None = None
    bands: tuple[RatioBand, ...] = ()
    proportional: bool = False


@dataclass(frozen=True)
class Source:
    """Where a leaf's value is computed from: `kind` (one of SOURCE_KINDS) and its settings
    as text (`by` an ISO date, `reports` report kinds separated by commas, figures' names)."""

    kind: str
    params: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, default: str = "") -> str:
        return dict(self.params).get(key, default)


@dataclass(frozen=True)
class Node:
    code: str
    title: str
    max: Decimal
    kind: str = ""
    rule: Rule | None = None
    children: tuple[Node, ...] = ()
    guide: str = ""
    source: Source | None = None

    @property
    def is_leaf(self) -> bool:
        return self.rule is not None

    def iter_nodes(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.iter_nodes()

    def leaves(self) -> Iterator[Node]:
        return (node for node in self.iter_nodes() if node.is_leaf)


@dataclass(frozen=True)
class Framework:
    code: str
    name: str
    year: int
    unit_group: str
    ranking: str
    bands: tuple[Band, ...]
    nodes: tuple[Node, ...]
    # Lookups are rebuilt on demand, not stored: equality is about the tree only.
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def iter_nodes(self) -> Iterator[Node]:
        """Every node, depth first, in the order of the document."""
        for node in self.nodes:
            yield from node.iter_nodes()

    def leaves(self) -> dict[str, Node]:
        """Leaves keyed by code, in document order."""
        if "leaves" not in self._cache:
            self._cache["leaves"] = {n.code: n for n in self.iter_nodes() if n.is_leaf}
        return self._cache["leaves"]

    def node(self, code: str) -> Node:
        if "nodes" not in self._cache:
            self._cache["nodes"] = {n.code: n for n in self.iter_nodes()}
        return self._cache["nodes"][code]

    @property
    def fields(self) -> tuple[Node, ...]:
        """Top-level ordinary nodes: the components published next to the index."""
        return tuple(n for n in self.nodes if not n.kind)


def normalize_text(text: str) -> str:
    """NFC so that the same Vietnamese word typed on two keyboards compares equal."""
    return unicodedata.normalize("NFC", text).strip()


def label_key(label: str) -> str:
    """How level labels are matched: NFC, case-insensitive, surrounding spaces ignored."""
    return normalize_text(label).casefold()


# --------------------------------------------------------------------------- validation


class _Checker:
    """Collects errors with the best location known for each dict path."""

    def __init__(self, source: str, positions: dict | None):
        self.source = source
        self.positions = positions or {}
        self.errors: list[str] = []

    def where(self, path: tuple) -> str:
        # Fall back to the nearest enclosing thing that has a position.
        for end in range(len(path), -1, -1):
            pos = self.positions.get(path[:end])
            if pos is not None:
                if isinstance(pos, tuple):
                    return f"{self.source}:{pos[0]}:{pos[1]}"
                return f"{self.source}: {pos}"
        return self.source

    def error(self, path: tuple, message: str) -> None:
        self.errors.append(f"{self.where(path)}: {message}")

    def keys(self, data: Any, path: tuple, allowed: tuple, required: tuple, what: str) -> bool:
        if not isinstance(data, dict):
            self.error(path, f"{what} must be a mapping, not {_show(data)}")
            return False
        for key in data:
            if key not in allowed:
                self.error(
                    path + (key,), f"{what}: unknown key '{key}' (allowed: {', '.join(allowed)})"
                )
        for key in required:
            if data.get(key) in (None, ""):
                self.error(path, f"{what}: missing '{key}'")
        return True

    def text(self, data: dict, key: str, path: tuple, what: str, default: str = "") -> str:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.error(path + (key,), f"{what}: '{key}' must be text, not {_show(value)}")
            return default
        return normalize_text(str(value))

    def number(self, data: dict, key: str, path: tuple, what: str) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        number = to_decimal(value)
        if number is None:
            self.error(path + (key,), f"{what}: '{key}' must be a number, not {_show(value)}")
        return number

    def fraction(self, data: dict, path: tuple, what: str) -> Decimal:
        value = self.number(data, "fraction", path, what)
        if value is None:
            if "fraction" not in data:
                self.error(path, f"{what}: missing 'fraction'")
            return ZERO
        if not ZERO <= value <= ONE:
            self.error(path + ("fraction",), f"{what}: fraction {fmt(value)} is not within 0..1")
        return value

    def items(self, data: Any, path: tuple, what: str) -> list:
        if data is None:
            return []
        if not isinstance(data, list):
            self.error(path, f"{what} must be a list, not {_show(data)}")
            return []
        return data


def to_decimal(value: Any) -> Decimal | None:
    """Numbers as written: ints, Decimals, numeric text; floats through their shortest repr."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def fmt(value: Decimal) -> str:
    """A decimal as a person would write it: 2, 0.5, 2.25 (no exponent, no trailing zeros)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


def framework_from_dict(
    data: dict, source: str = "<framework>", positions: dict | None = None
) -> Framework:
    """Build and validate a framework from plain data (parsed YAML or the XLSX sheets).

    `positions` maps a path of keys and list indexes (``("nodes", 0, "children", 1, "max")``)
    to ``(line, column)`` or to a text such as ``"sheet nodes, row 5, column max"``.
    """
    check = _Checker(source, positions)
    if not check.keys(data, (), FRAMEWORK_KEYS, ("code", "name", "year", "unit_group", "nodes"),
                      "framework"):
        raise FrameworkError(check.errors)

    year_value = data.get("year")
    year = to_decimal(year_value) if year_value is not None else None
    if year_value is not None and (year is None or year != year.to_integral_value()):
        check.error(("year",), f"framework: year must be a whole number, not {_show(year_value)}")
        year = None
    ranking = check.text(data, "ranking", (), "framework", "competition")
    if ranking not in RANKINGS:
        check.error(("ranking",), f"framework: ranking '{ranking}' is not one of "
                    f"{', '.join(RANKINGS)}")

    bands = _bands(check, data.get("bands"))
    seen: set[str] = set()
    nodes = tuple(
        node
        for i, raw in enumerate(check.items(data.get("nodes"), ("nodes",), "nodes"))
        if (node := _node(check, raw, ("nodes", i), seen, top=True)) is not None
    )
    if data.get("nodes") is not None and not nodes and not check.errors:
        check.error(("nodes",), "framework: nodes is empty")
    if check.errors:
        raise FrameworkError(check.errors)
    return Framework(
        code=check.text(data, "code", (), "framework"),
        name=check.text(data, "name", (), "framework"),
        year=int(year),
        unit_group=check.text(data, "unit_group", (), "framework"),
        ranking=ranking,
        bands=bands,
        nodes=nodes,
    )


def _bands(check: _Checker, raw_bands: Any) -> tuple[Band, ...]:
    bands = []
    for i, raw in enumerate(check.items(raw_bands, ("bands",), "bands")):
        path = ("bands", i)
        if not check.keys(raw, path, BAND_KEYS, BAND_KEYS, f"band {i + 1}"):
            continue
        code = check.text(raw, "code", path, f"band {i + 1}")
        what = f"band '{code}'"
        low = check.number(raw, "min", path, what)
        if low is not None and not ZERO <= low <= 100:
            check.error(path + ("min",), f"{what}: min {fmt(low)} is not within 0..100")
        if any(b.code == code for b in bands):
            check.error(path + ("code",), f"{what}: code is used twice")
        if low is not None and bands and bands[-1].min is not None and low >= bands[-1].min:
            check.error(path + ("min",), f"{what}: min {fmt(low)} must be below the min "
                        f"{fmt(bands[-1].min)} of the band before it (highest first)")
        bands.append(Band(code, check.text(raw, "label", path, what), low))
    return tuple(bands)


def _node(check: _Checker, raw: Any, path: tuple, seen: set[str], top: bool) -> Node | None:
    code = check.text(raw, "code", path, "node") if isinstance(raw, dict) else ""
    what = f"node '{code}'" if code else "node"
    if not check.keys(raw, path, NODE_KEYS, ("code", "title"), what):
        return None
    if code in seen:
        check.error(path + ("code",), f"{what}: code is used twice")
    seen.add(code)
    kind = check.text(raw, "kind", path, what)
    if kind not in NODE_KINDS:
        check.error(path + ("kind",), f"{what}: kind '{kind}' is not bonus or penalty")
    elif kind and not top:
        check.error(path + ("kind",), f"{what}: kind '{kind}' is allowed only on top-level nodes")
    declared = check.number(raw, "max", path, what)
    children = tuple(
        child
        for i, item in enumerate(check.items(raw.get("children"), path + ("children",), what))
        if (child := _node(check, item, path + ("children", i), seen, top=False)) is not None
    )
    rule = None
    if raw.get("rule") is not None:
        rule = _rule(check, raw["rule"], path + ("rule",), what)
    common = {"code": code, "title": check.text(raw, "title", path, what), "kind": kind,
              "guide": check.text(raw, "guide", path, what)}

    if raw.get("source") is not None:
        if raw.get("children"):
            check.error(path + ("source",), f"{what}: only a leaf takes a source")
        else:
            common["source"] = _source(check, raw["source"], path + ("source",), what, rule)

    if raw.get("children"):
        if raw.get("rule") is not None:
            check.error(path + ("rule",), f"{what}: a node with children takes no rule "
                        "(its points are the sum of its children)")
        total = sum((child.max for child in children), ZERO)
        # A broken child is already reported; its missing max must not raise a second error.
        complete = isinstance(raw["children"], list) and len(children) == len(raw["children"])
        if declared is not None and complete and declared != total:
            check.error(path + ("max",), f"{what}: max {fmt(declared)} differs from the sum "
                        f"of its children {fmt(total)}")
        return Node(max=total, children=children, **common)

    if raw.get("rule") is None:
        check.error(path, f"{what}: a leaf needs a rule (or the node needs children)")
    if declared is None:
        if "max" not in raw:
            check.error(path, f"{what}: a leaf needs a max")
        return None
    if declared <= 0:
        check.error(path + ("max",), f"{what}: max {fmt(declared)} must be above 0")
    # A broken rule is already reported; keep the leaf so its parent's sum stays right.
    return Node(max=declared, rule=rule or Rule("points"), **common)


def _source(check: _Checker, raw: Any, path: tuple, what: str, rule: Rule | None
            ) -> Source | None:
    if not isinstance(raw, dict):
        check.error(path, f"{what}: source must be a mapping, not {_show(raw)}")
        return None
    kind = check.text(raw, "kind", path, what)
    if kind not in SOURCE_KINDS:
        check.error(path + ("kind",), f"{what}: source kind '{kind}' is not one of "
                    f"{', '.join(SOURCE_KINDS)}")
        return None
    keys, required, rule_kinds = SOURCE_KINDS[kind]
    check.keys(raw, path, ("kind",) + keys, required, f"{what} ({kind} source)")
    if rule is not None and rule.kind not in rule_kinds:
        check.error(path + ("kind",), f"{what}: a {kind} source writes a value for a "
                    f"{' or '.join(rule_kinds)} rule, not {rule.kind}")
    params = {key: _source_text(raw.get(key)) for key in keys if raw.get(key) is not None}
    if "by" in params:
        try:
            date.fromisoformat(params["by"])
        except ValueError:
            check.error(path + ("by",), f"{what}: by '{params['by']}' is not a date "
                        "written YYYY-MM-DD")
    for key in ("numerator", "denominator"):
        if key in params and params[key] not in SERVICE_FIGURES:
            check.error(path + (key,), f"{what}: {key} '{params[key]}' is not one of "
                        f"{', '.join(SERVICE_FIGURES)}")
    if "reports" in params:
        unknown = [k for k in _words(params["reports"]) if k not in REPORT_KINDS]
        if unknown or not _words(params["reports"]):
            check.error(path + ("reports",), f"{what}: reports '{params['reports']}' must "
                        f"list some of {', '.join(REPORT_KINDS)}")
    return Source(kind, tuple(sorted(params.items())))


def _source_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item).strip() for item in value)
    return normalize_text(str(value))


def _words(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


def _rule(check: _Checker, raw: Any, path: tuple, what: str) -> Rule | None:
    if not isinstance(raw, dict):
        check.error(path, f"{what}: rule must be a mapping, not {_show(raw)}")
        return None
    kind = check.text(raw, "kind", path, what)
    if kind not in RULE_KINDS:
        check.error(path + ("kind",), f"{what}: rule kind '{kind}' is not one of "
                    f"{', '.join(RULE_KINDS)}")
        return None
    check.keys(raw, path, ("kind",) + RULE_KEYS[kind], (), f"{what} ({kind} rule)")

    if kind == "levels":
        levels, labels = [], set()
        raw_levels = check.items(raw.get("levels"), path + ("levels",), what)
        for i, item in enumerate(raw_levels):
            at = path + ("levels", i)
            if not check.keys(item, at, ("label", "fraction"), ("label",), f"{what} level {i + 1}"):
                continue
            label = check.text(item, "label", at, what)
            if label_key(label) in labels:
                check.error(at + ("label",), f"{what}: level label '{label}' is used twice")
            labels.add(label_key(label))
            levels.append(Level(label, check.fraction(item, at, f"{what} level '{label}'")))
        if not raw_levels:
            check.error(path, f"{what}: a levels rule needs a non-empty list of levels")
        return Rule(kind, levels=tuple(levels))

    if kind == "count":
        per_item = check.number(raw, "per_item", path, what)
        if per_item is None:
            if "per_item" not in raw:
                check.error(path, f"{what}: a count rule needs per_item (points per item)")
        elif per_item <= 0:
            check.error(path + ("per_item",), f"{what}: per_item {fmt(per_item)} must be above 0")
        return Rule(kind, per_item=per_item)

    if kind == "ratio":
        proportional = raw.get("proportional", False)
        if not isinstance(proportional, bool):
            check.error(path + ("proportional",), f"{what}: proportional must be true or false")
            proportional = False
        bands: list[RatioBand] = []
        for i, item in enumerate(check.items(raw.get("bands"), path + ("bands",), what)):
            at = path + ("bands", i)
            if not check.keys(item, at, ("min", "fraction"), ("min",), f"{what} ratio band"):
                continue
            low = check.number(item, "min", at, what)
            if low is None:
                continue
            if low < 0:
                check.error(at + ("min",), f"{what}: ratio band min {fmt(low)} is below 0")
            if bands and low >= bands[-1].min:
                check.error(at + ("min",), f"{what}: ratio band min {fmt(low)} must be below "
                            f"{fmt(bands[-1].min)} (bands go highest min first)")
            bands.append(RatioBand(low, check.fraction(item, at, f"{what} ratio band")))
        if proportional and raw.get("bands"):
            check.error(path, f"{what}: a ratio rule is either proportional or has bands, not both")
        elif not proportional and not raw.get("bands"):
            check.error(path, f"{what}: a ratio rule needs bands or proportional: true")
        return Rule(kind, bands=tuple(bands), proportional=proportional)

    return Rule(kind)


# --------------------------------------------------------------------------- back to data


def plain_number(value: Decimal) -> int | Decimal:
    """Integral values as ints (`max: 2`), others as a Decimal without trailing zeros."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def framework_to_dict(fw: Framework) -> dict:
    """The YAML-ready form, keys in the order of formats.md; the inverse of framework_from_dict."""
    return {
        "code": fw.code,
        "name": fw.name,
        "year": fw.year,
        "unit_group": fw.unit_group,
        "ranking": fw.ranking,
        "bands": [{"code": b.code, "label": b.label, "min": plain_number(b.min)} for b in fw.bands],
        "nodes": [_node_to_dict(node) for node in fw.nodes],
    }


def _node_to_dict(node: Node) -> dict:
    data: dict[str, Any] = {"code": node.code, "title": node.title}
    if node.kind:
        data["kind"] = node.kind
    data["max"] = plain_number(node.max)
    if node.guide:
        data["guide"] = node.guide
    if node.rule is not None:
        data["rule"] = rule_to_dict(node.rule)
        if node.source is not None:
            data["source"] = source_to_dict(node.source)
    else:
        data["children"] = [_node_to_dict(child) for child in node.children]
    return data


def rule_to_dict(rule: Rule) -> dict:
    data: dict[str, Any] = {"kind": rule.kind}
    if rule.kind == "levels":
        data["levels"] = [
            {"label": lv.label, "fraction": plain_number(lv.fraction)} for lv in rule.levels
        ]
    elif rule.kind == "count":
        data["per_item"] = plain_number(rule.per_item)
    elif rule.kind == "ratio":
        if rule.proportional:
            data["proportional"] = True
        else:
            data["bands"] = [
                {"min": plain_number(b.min), "fraction": plain_number(b.fraction)}
                for b in rule.bands
            ]
    return data


def source_to_dict(source: Source) -> dict:
    return {"kind": source.kind, **dict(source.params)}
