"""The commendation's wording and layout: a person's title, a collective's parent unit, the
link labels by form, the national motto on one line in the DOCX, and PDF pages that never
split a row of the list nor the signature from the last article."""

import datetime
import io

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from parindex.awards import documents, services
from parindex.awards.models import Award, Decision, Nomination
from parindex.history.models import Change

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- Ông or Bà


def test_a_person_is_addressed_by_the_recorded_title(officer, campaign, district):
    services.nominate(officer, campaign, unit=district, kind="individual",
                      name="Trần Thị Bình", position="Chuyên viên", achievement="x",
                      honorific="Bà")
    with pytest.raises(ValidationError) as error:
        services.nominate(officer, campaign, unit=district, kind="individual",
                          name="Lê Văn C", position="Chuyên viên", achievement="x",
                          honorific="<b>Ngài</b>")
    assert "Choose Ông, Bà" in str(error.value.message_dict["honorific"])
    assert Nomination.objects.count() == 1
    # A collective has no title, whatever is sent.
    collective = services.nominate(officer, campaign, unit=district, kind="collective",
                                   name="Phòng Tư pháp", achievement="x", honorific="Ông")
    assert collective.honorific == ""


def test_certificates_say_ong_ba_or_ong_ba_when_unknown(demo_campaign):
    women = Award.objects.get(name="Trần Thị Thu Hà")
    man = Award.objects.get(name="Rơ Mah Thuấn")
    assert (women.honorific, man.honorific) == ("Bà", "Ông")
    assert "Bà: Trần Thị Thu Hà" in flat(pdf_text(documents.certificates_pdf(demo_campaign,
                                                                              [women])))
    assert "Ông: Rơ Mah Thuấn" in flat(pdf_text(documents.certificates_pdf(demo_campaign, [man])))
    man.honorific = ""  # recorded before titles were: unknown
    assert "Ông (Bà): Rơ Mah Thuấn" in flat(
        pdf_text(documents.certificates_pdf(demo_campaign, [man])))


def test_a_collectives_certificate_and_annex_carry_its_parent_unit(demo_campaign):
    award = Award.objects.get(name="Phòng Nội vụ")
    assert award.work_unit == "UBND huyện Ia Grai"
    text = flat(pdf_text(documents.certificates_pdf(demo_campaign, [award])))
    assert "Tập thể: Phòng Nội vụ UBND huyện Ia Grai" in text


def test_a_registered_collective_prints_its_units_parent(officer, campaign, district):
    office = district.children.create(code="IAGRAI-TP", name="Phòng Tư pháp",
                                      group=district.group)
    nomination = services.nominate(officer, campaign, unit=district, kind="collective",
                                   name="Phòng Tư pháp", achievement="x")
    assert nomination.recipient_unit == office
    assert nomination.printed_name == "Phòng Tư pháp, UBND huyện Ia Grai"
    # A name that already says where it belongs is not repeated.
    nomination.name = "Phòng Tư pháp UBND huyện Ia Grai"
    assert nomination.printed_name == "Phòng Tư pháp UBND huyện Ia Grai"


def test_the_nominate_form_records_the_title(client, officer, campaign, district):
    client.force_login(officer)
    url = reverse("awards:nominate", args=[campaign.code])
    data = {"unit": district.pk, "kind": "individual", "name": "Trần Thị Bình",
            "honorific": "Bà", "position": "Chuyên viên", "achievement": "Tốt"}
    assert client.post(url, {**data, "honorific": "Sir"}).status_code == 200
    assert not Nomination.objects.exists() and not Change.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Nomination.objects.get().honorific == "Bà"


# --------------------------------------------------------------------------- link labels


@pytest.mark.parametrize(("form", "english", "vietnamese"), [
    ("bang_khen", "Provincial certificates of merit (PDF)", "Bằng khen (PDF)"),
    ("giay_khen", "Certificates of merit (PDF)", "Giấy khen (PDF)"),
])
def test_the_certificates_link_names_the_form(client, manager, demo_campaign, form, english,
                                              vietnamese):
    demo_campaign.award_form = form
    demo_campaign.save(update_fields=["award_form"])
    client.force_login(manager)
    url = reverse("awards:decision", args=[demo_campaign.code])
    client.cookies["django_language"] = "en"
    assert english in client.get(url).content.decode()
    client.cookies["django_language"] = "vi"
    with translation.override("vi"):
        body = client.get(url).content.decode()
    assert vietnamese in body
    other = "Giấy khen (PDF)" if form == "bang_khen" else "Bằng khen (PDF)"
    assert other not in body
    download = client.get(reverse("awards:certificates_pdf", args=[demo_campaign.code]))
    assert form.replace("_", "-") in download["Content-Disposition"]


# --------------------------------------------------------------------------- DOCX motto


