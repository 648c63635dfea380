"""The PDF annex and draft decision: the demo's published numbers in the text, the embedded
Vietnamese serif font, A4 pages, a constant number of queries."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from parindex.results import pdf as results_pdf
from parindex.units.models import Unit
from tests import cast

from . import factories as f

pytestmark = pytest.mark.django_db


def pdf(client, name, round_code):
    response = client.get(reverse(name, args=[round_code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def fonts(reader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get(
                "/FontDescriptor"
            )
            if descriptor and descriptor.get_object().get("/FontFile2"):
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def test_annex_pdf_has_the_published_numbers(client, demo):
    reader = pdf(client, "results_pdf", "gialai-2021")
    content = text(reader)
    assert "PHỤ LỤC I" in content and "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021" in content
    assert "197/QĐ-UBND" in content
    for published in [
        "78,30",
        "10,26",
        "2,38",
        "7,93",
        "4,97",
        "11,54",
        "26,72",
        "76,96",
        "76,40",
        "71,47",
        "95,44",
        "72,48",
    ]:
        assert published in content, published
    assert "UBND huyện Ia Grai" in content and "Sở Y tế" in content
    assert "LiberationSerif" in fonts(reader)  # embedded, so the diacritics render anywhere
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert round(max(width, height)) == 842 and round(min(width, height)) == 595  # A4


def test_draft_decision_pdf(client, demo):
    reader = pdf(client, "results_decision_pdf", "gialai-2021")
    content = text(reader)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in content
    assert "Độc lập - Tự do - Hạnh phúc" in content
    assert "QUYẾT ĐỊNH" in content
    assert "Phê duyệt và công bố Chỉ số cải cách hành chính năm 2021" in content
    assert "Số: 197/QĐ-UBND" in content and "ngày 15 tháng 4 năm 2022" in content
    assert "Gia Lai" in content
    assert "UBND huyện Ia Grai (78,30%)" in content  # highest district, in Article 1
    assert "PHỤ LỤC II" in content and "95,44" in content  # the annex follows
    first = reader.pages[0].mediabox
    assert round(first.width) == 595 and round(first.height) == 842  # A4 portrait


def test_pdf_query_count_is_constant(client, django_assert_max_num_queries):
    counts = []
    for n, year in [(3, 2020), (30, 2021)]:
        rnd, group = f.published_round(n, year)
        with django_assert_max_num_queries(10) as ctx:
            reader = pdf(client, "results_decision_pdf", rnd.code)
        assert f"Đơn vị Y{year}-001" in text(reader)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


HOSTILE = '#panic("x") ]*_ $x$ @ref <l> \\ "q" // no comment'


def test_unit_names_are_printed_as_text_never_as_typst_markup(client):
    unit = f.units(1, unit_group=f.group("g3", "Nhóm 3"), prefix="Y2022-")[0]
    Unit.objects.filter(pk=unit.pk).update(name=HOSTILE)
    rnd, _group = f.published_round(3, 2022)
    content = text(pdf(client, "results_decision_pdf", rnd.code))
    assert content.count(HOSTILE) >= 2  # Article 1 and the annex, character for character


def test_ranking_chart_only_for_groups_that_fit_a_page(client, monkeypatch):
    rnd, _group = f.published_round(3, 2020)
    assert "Biểu đồ Chỉ số CCHC năm 2020" in text(pdf(client, "results_pdf", rnd.code))
    monkeypatch.setattr(results_pdf, "CHART_UNITS", 2)
    content = " ".join(text(pdf(client, "results_pdf", rnd.code)).split())
    assert "Biểu đồ Chỉ số CCHC năm 2020" not in content
    assert "lược bỏ khi nhóm có trên 2 đơn vị" in content
    assert "Đơn vị Y2020-003" in content  # the table is whole


def decision_pages(client, groups: int) -> list[str]:
    """The draft decision's pages (text, spaces squeezed) for a round of `groups` unit
    groups: each adds a line to the preamble and to Article 1, moving the page break."""
    from parindex.assessments.models import Round
    from parindex.results import services

    rnd = Round.objects.create(code=f"sig-{groups}", name="Chỉ số CCHC năm 2021", year=2021,
                               published_on=f.PUBLISHED, decision_number="197/QĐ-UBND")
    for i in range(groups):
        group = f.group(f"s{groups}-{i}", f"Nhóm đơn vị số {i + 1} có tên khá dài để xuống dòng")
        fw = f.framework(code=f"sig-{groups}-{i}", year=2021, unit_group=group)
        rnd.frameworks.add(fw)
        for unit in f.units(2, unit_group=group, prefix=f"S{groups}-{i}-"):
            f.scores(rnd, unit, fw, f.GOOD)
    services.compute_round(cast.administrator(), rnd)
    services.publish(cast.administrator(), rnd)
    reader = pdf(client, "results_decision_pdf", rnd.code)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_signature_block_stays_with_the_last_article(client):
    """Issue 12: "Nơi nhận" and the signature were left alone on page 2 of the decision.
    Wherever the page breaks, Article 3 and the signature block share a page."""
    block = ("Điều 3.", "thi hành Quyết định này", "Nơi nhận", "Lưu: VT.", "TM. ỦY BAN NHÂN DÂN")
    for groups in range(1, 7):
        pages = decision_pages(client, groups)
        signed = [page for page in pages if any(part in page for part in block[2:])]
        assert len(signed) == 1, (groups, [page[:80] for page in signed])
        assert all(part in signed[0] for part in block), (groups, signed[0][:200])
        assert "PHỤ LỤC" not in signed[0]  # the annex starts on a page of its own
