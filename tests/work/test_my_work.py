""""My work" (Việc của tôi): what waits for each person of the round cast, with its deadline,
linked to where it is done, in a constant number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.assessments import services
from parindex.assessments.models import Round, Sheet
from parindex.awards.models import AwardForm, Campaign
from parindex.awards.services import nominate
from parindex.frameworks.models import Node
from tests import cast
from tests.assessments.cycle import build_cycle, fill, fresh, submitted

URL = reverse("my_work")


@pytest.fixture
def cycle(db):
    return build_cycle()


def page(client, user) -> str:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, section_id: str) -> str:
    """The <section> with this id, or "" when the page has none."""
    found = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def row(html: str, attribute: str, value: str) -> str:
    start = html.index(f'data-{attribute}="{value}"')
    return html[start: html.index("</tr>", start)]


def leaves(c) -> int:
    return Node.objects.filter(framework=c.framework, rule__isnull=False).count()


def test_signing_in_lands_on_my_work_and_strangers_are_sent_to_sign_in(client, cycle):
    assert client.get(URL).url.startswith(reverse("login"))
    response = client.post(reverse("login"),
                           {"username": cycle.officer.username, "password": cast.PASSWORD})
    assert response.status_code == 302 and response.url == URL
    html = client.get(URL).content.decode()
    assert "Việc của tôi" in html and f'href="{URL}"' in html  # in the menu too
    assert client.get(reverse("home")).status_code == 200  # the public ranking stays


def test_the_officer_sees_their_units_sheet_deadline_and_progress(client, cycle):
    html = section(page(client, cycle.officer), "unit-sheets")
    sheet = row(html, "unit", "H01")
    assert 'data-unit="H02"' not in html  # another unit's sheet
    assert "31/01/2030" in sheet  # the self-assessment deadline of a draft
    days = (datetime.date(2030, 1, 31) - timezone.localdate()).days
    assert f"Còn {days} ngày" in sheet
    assert f"0/{leaves(cycle)}" in sheet and "lượt của đơn vị" in sheet
    assert reverse("assessments:sheet", args=[cycle.round.code, "H01"]) in sheet
    fill(cycle)
    sheet = row(section(page(client, cycle.head), "unit-sheets"), "unit", "H01")
    assert f"{leaves(cycle)}/{leaves(cycle)}" in sheet


def test_a_past_deadline_is_counted_in_days_late(client, cycle):
    Round.objects.filter(pk=cycle.round.pk).update(
        self_deadline=timezone.localdate() - datetime.timedelta(days=3))
    sheet = row(section(page(client, cycle.officer), "unit-sheets"), "unit", "H01")
    assert "Trễ 3 ngày" in sheet


def test_explanation_requests_to_answer_and_sheets_to_appraise(client, cycle):
    assert not section(page(client, cycle.appraiser), "to-appraise")  # drafts: nothing yet
    submitted(cycle)
    appraiser_page = section(page(client, cycle.appraiser), "to-appraise")
    assert "1 phiếu chờ tôi thẩm định" in appraiser_page
    assert reverse("assessments:sheet", args=[cycle.round.code, "H01"]) in appraiser_page
    assert not section(page(client, cycle.field_appraiser), "to-appraise")  # H02's field only
    appraiser = fresh(cycle.appraiser)
    code = Node.objects.filter(framework=cycle.framework, rule__isnull=False).first().code
    services.request_explanation(appraiser, Sheet.objects.get(pk=cycle.sheet.pk), code,
                                 "Bổ sung văn bản")
    services.send_requests(fresh(cycle.appraiser), Sheet.objects.get(pk=cycle.sheet.pk))
    sheet = row(section(page(client, cycle.officer), "unit-sheets"), "unit", "H01")
    assert "<strong>1</strong>" in sheet and "01/03/2030" in sheet  # the explanation deadline
    assert not section(page(client, cycle.appraiser), "to-appraise")  # the unit's turn now


def test_the_council_sees_the_round_to_approve_and_the_manager_its_late_units(client, cycle):
    council = section(page(client, cycle.council), "to-approve")
    assert ">0/2<" in row(council, "round", cycle.round.code)
    assert not section(page(client, cycle.officer), "to-approve")
    Round.objects.filter(pk=cycle.round.pk).update(
        self_deadline=timezone.localdate() - datetime.timedelta(days=1))
    submitted(cycle)  # H01 submitted after the deadline, H02 still a draft: both late
    manager = row(section(page(client, cycle.manager), "to-manage"), "round", cycle.round.code)
    assert ">1/2<" in manager and "<strong>2</strong>" in manager
    assert reverse("assessments:progress", args=[cycle.round.code]) + "?status=late" in manager
    assert not section(page(client, cycle.council), "to-manage")


def test_nominations_to_review_for_the_council_and_the_manager(client, cycle):
    campaign = Campaign.objects.create(
        code="snv-2023", name="Khen thưởng CCHC 2023", year=2023, awarder_unit=cycle.organiser,
        awarder_kind=Campaign.Awarder.DEPARTMENT_DIRECTOR, awarder_title="Giám đốc Sở Nội vụ",
        award_form=AwardForm.GIAY_KHEN, title_text="đã có thành tích xuất sắc",
    )
    nominate(fresh(cycle.officer), campaign, unit=cycle.units[0], kind="collective",
             name="UBND huyện 1", achievement="Dẫn đầu khối huyện")
    for person in (cycle.council, cycle.manager):
        review = section(page(client, person), "to-review")
        assert ">1<" in row(review, "campaign", "snv-2023")
        assert reverse("awards:campaign", args=["snv-2023"]) in review
    assert not section(page(client, cycle.officer), "to-review")


@pytest.mark.parametrize("person", ["viewer", "unit_viewer", "outsider"])
def test_nothing_waiting_and_the_published_results(client, cycle, person):
    html = page(client, getattr(cycle, person))
    assert 'id="nothing-waiting"' in html
    assert "Chưa có kết quả nào được công bố." in section(html, "published")
    assert 'id="inbox-summary"' in html


def test_the_unread_count_links_to_the_inbox(client, cycle):
    html = page(client, cycle.officer)  # opening the round told the units' people
    summary = html[html.index('id="inbox-summary"'):]
    assert reverse("notifications:inbox") in summary[:200]
    assert re.search(r"\d+ thông báo chưa đọc", summary[:300])


def test_english_on_request(client, cycle):
    client.cookies["django_language"] = "en"
    html = page(client, cycle.officer)
    assert "My work" in html and "My unit's sheets" in html


QUERIES = 12  # session, user, the menu, the unread count and the page's lists


@pytest.mark.parametrize("units", [2, 9])
def test_constant_queries_whatever_the_number_of_units(
        client, db, units, django_assert_max_num_queries):
    c = build_cycle(units=units)
    for sheet in c.units[:2]:
        submitted(c, Sheet.objects.get(round=c.round, unit=sheet),
                  head=c.head if sheet == c.units[0] else c.other_head)
    Round.objects.filter(pk=c.round.pk).update(
        self_deadline=timezone.localdate() - datetime.timedelta(days=1))
    for user in (c.manager, c.appraiser, c.council, c.officer, cast.administrator()):
        client.force_login(user)
        with django_assert_max_num_queries(QUERIES):
            assert client.get(URL).status_code == 200


def test_a_long_list_is_cut_with_a_link_to_the_rest(client, cycle, monkeypatch):
    from parindex.work import selectors

    monkeypatch.setattr(selectors, "LIMIT", 1)
    submitted(cycle)
    submitted(cycle, cycle.other_sheet, cycle.other_head)
    html = section(page(client, cycle.appraiser), "to-appraise")
    assert "2 phiếu chờ tôi thẩm định" in html and html.count("<tr data-unit=") == 1
    assert f'<a href="{reverse("assessments:index")}">Và 1 mục khác.</a>' in html
