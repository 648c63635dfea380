"""The home page publishes the top of each unit group's ranking, with a link to the full one,
in Vietnamese first, English on request."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from parindex.assessments.models import Round


@pytest.fixture
def demo(db):
    call_command("demo", stdout=open("/dev/null", "w"))


def rows(html: str, unit_code: str) -> str:
    start = html.index(f'data-unit="{unit_code}"')
    return html[start : html.index("</tr>", start)]


def test_latest_round_ranking_in_vietnamese(client, demo):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Kết quả Chỉ số cải cách hành chính" in html
    # The merged province's 2025 index (the demo's present): Sở Tư pháp first of the departments
    # with 90.80, Vietnamese decimal comma; the groups in the order the province publishes them.
    tu_phap = rows(html, "STP")
    assert "90,80" in tu_phap and ">1<" in tu_phap
    assert html.index('id="group-so"') < html.index('id="group-phuong"') < html.index(
        'id="group-xa"')
    assert 'id="illustrative-note"' in html


def test_2021_ranking_shows_the_published_numbers(client, demo):
    round_2021 = Round.objects.get(year=2021)
    html = client.get(reverse("home"), {"round": round_2021.code}).content.decode()
    assert "197/QĐ-UBND" in html
    ia_grai = rows(html, "IAGRAI")
    for published in ["78,30", "10,26", "2,38", "7,93", "4,97", "11,54", "26,72"]:
        assert published in ia_grai
    assert "76,96" in rows(html, "PLEIKU")
    assert "76,40" in rows(html, "KONGCHRO")
    assert "95,44" in rows(html, "STTTT") and ">1<" in rows(html, "STTTT")
    assert 'data-unit="CHUPRONG"' not in html  # 17th of 17: on the full ranking only
    assert html.count("<tr data-unit=") == 20  # the top 10 of each of the two groups
    full = reverse("results_ranking", args=[round_2021.code, "huyen"])
    assert f'href="{full}"' in html and "Xem toàn bộ bảng xếp hạng (17 đơn vị)" in html
    full_html = client.get(full).content.decode()
    assert ">17<" in rows(full_html, "CHUPRONG") and "71,47" in rows(full_html, "CHUPRONG")
    so = client.get(reverse("results_ranking", args=[round_2021.code, "so"])).content.decode()
    assert "72,48" in rows(so, "SYT") and ">20<" in rows(so, "SYT")


def test_english_on_request(client, demo):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in html
    assert "Administrative Reform Index results" in html
    assert "90.80" in rows(html, "STP")


def test_unpublished_round_is_not_shown(client, demo):
    Round.objects.update(published_on=None)
    response = client.get(reverse("home"))
    assert "Chưa có kết quả nào được công bố" in response.content.decode()
    assert client.get(reverse("home"), {"round": "gialai-2021"}).status_code == 404


def test_query_count_does_not_grow_with_units(client, demo, django_assert_max_num_queries):
    # Two published rounds, 37 units and ~100 criteria each: still a handful of queries.
    with django_assert_max_num_queries(20):
        client.get(reverse("home"), {"round": "gialai-2021"})


def test_header_offers_only_the_areas_the_policy_allows(client, demo):
    users = get_user_model().objects
    client.force_login(users.get(username="snv.quanly"))  # the 2023 round's manager
    html = client.get(reverse("home")).content.decode()
    assert reverse("results_manage_index") in html and reverse("surveys:index") in html
    client.force_login(users.get(username="pleiku.canbo"))  # a unit officer
    html = client.get(reverse("home")).content.decode()
    assert reverse("results_manage_index") not in html and reverse("surveys:index") not in html
    assert reverse("assessments:index") in html
