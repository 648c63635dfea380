"""Files in and out: frameworks (YAML, XLSX), units and scores (CSV, XLSX), results.

Every reader collects the problems it finds, each naming file, row and column as the person who
typed the file sees them (Excel row numbers, header = row 1), and raises them together.
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import openpyxl
import yaml

from .cells import csv_writer, xlsx_row
from .compute import ResultSet, round2
from .framework import (
    Framework,
    FrameworkError,
    Node,
    fmt,
    framework_from_dict,
    framework_to_dict,
    source_to_dict,
)
from .printing import print_setup, widths_for
from .tables import (
    EMPTY,
    TOO_LARGE,
    InputError,
    InputIssue,
    Issues,
    ReadLimits,
    cell_text,
    decode_text,
    gettext_noop,
    iter_rows,
    open_workbook,
    read_rows,
    refuse,
    sheet_values,
)
from .values import parse_value

__all__ = ["InputError", "InputIssue", "ReadLimits", "read_rows"]

STAGES = ("appraised", "self")


# --------------------------------------------------------------------------- YAML


class StrictLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: one small file cannot expand into billions of
    nodes (the "billion laughs"), and nobody needs them to write a framework or a survey."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._refuse(self.peek_event().start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            self._refuse(event.start_mark)
        return super().compose_node(parent, index)

    @staticmethod
    def _refuse(mark) -> None:
        raise yaml.composer.ComposerError(
            None, None, "YAML anchors and aliases (& and *) are not allowed; write the value out",
            mark)


class _DecimalLoader(StrictLoader):
    """YAML numbers as written: `0.5` is Decimal("0.5"), never the float 0.5."""


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", fmt(value))


_Dumper.add_representer(Decimal, _represent_decimal)


def _from_node(loader: yaml.SafeLoader, node: yaml.Node, path: tuple, positions: dict) -> Any:
    """Build plain data from a composed YAML node, noting where each path starts."""
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        data = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            data[key] = _from_node(loader, value_node, path + (key,), positions)
        return data
    if isinstance(node, yaml.SequenceNode):
        return [_from_node(loader, item, path + (i,), positions)
                for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml_with_positions(text: str, loader_class=StrictLoader) -> tuple[Any, dict]:
    """The data of a YAML document (None when empty) and where each part starts: a path of keys
    and list indexes → (line, column), both from 1. Anchors and aliases raise a
    `yaml.MarkedYAMLError`, as syntax errors do (see `yaml_error_place`)."""
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        positions: dict = {}
        data = None if root is None else _from_node(loader, root, (), positions)
    finally:
        loader.dispose()
    return data, positions


def yaml_error_place(error: yaml.MarkedYAMLError, source: str) -> str:
    """`source:line:column: problem` for a YAML syntax error (or a refused anchor)."""
    mark = error.problem_mark or error.context_mark
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
    return f"{where}: {error.problem or error}"


def parse_framework_yaml(text: str, source: str = "<framework>") -> Framework:
    try:
        data, positions = load_yaml_with_positions(text, _DecimalLoader)
    except yaml.MarkedYAMLError as error:
        raise FrameworkError(yaml_error_place(error, source)) from None
    if data is None:
        raise FrameworkError(f"{source}: the file is empty")
    return framework_from_dict(data, source, positions)


def dump_framework_yaml(fw: Framework) -> str:
    return yaml.dump(framework_to_dict(fw), Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, default_flow_style=False, width=100)


# --------------------------------------------------------------------------- XLSX framework

NODE_COLUMNS = ("code", "parent_code", "title", "kind", "max", "rule_kind", "levels", "per_item",
                "ratio_bands", "proportional", "guide", "source")
FRAMEWORK_SHEET_KEYS = ("code", "name", "year", "unit_group", "ranking")


def _pairs_text(pairs: list[tuple[str, Decimal]]) -> str:
    return "; ".join(f"{left}={fmt(right)}" for left, right in pairs)


def _parse_pairs(text: str) -> list[tuple[str, str]]:
    """`100%=1; 80-<100%=0.5` → [("100%", "1"), ...]; the last `=` splits, so labels may hold `=`."""
    pairs = []
    for item in text.split(";"):
        if not item.strip():
            continue
        left, sep, right = item.rpartition("=")
        if not sep:
            raise ValueError(f"'{item.strip()}' is not written as label=fraction")
        pairs.append((left.strip(), right.strip()))
    return pairs




def _number_cell(value: Decimal) -> int | Decimal:
    """A real number in the cell: openpyxl writes a Decimal's exact digits, no float involved."""
    if value == value.to_integral_value():
        return int(value)
    return Decimal(fmt(value))