def test_the_docx_motto_fits_on_one_line(demo_campaign):
    """No office suite here to lay it out: the motto's cell must be wider than the motto set in
    the vendored Times-metric bold at its size, in a fixed-layout table, and must not wrap."""
    from PIL import ImageFont

    content = documents.decision_docx(documents.decision_doc(demo_campaign))
    header = Document(io.BytesIO(content)).tables[0]
    assert header._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    cell = header.cell(0, 1)
    motto = cell.paragraphs[1]
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert cell._tc.tcPr.find(qn("w:noWrap")) is not None
    font = finders.find(f"{documents.FONT_DIR}/LiberationSerif-Bold.ttf")
    for paragraph in cell.paragraphs[:2]:
        size = max(run.font.size.pt for run in paragraph.runs if run.font.size)
        width = ImageFont.truetype(str(font), 1000).getlength(paragraph.text) * size / 1000
        cell_margins = 2 * 5.4  # Word's default 0.19 cm each side
        assert width < cell.width.pt - cell_margins, (paragraph.text, width, cell.width.pt)


# --------------------------------------------------------------------------- PDF pages


def decided(campaign, unit, people: int, bases: int = 0) -> Decision:
    Nomination.objects.bulk_create([
        Nomination(
            campaign=campaign, kind="individual", source="unit", unit=unit, status="accepted",
            name=f"Người {i:03d}", identity_key=f"người {i:03d}",
            # Long enough to wrap on three lines in its column.
            position="Công chức Văn phòng - Thống kê phụ trách kiểm soát thủ tục hành chính và "
                     "vận hành Bộ phận tiếp nhận và trả kết quả",
            work_unit=f"UBND xã số {i:03d} huyện Ia Grai tỉnh Gia Lai — hết dòng {i:03d}",
        )
        for i in range(people)
    ])
    return Decision.objects.create(
        campaign=campaign, number="1234/QĐ-UBND", date=datetime.date(2022, 5, 16),
        place="Ia Grai", issuing_body="ỦY BAN NHÂN DÂN\nHUYỆN IA GRAI", signer_title="CHỦ TỊCH",
        signer_name="Lê Ngọc Quý",
        legal_bases="\n".join(
            f"Căn cứ văn bản số {n} của UBND tỉnh về công tác thi đua, khen thưởng và cải cách "
            f"hành chính trên địa bàn tỉnh;" for n in range(1, bases + 1)
        ) or "Căn cứ Luật Thi đua, khen thưởng;",
        recipients="- Như Điều 3;\n- Lưu: VT.",
    )


def pages_text(content: bytes) -> list[str]:
    return [flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages]


def test_a_row_of_the_list_never_splits_across_pages(campaign, district):
    decided(campaign, district, people=60)
    pages = pages_text(documents.decision_pdf(documents.decision_doc(campaign)))
    # The decision on page 1, the 60 three-line rows of the annex on the next pages.
    assert len(pages) == 7
    for i in range(60):
        first, last = f"Người {i:03d}", f"hết dòng {i:03d}"
        holding = [n for n, text in enumerate(pages) if first in text]
        assert len(holding) == 1 and last in pages[holding[0]], (i, holding)
    for text in pages[2:]:  # the header is repeated on every page of the list
        assert "Họ và tên" in text and "Chức vụ, đơn vị công tác" in text


def test_the_signature_stays_with_the_last_article(campaign, district):
    """However long the bases push Article 3 down, the signer is on its page."""
    decided(campaign, district, people=1)
    splits_possible = set()
    for bases in range(8, 20):
        Decision.objects.filter(campaign=campaign).update(legal_bases="\n".join(
            f"Căn cứ văn bản số {n} của UBND tỉnh về công tác thi đua, khen thưởng và cải cách "
            f"hành chính trên địa bàn tỉnh;" for n in range(1, bases + 1)))
        campaign.refresh_from_db()
        pages = pages_text(documents.decision_pdf(documents.decision_doc(campaign)))
        article3 = next(n for n, text in enumerate(pages) if "Điều 3." in text)
        assert "Lê Ngọc Quý" in pages[article3] and "Nơi nhận:" in pages[article3], bases
        splits_possible.add(article3)
    assert splits_possible == {0, 1}  # the block did move to page 2 at some length


def test_a_title_is_corrected_with_the_nomination(officer, campaign, district):
    nomination = services.nominate(officer, campaign, unit=district, kind="individual",
                                   name="Trần Thị Bình", position="Chuyên viên", achievement="x")
    assert nomination.honorific == ""  # unknown: the certificate would say "Ông (Bà)"
    services.update_nomination(nomination, officer, honorific="Bà")
    assert Nomination.objects.get().honorific == "Bà"
    change = Change.objects.filter(action="update").get()
    assert change.diff["honorific"] == ["", "Bà"]
