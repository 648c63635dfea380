"""The proposal rules are pure: examples, then properties over random rankings."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.awards import rules
from parindex.awards.rules import Candidate, Rule, identity_key, propose


def ranked(group, indexes):
    """Candidates of one group with competition ranks from their indexes."""
    indexes = [Decimal(i) for i in indexes]
    ordered = sorted(indexes, reverse=True)
    out = []
    for i, index in enumerate(indexes):
        rank = ordered.index(index) + 1
        band = "tot" if index >= 80 else "kha" if index >= 70 else "yeu"
        out.append(Candidate(f"{group}{i}", f"Đơn vị {group}{i}", group, rank, index,
                             band, len(indexes)))
    return out


def test_top_n_takes_ties_at_the_boundary():
    cands = ranked("h", ["78.3", "76.96", "76.96", "71.47"])
    chosen = propose([Rule("top", top=2)], cands)
    assert [p.unit_code for p in chosen] == ["h0", "h1", "h2"]
    assert [p.rank for p in chosen] == [1, 2, 2]


def test_rules_are_or_combined_and_each_unit_proposed_once_with_all_rules_met():
    cands = ranked("h", ["85", "78", "60"])
    chosen = propose([Rule("top", top=1), Rule("band", band="tot"),
                      Rule("min_index", min_index=Decimal("75"))], cands)
    assert [(p.unit_code, p.rules) for p in chosen] == [("h0", (0, 1, 2)), ("h1", (2,))]


def test_group_restricts_a_rule():
    cands = ranked("huyen", ["90", "80"]) + ranked("so", ["95", "70"])
    chosen = propose([Rule("top", group="so", top=1)], cands)
    assert [p.unit_code for p in chosen] == ["so0"]


def test_min_index_compares_the_published_two_place_index():
    cand = Candidate("a", "A", "g", 1, Decimal("79.995"), "kha", 1)
    assert propose([Rule("min_index", min_index=Decimal("80"))], [cand])[0].index == Decimal(
        "80.00"
    )


@pytest.mark.parametrize(
    "rule, message",
    [
        (Rule("top"), "needs N"),
        (Rule("top", top=0), "needs N"),
        (Rule("band"), "band's code"),
        (Rule("min_index"), "threshold"),
        (Rule("min_index", min_index=Decimal("101")), "between 0 and 100"),
        (Rule("best"), "unknown rule kind 'best'"),
    ],
)
def test_malformed_rules_are_refused_with_every_problem_named(rule, message):
    with pytest.raises(ValueError, match=message):
        propose([Rule("top", top=1), rule], [])
    assert rules.check([Rule("top", top=1), rule])[0].startswith("rule 2:")


def test_award_form_follows_the_awarder():
    assert rules.award_form_for("province_chairman") == rules.BANG_KHEN
    assert rules.award_form_for("district_chairman") == rules.GIAY_KHEN
    assert rules.award_form_for("department_director") == rules.GIAY_KHEN
    with pytest.raises(ValueError, match="unknown awarder"):
        rules.award_form_for("president")


def test_identity_ignores_case_spacing_and_composition_but_not_diacritics():
    decomposed = "Nguye\u0302\u0303n  Va\u0306n An"  # NFD "Nguyễn Văn An", doubled space
    assert identity_key("individual", decomposed, "Phòng Nội vụ") == identity_key(
        "individual", "nguyễn văn an", " PHÒNG NỘI VỤ "
    )
    assert identity_key("individual", "Nguyễn Văn An", "X") != identity_key(
        "individual", "Nguyễn Văn Ân", "X"
    )
    assert identity_key("individual", "A", "X") != identity_key("individual", "A", "Y")
    assert identity_key("collective", "A") != identity_key("individual", "A")


# --------------------------------------------------------------------------- properties

indexes = st.lists(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False), min_size=0, max_size=25
)
groups = st.dictionaries(st.sampled_from(["huyen", "so", "xa"]), indexes, max_size=3)
a_rule = st.one_of(
    st.builds(Rule, kind=st.just("top"), group=st.sampled_from(["", "huyen", "so"]),
              top=st.integers(1, 30)),
    st.builds(Rule, kind=st.just("band"), group=st.sampled_from(["", "xa"]),
              band=st.sampled_from(["tot", "kha", "yeu"])),
    st.builds(Rule, kind=st.just("min_index"),
              min_index=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)),
)


def all_candidates(data):
    return [c for group, values in data.items() for c in ranked(group, [str(v) for v in values])]


@given(groups, st.integers(1, 30))
def test_top_n_is_exactly_the_units_ranked_n_or_better(data, n):
    cands = all_candidates(data)
    chosen = {(p.group, p.unit_code) for p in propose([Rule("top", top=n)], cands)}
    assert chosen == {(c.group, c.unit_code) for c in cands if c.rank <= n}


@given(groups, st.lists(a_rule, max_size=4))
def test_proposals_are_the_union_of_the_rules_each_unit_once(data, rule_list):
    cands = all_candidates(data)
    chosen = propose(rule_list, cands)
    keys = [(p.group, p.unit_code) for p in chosen]
    assert len(keys) == len(set(keys))
    union = set()
    for rule in rule_list:
        union |= {(p.group, p.unit_code) for p in propose([rule], cands)}
    assert set(keys) == union
    assert propose(rule_list + rule_list, cands) == [
        rules.Proposal(**{**p.__dict__, "rules": p.rules + tuple(n + len(rule_list)
                                                                   for n in p.rules)})
        for p in chosen
    ]
    assert {(p.group, p.unit_code) for p in propose(list(reversed(rule_list)), cands)} == set(keys)


@given(groups, st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
       st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_a_higher_threshold_proposes_a_subset(data, a, b):
    low, high = min(a, b), max(a, b)
    cands = all_candidates(data)
    at_low = {p.unit_code + p.group for p in propose([Rule("min_index", min_index=low)], cands)}
    at_high = {p.unit_code + p.group for p in propose([Rule("min_index", min_index=high)], cands)}
    assert at_high <= at_low
    assert all(p.index >= high for p in propose([Rule("min_index", min_index=high)], cands))


@given(groups)
def test_proposals_come_ordered_by_group_then_rank(data):
    chosen = propose([Rule("top", top=30)], all_candidates(data))
    assert chosen == sorted(chosen, key=lambda p: (p.group, p.rank, p.unit_code))


def test_rules_module_imports_nothing_from_django():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(rules))
    names = [
        alias.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [None])
    ]
    assert not [n for n in names if n and n.split(".")[0] in {"django", "parindex"}]
