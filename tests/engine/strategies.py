"""Hypothesis strategies: random valid frameworks and parsed values for them."""

from decimal import Decimal

from hypothesis import strategies as st

from parindex.engine.framework import SERVICE_FIGURES, framework_from_dict
from parindex.engine.values import NA

hundredths = st.integers(min_value=1, max_value=1000).map(lambda n: Decimal(n) / 100)
fractions = st.integers(min_value=0, max_value=100).map(lambda n: Decimal(n) / 100)
labels = st.text(st.sampled_from("abcĐạtKhôngđạt%<-0123456789 "), min_size=1, max_size=8).map(
    str.strip).filter(bool)


@st.composite
def rules(draw):
    kind = draw(st.sampled_from(["points", "yes_no", "levels", "count", "ratio", "survey"]))
    if kind == "levels":
        names = draw(st.lists(labels, min_size=1, max_size=4, unique_by=str.casefold))
        return {"kind": kind, "levels": [{"label": n, "fraction": draw(fractions)} for n in names]}
    if kind == "count":
        return {"kind": kind, "per_item": draw(hundredths)}
    if kind == "ratio":
        if draw(st.booleans()):
            return {"kind": kind, "proportional": True}
        mins = sorted(draw(st.sets(fractions, min_size=1, max_size=4)), reverse=True)
        return {"kind": kind, "bands": [{"min": m, "fraction": draw(fractions)} for m in mins]}
    return {"kind": kind}


@st.composite
def sources(draw, rule_kind):
    """None mostly; else a source that can write a value for this rule kind (parindex.plans
    reads it, the arithmetic never does)."""
    choices = {
        "ratio": [{"kind": "plan_tasks_on_time"},
                  {"kind": "service_ratio", "numerator": draw(st.sampled_from(SERVICE_FIGURES)),
                   "denominator": "received"},
                  {"kind": "reports_on_time", "reports": "q1, half"}],
        "count": [{"kind": "reports_on_time", "reports": "q1, half, q3, year"}],
        "yes_no": [{"kind": "plan_issued_by", "by": "2024-01-31"}],
    }.get(rule_kind)
    if not choices or draw(st.booleans()):
        return None
    return draw(st.sampled_from(choices))


@st.composite
def frameworks(draw):
    counter = iter(range(10_000))

    def node(depth):
        code = f"n{next(counter)}"
        title = draw(st.sampled_from(["Lĩnh vực", "Tiêu chí", "Chỉ số thành phần"]))
        if depth >= 2 or draw(st.booleans()):
            leaf = {"code": code, "title": title, "max": draw(hundredths), "rule": draw(rules())}
            source = draw(sources(leaf["rule"]["kind"]))
            return {**leaf, "source": source} if source else leaf
        return {"code": code, "title": title,
                "children": [node(depth + 1) for _ in range(draw(st.integers(1, 3)))]}

    nodes = [node(1) for _ in range(draw(st.integers(1, 3)))]
    for kind in ("bonus", "penalty"):
        if draw(st.booleans()):
            nodes.append({**node(1), "kind": kind})
    mins = sorted(draw(st.sets(st.integers(0, 100), max_size=3)), reverse=True)
    return framework_from_dict({
        "code": "fw", "name": "Bộ chỉ số", "year": 2024, "unit_group": "huyen",
        "ranking": draw(st.sampled_from(["competition", "dense"])),
        "bands": [{"code": f"b{m}", "label": f"Mức {m}", "min": m} for m in mins],
        "nodes": nodes,
    })


def value_for(leaf):
    """A strategy of parsed values (never NA) valid for one leaf."""
    rule = leaf.rule
    if rule.kind in ("points", "survey"):
        return st.integers(0, int(leaf.max * 100)).map(lambda n: Decimal(n) / 100)
    if rule.kind == "yes_no":
        return st.booleans()
    if rule.kind == "levels":
        return st.sampled_from([lv.label for lv in rule.levels])
    if rule.kind == "count":
        return st.integers(0, 20)
    return st.tuples(st.integers(0, 60), st.integers(1, 50)).map(
        lambda t: (Decimal(t[0]), Decimal(t[1])))


@st.composite
def unit_values(draw, fw, allow_na=True):
    """Values of one unit: some leaves missing, some NA."""
    row = {}
    for code, leaf in fw.leaves().items():
        choice = draw(st.sampled_from(["value", "value", "value", "missing", "na"]))
        if choice == "value" or (choice == "na" and not allow_na):
            row[code] = draw(value_for(leaf))
        elif choice == "na":
            row[code] = NA
    return row


@st.composite
def cases(draw, min_units=1, max_units=6):
    fw = draw(frameworks())
    n = draw(st.integers(min_units, max_units))
    return fw, {f"U{i:02d}": draw(unit_values(fw)) for i in range(n)}
