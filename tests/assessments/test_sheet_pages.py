"""The sheet pages through the test client: access, autosave outcomes, evidence, query counts."""

import re

import pytest
from django.urls import reverse

from parindex.assessments import services
from parindex.assessments.models import Evidence, Score, Sheet
from parindex.history.models import Change
from tests.assessments.cycle import build_cycle, fill, fresh, submitted
from tests.assessments.files import PDF, pdf, upload

S = Sheet.State


@pytest.fixture
def cycle(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_cycle()


def sheet_url(c, name="assessments:sheet", unit="H01", *extra):
    return reverse(name, args=[c.round.code, unit, *extra])


def save_url(c, code, stage="self", unit="H01"):
    return reverse("assessments:save_score", args=[c.round.code, unit, code, stage])


def login(client, user):
    client.force_login(user)
    return client


def test_officer_sees_the_whole_framework_with_inputs_for_each_rule(client, cycle):
    response = login(client, cycle.officer).get(sheet_url(cycle))
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("1.1", "1.2", "1.3.1", "1.3.2", "2.1", "T.1", "P.1"):
        assert f'id="leaf-{code}"' in html
    assert 'name="numerator"' in html and 'name="denominator"' in html  # the ratio leaves
    assert "80-&lt;100%" in html  # a level label
    assert 'id="totals"' in html
    assert "Có kế hoạch trước 31/12" in html  # the scoring guide


@pytest.mark.parametrize("person", ["other_officer", "other_head", "outsider", "field_appraiser"])
def test_another_units_people_get_not_found_everywhere(client, cycle, person):
    evidence = services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", pdf())
    login(client, getattr(cycle, person))
    for url in (
        sheet_url(cycle), sheet_url(cycle, "assessments:sheet_history"),
        sheet_url(cycle, "assessments:leaf_history", "H01", "1.1"),
        sheet_url(cycle, "assessments:sheet_xlsx"),
        reverse("assessments:evidence", args=[evidence.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(save_url(cycle, "1.1"), {"value": "yes", "version": 0}).status_code == 404
    assert client.post(
        sheet_url(cycle, "assessments:upload_evidence", "H01", "1.1"), {"file": pdf()}
    ).status_code == 404
    assert client.post(reverse("assessments:remove_evidence", args=[evidence.pk])).status_code == 404
    assert client.post(sheet_url(cycle, "assessments:sheet_action", "H01", "submit")
                       ).status_code == 404
    assert not Score.objects.exists()
    assert Evidence.objects.get().removed_at is None


def test_anonymous_is_sent_to_login(client, cycle):
    response = client.get(sheet_url(cycle))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_autosave_saves_and_answers_with_points_version_and_totals(client, cycle, settings):
    settings.LANGUAGE_CODE = "vi"  # the default language, for its number format
    login(client, cycle.officer)
    response = client.post(save_url(cycle, "1.3.1"),
                           {"numerator": "96", "denominator": "100", "note": "", "version": 0},
                           HTTP_HX_REQUEST="true")
    assert response["X-Parindex-Outcome"] == "saved"
    html = response.content.decode()
    assert Score.objects.get(node__code="1.3.1").value == "96/100"
    assert 'value="1"' in html  # the new version
    assert "1,25" in html  # 2.5 × 0.5, from the engine, in Vietnamese number format
    assert re.search(r"<aside id=\"totals\"[^>]*hx-swap-oob=\"true\"", html)


def test_autosave_refuses_a_bad_value_with_the_reason_and_writes_nothing(client, cycle):
    login(client, cycle.officer)
    response = client.post(save_url(cycle, "1.3.2"), {"value": "9", "version": 0})
    assert response["X-Parindex-Outcome"] == "error"
    assert "above the max" in response.content.decode()
    response = client.post(save_url(cycle, "1.3.1"), {"numerator": "9", "version": 0})
    assert response["X-Parindex-Outcome"] == "error"
    assert not Score.objects.exists() and not Change.objects.filter(action="score").exists()


def test_second_concurrent_save_gets_a_clear_message_and_the_current_value(client, cycle):
    services.save_score(fresh(cycle.head), cycle.sheet, "1.1", "self", "no", "Chưa có", 0)
    login(client, cycle.officer)
    response = client.post(save_url(cycle, "1.1"), {"value": "yes", "version": 0})
    html = response.content.decode()
    assert response["X-Parindex-Outcome"] == "conflict"
    assert "r2023-head1" in html and "Chưa có" in html and 'data-version="1"' in html
    assert Score.objects.get().value == "no"


def test_evidence_upload_and_download(client, cycle):
    login(client, cycle.officer)
    response = client.post(sheet_url(cycle, "assessments:upload_evidence", "H01", "1.1"),
                           {"file": pdf("Kế hoạch.pdf")}, HTTP_HX_REQUEST="true")
    assert "Kế hoạch.pdf" in response.content.decode()
    evidence = Evidence.objects.get()
    download = client.get(reverse("assessments:evidence", args=[evidence.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    refused = client.post(sheet_url(cycle, "assessments:upload_evidence", "H01", "1.1"),
                          {"file": upload("x.pdf", b"MZ")}, HTTP_HX_REQUEST="true")
    assert "not an accepted document" in refused.content.decode()
    assert Evidence.objects.count() == 1


def test_submit_and_reopen_pages(client, cycle):
    fill(cycle)
    login(client, cycle.officer)
    client.post(sheet_url(cycle, "assessments:sheet_action", "H01", "submit"))
    assert Sheet.objects.get(pk=cycle.sheet.pk).state == S.DRAFT  # officers do not submit
    login(client, cycle.head)
    response = client.post(sheet_url(cycle, "assessments:sheet_action", "H01", "submit"),
                           follow=True)
    assert Sheet.objects.get(pk=cycle.sheet.pk).state == S.SUBMITTED
    assert 'name="value"' not in response.content.decode()  # locked: no inputs
    login(client, cycle.manager)
    client.post(sheet_url(cycle, "assessments:sheet_action", "H01", "reopen"), {"reason": ""})
    assert Sheet.objects.get(pk=cycle.sheet.pk).state == S.SUBMITTED
    client.post(sheet_url(cycle, "assessments:sheet_action", "H01", "reopen"),
                {"reason": "Sửa 1.2"})
    assert Sheet.objects.get(pk=cycle.sheet.pk).state == S.DRAFT


def test_history_is_shown_per_sub_criterion(client, cycle):
    services.save_score(fresh(cycle.officer), cycle.sheet, "1.1", "self", "yes", "", 0)
    services.save_score(fresh(cycle.head), cycle.sheet, "1.1", "self", "no", "", 1)
    html = login(client, cycle.officer).get(
        sheet_url(cycle, "assessments:leaf_history", "H01", "1.1")
    ).content.decode()
    assert "r2023-officer1" in html and "r2023-head1" in html


@pytest.mark.parametrize("fields", [1, 6])
def test_sheet_page_queries_do_not_grow_with_the_framework(
    client, db, settings, tmp_path, django_assert_max_num_queries, fields
):
    settings.MEDIA_ROOT = tmp_path
    c = build_cycle(fields=fields)
    for leaf in ("1.1", "1.2"):
        services.add_evidence(fresh(c.officer), c.sheet, leaf, pdf())
    submitted(c)
    services.request_explanation(fresh(c.appraiser), c.sheet, "1.1", "?")
    for person in (c.officer, c.appraiser, c.manager):
        login(client, person)
        with django_assert_max_num_queries(14):
            assert client.get(sheet_url(c)).status_code == 200
    login(client, c.appraiser)
    with django_assert_max_num_queries(30):
        client.post(save_url(c, "1.1", "appraised"), {"value": "no", "version": 0})


@pytest.mark.parametrize("units", [2, 12])
def test_round_pages_queries_do_not_grow_with_the_units(
    client, db, django_assert_max_num_queries, units
):
    c = build_cycle(units=units)
    fill(c)
    login(client, c.manager)
    for name in ("assessments:round", "assessments:progress", "assessments:round_compare",
                 "assessments:queue"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name, args=[c.round.code])).status_code == 200
    with django_assert_max_num_queries(10):
        client.get(reverse("assessments:progress", args=[c.round.code]), {"format": "xlsx"})
    with django_assert_max_num_queries(8):
        client.get(reverse("assessments:round_history", args=[c.round.code]))


def test_a_value_in_points_reads_as_published_in_vietnamese(client, cycle, settings):
    """The sheet shows a leaf scored in points (P.1: "0.5") as 0,50 beside its points, as the
    points themselves are shown, never the raw "0.5"."""
    settings.LANGUAGE_CODE = "vi"
    submitted(cycle)
    html = login(client, cycle.appraiser).get(sheet_url(cycle)).content.decode()
    leaf = html[html.index('id="leaf-P.1"'):]
    leaf = leaf[:leaf.index("</article>")]
    value = re.search(r'<span class="value">([^<]*)</span>', leaf).group(1)
    assert value == "0,50", leaf
    assert "0.5" not in leaf


def test_dates_read_day_first_with_slashes_in_vietnamese(client, cycle, settings):
    settings.LANGUAGE_CODE = "vi"
    html = login(client, cycle.officer).get(sheet_url(cycle)).content.decode()
    assert "31/01/2030" in html  # the self-assessment deadline, not Django's 31-01-2030
    assert "31-01-2030" not in html
