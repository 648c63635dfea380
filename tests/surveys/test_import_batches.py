"""Imported files stored as batches of packed forms: to every reader — exports, counts, form
numbers, the questionnaire lock, the dashboard, deletion, recount — an imported form is a form
like any other."""

import gc

import pytest
from django.urls import reverse

from parindex.engine.tables import InputError
from parindex.surveys import selectors, services
from parindex.surveys.definition import DefinitionError
from parindex.surveys.models import AnswerCount, ImportBatch, PackedForms, Response
from parindex.surveys.services import imports
from parindex.surveys.services.definitions import create_survey
from tests.surveys.conftest import definition, exported


def rows(*forms):
    return [["form_number", "unit_code", "Q1", "Q2", "comment"], *[list(f) for f in forms]]


def test_a_file_larger_than_a_pack_comes_back_whole_in_file_order(citizens, monkeypatch):
    monkeypatch.setattr(imports, "PACK_SIZE", 2)
    forms = [(f"F{n}", "IAGRAI" if n % 2 else "PLEIKU", "ABCDX"[n % 5], "", f"c{n}")
             for n in range(5)]
    assert services.import_responses(citizens, rows(*forms)) == 5
    batch = ImportBatch.objects.get()
    assert list(PackedForms.objects.values_list("first", "count")) == [(0, 2), (2, 2), (4, 1)]
    out = exported(citizens)
    assert [(f["form_number"], f["unit_code"], f["Q1"], f["Q2"], f["comment"]) for f in out] \
        == forms
    assert [f["response_id"] for f in out] == [f"import-{batch.pk}-{n}" for n in range(1, 6)]
    assert {(f["channel"], f["status"], f["flag"]) for f in out} == {("import", "accepted", "")}


def test_export_has_every_channel_in_the_order_forms_came_in(staff, citizens):
    services.enter_paper_form(staff, citizens, form_number="P1", answers={"Q1": "A"},
                              unit_code="IAGRAI")
    services.import_responses(citizens, rows(("I1", "PLEIKU", "B", "C", ""),
                                             ("I2", "IAGRAI", "x", "", "")))
    services.enter_paper_form(staff, citizens, form_number="P2", answers={"Q2": "D"},
                              unit_code="PLEIKU")
    out = exported(citizens)
    assert [(f["form_number"], f["channel"], f["Q1"], f["Q2"]) for f in out] == [
        ("P1", "paper", "A", ""), ("I1", "import", "B", "C"), ("I2", "import", "X", ""),
        ("P2", "paper", "", "D")]
    assert all(list(f) == list(out[0]) for f in out)


def test_a_paper_form_cannot_take_a_number_an_import_used(staff, staff_client, citizens):
    services.import_responses(citizens, rows(("77", "IAGRAI", "A", "B", ""),
                                             ("AB1", "IAGRAI", "A", "B", "")))
    with pytest.raises(services.ResponseError) as caught:
        services.enter_paper_form(staff, citizens, form_number="77", answers={"Q1": "A"},
                                  unit_code="IAGRAI")
    assert list(caught.value.errors) == ["form_number"]
    staff_client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    page = staff_client.post(reverse("surveys:enter", args=["r2021", "nguoi-dan"]), {
        "form_number": "77", "unit": "IAGRAI", "Q1": "A"})
    assert page.status_code == 400 and "Form 77 has already been entered." in \
        page.content.decode()
    # Numbers that only look alike (a part of one, another case) are free.
    for number in ("7", "ab1"):
        services.enter_paper_form(staff, citizens, form_number=number, answers={},
                                  unit_code="IAGRAI")
    assert sorted(Response.objects.values_list("form_number", flat=True)) == ["7", "ab1"]


def test_an_import_cannot_take_a_number_an_earlier_import_used(citizens):
    services.import_responses(citizens, rows(("1", "IAGRAI", "A", "B", ""),
                                             ("2", "IAGRAI", "A", "B", "")))
    before = selectors.counts(citizens.survey)
    with pytest.raises(InputError) as caught:
        services.import_responses(citizens, rows(("3", "PLEIKU", "A", "B", ""),
                                                 ("2", "PLEIKU", "A", "B", "")))
    assert [(i.row, i.column) for i in caught.value.errors] == [(3, "form_number")]
    assert ImportBatch.objects.count() == 1 and selectors.counts(citizens.survey) == before


def test_a_number_taken_while_the_file_was_checked_is_refused_under_the_lock(citizens,
                                                                               monkeypatch):
    services.import_responses(citizens, rows(("9", "IAGRAI", "A", "B", "")))
    real = imports.taken_form_numbers
    calls = []

    def first_sees_nothing(group):  # as if the other import committed after the check
        calls.append(group)
        return set() if len(calls) == 1 else real(group)

    monkeypatch.setattr(imports, "taken_form_numbers", first_sees_nothing)
    with pytest.raises(InputError) as caught:
        services.import_responses(citizens, rows(("8", "IAGRAI", "A", "B", ""),
                                                 ("9", "IAGRAI", "A", "B", "")))
    assert [(i.row, i.column) for i in caught.value.errors] == [(3, "form_number")]
    assert len(calls) == 2 and ImportBatch.objects.count() == 1


def test_recount_rebuilds_the_counts_of_imported_forms(staff, citizens):
    services.import_responses(citizens, rows(("1", "IAGRAI", "A", "B", ""),
                                             ("2", "PLEIKU", "C", "", "")))
    services.enter_paper_form(staff, citizens, form_number="3", answers={"Q1": "D"},
                              unit_code="IAGRAI")
    before = selectors.counts(citizens.survey), selectors.response_counts(citizens.survey)
    AnswerCount.objects.all().delete()
    services.recount(citizens.survey)
    assert (selectors.counts(citizens.survey), selectors.response_counts(citizens.survey)) \
        == before
    assert sum(before[1].values()) == 3


def test_dashboard_counts_imported_forms(staff_client, citizens):
    services.import_responses(citizens, rows(("1", "IAGRAI", "A", "B", ""),
                                             ("2", "PLEIKU", "C", "", "")))
    staff_client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    page = staff_client.get(reverse("surveys:dashboard", args=["r2021"]))
    assert "2 responses counted" in page.content.decode()


def test_review_lists_responses_one_by_one_and_says_imported_forms_are_not(staff_client,
                                                                            citizens):
    services.import_responses(citizens, rows(("1", "IAGRAI", "A", "B", "")))
    staff_client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    page = staff_client.get(reverse("surveys:review", args=["r2021"]) + "?status=accepted"
                            ).content.decode()
    assert "Imported forms are counted with their file" in page and "Nothing to review." in page


def test_a_survey_with_only_imported_forms_cannot_be_replaced(citizens):
    services.import_responses(citizens, rows(("1", "IAGRAI", "A", "B", "")))
    with pytest.raises(DefinitionError, match="has responses"):
        create_survey(citizens.survey.round, definition(), replace=True)


@pytest.mark.parametrize("body", ["unit_code,Q1\nIAGRAI,A\n", "unit_code,Q1\nNOWHERE,A\n"])
def test_the_cycle_collector_is_back_on_after_an_import(staff, citizens, tmp_path, body):
    path = tmp_path / "forms.csv"
    path.write_text(body, "utf-8")
    assert gc.isenabled()
    try:
        services.import_file(staff, citizens, path)
    except InputError:
        pass
    assert gc.isenabled()