def write_framework_xlsx(fw: Framework, out: str | os.PathLike | IO[bytes]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "framework"
    sheet.append(["key", "value"])
    for key in FRAMEWORK_SHEET_KEYS:
        sheet.append(xlsx_row(sheet, [key, getattr(fw, key)]))
    bands = book.create_sheet("bands")
    bands.append(["code", "label", "min"])
    for band in fw.bands:
        bands.append(xlsx_row(bands, [band.code, band.label, _number_cell(band.min)]))
    nodes = book.create_sheet("nodes")
    nodes.append(list(NODE_COLUMNS))

    def add(node: Node, parent: str) -> None:
        rule = node.rule
        nodes.append(xlsx_row(nodes, [
            node.code, parent, node.title, node.kind, _number_cell(node.max),
            rule.kind if rule else "",
            _pairs_text([(lv.label, lv.fraction) for lv in rule.levels]) if rule else "",
            _number_cell(rule.per_item) if rule and rule.per_item is not None else "",
            _pairs_text([(fmt(b.min), b.fraction) for b in rule.bands]) if rule else "",
            "yes" if rule and rule.proportional else "",
            node.guide,
            "; ".join(f"{key}={value}" for key, value in source_to_dict(node.source).items())
            if node.source else "",
        ]))
        for child in node.children:
            add(child, node.code)

    for node in fw.nodes:
        add(node, "")
    for ws in (sheet, bands, nodes):
        for column in ws.columns:
            cell_values = [len(cell_text(c.value)) for c in column]
            ws.column_dimensions[column[0].column_letter].width = min(60, max(cell_values) + 2)
        print_setup(ws, [])  # widths as measured above
    book.save(out)


def _sheet_rows(ws, file: str, limits: ReadLimits) -> Iterator[tuple[int, dict[str, Any]]]:
    """(Excel row number, {header: value}) for non-empty rows under the header row."""
    rows = sheet_values(ws, file, limits)
    header = [cell_text(h).lower() for h in next(rows, ())]
    for number, values in enumerate(rows, start=2):
        if all(v is None or cell_text(v) == "" for v in values):
            continue
        yield number, {h: v for h, v in zip(header, values, strict=False) if h}


def _read_framework_xlsx(path: Path, limits: ReadLimits | None = None) -> Framework:
    source = path.name
    limits = limits or ReadLimits()
    book = open_workbook(path, source, limits)
    errors: list[str] = []
    for name in ("framework", "bands", "nodes"):
        if name not in book.sheetnames:
            errors.append(f"{source}: sheet '{name}' is missing")
    if errors:
        raise FrameworkError(errors)

    data: dict[str, Any] = {}
    positions: dict = {}
    for number, row in _sheet_rows(book["framework"], source, limits):
        key = cell_text(row.get("key"))
        value = row.get("value")
        data[key] = value if key == "year" else cell_text(value)
        positions[(key,)] = f"sheet framework, row {number}, column value"

    data["bands"] = []
    positions[("bands",)] = "sheet bands"
    for number, row in _sheet_rows(book["bands"], source, limits):
        i = len(data["bands"])
        data["bands"].append({k: v if k == "min" else cell_text(v)
                              for k, v in row.items() if v is not None})
        positions[("bands", i)] = f"sheet bands, row {number}"
        for key in row:
            positions[("bands", i, key)] = f"sheet bands, row {number}, column {key}"

    # Nodes reference their parent by code; the tree is rebuilt in row order.
    built: dict[str, tuple[dict, tuple]] = {}
    data["nodes"] = []
    positions[("nodes",)] = "sheet nodes"
    for number, row in _sheet_rows(book["nodes"], source, limits):
        at = f"sheet nodes, row {number}"
        unknown = [k for k in row if k not in NODE_COLUMNS]
        for key in unknown:
            errors.append(f"{source}: {at}: unknown column '{key}' "
                          f"(allowed: {', '.join(NODE_COLUMNS)})")
        code = cell_text(row.get("code"))
        parent = cell_text(row.get("parent_code"))
        node: dict[str, Any] = {"code": code, "title": cell_text(row.get("title"))}
        if cell_text(row.get("kind")):
            node["kind"] = cell_text(row.get("kind"))
        if cell_text(row.get("max")):
            node["max"] = row.get("max")
        if cell_text(row.get("guide")):
            node["guide"] = cell_text(row.get("guide"))
        if cell_text(row.get("source")):
            try:  # `kind=service_ratio; numerator=online; denominator=received`
                node["source"] = dict(_parse_pairs(cell_text(row["source"])))
            except ValueError as error:
                errors.append(f"{source}: {at}, column source: {error}")
        rule_kind = cell_text(row.get("rule_kind"))
        if rule_kind:
            rule: dict[str, Any] = {"kind": rule_kind}
            try:
                if cell_text(row.get("levels")):
                    rule["levels"] = [{"label": label, "fraction": fraction} for label, fraction
                                      in _parse_pairs(cell_text(row["levels"]))]
            except ValueError as error:
                errors.append(f"{source}: {at}, column levels: {error}")
            try:
                if cell_text(row.get("ratio_bands")):
                    rule["bands"] = [{"min": low, "fraction": fraction} for low, fraction
                                     in _parse_pairs(cell_text(row["ratio_bands"]))]
            except ValueError as error:
                errors.append(f"{source}: {at}, column ratio_bands: {error}")
            if cell_text(row.get("per_item")):
                rule["per_item"] = row["per_item"]
            proportional = cell_text(row.get("proportional")).lower()
            if proportional in ("yes", "true", "1", "có", "x"):
                rule["proportional"] = True
            elif proportional not in ("", "no", "false", "0", "không"):
                errors.append(f"{source}: {at}, column proportional: write yes or leave it empty")
            node["rule"] = rule

        if parent:
            if parent not in built:
                errors.append(f"{source}: {at}, column parent_code: parent '{parent}' is not "
                              "a node listed above this row")
                continue
            parent_node, parent_path = built[parent]
            siblings = parent_node.setdefault("children", [])
            path = parent_path + ("children", len(siblings))
            siblings.append(node)
        else:
            path = ("nodes", len(data["nodes"]))
            data["nodes"].append(node)
        if code and code not in built:
            built[code] = (node, path)
        positions[path] = at
        for key, column in (("code", "code"), ("title", "title"), ("kind", "kind"),
                            ("max", "max"), ("guide", "guide"), ("children", "code"),
                            ("source", "source")):
            positions[path + (key,)] = f"{at}, column {column}"
        positions[path + ("rule",)] = f"{at}, column rule_kind"
        for key in ("kind", "levels", "per_item", "proportional"):
            column = "rule_kind" if key == "kind" else key
            positions[path + ("rule", key)] = f"{at}, column {column}"
        positions[path + ("rule", "bands")] = f"{at}, column ratio_bands"
    book.close()
    if errors:
        raise FrameworkError(errors)
    return framework_from_dict(data, source, positions)


YAML_NOT_UTF8 = gettext_noop("the file is not UTF-8 text: save it with the encoding UTF-8")


def load_framework(path: str | os.PathLike, limits: ReadLimits | None = None) -> Framework:
    path = Path(path)
    limits = limits or ReadLimits()
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        try:
            with path.open("rb") as stream:
                data = stream.read(limits.max_uncompressed_mb * 2**20 + 1)
        except OSError as error:
            raise FrameworkError(f"{path.name}: cannot read the file ({error.strerror})") from None
        if len(data) > limits.max_uncompressed_mb * 2**20:
            raise refuse(path.name, TOO_LARGE, limit=limits.max_uncompressed_mb)
        return parse_framework_yaml(decode_text(data, path.name, YAML_NOT_UTF8), path.name)
    if suffix == ".xlsx":
        return _read_framework_xlsx(path, limits)
    raise FrameworkError(f"{path.name}: a framework is a .yaml, .yml or .xlsx file")


# --------------------------------------------------------------------------- tables in


def _read_table(path: Path, limits: ReadLimits | None
                ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (lower-cased) and (row number, cell texts) of the non-empty rows under it."""
    rows = read_rows(path, limits=limits)
    if not rows:
        raise refuse(path.name, EMPTY)
    header = [unicodedata.normalize("NFC", h).strip().lower() for h in rows[0]]
    body = [(n, [unicodedata.normalize("NFC", c).strip() for c in row])
            for n, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    return header, body


def _check_header(header: list[str], allowed: tuple, required: tuple, issues: Issues) -> None:
    for i, name in enumerate(header, start=1):
        if name and name not in allowed:
            issues.add(1, name, f"unknown column '{name}' (allowed: {', '.join(allowed)})")
        elif not name and i < len(header):
            issues.add(1, i, "a column has no header")
    for name in required:
        if name not in header:
            issues.add(1, None, f"missing column '{name}'")
    seen = set()
    for name in header:
        if name and name in seen:
            issues.add(1, name, f"column '{name}' appears twice")
        seen.add(name)
    issues.raise_if_any()


def _as_dict(header: list[str], row: list[str]) -> dict[str, str]:
    return {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h}


UNIT_COLUMNS = ("code", "name", "unit_group", "parent_code", "kind", "valid_from", "valid_to",
                "predecessors")


@dataclass
class UnitRecord:
    code: str
    name: str
    unit_group: str
    parent_code: str = ""
    kind: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    predecessors: tuple[str, ...] = ()


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> date:
    """ISO `2021-01-01`, or `1/1/2021` (day first, as written in Vietnam)."""
    match = _DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date (write YYYY-MM-DD)") from None


def read_units(path: str | os.PathLike, limits: ReadLimits | None = None) -> list[UnitRecord]:
    path = Path(path)
    issues = Issues(path.name)
    header, body = _read_table(path, limits)
    _check_header(header, UNIT_COLUMNS, ("code", "name", "unit_group"), issues)
    units, seen = [], {}
    for number, cells in body:
        row = _as_dict(header, cells)
        for column in ("code", "name", "unit_group"):
            if not row[column]:
                issues.add(number, column, f"{column} is empty")
        dates = {}
        for column in ("valid_from", "valid_to"):
            text = row.get(column, "")
            try:
                dates[column] = parse_date(text) if text else None
            except ValueError as error:
                issues.add(number, column, str(error))
                dates[column] = None
        if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
            issues.add(number, "valid_to", "valid_to is before valid_from")
        code = row["code"]
        if code and code in seen:
            issues.add(number, "code", f"unit '{code}' is already on row {seen[code]}")
        seen.setdefault(code, number)
        predecessors = tuple(p.strip() for p in row.get("predecessors", "").split(";")
                             if p.strip())
        units.append(UnitRecord(code, row["name"], row["unit_group"], row.get("parent_code", ""),
                                row.get("kind", ""), dates["valid_from"], dates["valid_to"],
                                predecessors))
    issues.raise_if_any()
    return units


REORGANISATION_COLUMNS = ("reorganisation", "date", "legal_basis", "old_unit", "new_unit",
                          "new_name", "new_group", "new_parent", "weight", "weight_name",
                          "comparable")
_YES = {"yes", "có", "co", "true", "1", "x"}
_NO = {"no", "không", "khong", "false", "0"}


@dataclass(frozen=True)
class ReorganisationRow:
    """One line of a reorganisation file: `old_unit` flows into `new_unit` on `date`."""

    row: int
    reorganisation: str
    date: date | None
    legal_basis: str
    old_unit: str
    new_unit: str
    new_name: str = ""
    new_group: str = ""
    new_parent: str = ""
    weight: Decimal | None = None
    weight_name: str = ""
    comparable: bool = True


def read_reorganisations(path: str | os.PathLike, limits: ReadLimits | None = None
                         ) -> list[ReorganisationRow]:
    """The lines of a reorganisation CSV/XLSX, checked for shape (every problem with its row);
    rows with the same `reorganisation` code must agree on its date, basis, weight and
    comparability."""
    path = Path(path)
    issues = Issues(path.name)
    header, body = _read_table(path, limits)
    required = ("reorganisation", "date", "legal_basis", "old_unit", "new_unit")
    _check_header(header, REORGANISATION_COLUMNS, required, issues)
    issues.raise_if_any()
    lines, heads, seen = [], {}, {}
    for number, cells in body:
        row = _as_dict(header, cells)
        for column in required:
            if not row.get(column):
                issues.add(number, column, f"{column} is empty")
        day = None
        if row.get("date"):
            try:
                day = parse_date(row["date"])
            except ValueError as error:
                issues.add(number, "date", str(error))
        weight = None
        if text := row.get("weight", ""):
            try:
                weight = Decimal(text.replace(",", "."))
            except ArithmeticError:
                weight = None
            if weight is None or not weight.is_finite() or weight < 0 or weight >= 10**12:
                issues.add(number, "weight", f"'{text}' is not a weight (a number from 0)")
                weight = None
        comparable = row.get("comparable", "").lower()
        if comparable and comparable not in _YES | _NO:
            issues.add(number, "comparable", f"'{row['comparable']}' is not yes or no")
        line = ReorganisationRow(
            number, row["reorganisation"], day, row["legal_basis"], row["old_unit"],
            row["new_unit"], row.get("new_name", ""), row.get("new_group", ""),
            row.get("new_parent", ""), weight, row.get("weight_name", ""),
            comparable not in _NO,
        )
        if line.old_unit and line.old_unit == line.new_unit:
            issues.add(number, "new_unit", f"unit '{line.old_unit}' cannot flow into itself")
        key = (line.reorganisation, line.old_unit, line.new_unit)
        if key in seen:
            issues.add(number, "new_unit", f"this line is already on row {seen[key]}")
        seen.setdefault(key, number)
        head = (line.date, line.legal_basis, line.weight_name, line.comparable)
        first = heads.setdefault(line.reorganisation, (number, head))
        if first[1] != head:
            issues.add(number, "reorganisation",
                       f"date, legal basis, weight name or comparable differ from row {first[0]}"
                       f" of reorganisation '{line.reorganisation}'")
        lines.append(line)
    if not body:
        issues.add(None, None, "the file has no lines")
    issues.raise_if_any()
    return lines


SCORE_COLUMNS = ("unit_code", "criterion_code", "value", "stage", "note")


@dataclass(frozen=True)
class ScoreRow:
    row: int
    unit_code: str
    criterion_code: str
    value: str
    stage: str
    note: str


def read_score_rows(path: str | os.PathLike, limits: ReadLimits | None = None
                    ) -> list[ScoreRow]:
    """The rows of a scores file as typed, checked only for shape (columns, stage)."""
    issues = Issues(Path(path).name)
    rows = list(iter_score_rows(path, issues, limits))
    issues.raise_if_any()
    return rows


def iter_score_rows(path: str | os.PathLike, issues: Issues,
                    limits: ReadLimits | None = None) -> Iterator[ScoreRow]:
    """The rows of a scores file one at a time, as typed: a problem of shape (a bad header
    raises at once; a bad stage or an empty code) goes into `issues` and its row is skipped.
    Blank rows are skipped; nothing of the file is held but the row at hand."""
    path = Path(path)
    rows = iter_rows(path, limits=limits)
    header = next(rows, None)
    if header is None:
        raise refuse(path.name, EMPTY)
    header = [unicodedata.normalize("NFC", h).strip().lower() for h in header]
    _check_header(header, SCORE_COLUMNS, ("unit_code", "criterion_code", "value"), issues)
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = _as_dict(header, [unicodedata.normalize("NFC", c).strip() for c in cells])
        stage = (row.get("stage") or "appraised").lower()
        shaped = stage in STAGES
        if not shaped:
            issues.add(number, "stage", f"stage '{row['stage']}' is not appraised or self")
        for column in ("unit_code", "criterion_code"):
            if not row[column]:
                issues.add(number, column, f"{column} is empty")
                shaped = False
        if shaped:
            yield ScoreRow(number, row["unit_code"], row["criterion_code"], row["value"],
                           stage, row.get("note", ""))


def read_scores(
    path: str | os.PathLike,
    framework: Framework,
    stage: str = "appraised",
    known_units: set[str] | None = None,
    rows: list[ScoreRow] | None = None,
) -> dict[str, dict[str, object]]:
    """Parsed values per unit and leaf, for one stage. A blank value is the same as no row.
    `rows` are the file's rows already read (and perhaps some left out)."""
    path = Path(path)
    issues = Issues(path.name)
    leaves = framework.leaves()
    values: dict[str, dict[str, object]] = {}
    first_row: dict[tuple[str, str, str], int] = {}
    for score in read_score_rows(path) if rows is None else rows:
        key = (score.unit_code, score.criterion_code, score.stage)
        if key in first_row:
            issues.add(score.row, "criterion_code",
                       f"unit '{score.unit_code}' already has a {score.stage} value for "
                       f"'{score.criterion_code}' on row {first_row[key]}")
            continue
        first_row[key] = score.row
        leaf = leaves.get(score.criterion_code)
        if leaf is None:
            try:
                framework.node(score.criterion_code)
                hint = "is not a leaf (enter the points of its sub-criteria)"
            except KeyError:
                hint = "is not a criterion of the framework"
            issues.add(score.row, "criterion_code", f"'{score.criterion_code}' {hint} "
                       f"'{framework.code}'")
            continue
        if known_units is not None and score.unit_code not in known_units:
            issues.add(score.row, "unit_code", f"unit '{score.unit_code}' is not in the units")
            continue
        if score.stage != stage or not score.value:
            continue
        try:
            value = parse_value(leaf, score.value)
        except ValueError as error:
            issues.add(score.row, "value", str(error))
            continue
        values.setdefault(score.unit_code, {})[score.criterion_code] = value
    issues.raise_if_any()
    return values


# --------------------------------------------------------------------------- results out


def _two(value: Decimal) -> str:
    return f"{round2(value):.2f}"


def results_to_dict(resultset: ResultSet) -> dict:
    return {
        "framework": resultset.framework.code,
        "results": [
            {
                "rank": r.rank,
                "unit_code": r.unit_code,
                "unit_name": r.unit_name,
                "achieved": _two(r.achieved),
                "max": _two(r.max),
                "index": _two(r.index),
                "band": r.band,
                "fields": {code: {"achieved": _two(f.achieved), "max": _two(f.max),
                                  "index": _two(f.index)} for code, f in r.fields.items()},
                "missing": list(r.missing),
            }
            for r in resultset.results
        ],
    }


def _result_rows(resultset: ResultSet, as_number) -> tuple[list[str], list[list[Any]]]:
    field_codes = [node.code for node in resultset.framework.fields]
    header = ["rank", "unit_code", "unit_name", "achieved", "max", "index", "band"]
    for code in field_codes:
        header += [f"{code} achieved", f"{code} index"]
    header.append("missing")
    rows = []
    for r in resultset.results:
        row = [r.rank, r.unit_code, r.unit_name, as_number(r.achieved), as_number(r.max),
               as_number(r.index), r.band or ""]
        for code in field_codes:
            field = r.fields.get(code)
            row += ([as_number(field.achieved), as_number(field.index)] if field else ["", ""])
        row.append(";".join(r.missing))
        rows.append(row)
    return header, rows


def _display_width(text: str) -> int:
    """Terminal columns: combining marks take none, wide (CJK) characters two."""
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in unicodedata.normalize("NFC", text))


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _display_width(text))
    return gap + text if right else text + gap


