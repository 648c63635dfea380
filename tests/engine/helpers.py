"""Small frameworks written inline, so each test shows the data it relies on."""

from decimal import Decimal

from parindex.engine.framework import framework_from_dict

D = Decimal


def leaf(code, max_, kind="points", **rule):
    return {"code": code, "title": f"Tiêu chí {code}", "max": max_, "rule": {"kind": kind, **rule}}


def make(nodes, ranking="competition", bands=None, unit_group="huyen"):
    return framework_from_dict({
        "code": "test", "name": "Bộ thử", "year": 2024, "unit_group": unit_group,
        "ranking": ranking,
        "bands": bands if bands is not None else [
            {"code": "tot", "label": "Tốt", "min": 80},
            {"code": "kha", "label": "Khá", "min": D("70.5")},
            {"code": "yeu", "label": "Yếu", "min": 0}],
        "nodes": nodes,
    })


def field(code, *children, kind=""):
    node = {"code": code, "title": f"Lĩnh vực {code}", "children": list(children)}
    if kind:
        node["kind"] = kind
    return node
