"""The demo's present: the merged province from 1/7/2025, its 2025 index in three groups with
changes from the predecessors' last results, the 2026 round open, and every figure not from a
published source marked illustrative."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from parindex.assessments.models import Round
from parindex.results.selectors import tables
from parindex.units.models import Reorganisation, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())


def test_the_merged_province_and_its_reorganisations(demo):
    assert set(Reorganisation.objects.values_list("code", flat=True)) == {
        "so-2025", "tinh-2025", "xa-2025"}
    province = Unit.objects.get(code="GIALAI2025")
    assert province.valid_from == datetime.date(2025, 7, 1)
    assert sorted(province.predecessors.values_list("code", flat=True)) == ["BINHDINH", "GIALAI"]
    assert Unit.objects.get(code="SNV").ended_by.code == "so-2025"
    assert sorted(Unit.objects.get(code="XIAGRAI").predecessors.values_list("code", flat=True)
                  ) == ["IAKHA", "IASAO", "IAYOK"]


def test_2025_round_ranks_three_groups_in_the_published_order(demo, client):
    round = Round.objects.get(code="gialai-2025")
    assert round.organiser.code == "GIALAI2025" and round.illustrative
    found = tables(round)
    assert [t.group.code for t in found] == ["so", "phuong", "xa"]
    assert all(t.previous_year for t in found)
    communes = {r.unit_code: r for r in found[2].rows}
    assert communes["XIAGRAI"].change_mark == "derived"
    assert communes["XIAGRAI"].previous_units == ["IAKHA", "IASAO", "IAYOK"]
    # The ended units are ranked through their successors, not beside them.
    assert "SNV" not in {r.unit_code for r in found[0].rows}

    html = client.get(reverse("results_overview", args=["gialai-2025"])).content.decode()
    assert 'id="group-comparison"' in html and 'id="illustrative-note"' in html
    annex = client.get(reverse("results_xlsx", args=["gialai-2025"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(annex.streaming_content)
                                             if annex.streaming else annex.content))
    titles = book.sheetnames
    assert titles.index("Sở, ban, ngành") < titles.index("UBND các phường") < titles.index(
        "UBND các xã, đặc khu")
    notes = [row[0] for row in book["UBND các phường"].iter_rows(values_only=True) if row]
    assert any(isinstance(n, str) and n.startswith("Số liệu minh họa") for n in notes)
    pdf = client.get(reverse("results_pdf", args=["gialai-2025"]))
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Số liệu minh họa" in " ".join(text.split())


def test_2026_round_is_open_with_self_assessment_due_in_january_2027(demo):
    round = Round.objects.get(code="gialai-2026")  # the units' round (beside the national one)
    assert round.year == 2026 and round.organiser.code == "GIALAI2025"
    assert round.self_deadline == datetime.date(2027, 1, 15) and round.published_on is None
    groups = set(round.sheets.values_list("framework__unit_group__code", flat=True))
    assert groups == {"so", "phuong", "xa"}
    assert not round.sheets.filter(unit__ended_by__isnull=False).exists()


def test_earlier_rounds_mark_what_is_not_published(demo, client):
    r2021 = Round.objects.get(code="gialai-2021")
    assert r2021.illustrative and "197/QĐ-UBND" in r2021.source
    assert "IAGRAI" in r2021.published_units
    html = client.get(reverse("results_ranking", args=["gialai-2021", "huyen"])).content.decode()
    ia_grai = html[html.index('data-unit="IAGRAI"'):]
    ia_grai = ia_grai[:ia_grai.index("</tr>")]
    assert "badge illustrative" not in ia_grai
    ayun_pa = html[html.index('data-unit="AYUNPA"'):]
    assert "badge illustrative" in ayun_pa[:ayun_pa.index("</tr>")]
