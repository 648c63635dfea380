"""The answer counts that scoring reads stay equal to counting the forms, whatever is done."""

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex.surveys import selectors, services
from parindex.surveys.models import AnswerCount, ImportBatch, RespondentGroup, Response
from parindex.units.models import Unit
from tests.surveys.conftest import exported


def counted_forms(survey):
    """What the counts must be: every counted form of the export (online, paper, imported),
    counted one by one: ({(group, unit, position, option): n}, {(group, unit): forms})."""
    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    expected, forms = {}, {}
    for group in survey.groups.all():
        codes = [q.code for q in selectors.layout(group).questions]
        for form in exported(group):
            if form["status"] != "accepted":
                continue
            unit = unit_ids[form["unit_code"]]
            forms[(group.pk, unit)] = forms.get((group.pk, unit), 0) + 1
            for position, code in enumerate(codes):
                if form[code]:
                    key = (group.pk, unit, position, form[code])
                    expected[key] = expected.get(key, 0) + 1
    return expected, forms


answer = st.sampled_from(["A", "B", "C", "D", "X", ""])
operation = st.one_of(
    st.tuples(st.just("online"), st.sampled_from(["IAGRAI", "PLEIKU"]), answer, answer),
    st.tuples(st.just("paper"), st.sampled_from(["IAGRAI", "PLEIKU"]), answer, answer),
    st.tuples(st.just("import"), st.sampled_from(["IAGRAI", "PLEIKU"]), answer, answer),
    st.tuples(st.just("review"), st.integers(0, 30), st.sampled_from(["accepted", "rejected"]),
              st.just("")),
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, max_size=12))
def test_counts_follow_every_write(citizens, staff, operations):
    services.delete_responses(RespondentGroup.objects.all())
    cache.clear()
    survey = citizens.survey
    for n, (kind, a, b, c) in enumerate(operations):
        if kind == "review":
            responses = list(Response.objects.order_by("pk"))
            if responses:
                services.review(staff, responses[a % len(responses)], b)
            continue
        answers = {"Q1": b or "A", "Q2": c}
        if kind == "online":  # the same answers again from one address are flagged
            services.submit_online(citizens, answers={"Q1": b or "A", "Q2": c or "X"},
                                   unit_code=a, address="10.0.0.1")
        elif kind == "paper":
            services.enter_paper_form(staff, citizens, form_number=str(n), answers=answers,
                                      unit_code=a)
        else:
            services.import_responses(citizens, [["unit_code", "Q1", "Q2"], [a, b, c]])
    expected, forms = counted_forms(survey)
    assert selectors.counts(survey) == expected
    assert {k: n for k, n in selectors.response_counts(survey).items() if n} == forms
    before = selectors.counts(survey)
    services.recount(survey)
    assert selectors.counts(survey) == before


def test_deleting_responses_deletes_their_counts(citizens):
    services.import_responses(citizens, [["unit_code", "Q1"], ["IAGRAI", "A"], ["PLEIKU", "B"]])
    assert AnswerCount.objects.filter(count__gt=0).exists()
    assert services.delete_responses(type(citizens).objects.filter(pk=citizens.pk)) == 2
    assert not AnswerCount.objects.exists() and not ImportBatch.objects.exists()
    assert exported(citizens) == []


def test_tally_counts_ascii_and_other_option_codes_alike():
    from parindex.surveys.services.counts import tally_columns

    expected = {(1, 5, 0, ""): 2, (1, 6, 0, ""): 1, (1, 5, 0, "A"): 2, (1, 6, 0, "Ư"): 1,
                (1, 6, 1, "B"): 1}
    assert tally_columns(1, [5, 6, 5], ["AƯA", ".B."]) == expected
    assert tally_columns(1, [5, 6, 5], ["AXA", ".B."])[(1, 6, 0, "X")] == 1
    assert services.tally(1, [5, 6, 5], ["A.", "ƯB", "A"]) == expected
