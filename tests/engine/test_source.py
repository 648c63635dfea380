"""A leaf's `source` (where parindex.plans computes its value from): checked, kept through
YAML and XLSX, and ignored by the arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given

from parindex.engine.compute import compute
from parindex.engine.framework import FrameworkError, Source, framework_from_dict
from parindex.engine.io import dump_framework_yaml, parse_framework_yaml
from parindex.engine.values import parse_value
from tests.engine.strategies import frameworks


def framework(source, rule=None, children=False) -> dict:
    leaf = {"code": "1.1", "title": "Kế hoạch", "max": 1, "rule": rule or {"kind": "yes_no"},
            "source": source}
    node = {"code": "1", "title": "Chỉ đạo", "children": [leaf]}
    if children:
        node["source"] = source
    return {"code": "f", "name": "F", "year": 2026, "unit_group": "huyen", "nodes": [node]}


def errors(data) -> str:
    with pytest.raises(FrameworkError) as caught:
        framework_from_dict(data)
    return "\n".join(caught.value.errors)


def test_a_source_is_kept_with_its_settings():
    fw = framework_from_dict(framework({"kind": "plan_issued_by", "by": "2026-01-31"}))
    assert fw.leaves()["1.1"].source == Source("plan_issued_by", (("by", "2026-01-31"),))


@pytest.mark.parametrize(("source", "rule", "message"), [
    ({"kind": "guess"}, None, "source kind 'guess' is not one of"),
    ({"kind": "plan_issued_by"}, None, "missing 'by'"),
    ({"kind": "plan_issued_by", "by": "31/01/2026"}, None, "is not a date written YYYY-MM-DD"),
    ({"kind": "plan_tasks_on_time"}, None, "writes a value for a ratio rule, not yes_no"),
    ({"kind": "service_ratio", "numerator": "luck", "denominator": "received"},
     {"kind": "ratio", "proportional": True}, "numerator 'luck' is not one of"),
    ({"kind": "reports_on_time", "reports": "q5"}, {"kind": "count", "per_item": 1},
     "reports 'q5' must list some of"),
    ({"kind": "plan_tasks_on_time", "extra": 1}, {"kind": "ratio", "proportional": True},
     "unknown key 'extra'"),
    ("tasks", None, "source must be a mapping"),
])
def test_a_wrong_source_is_refused_with_its_place(source, rule, message):
    assert message in errors(framework(source, rule))


def test_only_a_leaf_takes_a_source():
    assert "only a leaf takes a source" in errors(
        framework({"kind": "plan_issued_by", "by": "2026-01-31"}, children=True))


def test_yaml_places_a_bad_source():
    text = dump_framework_yaml(framework_from_dict(
        framework({"kind": "plan_issued_by", "by": "2026-01-31"}))).replace("2026-01-31", "soon")
    with pytest.raises(FrameworkError) as caught:
        parse_framework_yaml(text, "f.yaml")
    assert caught.value.errors[0].startswith("f.yaml:")


@given(frameworks())
def test_yaml_keeps_every_source(fw):
    assert parse_framework_yaml(dump_framework_yaml(fw)) == fw


def test_the_arithmetic_ignores_the_source():
    with_source = framework_from_dict(framework({"kind": "plan_issued_by", "by": "2026-01-31"}))
    data = framework({"kind": "plan_issued_by", "by": "2026-01-31"})
    del data["nodes"][0]["children"][0]["source"]
    without = framework_from_dict(data)
    leaf = with_source.leaves()["1.1"]
    values = {"H01": {"1.1": parse_value(leaf, "yes")}}
    assert compute(with_source, values).results[0].index == compute(
        without, values).results[0].index == 100
