"""Staff pages: access, paper entry, scores (formula, samples, query counts), charts, codes, QR."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parindex.surveys import services
from parindex.surveys.models import Response
from parindex.surveys.services.definitions import create_survey
from tests import cast

from .conftest import D, definition, make_units


def add(group, unit, answers, n=1):
    services.import_responses(group, [["unit_code", *[q for q, _ in answers]]] + [
        [unit, *[a for _, a in answers]] for _ in range(n)])


@pytest.mark.parametrize("name", ["dashboard", "scores", "review", "export_xlsx"])
def test_manager_pages_need_a_staff_user(client, survey, name):
    url = reverse(f"surveys:{name}", args=[survey.round.code])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(cast.outsider())
    assert client.get(url).status_code == 403


def test_paper_entry_records_the_form_number(staff_client, staff, citizens):
    url = reverse("surveys:enter", args=["r2021", "nguoi-dan"])
    page = staff_client.get(url)
    assert page.status_code == 200 and 'name="form_number"' in page.content.decode()
    page = staff_client.post(url, {"form_number": "0001", "unit": "PLEIKU", "Q1": "b",
                                   "Q2": "", "Q3": "2"})
    assert page.status_code == 302 and page["Location"].endswith("?unit=PLEIKU")
    response = Response.objects.get()
    assert (response.form_number, response.answers, response.channel, response.entered_by) == \
        ("0001", "B.2", "paper", staff)
    again = staff_client.post(url, {"form_number": "0001", "unit": "PLEIKU", "Q1": "A"})
    assert again.status_code == 400
    assert "0001" in again.content.decode()
    bad = staff_client.post(url, {"form_number": "0002", "unit": "PLEIKU", "Q1": "E"})
    assert bad.status_code == 400
    assert Response.objects.count() == 1


def test_scores_page_shows_points_margin_samples_and_formula(staff_client, citizens, deputies):
    add(citizens, "IAGRAI", [("Q1", "A"), ("Q2", "B")], n=3)
    add(deputies, "IAGRAI", [("D1", "X")], n=2)  # don't know only: no points for 8.1
    page = staff_client.get(reverse("surveys:scores", args=["r2021"]))
    text = page.content.decode()
    assert "max × mean weight" in text or "tối đa × " in text
    row = text[text.index('id="unit-IAGRAI"'):text.index('id="unit-PLEIKU"')]
    assert "9,60" in row or "9.60" in row  # 12 × (3·1 + 3·0.6)/6
    assert "n = 6" in row
    # N = 1000 at e = 0.05 needs 286 forms; 3 were collected.
    assert "3/286" in row and "⚠" in row


def test_scores_page_queries_do_not_grow_with_units(staff_client, round_,
                                                    django_assert_max_num_queries):
    from parindex.surveys.models import Survey

    codes = [f"U{i:02d}" for i in range(12)]
    make_units(codes)
    create_survey(round_, definition(units=codes))
    survey = Survey.objects.get()
    for group in survey.groups.all():
        for code in codes:
            add(group, code, [(q.code, q.options.first().code) for q in group.questions.all()],
                n=2)
    url = reverse("surveys:scores", args=["r2021"])
    with django_assert_max_num_queries(15):
        page = staff_client.get(url)
    assert page.content.decode().count('id="unit-U') == 12
    with django_assert_max_num_queries(15):
        staff_client.get(reverse("surveys:dashboard", args=["r2021"]))
    with django_assert_max_num_queries(12):
        export = staff_client.get(reverse("surveys:export_csv", args=["r2021", "nguoi-dan"]))
        body = b"".join(export.streaming_content)
    assert len(body.decode("utf-8-sig").splitlines()) == 1 + 24


def test_export_has_a_column_per_question_code(staff_client, citizens, deputies):
    add(citizens, "IAGRAI", [("Q1", "A"), ("Q3", "2")])
    page = staff_client.get(reverse("surveys:export_csv", args=["r2021", "nguoi-dan"]))
    rows = list(csv.reader(io.StringIO(b"".join(page.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    assert header[header.index("Q1"):header.index("Q3") + 1] == ["Q1", "Q2", "Q3"]
    record = dict(zip(header, rows[1], strict=True))
    assert (record["unit_code"], record["Q1"], record["Q2"], record["Q3"]) == \
        ("IAGRAI", "A", "", "2")
    book = load_workbook(io.BytesIO(b"".join(staff_client.get(
        reverse("surveys:export_xlsx", args=["r2021"])).streaming_content)))
    assert book.sheetnames == ["nguoi-dan", "dai-bieu"]
    assert [c.value for c in book["nguoi-dan"][1]][9:12] == ["Q1", "Q2", "Q3"]


def test_unit_page_charts_the_answer_distribution(staff_client, citizens):
    add(citizens, "IAGRAI", [("Q1", "A"), ("Q2", "B")], n=3)
    add(citizens, "IAGRAI", [("Q1", "D"), ("Q2", "B")], n=1)
    page = staff_client.get(reverse("surveys:unit", args=["r2021", "IAGRAI"]))
    text = page.content.decode()
    assert "Rất hài lòng: 75" in text and "Không hài lòng: 25" in text


def test_invitation_codes_and_qr(staff_client, deputies):
    url = reverse("surveys:codes", args=["r2021", "dai-bieu"])
    staff_client.post(url, {"count": "5", "unit": "IAGRAI"})
    assert deputies.invitations.filter(unit__code="IAGRAI").count() == 5
    listing = staff_client.get(url + "?format=csv").content.decode("utf-8-sig")
    assert len(listing.splitlines()) == 6 and "?code=" in listing
    qr = staff_client.get(reverse("surveys:qr", args=["r2021", "nguoi-dan"]) + "?unit=IAGRAI")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_sample_size_helper(staff_client):
    page = staff_client.get(reverse("surveys:sample_size") + "?N=10000&e=0.05",
                            HTTP_HX_REQUEST="true")
    assert "n = 385" in page.content.decode()


def test_survey_points_hook(citizens, deputies):
    from parindex.surveys.selectors import survey_points

    add(citizens, "IAGRAI", [("Q1", "A"), ("Q2", "C")], n=2)
    add(deputies, "PLEIKU", [("D1", "B")])
    assert survey_points(citizens.survey.round) == {
        "IAGRAI": {"8.2": D("7.2")}, "PLEIKU": {"8.1": D("3.6")}}
    from parindex.surveys.selectors import survey_points_by_group

    assert survey_points_by_group(citizens.survey.round) == {
        "huyen": {"IAGRAI": {"8.2": D("7.2")}, "PLEIKU": {"8.1": D("3.6")}}}


def test_xlsx_export_streams_in_write_only_mode_with_flat_memory(staff_client, citizens,
                                                                 deputies):
    import tracemalloc

    rows = 20000
    services.import_responses(citizens, [["unit_code", "form_number", "Q1", "Q2", "Q3"]] + [
        ["IAGRAI" if n % 3 else "PLEIKU", str(n), "ABCDX"[n % 5], "B", "1"]
        for n in range(rows)])
    url = reverse("surveys:export_xlsx", args=["r2021"])
    tracemalloc.start()
    try:
        response = staff_client.get(url)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.streaming and response["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    # A workbook held in memory takes hundreds of bytes a cell (~200 MB here); write-only
    # mode keeps a few rows at a time.
    assert peak < 30 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    body = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(body), read_only=True)
    values = list(book["nguoi-dan"].iter_rows(values_only=True))
    assert len(values) == rows + 1
    record = dict(zip(values[0], values[-1], strict=True))
    assert (record["form_number"], record["Q1"], record["Q3"]) == (str(rows - 1), "X", "1")
    assert len(list(book["dai-bieu"].iter_rows(values_only=True))) == 1
    book.close()
