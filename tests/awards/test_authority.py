"""The awarding authority: who may give which form on the decision's date, and what the
decision prints (heading, number series, signer, the legal bases then in force)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parindex.awards import documents, services
from parindex.awards.models import (
    Award,
    AwardingAuthority,
    AwardingPower,
    Campaign,
    Decision,
    LegalBasis,
    Nomination,
)
from parindex.history.models import Change
from parindex.units.models import Unit

from .conftest import docx_text, pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date
LAW_2003 = "Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003"
LAW_2022 = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
DECREE_91 = "Nghị định số 91/2017/NĐ-CP"
DECREE_98 = "Nghị định số 98/2023/NĐ-CP"
DECREE_129 = "Nghị định số 129/2025/NĐ-CP"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def commune(district):
    return Unit.objects.create(code="IADER", name="UBND xã Ia Dêr", group=district.group,
                               parent=district)


def make_authority(unit, level, **fields):
    defaults = {
        "province": dict(title="Chủ tịch Ủy ban nhân dân tỉnh Gia Lai",
                         issuing_body="ỦY BAN NHÂN DÂN\nTỈNH GIA LAI", proposer="Giám đốc Sở Nội vụ"),
        "department": dict(title="Giám đốc Sở Nội vụ tỉnh Gia Lai",
                           parent_heading="UBND TỈNH GIA LAI", issuing_body="SỞ NỘI VỤ",
                           signer_title="GIÁM ĐỐC", number_series="QĐ-SNV"),
        "district": dict(title="Chủ tịch Ủy ban nhân dân huyện Ia Grai",
                         issuing_body="ỦY BAN NHÂN DÂN\nHUYỆN IA GRAI"),
        "commune": dict(title="Chủ tịch Ủy ban nhân dân xã Ia Dêr",
                        issuing_body="ỦY BAN NHÂN DÂN\nXÃ IA DÊR"),
    }[level]
    values = {"signer_title": "CHỦ TỊCH", "number_series": "QĐ-UBND", **defaults, **fields}
    return AwardingAuthority.objects.create(code=f"{level}-{unit.code}".lower(), unit=unit,
                                            level=level, **values)


def new_campaign(user, unit, authority, form="", code="c"):
    return services.create_campaign(user, {
        "code": code, "name": "Khen thưởng CCHC", "year": 2025, "awarder_unit": unit,
        "authority": authority, "award_form": form,
        "title_text": "đã có thành tích xuất sắc trong công tác cải cách hành chính",
    })


def accept_one(campaign, unit, name="Nguyễn Văn An", **fields):
    return Nomination.objects.create(
        campaign=campaign, kind=fields.pop("kind", "individual"), source="unit", unit=unit,
        name=name, position=fields.pop("position", "Chuyên viên"), status="accepted",
        identity_key=name, **fields,
    )


DECISION = {"number": "12", "place": "Pleiku", "signer_name": "Trương Hải Long",
            "executors": "Chánh Văn phòng UBND tỉnh"}


# --------------------------------------------------------------------------- the law by date


def test_the_seeded_law_by_date():
    assert LegalBasis.cited("province", D(2023, 6, 1))[1].startswith(LAW_2003)
    assert not AwardingPower.grants("commune", "giay_khen", D(2025, 6, 30))
    assert AwardingPower.grants("commune", "giay_khen", D(2025, 7, 1))
    assert AwardingPower.grants("district", "giay_khen", D(2025, 6, 30))
    assert not AwardingPower.grants("district", "giay_khen", D(2025, 7, 1))
    assert not AwardingPower.grants("province", "giay_khen")
    assert AwardingPower.grants("province", "bang_khen", D(2023, 6, 1))


def test_the_campaign_takes_its_awarder_from_the_authority(province_manager, province):
    authority = make_authority(province, "province")
    campaign = new_campaign(province_manager, province, authority)
    assert campaign.award_form == "bang_khen"
    assert campaign.awarder_kind == "province_chairman"
    assert campaign.awarder_title == "Chủ tịch Ủy ban nhân dân tỉnh Gia Lai"


def test_a_form_the_authority_never_gives_is_refused(province_manager, province):
    authority = make_authority(province, "province")
    with pytest.raises(ValidationError) as error:
        new_campaign(province_manager, province, authority, form="giay_khen")
    assert "does not give a Certificate of merit (giấy khen)" in str(
        error.value.message_dict["award_form"])
    assert not Campaign.objects.exists() and not Change.objects.exists()


def test_an_authority_of_another_unit_is_refused(manager, district, province):
    authority = make_authority(province, "province")
    with pytest.raises(ValidationError) as error:
        new_campaign(manager, district, authority)
    assert "belongs to another unit" in str(error.value.message_dict["authority"])
    assert not Campaign.objects.exists()


def test_a_commune_chairman_gives_giay_khen_only_from_1_july_2025(commune):
    from tests import cast

    manager = cast.round_manager(commune, "cmanager")
    campaign = new_campaign(manager, commune, make_authority(commune, "commune"))
    assert campaign.award_form == "giay_khen"
    accept_one(campaign, commune)
    with pytest.raises(ValidationError) as error:
        services.save_decision(manager, campaign, {**DECISION, "date": D(2025, 6, 30)})
    assert ("On 30/06/2025, Chủ tịch Ủy ban nhân dân xã Ia Dêr may not give a Certificate of "
            "merit (giấy khen)") in str(error.value.message_dict["date"])
    assert not Decision.objects.exists()
    assert not Change.objects.filter(object_type__model="decision").exists()

    decision = services.save_decision(manager, campaign, {**DECISION, "date": D(2025, 8, 1)})
    assert decision.number == "12/QĐ-UBND"  # completed with the authority's series
    text = flat(pdf_text(documents.decision_pdf(documents.decision_doc(campaign))))
    for expected in (LAW_2022, DECREE_98, DECREE_129, "ỦY BAN NHÂN DÂN XÃ IA DÊR",
                     "Số: 12/QĐ-UBND", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ IA DÊR",
                     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"):
        assert expected in text, expected
    assert LAW_2003 not in text and DECREE_91 not in text


def test_a_province_decision_of_2023_cites_the_2003_law(province_manager, province):
    campaign = new_campaign(province_manager, province, make_authority(province, "province"))
    accept_one(campaign, province)
    services.save_decision(province_manager, campaign, {**DECISION, "date": D(2023, 6, 1)})
    text = flat(pdf_text(documents.decision_pdf(documents.decision_doc(campaign))))
    for expected in (LAW_2003, DECREE_91, "ỦY BAN NHÂN DÂN TỈNH GIA LAI", "Số: 12/QĐ-UBND",
                     "Về việc tặng Bằng khen", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI",
                     "Theo đề nghị của Giám đốc Sở Nội vụ.", "Pleiku, ngày 01 tháng 6 năm 2023"):
        assert expected in text, expected
    # The proposing body is not the issuer; the 2022 law and the 2025 decrees are not cited.
    assert "SỞ NỘI VỤ" not in text
    for absent in (LAW_2022, DECREE_98, DECREE_129):
        assert absent not in text
    word = flat(docx_text(documents.decision_docx(documents.decision_doc(campaign))))
    for expected in (LAW_2003, DECREE_91, "ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 12/QĐ-UBND",
                     "Theo đề nghị của Giám đốc Sở Nội vụ.", "CHỦ TỊCH"):
        assert expected in word, expected
    assert LAW_2022 not in word and "SỞ NỘI VỤ" not in word


def test_changing_the_form_after_the_decision_is_checked_on_its_date(manager, district):
    campaign = new_campaign(manager, district, make_authority(district, "district"))
    accept_one(campaign, district)
    services.save_decision(manager, campaign, {**DECISION, "date": D(2024, 12, 20)})
    with pytest.raises(ValidationError) as error:
        services.update_campaign(manager, campaign, {"award_form": "bang_khen"})
    assert "On 20/12/2024" in str(error.value.message_dict["authority"])
    assert Campaign.objects.get().award_form == "giay_khen"


def test_a_department_decision_is_headed_by_its_parent_and_numbered_in_its_series(province):
    from tests import cast

    department = Unit.objects.create(code="SNV", name="Sở Nội vụ", group=province.group,
                                     parent=province)
    manager = cast.round_manager(department, "snv")
    campaign = new_campaign(manager, department, make_authority(department, "department"))
    accept_one(campaign, department)
    with pytest.raises(ValidationError) as error:
        services.save_decision(manager, campaign, {
            **DECISION, "number": "12/QĐ-UBND", "signer_title": "CHỦ TỊCH", "date": D(2025, 8, 1),
        })
    assert "numbered in its series: …/QĐ-SNV" in str(error.value.message_dict["number"])
    assert "signs as GIÁM ĐỐC" in str(error.value.message_dict["signer_title"])
    assert not Decision.objects.exists()
    services.save_decision(manager, campaign, {
        **DECISION, "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "date": D(2025, 8, 1),
    })
    text = pdf_text(documents.decision_pdf(documents.decision_doc(campaign)))
    assert text.index("UBND TỈNH GIA LAI") < text.index("SỞ NỘI VỤ") < text.index("Số: 12/QĐ-SNV")
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text


def test_issuing_checks_the_law_again(manager, district):
    authority = make_authority(district, "district")
    campaign = new_campaign(manager, district, authority)
    accept_one(campaign, district)
    services.save_decision(manager, campaign, {**DECISION, "date": D(2025, 6, 30)})
    # The districts are gone from 1 July 2025: a draft moved past that date is not issued.
    Decision.objects.filter(campaign=campaign).update(date=D(2025, 7, 2))
    with pytest.raises(ValidationError) as error:
        services.issue_decision(manager, campaign)
    assert "On 02/07/2025" in str(error.value)
    assert not Award.objects.exists()
    assert Campaign.objects.get(pk=campaign.pk).is_open
    Decision.objects.filter(campaign=campaign).update(date=D(2025, 6, 30))
    assert len(services.issue_decision(manager, campaign)) == 1


def test_the_law_is_data_the_admin_edits_with_history(admin_client):
    url = reverse("admin:awards_awardingpower_add")
    response = admin_client.post(url, {
        "level": "commune", "award_form": "giay_khen", "valid_from": "2024-01-01",
        "valid_to": "2025-06-30", "source": "Luật Thi đua, khen thưởng 2022",
    })
    assert response.status_code == 302
    assert AwardingPower.grants("commune", "giay_khen", D(2024, 6, 1))
    change = Change.objects.get(object_type__model="awardingpower")
    assert change.action == "create"


# --------------------------------------------------------------------------- the demo


def test_the_demo_decision_uses_the_district_authority(demo_campaign):
    assert demo_campaign.authority.code == "ubnd-iagrai"
    assert demo_campaign.decision.number == "1234/QĐ-UBND"
    text = flat(pdf_text(documents.decision_pdf(documents.decision_doc(demo_campaign))))
    assert LAW_2003 in text and DECREE_91 in text and LAW_2022 not in text
    assert "Căn cứ Quyết định số 197/QĐ-UBND" in text
    assert "Theo đề nghị của Trưởng phòng Nội vụ huyện." in text
    assert "Phòng Nội vụ, UBND huyện Ia Grai" in text
    assert "UBND xã Ia Dêr, huyện Ia Grai" in text


# --------------------------------------------------------------------------- the pages


def test_campaign_and_decision_forms_with_an_authority(client, manager, district, province):
    authority = make_authority(district, "district")
    make_authority(province, "province")  # another unit's: not offered
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    url = reverse("awards:campaign_create")
    page = client.get(url).content.decode()
    assert "Chủ tịch Ủy ban nhân dân huyện Ia Grai" in page
    assert "Chủ tịch Ủy ban nhân dân tỉnh Gia Lai" not in page
    data = {"code": "iagrai-2024", "name": "CCHC 2024", "year": 2024,
            "awarder_unit": district.pk, "authority": authority.pk,
            "title_text": "đã có thành tích xuất sắc"}
    assert client.post(url, data).status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.awarder_kind, campaign.award_form) == ("district_chairman", "giay_khen")
    accept_one(campaign, district)

    edit = reverse("awards:decision_edit", args=[campaign.code])
    form = client.get(edit).content.decode()
    assert 'name="issuing_body"' not in form and "1234/QĐ-UBND" in form
    decision = {"number": "45", "date": "2025-07-15", "place": "Ia Grai",
                "signer_name": "Lê Ngọc Quý", "recipients": "- Lưu: VT."}
    response = client.post(edit, decision)
    assert response.status_code == 200
    assert "On 15/07/2025, Chủ tịch Ủy ban nhân dân huyện Ia Grai may not give" in (
        response.content.decode())
    assert not Decision.objects.exists()
    assert client.post(edit, {**decision, "date": "2024-12-20"}).status_code == 302
    assert Decision.objects.get().number == "45/QĐ-UBND"
    pdf = client.get(reverse("awards:decision_pdf", args=[campaign.code]))
    assert LAW_2022 in flat(pdf_text(pdf.content))


def test_the_department_prepares_the_province_chairmans_bang_khen(client, province):
    """Issue 12: the department that prepares the decision is not the one that issues it."""
    from tests import cast

    department = Unit.objects.create(code="SNV", name="Sở Nội vụ", group=province.group,
                                     parent=province)
    manager = cast.round_manager(department, "snv")
    chairman = make_authority(department, "province")  # run by Sở Nội vụ's managers
    client.force_login(manager)
    assert client.post(reverse("awards:campaign_create"), {
        "code": "gialai-2024", "name": "Bằng khen CCHC 2024", "year": 2024,
        "awarder_unit": department.pk, "authority": chairman.pk,
        "title_text": "đã có thành tích xuất sắc",
    }).status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.award_form == "bang_khen"
    accept_one(campaign, department)
    assert client.post(reverse("awards:decision_edit", args=[campaign.code]), {
        "number": "88", "date": "2025-03-10", "place": "Gia Lai", "signer_name": "Rah Lan Chung",
    }).status_code == 302
    text = pdf_text(client.get(reverse("awards:decision_pdf", args=[campaign.code])).content)
    head = flat(text[:text.index("QUYẾT ĐỊNH")])
    assert head.startswith("ỦY BAN NHÂN DÂN TỈNH GIA LAI Số: 88/QĐ-UBND")
    assert "SỞ NỘI VỤ" not in text
    assert "Theo đề nghị của Giám đốc Sở Nội vụ." in flat(text)
    assert "CHỦ TỊCH Rah Lan Chung" in flat(text[text.index("Nơi nhận"):])
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025" in flat(text)
