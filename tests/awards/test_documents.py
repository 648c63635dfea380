"""The printed documents: the text a reader sees, diacritics included, read back from the files."""

import datetime
import io

import pytest
from pypdf import PdfReader

from parindex.awards import documents
from parindex.awards.models import Award, Campaign, Nomination
from parindex.demo.awards import COLLECTIVES, INDIVIDUALS, load_demo_campaign
from tests import cast

from .conftest import docx_text, pdf_text

pytestmark = pytest.mark.django_db


def test_dates_in_the_administrative_style():
    assert documents.long_date(datetime.date(2022, 5, 16)) == "ngày 16 tháng 5 năm 2022"
    assert documents.long_date(datetime.date(2022, 2, 5)) == "ngày 05 tháng 02 năm 2022"
    assert documents.long_date(datetime.date(2022, 12, 1)) == "ngày 01 tháng 12 năm 2022"
    assert documents.short_date(datetime.date(2022, 4, 15)) == "15/04/2022"


def test_decision_pdf(demo_campaign):
    content = documents.decision_pdf(documents.decision_doc(demo_campaign))
    text = pdf_text(content)
    for expected in [
        "ỦY BAN NHÂN DÂN", "HUYỆN IA GRAI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Số: 1234/QĐ-UBND", "Ia Grai, ngày 16 tháng 5 năm 2022",
        "QUYẾT ĐỊNH", "Về việc tặng Giấy khen", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN IA GRAI",
        "Căn cứ Luật Thi đua, Khen thưởng",
        "Tặng Giấy khen cho 8 tập thể và 23 cá nhân (có danh sách kèm theo) đã có thành tích "
        "xuất sắc trong công tác cải cách hành chính năm 2021.",
        "Nơi nhận:", "Lê Ngọc Quý",
        "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG GIẤY KHEN",
        "(Kèm theo Quyết định số 1234/QĐ-UBND ngày 16/05/2022 của Chủ tịch Ủy ban nhân dân "
        "huyện Ia Grai)",
        "I. TẬP THỂ (8)", "II. CÁ NHÂN (23)", "UBND xã Ia Dêr", "Rơ Mah Thuấn",
        "Đặng Thị Mỹ", "Tổng cộng: 8 tập thể và 23 cá nhân.",
    ]:
        assert expected in " ".join(text.split()), expected
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        for font in [font.get_object()]
    }
    # Only the vendored serif, embedded (subset names carry a "+"): no fallback system font.
    assert fonts and all("+PI-Serif" in name for name in fonts), fonts


def test_decision_docx(demo_campaign):
    text = docx_text(documents.decision_docx(documents.decision_doc(demo_campaign)))
    assert "Số: 1234/QĐ-UBND" in text
    assert "Tặng Giấy khen cho 8 tập thể và 23 cá nhân" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN IA GRAI" in text
    assert "Lê Ngọc Quý" in text
    for name, parent, _achievement in COLLECTIVES:
        assert f"{name}, {parent}" in text  # a collective with its parent unit
    for name, position, work_unit in INDIVIDUALS:
        assert name in text and f"{position}, {work_unit}" in text


def test_certificates_one_landscape_page_each_with_names_and_decision(demo_campaign):
    awards = list(Award.objects.filter(campaign=demo_campaign).order_by("kind", "sequence"))
    content = documents.certificates_pdf(demo_campaign, awards)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 31
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    for page, award in zip(reader.pages, awards, strict=True):
        text = " ".join(page.extract_text().split())
        assert award.name in text
        assert "GIẤY KHEN" in text and "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN IA GRAI" in text
        assert "Đã có thành tích xuất sắc trong công tác cải cách hành chính năm 2021" in text
        assert "Quyết định số 1234/QĐ-UBND ngày 16/05/2022" in text
        assert "Ia Grai, ngày 16 tháng 5 năm 2022" in text
        if award.kind == "individual":
            assert award.position in text


def test_one_certificate(demo_campaign):
    award = Award.objects.get(name="Rơ Mah Thuấn")
    text = pdf_text(documents.certificates_pdf(demo_campaign, [award]))
    assert "Rơ Mah Thuấn" in text and "Chủ tịch UBND xã, UBND xã Ia Dêr" in text


def test_bang_khen_prints_its_own_form(demo_campaign):
    demo_campaign.award_form = "bang_khen"
    doc = documents.decision_doc(demo_campaign)
    assert doc.article1.startswith("Tặng Bằng khen cho 8 tập thể và 23 cá nhân")


@pytest.mark.parametrize(
    ("typed", "article3"),
    [
        # The demo's wording: the usual ending is added.
        ("Chánh Văn phòng UBND huyện, Thủ trưởng các cơ quan, đơn vị có liên quan",
         "Chánh Văn phòng UBND huyện, Thủ trưởng các cơ quan, đơn vị có liên quan và các tập "
         "thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."),
        # The usual wording typed up to "Điều 1": not repeated.
        ("Chánh Văn phòng UBND huyện, Thủ trưởng các cơ quan, đơn vị có liên quan và các tập "
         "thể, cá nhân có tên tại Điều 1.",
         "Chánh Văn phòng UBND huyện, Thủ trưởng các cơ quan, đơn vị có liên quan và các tập "
         "thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."),
        # The whole sentence typed, on two lines: nothing added but the closing mark.
        ("Chánh Văn phòng UBND huyện, Trưởng phòng Nội vụ và các tập thể, cá nhân có tên\n"
         "tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
         "Chánh Văn phòng UBND huyện, Trưởng phòng Nội vụ và các tập thể, cá nhân có tên "
         "tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."),
        ("", "Thủ trưởng các cơ quan, đơn vị liên quan và các tập thể, cá nhân có tên tại "
             "Điều 1 chịu trách nhiệm thi hành Quyết định này./."),
    ],
)
def test_article3_does_not_repeat_the_usual_wording(demo_campaign, typed, article3):
    decision = demo_campaign.decision
    decision.executors = typed
    doc = documents.decision_doc(demo_campaign)
    assert doc.article3 == article3
    assert doc.article3.count("có tên tại Điều 1") == 1
    text = " ".join(docx_text(documents.decision_docx(doc)).split())
    assert text.count("có tên tại Điều 1") == 1 and article3 in text


def test_demo_campaign_is_the_reported_one(demo_campaign):
    c = Campaign.objects.get(code="iagrai-cchc-2021")
    assert c.awarder_title == "Chủ tịch Ủy ban nhân dân huyện Ia Grai"
    assert c.award_form == "giay_khen" and c.state == "decided"
    accepted = Nomination.objects.filter(campaign=c, status="accepted")
    assert accepted.filter(kind="collective").count() == 8
    assert accepted.filter(kind="individual").count() == 23
    assert Award.objects.filter(campaign=c).count() == 31
    assert c.decision.number == "1234/QĐ-UBND"
    assert datetime.date(2022, 3, 1) <= c.decision.date <= datetime.date(2022, 5, 31)
    assert load_demo_campaign(cast.administrator()) == c  # loading twice changes nothing
    assert Award.objects.filter(campaign=c).count() == 31
