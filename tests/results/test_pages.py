"""Ranking, scorecard and overview pages: published numbers, change from last year, sorting
and filtering, constant query counts, and the staff preview of unpublished results."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone, translation

from parindex.assessments.models import Round, Score, Sheet
from parindex.results import services
from parindex.results.models import ResultSnapshot
from parindex.units.models import Role, Unit
from tests import cast

from . import factories as f

pytestmark = pytest.mark.django_db


def row(html: str, unit_code: str) -> str:
    start = html.index(f'data-unit="{unit_code}"')
    return html[start : html.index("</tr>", start)]


def units_in_order(html: str) -> list[str]:
    return re.findall(r'<tr data-unit="([^"]+)"', html)


def test_ranking_page_shows_published_numbers_and_change(client, demo):
    html = client.get(reverse("results_ranking", args=["gialai-2022", "huyen"])).content.decode()
    ia_grai = row(html, "IAGRAI")
    assert "80,94" in ia_grai and ">1<" in ia_grai
    assert "▲ 2,64" in ia_grai  # 78.30 in 2021 → 80.94 in 2022
    assert len(units_in_order(html)) == 17
    assert "<svg" in html and "UBND huyện Ia Grai" in html  # the ranking chart
    html_2021 = client.get(
        reverse("results_ranking", args=["gialai-2021", "huyen"])
    ).content.decode()
    assert "78,30" in row(html_2021, "IAGRAI")
    assert "10,26" in row(html_2021, "IAGRAI") and "2,38" in row(html_2021, "IAGRAI")
    assert "▲" not in html_2021 and "▼" not in html_2021  # no earlier year to compare with


def test_ranking_sorts_and_filters(client, demo):
    url = reverse("results_ranking", args=["gialai-2021", "huyen"])
    ascending = units_in_order(client.get(url, {"sort": "index", "desc": "0"}).content.decode())
    assert ascending[0] == "CHUPRONG" and ascending[-1] == "IAGRAI"
    by_field = units_in_order(client.get(url, {"sort": "3", "desc": "1"}).content.decode())
    assert len(by_field) == 17
    filtered = units_in_order(client.get(url, {"q": "ia "}).content.decode())
    assert set(filtered) == {"IAGRAI", "IAPA"}
    band = units_in_order(client.get(url, {"band": "tot"}).content.decode())
    assert band == []  # no district reached 80 in 2021
    partial = client.get(url, {"q": "grai"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and units_in_order(partial) == ["IAGRAI"]


def test_scorecard_shows_components_losses_and_trend(client, demo):
    html = client.get(
        reverse("results_unit", args=["gialai-2021", "huyen", "IAGRAI"])
    ).content.decode()
    assert "UBND huyện Ia Grai" in html and "78,30" in html
    fields = html[html.index('id="fields"') : html.index("</table>", html.index('id="fields"'))]
    for published in ["10,26", "2,38", "7,93", "4,97", "11,54", "26,72"]:
        assert published in fields
    lost = html[html.index('id="lost"') : html.index("</table>", html.index('id="lost"'))]
    amounts = [Decimal(a.replace(",", ".")) for a in re.findall(r"<strong>([\d,]+)</strong>", lost)]
    assert amounts and amounts == sorted(amounts, reverse=True)
    assert html.count("<svg") == 1  # one year published up to 2021: no trend chart
    survey = fields[fields.index('data-field="8"') :].split("</tr>")[0]
    assert "Điều tra xã hội học" in survey  # issue 12: named once, not "(điều tra xã hội học)"
    assert "(điều tra xã hội học)" not in survey
    html_2022 = client.get(
        reverse("results_unit", args=["gialai-2022", "huyen", "IAGRAI"])
    ).content.decode()
    trend = html_2022[html_2022.index('id="trend"') :]
    assert "78,30" in trend and "80,94" in trend
    assert html_2022.count("<svg") == 2
    assert (
        client.get(reverse("results_unit", args=["gialai-2021", "so", "IAGRAI"])).status_code == 404
    )
    assert (
        client.get(reverse("results_unit", args=["gialai-2021", "huyen", "NOPE"])).status_code
        == 404
    )


def test_overview_distribution_bands_and_gaps(client, demo):
    html = client.get(reverse("results_overview", args=["gialai-2021"])).content.decode()
    assert 'id="group-huyen"' in html and 'id="group-so"' in html
    assert html.count("<svg") == 4  # histogram and field averages per group
    gaps = html[html.index('id="gaps"') :]
    assert len(units_in_order(gaps)) == 10
    assert 'id="versions"' not in html  # no correction: no list of versions


def test_year_over_year_follows_predecessors():
    old = f.units(3)
    f.round_with(3, year=2021, published_on=f.PUBLISHED, unit_list=old)
    merged = f.units(1, prefix="M")[0]
    merged.predecessors.set(old[:2])  # U001 (100.00, 1st) and U002 (65.00, 2nd) merged
    successor = f.units(1, prefix="S")[0]
    successor.predecessors.set([old[2]])  # U003 renamed
    for unit in old:
        unit.valid_to = datetime.date(2021, 12, 31)
        unit.save()
    for unit in (merged, successor):
        unit.valid_from = datetime.date(2022, 1, 1)
        unit.save()
    f.round_with(2, year=2022, published_on=f.PUBLISHED, unit_list=[merged, successor])
    services.publish_demo_rounds(cast.administrator())
    from parindex.assessments.models import Round
    from parindex.results.selectors import tables

    [table] = tables(Round.objects.get(year=2022))
    rows = {r.unit_code: r for r in table.rows}
    assert rows["M001"].previous_index == Decimal("82.50")  # mean of 100.00 and 65.00
    assert rows["M001"].rank_change is None and rows["M001"].previous_units == ["U001", "U002"]
    assert rows["S001"].previous_rank == 3 and rows["S001"].rank_change == 1  # 3rd → 2nd
    assert rows["S001"].index_change == Decimal("65.00") - Decimal("63.64")


@pytest.mark.parametrize("view", ["ranking", "overview", "unit"])
def test_query_count_does_not_grow_with_units(client, django_assert_max_num_queries, view):
    counts = []
    for n, year in [(3, 2020), (40, 2021)]:
        rnd, group = f.published_round(n, year)
        args = {
            "ranking": [rnd.code, group.code],
            "overview": [rnd.code],
            "unit": [rnd.code, group.code, f"Y{year}-001"],
        }[view]
        with django_assert_max_num_queries(17) as ctx:  # the scorecard reads its robustness too
            assert client.get(reverse(f"results_{view}", args=args)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_unpublished_results_never_reach_public_pages(client):
    draft = f.round_with(3, year=2023, code="draft-2023")
    services.compute_round(cast.administrator(), draft)  # computed, not published
    public = [
        reverse("results_overview", args=[draft.code]),
        reverse("results_ranking", args=[draft.code, "huyen"]),
        reverse("results_unit", args=[draft.code, "huyen", "U001"]),
        reverse("results_xlsx", args=[draft.code]),
        reverse("results_pdf", args=[draft.code]),
        reverse("results_decision_pdf", args=[draft.code]),
    ]
    for url in public:
        assert client.get(url).status_code == 404, url
    draft.published_on = f.PUBLISHED  # marked published but results not published: still hidden
    draft.save()
    for url in public:
        assert client.get(url).status_code == 404, url
    assert "draft-2023" not in client.get(reverse("home")).content.decode()


def test_a_newer_draft_does_not_replace_the_published_numbers(client):
    rnd = f.round_with(3, published_on=f.PUBLISHED)
    services.compute_round(cast.administrator(), rnd)
    services.publish(cast.administrator(), rnd)
    Score.objects.filter(round=rnd, unit__code="U002", node__code="1.2", stage="appraised").update(
        value="3"
    )
    services.compute_round(cast.administrator(), rnd)  # draft v2 says 75.00
    html = client.get(reverse("results_ranking", args=[rnd.code, "huyen"])).content.decode()
    assert "<strong>65,00</strong>" in row(html, "U002") and "<strong>75,00</strong>" not in html
    html = client.get(reverse("results_unit", args=[rnd.code, "huyen", "U002"])).content.decode()
    assert 'id="unit-index">65,00' in html


def staff(perms=("view_resultsnapshot", "add_resultsnapshot")) -> User:
    user = cast.staff()
    user.user_permissions.set(Permission.objects.filter(codename__in=perms))
    return user


def test_staff_compute_preview_publish_and_correct(client):
    rnd = f.round_with(3)
    manage = reverse("results_manage", args=[rnd.code])
    preview = reverse("results_preview_ranking", args=[rnd.code, "huyen"])
    assert client.get(preview).status_code == 302  # to the login page
    client.force_login(staff())
    client.post(reverse("results_manage_action", args=[rnd.code, "compute"]))
    assert "65,00" in row(client.get(preview).content.decode(), "U002")
    assert client.get(reverse("results_ranking", args=[rnd.code, "huyen"])).status_code == 404
    client.post(
        reverse("results_manage_action", args=[rnd.code, "publish"]),
        {"decision_number": "12/QĐ-UBND"},
    )
    assert client.get(reverse("results_ranking", args=[rnd.code, "huyen"])).status_code == 200
    response = client.post(
        reverse("results_manage_action", args=[rnd.code, "correct"]), {"reason": ""}, follow=True
    )
    assert "reason" in response.content.decode() or "lý do" in response.content.decode()
    client.post(
        reverse("results_manage_action", args=[rnd.code, "correct"]),
        {"reason": "Sửa lỗi nhập liệu"},
    )
    assert ResultSnapshot.objects.current().get().version == 2
    html = client.get(reverse("results_overview", args=[rnd.code])).content.decode()
    assert "Sửa lỗi nhập liệu" in html
    assert "12/QĐ-UBND" in client.get(manage).content.decode() or True


def test_the_round_manager_publishes_and_an_officer_may_not(client):
    rnd = f.round_with(2)
    organiser = Unit.objects.create(code="SNV", name="Sở Nội vụ", group=f.group("so", "Sở"))
    rnd.organiser = organiser
    rnd.save()
    manager = cast.round_manager(organiser, "snv.quanly")
    officer = cast.person("canbo", Unit.objects.get(code="U001"), Role.Kind.OFFICER)

    client.force_login(officer)
    action = reverse("results_manage_action", args=[rnd.code, "compute"])
    assert client.post(action).status_code == 404  # not theirs: as if it did not exist
    assert client.get(reverse("results_manage", args=[rnd.code])).status_code == 404
    assert not ResultSnapshot.objects.exists()

    client.force_login(manager)
    assert rnd.code in client.get(reverse("results_manage_index")).content.decode()
    client.post(action)
    client.post(reverse("results_manage_action", args=[rnd.code, "publish"]))
    assert ResultSnapshot.objects.filter(published_at__isnull=False).exists()


def test_viewer_without_add_permission_cannot_publish(client):
    rnd = f.round_with(2)
    client.force_login(staff(perms=("view_resultsnapshot",)))
    assert (
        client.post(reverse("results_manage_action", args=[rnd.code, "compute"])).status_code == 403
    )
    assert not ResultSnapshot.objects.exists()


def test_long_rankings_are_paginated(client):
    group = f.group("xa", "Cấp xã")
    fw = f.framework(code="fw-xa", unit_group=group)
    rnd = f.round_with(
        120,
        fw=fw,
        unit_list=f.units(120, unit_group=group, prefix="X"),
        published_on=f.PUBLISHED,
        self_scores=False,
    )
    services.compute_round(cast.administrator(), rnd)
    services.publish(cast.administrator(), rnd)
    url = reverse("results_ranking", args=[rnd.code, "xa"])
    first = units_in_order(client.get(url).content.decode())
    second = units_in_order(client.get(url, {"page": 2}).content.decode())
    assert len(first) == 100 and len(second) == 20 and not set(first) & set(second)


def test_a_superseded_version_stays_readable(client):
    rnd = f.round_with(3, published_on=f.PUBLISHED)
    services.compute_round(cast.administrator(), rnd)
    services.publish(cast.administrator(), rnd)
    Score.objects.filter(round=rnd, unit__code="U002", node__code="1.2", stage="appraised").update(
        value="3"
    )
    services.correct(cast.administrator(), rnd, reason="Sửa điểm 1.2")
    url = reverse("results_ranking", args=[rnd.code, "huyen"])
    assert "<strong>75,00</strong>" in row(client.get(url).content.decode(), "U002")
    old = client.get(url, {"version": 1}).content.decode()
    assert "<strong>65,00</strong>" in row(old, "U002")
    assert "Sửa điểm 1.2" in client.get(url).content.decode()
    overview = client.get(reverse("results_overview", args=[rnd.code])).content.decode()
    assert 'id="versions"' in overview and "Sửa điểm 1.2" in overview


def test_staff_list_of_rounds_shows_the_state_of_their_results(client):
    published = f.round_with(2, published_on=f.PUBLISHED)
    services.compute_round(cast.administrator(), published)
    services.publish(cast.administrator(), published)
    draft = f.round_with(2, year=2022)
    services.compute_round(cast.administrator(), draft)
    f.round_with(2, year=2023)
    url = reverse("results_manage_index")
    assert client.get(url).status_code == 302
    client.force_login(staff())
    html = client.get(url).content.decode()
    assert html.count("<tr data-round=") == 3
    assert reverse("results_manage", args=[draft.code]) in html


def test_an_unapproved_round_with_sheets_is_neither_computed_nor_published(client):
    """Before: the preview ranked every unit at 0,00 and the publish button showed."""
    rnd = f.round_with(2)
    organiser = Unit.objects.create(code="SNV", name="Sở Nội vụ", group=f.group("so", "Sở"))
    rnd.organiser = organiser
    rnd.kind = Round.Kind.ASSESSMENT
    rnd.save()
    Sheet.objects.create(round=rnd, unit=rnd.scores.first().unit, framework=rnd.frameworks.get())
    manager = cast.round_manager(organiser, "snv.quanly")
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages compared in English
    manage = reverse("results_manage", args=[rnd.code])
    with translation.override("en"):
        html = client.get(manage).content.decode()
        assert "The council has not approved this round yet." in html
        assert reverse("results_manage_action", args=[rnd.code, "compute"]) not in html
        assert reverse("results_manage_action", args=[rnd.code, "publish"]) not in html
        for action in ("compute", "publish"):
            page = client.post(reverse("results_manage_action", args=[rnd.code, action]),
                               follow=True)
            assert "its results cannot be computed or published" in page.content.decode()
    assert not ResultSnapshot.objects.exists()

    rnd.approved_at = timezone.now()
    rnd.save(update_fields=["approved_at"])
    html = client.get(manage).content.decode()
    assert reverse("results_manage_action", args=[rnd.code, "compute"]) in html
    client.post(reverse("results_manage_action", args=[rnd.code, "compute"]))
    assert ResultSnapshot.objects.filter(round=rnd).exists()


def test_ranking_sorted_by_unit_follows_vietnamese_order(client):
    """D < Đ < E, ă and â after a, tones after letters — ICU's vi on PostgreSQL, the same key
    registered as a collation on SQLite."""
    names = ["Phú Thiện", "Đak Đoa", "Chư Prông", "Chư Păh", "Ayun Pa", "Đức Cơ", "Ia Grai",
             "Ia Pa"]
    group = f.group("vn", "Cấp huyện")
    unit_list = f.units(len(names), unit_group=group, prefix="V")
    for unit, name in zip(unit_list, names, strict=True):
        unit.name = name
        unit.save()
    rnd = f.round_with(len(names), fw=f.framework(code="fw-vn", unit_group=group),
                       unit_list=unit_list, published_on=f.PUBLISHED, self_scores=False)
    services.compute_round(cast.administrator(), rnd)
    services.publish(cast.administrator(), rnd)
    url = reverse("results_ranking", args=[rnd.code, "vn"])
    code_name = {unit.code: unit.name for unit in unit_list}
    ascending = units_in_order(client.get(url, {"sort": "unit", "desc": "0"}).content.decode())
    descending = units_in_order(client.get(url, {"sort": "unit", "desc": "1"}).content.decode())
    expected = ["Ayun Pa", "Chư Păh", "Chư Prông", "Đak Đoa", "Đức Cơ", "Ia Grai", "Ia Pa",
                "Phú Thiện"]
    assert [code_name[code] for code in ascending] == expected
    assert [code_name[code] for code in descending] == expected[::-1]


def test_demo_round_manager_sees_the_buttons_and_others_the_reason(client, demo):
    """Issue 12: snv.quanly, the demo's round manager, computes and corrects the published
    2022 results; for 2023 (in appraisal) the page says the council has not approved it; the
    council member sees why there is no button."""
    client.force_login(User.objects.get(username="snv.quanly"))
    html = client.get(reverse("results_manage", args=["gialai-2022"])).content.decode()
    assert 'id="compute"' in html and 'id="correct"' in html
    assert 'id="why-no-actions"' not in html
    html = client.get(reverse("results_manage", args=["gialai-2023"])).content.decode()
    assert 'id="not-approved"' in html and "Hội đồng thẩm định chưa phê duyệt" in html
    assert 'id="compute"' not in html
    client.force_login(User.objects.get(username="snv.hoidong"))
    html = client.get(reverse("results_manage", args=["gialai-2022"])).content.decode()
    assert 'id="why-no-actions"' in html and 'id="compute"' not in html
    assert "Chỉ cán bộ quản lý kỳ đánh giá" in html


def test_a_preview_marks_units_without_every_score_not_final(client):
    """Issue 12: a preview showed 0,00 "Yếu" and a rank for a unit not scored yet."""
    rnd = f.round_with(3)
    f.units(4)  # U004: in the group, no score yet
    client.force_login(staff())
    client.post(reverse("results_manage_action", args=[rnd.code, "compute"]))
    html = client.get(reverse("results_preview_ranking", args=[rnd.code, "huyen"])).content
    html = html.decode()
    assert 'id="preview-note"' in html and "Bản xem trước, chưa công bố" in html
    line = row(html, "U004")
    assert 'class="not-final"' in line and "Chưa phải kết quả cuối cùng: 5 tiêu chí" in line
    assert "0,00" not in line and "Yếu" not in line
    assert "not-final" not in row(html, "U002")  # only the bonus left empty: final
    card = client.get(reverse("results_preview_unit", args=[rnd.code, "huyen", "U004"]))
    assert 'id="not-final"' in card.content.decode()
    client.post(reverse("results_manage_action", args=[rnd.code, "publish"]))
    public = client.get(reverse("results_ranking", args=[rnd.code, "huyen"])).content.decode()
    assert "not-final" not in public and "preview-note" not in public  # as published


def test_a_previews_statistics_leave_out_the_units_not_final(client):
    rnd = f.round_with(3)
    f.units(4)  # U004: no score yet
    client.force_login(staff())
    client.post(reverse("results_manage_action", args=[rnd.code, "compute"]))
    html = client.get(reverse("results_preview_overview", args=[rnd.code])).content.decode()
    yeu = html[html.index("band-yeu") :].split("</tr>")[0]
    assert re.search(r">\s*0\s*<", yeu)  # U004 is not counted as "Yếu"
