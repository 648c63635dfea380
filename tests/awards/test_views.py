"""The pages and downloads: access, forms with bad input, htmx review, query counts, exports."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parindex.awards import services
from parindex.awards.models import Award, Nomination
from parindex.collation import sorted_vi
from parindex.history.models import Change as AwardChange

from .conftest import docx_text, pdf_text

pytestmark = pytest.mark.django_db


def add_people(user, campaign, unit, n, start=0):
    for i in range(start, start + n):
        services.nominate(user, campaign, unit=unit, kind="individual", name=f"Người {i}",
                          position="Chuyên viên", work_unit="Phòng Nội vụ", achievement="x")


def test_campaign_page_queries_do_not_grow_with_nominations(
    client, manager, officer, campaign, district, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("awards:campaign", args=[campaign.code])
    add_people(officer, campaign, district, 3)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    add_people(officer, campaign, district, 30, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-status="pending"') == 33


def test_outsider_gets_not_found_and_officer_cannot_review(
    client, outsider, officer, campaign, district
):
    add_people(officer, campaign, district, 1)
    nomination = Nomination.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("awards:campaign", args=[campaign.code])).status_code == 404
    client.force_login(officer)
    url = reverse("awards:review", args=[campaign.code, nomination.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 403
    assert Nomination.objects.get().status == "pending"
    assert client.get(reverse("awards:campaign_edit", args=[campaign.code])).status_code == 403


def test_anonymous_is_sent_to_log_in(client, campaign):
    response = client.get(reverse("awards:register"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nominate_form_and_the_duplicate_error(client, officer, campaign, district):
    client.force_login(officer)
    url = reverse("awards:nominate", args=[campaign.code])
    assert client.get(url).status_code == 200
    data = {"unit": district.pk, "kind": "individual", "name": "Trần Thị Bình",
            "position": "Chuyên viên", "work_unit": "Phòng Tư pháp", "achievement": "Tốt"}
    response = client.post(url, data)
    assert response.status_code == 302
    before = (Nomination.objects.count(), AwardChange.objects.count())
    response = client.post(url, {**data, "name": "trần thị  bình"})
    assert response.status_code == 200
    assert "Trần Thị Bình is already in this campaign" in response.content.decode()
    assert (Nomination.objects.count(), AwardChange.objects.count()) == before


def test_nominate_for_another_unit_is_not_offered(client, officer, campaign, districts):
    client.force_login(officer)
    url = reverse("awards:nominate", args=[campaign.code])
    client.cookies["django_language"] = "en"  # English by choice (the browser's is ignored)
    response = client.post(url, {"unit": districts["PLEIKU"].pk, "kind": "individual",
                                 "name": "X", "position": "Y", "achievement": "Z"})
    assert response.status_code == 200 and not Nomination.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_htmx_review_swaps_the_row(client, council, officer, campaign, district):
    add_people(officer, campaign, district, 1)
    nomination = Nomination.objects.get()
    client.force_login(council)
    url = reverse("awards:review", args=[campaign.code, nomination.pk])
    response = client.post(url, {"decision": "reject", "reason": ""}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.startswith("<tr") and "Give the reason for rejecting." in body
    assert Nomination.objects.get().status == "pending"
    response = client.post(url, {"decision": "accept"}, HTTP_HX_REQUEST="true")
    assert 'data-status="accepted"' in response.content.decode()
    assert response["HX-Trigger"] == "counts-changed"
    counts = client.get(reverse("awards:counts", args=[campaign.code])).content.decode()
    assert "1 individual" in counts


def test_rules_page_reports_every_bad_rule(client, province_manager, province_campaign, group):
    client.force_login(province_manager)
    url = reverse("awards:rules", args=[province_campaign.code])
    assert client.get(url).status_code == 200
    data = {"rules-TOTAL_FORMS": "2", "rules-INITIAL_FORMS": "0",
            "rules-0-kind": "top", "rules-0-unit_group": group.pk, "rules-0-top": "",
            "rules-1-kind": "band", "rules-1-band": ""}
    response = client.post(url, data)
    body = response.content.decode()
    assert "rule 1: a &#x27;top&#x27; rule needs N" in body and "rule 2:" in body
    data["rules-0-top"] = "2"
    data["rules-1-band"] = "tot"
    assert client.post(url, data).status_code == 302
    response = client.post(reverse("awards:propose", args=[province_campaign.code]), follow=True)
    body = response.content.decode()
    assert "3 collective(s) proposed from the results." in body
    assert "Rank 1 of 5 in UBND cấp huyện" in body and "78.30" in body


def test_decision_page_pdf_docx_and_certificates(client, manager, demo_campaign):
    client.force_login(manager)
    client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    page = client.get(reverse("awards:decision", args=[demo_campaign.code]))
    body = page.content.decode()
    assert "8 collectives" in body and "23 individuals" in body
    assert "Decision No. 1234/QĐ-UBND of 16/05/2022" in body
    pdf = client.get(reverse("awards:decision_pdf", args=[demo_campaign.code]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "8 tập thể và 23 cá nhân" in pdf_text(pdf.content)
    docx = client.get(reverse("awards:decision_docx", args=[demo_campaign.code]))
    assert "8 tập thể và 23 cá nhân" in docx_text(docx.content)
    certs = client.get(reverse("awards:certificates_pdf", args=[demo_campaign.code]))
    assert "Rơ Mah Thuấn" in pdf_text(certs.content)
    award = Award.objects.get(name="Siu H'Yên")
    one = client.get(reverse("awards:certificate_pdf", args=[award.pk]))
    assert "Siu H'Yên" in pdf_text(one.content)


def test_register_search_and_exports(client, outsider, demo_campaign,
                                     django_assert_max_num_queries):
    client.force_login(outsider)
    url = reverse("awards:register")
    with django_assert_max_num_queries(9):
        response = client.get(url, {"year": 2021})
    assert "31 awards" in response.content.decode()
    body = client.get(url, {"q": "ngọc"}).content.decode()
    assert "Nguyễn Thị Bích Ngọc" in body and "Đỗ Thị Ngọc Ánh" in body
    assert "Nguyễn Văn Hùng" not in body
    body = client.get(url, {"q": "đặng duyên"}).content.decode()  # capital Đ: Unicode folding
    assert "Đặng Thị Mỹ Duyên" in body and "1 award\n" in body
    assert "Đặng Thị Mỹ Duyên" in client.get(url, {"q": "ĐẶNG"}).content.decode()
    body = client.get(url, {"unit": "Ia Dêr"}).content.decode()
    assert "3 awards" in body  # the commune, and two of its people
    assert "0 awards" in client.get(url, {"award_form": "bang_khen"}).content.decode()
    assert "8 awards" in client.get(url, {"kind": "collective"}).content.decode()
    with django_assert_max_num_queries(4):
        xlsx = client.get(url, {"export": "xlsx", "year": 2021})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][5] == "Tên tập thể, cá nhân" and len(rows) == 32
    assert ("Rơ Mah Thuấn" in {r[5] for r in rows})
    text = client.get(url, {"export": "csv", "kind": "individual"}).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == 24 and table[1][1] == "1234/QĐ-UBND"


def test_person_and_unit_history(client, outsider, demo_campaign, district):
    client.force_login(outsider)
    award = Award.objects.get(name="Phan Thanh Sơn")
    response = client.get(reverse("awards:person"), {"key": award.identity_key})
    assert "Phan Thanh Sơn" in response.content.decode()
    assert "1234/QĐ-UBND" in response.content.decode()
    assert client.get(reverse("awards:person"), {"key": "i|nobody|"}).status_code == 404
    body = client.get(reverse("awards:unit", args=[district.code])).content.decode()
    assert "UBND xã Ia Sao" in body and "Puih Hiếu" in body


def test_campaign_create_and_edit_pages(client, manager, district):
    client.force_login(manager)
    url = reverse("awards:campaign_create")
    data = {"code": "iagrai-2024", "name": "CCHC 2024", "year": 2024,
            "awarder_unit": district.pk, "awarder_kind": "district_chairman",
            "awarder_title": "Chủ tịch UBND huyện Ia Grai", "award_form": "bang_khen",
            "title_text": "đã có thành tích xuất sắc"}
    response = client.post(url, data)
    assert response.status_code == 200 and "gives a" in response.content.decode()
    data["award_form"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    edit = reverse("awards:campaign_edit", args=["iagrai-2024"])
    response = client.post(edit, {**data, "name": "CCHC năm 2024"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert AwardChange.objects.filter(action="update").get().diff["name"] == [
        "CCHC 2024", "CCHC năm 2024"]


def test_history_page(client, manager, demo_campaign):
    client.force_login(manager)
    response = client.get(reverse("awards:history", args=[demo_campaign.code]))
    assert response.status_code == 200 and "issue" in response.content.decode()


def test_decision_page_queries_are_constant(client, manager, demo_campaign,
                                            django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("awards:decision", args=[demo_campaign.code])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("awards:campaign", args=[demo_campaign.code])).status_code == 200


def test_rules_offer_the_rounds_bands(client, province_manager, province_campaign):
    client.force_login(province_manager)
    body = client.get(reverse("awards:rules", args=[province_campaign.code])).content.decode()
    assert '<option value="tot">Tốt</option>' in body


def test_award_typed_in_the_admin_is_recorded(admin_client, district):
    response = admin_client.post(reverse("admin:awards_award_add"), {
        "sequence": 1, "kind": "individual", "name": "Nguyễn Văn Cũ", "position": "Chuyên viên",
        "work_unit": "Phòng Nội vụ", "award_form": "giay_khen", "awarder_title": "Chủ tịch",
        "title_text": "đã có thành tích năm 2019", "year": 2019, "decision_number": "12/QĐ-UBND",
        "decision_date": "2020-01-15",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    award = Award.objects.get()
    assert award.identity_key == "i|nguyễn văn cũ|phòng nội vụ"
    assert AwardChange.objects.get(object_type__model="award").action == "create"


def test_campaign_list_queries_do_not_grow_with_campaigns(
    client, officer, district, django_assert_max_num_queries
):
    from parindex.awards.models import Campaign

    def add(n, start=0):
        for i in range(start, start + n):
            Campaign.objects.create(
                code=f"c{i}", name=f"Đợt {i}", year=2020 + i % 5, awarder_unit=district,
                awarder_kind="district_chairman", awarder_title="Chủ tịch",
                award_form="giay_khen", title_text="x",
            )

    client.force_login(officer)
    add(2)
    with django_assert_max_num_queries(7) as few:
        client.get(reverse("awards:campaigns"))
    add(20, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("awards:campaigns")).content.decode()
    assert body.count('href="/awards/c') == 22


def test_no_certificate_for_an_award_recorded_by_hand(admin_client, district):
    import datetime

    award = Award.objects.create(kind="individual", name="A", award_form="giay_khen",
                                 awarder_title="x", title_text="x", year=2019,
                                 decision_number="1", decision_date=datetime.date(2019, 1, 1))
    assert admin_client.get(reverse("awards:certificate_pdf", args=[award.pk])).status_code == 404


# --------------------------------------------------------------------------- edit and withdraw


def test_campaign_page_offers_edit_and_withdraw_on_own_pending_rows_only(
    client, officer, other_officer, council, campaign, district, districts,
    django_assert_max_num_queries,
):
    add_people(officer, campaign, district, 2)
    add_people(other_officer, campaign, districts["PLEIKU"], 1, start=2)
    first = Nomination.objects.order_by("pk").first()
    services.review(council, first, accept=True)
    client.force_login(officer)
    url = reverse("awards:campaign", args=[campaign.code])
    with django_assert_max_num_queries(12) as few:
        body = client.get(url).content.decode()
    assert body.count(">Edit</a>") == 1 and body.count(">Withdraw</button>") == 1
    add_people(officer, campaign, district, 30, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count(">Edit</a>") == 31 and body.count(">Withdraw</button>") == 31
    client.force_login(council)  # reviews, but neither edits nor withdraws
    body = client.get(url).content.decode()
    assert ">Edit</a>" not in body and ">Withdraw</button>" not in body


def test_edit_page_saves_and_reports_a_duplicate(client, officer, campaign, district):
    add_people(officer, campaign, district, 2)
    first, second = Nomination.objects.order_by("pk")
    client.force_login(officer)
    url = reverse("awards:nomination_edit", args=[campaign.code, second.pk])
    response = client.get(url)
    assert response.status_code == 200 and 'value="Người 1"' in response.content.decode()
    data = {"name": "Người 0", "position": "Chuyên viên", "work_unit": "Phòng Nội vụ",
            "achievement": "x", "reason": ""}
    before = AwardChange.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Người 0 is already in this campaign" in response.content.decode()
    assert AwardChange.objects.count() == before
    response = client.post(url, {**data, "name": "Người Hai", "reason": "Sai tên"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("awards:campaign", args=[campaign.code])
    assert "The nomination of Người Hai was saved." in response.content.decode()
    change = AwardChange.objects.get(action="update")
    assert change.diff == {"name": ["Người 1", "Người Hai"]} and change.reason == "Sai tên"


def test_edit_and_withdraw_not_found_or_forbidden(
    client, officer, other_officer, outsider, council, campaign, district
):
    add_people(officer, campaign, district, 1)
    n = Nomination.objects.get()
    edit = reverse("awards:nomination_edit", args=[campaign.code, n.pk])
    withdraw = reverse("awards:nomination_withdraw", args=[campaign.code, n.pk])
    for user in (other_officer, outsider):  # may not see it: not found, as a missing one
        client.force_login(user)
        assert client.get(edit).status_code == 404
        assert client.post(edit, {"name": "X"}).status_code == 404
        assert client.post(withdraw, {"reason": "x"}).status_code == 404
    missing = reverse("awards:nomination_withdraw", args=[campaign.code, n.pk + 100])
    client.force_login(officer)
    assert client.post(missing, {"reason": "x"}).status_code == 404
    assert client.get(withdraw).status_code == 405
    client.force_login(council)  # sees it, may not change it
    assert client.get(edit).status_code == 403
    assert client.post(withdraw, {"reason": "x"}).status_code == 403
    n.refresh_from_db()
    assert (n.name, n.status) == ("Người 0", "pending")
    assert not AwardChange.objects.exclude(action="create").exists()


def test_csrf_is_required_to_withdraw(officer, campaign, district):
    from django.test import Client

    add_people(officer, campaign, district, 1)
    n = Nomination.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    url = reverse("awards:nomination_withdraw", args=[campaign.code, n.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert Nomination.objects.get().status == "pending"


def test_htmx_withdraw_swaps_the_row(client, officer, campaign, district):
    add_people(officer, campaign, district, 1)
    n = Nomination.objects.get()
    client.force_login(officer)
    url = reverse("awards:nomination_withdraw", args=[campaign.code, n.pk])
    response = client.post(url, {"reason": " "}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.startswith("<tr") and "Give the reason for withdrawing." in body
    assert ">Withdraw</button>" in body and Nomination.objects.get().status == "pending"
    response = client.post(url, {"reason": "Nộp nhầm"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-status="withdrawn"' in body and "Nộp nhầm" in body
    assert ">Withdraw</button>" not in body and ">Edit</a>" not in body
    assert response["HX-Trigger"] == "counts-changed"
    counts = client.get(reverse("awards:counts", args=[campaign.code])).content.decode()
    assert "1 withdrawn" in counts


def test_plain_withdraw_after_review_says_why(client, officer, council, campaign, district):
    add_people(officer, campaign, district, 1)
    n = Nomination.objects.get()
    services.review(council, n, accept=True)
    client.force_login(officer)
    url = reverse("awards:nomination_withdraw", args=[campaign.code, n.pk])
    response = client.post(url, {"reason": "x"}, follow=True)
    assert "no longer awaiting review" in response.content.decode()
    assert Nomination.objects.get().status == "accepted"
    edit = reverse("awards:nomination_edit", args=[campaign.code, n.pk])
    response = client.get(edit, follow=True)
    assert response.redirect_chain and "no longer awaiting review" in response.content.decode()
    add_people(officer, campaign, district, 1, start=1)
    services.withdraw_nomination(Nomination.objects.get(name="Người 1"), officer, "Nhầm")
    client.force_login(council)  # a withdrawn nomination is not offered for review
    body = client.get(reverse("awards:campaign", args=[campaign.code])).content.decode()
    assert 'data-status="withdrawn"' in body and 'value="accept"' not in body


def test_counts_show_only_the_nominations_a_person_may_see(
    client, manager, officer, other_officer, campaign, districts
):
    """An officer of Pleiku sees Pleiku's nominations counted, not Ia Grai's (a leak before)."""
    add_people(officer, campaign, districts["IAGRAI"], 3)
    add_people(other_officer, campaign, districts["PLEIKU"], 1, start=10)
    url = reverse("awards:counts", args=[campaign.code])
    client.force_login(other_officer)
    assert "1 awaiting review" in client.get(url).content.decode()
    page = client.get(reverse("awards:campaign", args=[campaign.code])).content.decode()
    assert "1 awaiting review" in page and "4 awaiting review" not in page
    client.force_login(manager)
    assert "4 awaiting review" in client.get(url).content.decode()


def test_nominate_form_lists_each_unit_once_in_vietnamese_order(client, manager, campaign,
                                                                  group, province):
    """A merged unit's predecessor bears its name: only the one in force at the deadline (or
    at the end of the campaign's year) is offered, and the names follow Vietnamese order."""
    import datetime
    import re

    from parindex.units.models import Unit

    old = Unit.objects.create(code="STC", name="Sở Tài chính", group=group, parent=province,
                              valid_to=datetime.date(2025, 2, 28))
    new = Unit.objects.create(code="STC2025", name="Sở Tài chính", group=group,
                              parent=province, valid_from=datetime.date(2025, 3, 1))
    Unit.objects.create(code="T-DUCCO", name="Đức Cơ", group=group, parent=province)
    Unit.objects.create(code="T-DAKDOA", name="Đak Đoa", group=group, parent=province)
    client.force_login(manager)
    url = reverse("awards:nominate", args=[campaign.code])

    def offered():
        html = client.get(url).content.decode()
        select = html[html.index('name="unit"'):]
        select = select[:select.index("</select>")]
        return [(int(pk), name) for pk, name
                in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', select)]

    names = [name for _, name in offered()]
    assert names.count("Sở Tài chính") == 1
    assert names.index("Đak Đoa") < names.index("Đức Cơ")
    assert names == sorted_vi(names) and (old.pk, old.name) in offered()
    campaign.deadline = datetime.date(2025, 4, 30)
    campaign.save()
    assert [pk for pk, name in offered() if name == "Sở Tài chính"] == [new.pk]