def render_table(resultset: ResultSet) -> str:
    fw = resultset.framework
    labels = {band.code: band.label for band in fw.bands}
    header = ["Hạng", "Mã", "Đơn vị", "Điểm đạt", "Tối đa", "Chỉ số", "Xếp loại"]
    right = [True, False, False, True, True, True, False]
    rows = [[str(r.rank), r.unit_code, r.unit_name, _two(r.achieved), _two(r.max),
             _two(r.index), labels.get(r.band, "") if r.band else ""]
            for r in resultset.results]
    widths = [max(_display_width(cell) for cell in column) for column in zip(header, *rows,
                                                                             strict=True)]
    lines = [f"{fw.name} ({fw.code})", ""]
    for row in [header, None, *rows]:
        if row is None:
            lines.append("  ".join("-" * w for w in widths))
            continue
        cells = [_pad(cell, w, r) for cell, w, r in zip(row, widths, right, strict=True)]
        lines.append("  ".join(cells).rstrip())
    lacking = [r for r in resultset.results if r.missing]
    if lacking:
        lines.append("")
        lines.append("Thiếu điểm (tính 0):")
        lines += [f"  {r.unit_code}: {', '.join(r.missing)}" for r in lacking]
    return "\n".join(lines) + "\n"


def render_results(resultset: ResultSet, fmt: str) -> str | bytes:
    """The results as text (table, json, csv) or bytes (xlsx)."""
    if fmt == "table":
        return render_table(resultset)
    if fmt == "json":
        return json.dumps(results_to_dict(resultset), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        header, rows = _result_rows(resultset, _two)
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()
    if fmt == "xlsx":
        header, rows = _result_rows(resultset, round2)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "results"
        sheet.append(header)
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
        numeric = [i for i, name in enumerate(header, start=1)
                   if name in ("achieved", "max", "index") or name.endswith((" achieved",
                                                                             " index"))]
        for cells in sheet.iter_rows(min_row=2):
            for i in numeric:
                cells[i - 1].number_format = "0.00"
        print_setup(sheet, widths_for(header), frozen_columns=3)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown format '{fmt}' (table, json, csv or xlsx)")


def write_results(resultset: ResultSet, fmt: str, out: str | os.PathLike | IO) -> None:
    data = render_results(resultset, fmt)
    if isinstance(out, str | os.PathLike):
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(out, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) \
                as stream:
            stream.write(data)
        return
    if isinstance(data, bytes):
        out.write(data)
    elif isinstance(out, io.TextIOBase) or hasattr(out, "encoding"):
        out.write(data)
    else:
        out.write(data.encode("utf-8"))

