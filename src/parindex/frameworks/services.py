"""Writes for frameworks: the engine's tree stored as Framework + Node rows.

Invariants: `import_framework` and `delete_framework` are the only doors (the admin's edits go
through `parindex.history.admin.LoggedAdmin`); each takes the acting person first, is refused
(PermissionDenied, nothing written) unless `policy.can_manage_frameworks` allows, and records one
change-log row on the framework in its own transaction: `import` (before: what a replaced
framework was, after: what is stored now, with its node count) or `delete`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from parindex import history, policy
from parindex.engine.framework import Framework as EngineFramework
from parindex.engine.framework import FrameworkError, framework_to_dict
from parindex.units.models import UnitGroup

from .models import Framework, Node


def json_ready(value: Any) -> Any:
    """Decimals as JSON numbers when a float carries them exactly (0.5, 0.95), else as text.

    The stored rule then reads like the YAML it came from; the engine reads either form back
    as the same Decimal, so nothing is lost.
    """
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    return value


def import_framework(
    actor, path_or_framework: str | Path | EngineFramework, *, replace: bool = False
) -> Framework:
    """Store a framework (a .yaml/.xlsx file or an engine Framework) and its node tree.

    The unit group must already exist: a framework names the group it scores, and a typo there
    should be an error rather than a new, empty group. An existing code is an error unless
    `replace=True` and no score uses its nodes; replacing keeps the row (and so the rounds that
    use it) and rebuilds the tree.
    """
    if not policy.can_manage_frameworks(actor):
        raise PermissionDenied("only administrators import frameworks")
    if isinstance(path_or_framework, EngineFramework):
        fw = path_or_framework
    else:
        from parindex.engine.io import load_framework
        from parindex.imports import read_limits

        fw = load_framework(Path(path_or_framework), read_limits())

    with transaction.atomic():
        group = UnitGroup.objects.filter(code=fw.unit_group).first()
        if group is None:
            raise FrameworkError(
                f"{fw.code}: unit group '{fw.unit_group}' does not exist (import the units first)"
            )
        data = framework_to_dict(fw)
        fields = {
            "name": fw.name,
            "year": fw.year,
            "unit_group": group,
            "ranking": fw.ranking,
            "bands": json_ready(data["bands"]),
        }
        model = Framework.objects.select_for_update().filter(code=fw.code).first()
        before = _summary(model) if model is not None else {}
        if model is not None:
            if not replace:
                raise FrameworkError(
                    f"{fw.code}: a framework with this code exists (use replace to overwrite it)"
                )
            # Local import: assessments depends on frameworks, not the other way round.
            from parindex.assessments.models import Score

            if Score.objects.filter(node__framework=model).exists():
                raise FrameworkError(
                    f"{fw.code}: scores already use this framework; it cannot be replaced"
                )
            for name, value in fields.items():
                setattr(model, name, value)
            model.save()
            model.nodes.all().delete()
        else:
            model = Framework.objects.create(code=fw.code, **fields)
        _create_nodes(model, data["nodes"])
        source = "" if isinstance(path_or_framework, EngineFramework) else Path(
            path_or_framework).name
        history.record(actor, "import", model, before=before,
                       after={**_summary(model), **({"file": source} if source else {})})
    return model


def _summary(model: Framework) -> dict:
    """What the log keeps of a framework: its fields and the size of its tree."""
    return {"code": model.code, "name": model.name, "year": model.year,
            "unit_group": model.unit_group.code, "ranking": model.ranking,
            "nodes": model.nodes.count()}


def _create_nodes(model: Framework, node_dicts: list[dict]) -> None:
    """Insert the whole tree with one bulk insert and one bulk update of the parent links,
    so the number of queries does not grow with the number of nodes."""
    rows: list[Node] = []
    parents: list[int | None] = []  # index into rows of each row's parent

    def walk(items: list[dict], depth: int, parent: int | None) -> None:
        for item in items:
            index = len(rows)
            rows.append(
                Node(
                    framework=model,
                    position=index,
                    depth=depth,
                    code=item["code"],
                    title=item["title"],
                    kind=item.get("kind", ""),
                    max_points=Decimal(item["max"]),
                    rule=json_ready(item["rule"]) if "rule" in item else None,
                    guide=item.get("guide", ""),
                    source=item.get("source"),
                )
            )
            parents.append(parent)
            walk(item.get("children", []), depth + 1, index)

    walk(node_dicts, 0, None)
    # The batch size is the database's limit; on SQLite that is 99 nodes per INSERT.
    Node.objects.bulk_create(rows)
    children = []
    for row, parent in zip(rows, parents, strict=True):
        if parent is not None:
            row.parent_id = rows[parent].pk
            children.append(row)
    Node.objects.bulk_update(children, ["parent"])


def set_sources(actor, model: Framework, sources: dict[str, dict | None]) -> Framework:
    """Declare (or, with None, remove) where leaves' values are computed from (formats.md,
    `source`), on a framework that may already be scored: the arithmetic never reads a source,
    so no score changes. Validated by the engine as a file would be; one change-log row."""
    if not policy.can_manage_frameworks(actor):
        raise PermissionDenied("only administrators change frameworks")
    from parindex.engine.framework import framework_from_dict

    from .selectors import framework_dict

    with transaction.atomic():
        model = Framework.objects.select_for_update().select_related("unit_group").get(
            pk=model.pk)
        nodes = list(Node.objects.filter(framework=model).order_by("position"))
        by_code = {node.code: node for node in nodes}
        unknown = [code for code in sources if code not in by_code]
        if unknown:
            raise FrameworkError(f"{model.code}: no criterion {', '.join(unknown)}")
        before = {code: by_code[code].source for code in sources}
        for code, source in sources.items():
            by_code[code].source = source
        framework_from_dict(framework_dict(model, nodes), source=f"framework {model.code}")
        Node.objects.bulk_update([by_code[code] for code in sources], ["source"])
        history.record(actor, "update", model, before={"sources": before},
                       after={"sources": dict(sources)})
    return model


def delete_framework(actor, model: Framework) -> None:
    """Remove a framework and its nodes; refused (ProtectedError) while scores use it."""
    if not policy.can_manage_frameworks(actor):
        raise PermissionDenied("only administrators delete frameworks")
    with transaction.atomic():
        model = Framework.objects.select_for_update().select_related("unit_group").get(
            pk=model.pk)
        history.record(actor, "delete", model, before=_summary(model))
        model.delete()
