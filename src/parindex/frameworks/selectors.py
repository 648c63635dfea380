"""Reads for frameworks."""

from __future__ import annotations

from parindex.engine.framework import Framework as EngineFramework
from parindex.engine.framework import framework_from_dict

from .models import Framework, Node


def framework_dict(model: Framework, nodes: list[Node]) -> dict:
    """The plain-dict form (as in a YAML file) of a stored framework, from its rows.

    `nodes` are the framework's rows ordered by position; parents come before children.
    """
    items: dict[int, dict] = {}
    top: list[dict] = []
    for node in nodes:
        item: dict = {"code": node.code, "title": node.title}
        if node.kind:
            item["kind"] = node.kind
        item["max"] = node.max_points
        if node.guide:
            item["guide"] = node.guide
        if node.rule is not None:
            item["rule"] = node.rule
            if node.source:
                item["source"] = node.source
        else:
            item["children"] = []
        items[node.pk] = item
        (items[node.parent_id]["children"] if node.parent_id else top).append(item)
    return {
        "code": model.code,
        "name": model.name,
        "year": model.year,
        "unit_group": model.unit_group.code,
        "ranking": model.ranking,
        "bands": model.bands,
        "nodes": top,
    }


def engine_framework(model: Framework, nodes: list[Node] | None = None) -> EngineFramework:
    """The pure engine structure of a stored framework: at most two queries (the nodes, and
    the unit group unless it was loaded with select_related)."""
    if nodes is None:
        nodes = list(Node.objects.filter(framework=model).order_by("position"))
    return framework_from_dict(framework_dict(model, nodes), source=f"framework {model.code}")


def framework_list():
    return Framework.objects.select_related("unit_group").order_by("-year", "code")
