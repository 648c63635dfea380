from decimal import Decimal as D

import pytest

from parindex.engine.framework import FrameworkError, framework_from_dict, framework_to_dict
from parindex.engine.io import parse_framework_yaml

from .helpers import field, leaf, make

GOOD = """\
code: t
name: Thử
year: 2024
unit_group: huyen
ranking: dense
bands:
  - {code: tot, label: Tốt, min: 80}
  - {code: yeu, label: Yếu, min: 0}
nodes:
  - code: "1"
    title: Lĩnh vực
    max: 3
    children:
      - {code: "1.1", title: A, max: 1, rule: {kind: yes_no}}
      - {code: "1.2", title: B, max: 2, rule: {kind: levels, levels: [{label: Đạt, fraction: 0.5}]}}
"""


def errors_of(text):
    with pytest.raises(FrameworkError) as caught:
        parse_framework_yaml(text, "framework.yaml")
    return caught.value.errors


def test_yaml_numbers_are_exact_decimals():
    fw = parse_framework_yaml(GOOD)
    assert fw.leaves()["1.2"].rule.levels[0].fraction == D("0.5")
    assert fw.nodes[0].max == D(3) and fw.ranking == "dense"


def test_parent_max_must_be_the_sum_of_its_children():
    errors = errors_of(GOOD.replace("max: 3", "max: 2.5"))
    assert errors == ["framework.yaml:12:10: node '1': max 2.5 differs from the sum of its "
                      "children 3"]


@pytest.mark.parametrize("change,expected", [
    (("min: 0}", "min: 90}"), "framework.yaml:8:"),
    (('"1.2"', '"1.1"'), "node '1.1': code is used twice"),
    (("kind: yes_no", "kind: yesno"), "node '1.1': rule kind 'yesno' is not one of"),
    (("fraction: 0.5", "fraction: 1.5"), "fraction 1.5 is not within 0..1"),
    (("ranking: dense", "ranking: olympic"), "framework.yaml:5:10: framework: ranking 'olympic'"),
    (("title: A, max: 1", "title: A, max: 0"), "node '1.1': max 0 must be above 0"),
    (("title: A,", "title: A, weight: 2,"), "node '1.1': unknown key 'weight'"),
    (("levels: [{label: Đạt, fraction: 0.5}]", "levels: []"), "needs a non-empty list of levels"),
    (("name: Thử\n", ""), "framework: missing 'name'"),
])
def test_validation_errors_name_node_and_place(change, expected):
    errors = errors_of(GOOD.replace(*change))
    assert any(expected in e for e in errors), errors
    assert all(e.startswith("framework.yaml:") for e in errors)


def test_every_error_is_reported():
    text = GOOD.replace("max: 3", "max: 9").replace("kind: yes_no", "kind: nope")
    errors = errors_of(text)
    assert len(errors) == 2


def test_rule_errors():
    def bad(**rule):
        with pytest.raises(FrameworkError) as caught:
            make([field("1", leaf("1.1", 2, **rule))])
        return str(caught.value)
    assert "needs per_item" in bad(kind="count")
    assert "per_item 0 must be above 0" in bad(kind="count", per_item=0)
    assert "needs bands or proportional" in bad(kind="ratio")
    assert "must be below" in bad(kind="ratio", bands=[{"min": D("0.5"), "fraction": 1},
                                                      {"min": 1, "fraction": 0}])
    assert "not both" in bad(kind="ratio", proportional=True, bands=[{"min": 0, "fraction": 1}])
    assert "used twice" in bad(kind="levels", levels=[{"label": "A", "fraction": 1},
                                                     {"label": "a", "fraction": 0}])
    assert "unknown key 'per_item'" in bad(kind="yes_no", per_item=1)


def test_kind_only_on_top_level_and_bands_highest_first():
    with pytest.raises(FrameworkError, match="only on top-level"):
        make([field("1", {**leaf("1.1", 1), "kind": "bonus"})])
    with pytest.raises(FrameworkError, match="band 'b': min 90 must be below"):
        make([field("1", leaf("1.1", 1))], bands=[{"code": "a", "label": "A", "min": 50},
                                                 {"code": "b", "label": "B", "min": 90}])


def test_yaml_syntax_error_has_a_place():
    errors = errors_of("code: [unclosed\nname: x\n")
    assert errors[0].startswith("framework.yaml:")


def test_round_trip_through_dict():
    fw = parse_framework_yaml(GOOD)
    data = framework_to_dict(fw)
    assert data["nodes"][0]["max"] == 3
    assert data["nodes"][0]["children"][1]["rule"]["levels"][0]["fraction"] == D("0.5")
    assert framework_from_dict(data) == fw
