"""Finding one's way in the sheet (contents, filters, links from every problem to its leaf),
accepting self scores in one step, values refused or warned about in the reader's language,
evidence shown in place."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from parindex.assessments import services
from parindex.assessments.models import Evidence, Score, Sheet
from parindex.history.models import Change
from tests.assessments.cycle import FILLED, build_cycle, fill, fresh, submitted
from tests.assessments.files import PNG, docx_bytes, upload
from tests.assessments.test_sheet_xlsx import as_upload, download, row_of

S = Sheet.State


@pytest.fixture
def cycle(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_cycle()


def url(c, name="assessments:sheet", *extra, unit="H01"):
    return reverse(name, args=[c.round.code, unit, *extra])


def flags(html, c, code):
    """The filters the page gives a leaf."""
    pk = c.framework.nodes.get(code=code).pk
    return re.search(rf'id="flags-{pk}" data-flags="([^"]*)"', html).group(1).split()


def appraised(c):
    return {s.node.code: s for s in Score.objects.filter(
        unit=c.sheet.unit, stage="appraised").select_related("node")}


# --------------------------------------------------------------------------- contents, filters


def test_contents_show_each_field_with_its_progress_and_points(client, cycle):
    fill(cycle, values={code: value for code, value in FILLED.items() if code.startswith("1.")})
    client.force_login(cycle.officer)
    html = client.get(url(cycle)).content.decode()
    toc = html[html.index('id="sheet-toc"'):html.index('id="sheet"')]
    assert toc.index('href="#field-1"') < toc.index('href="#field-2"')
    progress = re.sub(r"\s+", " ", re.search(r'id="toc-progress-1">(.*?)</span>', html, re.S)[1])
    assert "4/4 scored" in progress and "4.25/6.75 pts" in progress
    assert "0/4 scored" in re.search(r'id="toc-progress-2">(.*?)</span>', html, re.S)[1]
    assert 'id="field-2"' in html  # the anchor the contents jump to
    assert re.search(r'id="toc-total" title="4/10 scored">4/10<', html)  # seen when closed


def test_filters_are_computed_for_each_leaf(client, cycle, settings):
    services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1",
                          upload("anh.png", PNG))
    fill(cycle)
    services.save_score(fresh(cycle.officer), cycle.sheet, "2.2", "self", "", "", 1)
    client.force_login(cycle.officer)
    html = client.get(url(cycle)).content.decode()
    assert flags(html, cycle, "1.1") == []
    assert flags(html, cycle, "2.2") == ["needs", "no_evidence", "unscored"]
    assert 'data-filter="unscored"' in html and 'id="filter-count-unscored">1<' in html
    assert 'data-filter="cut"' not in html  # no appraisal yet for the unit

    fill(cycle, values={"2.2": "100%"})
    submitted(cycle)
    services.save_score(fresh(cycle.appraiser), cycle.sheet, "1.2", "appraised", "<80%", "", 0)
    services.request_explanation(fresh(cycle.appraiser), cycle.sheet, "1.2", "Bổ sung")
    client.force_login(cycle.appraiser)
    html = client.get(url(cycle)).content.decode()
    assert flags(html, cycle, "1.2") == ["asked", "cut", "no_evidence"]
    assert flags(html, cycle, "1.1") == ["needs", "unscored"]  # no appraised score yet
    assert 'id="filter-count-cut">1<' in html


def test_saving_refreshes_the_contents_and_the_leafs_filters(client, cycle):
    client.force_login(cycle.officer)
    response = client.post(url(cycle, "assessments:save_score", "1.1", "self"),
                           {"value": "yes", "version": 0})
    html = response.content.decode()
    assert re.search(r'id="toc-progress-1" hx-swap-oob="true">', html)
    assert re.search(r'id="filter-count-unscored" hx-swap-oob="true">9<', html)
    assert re.search(r'id="toc-total" hx-swap-oob="true" title="1/10 scored">1/10<', html)
    pk = cycle.framework.nodes.get(code="1.1").pk
    assert re.search(rf'id="flags-{pk}" data-flags="no_evidence" hidden hx-swap-oob="true"', html)


def test_a_refused_submission_links_every_problem_to_its_leaf(client, cycle):
    fill(cycle, values={"1.1": "yes"}, note="")
    client.force_login(cycle.head)
    response = client.post(url(cycle, "assessments:sheet_action", "submit"))
    confirm = url(cycle, "assessments:sheet_confirm", "submit")
    assert response.status_code == 302 and response.url == confirm
    html = client.get(confirm).content.decode()
    sheet = url(cycle)
    for code in ("1.2", "2.1", "P.1"):
        assert f'href="{sheet}#leaf-{code}"' in html
    assert f'href="{sheet}#leaf-1.1"' in html  # scored but without evidence or note
    assert Sheet.objects.get(pk=cycle.sheet.pk).state == S.DRAFT


def test_explanation_requests_are_listed_first_with_links(client, cycle):
    submitted(cycle)
    request = services.request_explanation(fresh(cycle.appraiser), cycle.sheet, "2.2",
                                           "<b>Bổ sung</b> báo cáo")
    services.send_requests(fresh(cycle.appraiser), cycle.sheet)
    client.force_login(cycle.officer)
    html = client.get(url(cycle)).content.decode()
    listed = html[html.index('id="requests-list"'):html.index('id="sheet"')]
    assert f'href="#request-{request.pk}">2.2</a>' in listed
    assert "&lt;b&gt;Bổ sung&lt;/b&gt;" in listed and "not answered yet" in listed
    assert flags(html, cycle, "2.2") == ["asked", "needs", "no_evidence"]  # to be answered


# --------------------------------------------------------------------------- accept self scores


@pytest.fixture
def appraisal(cycle):
    submitted(cycle)
    services.save_score(fresh(cycle.appraiser), cycle.sheet, "1.2", "appraised", "<80%", "", 0)
    return cycle


def test_accept_self_scores_of_a_field_one_change_per_leaf(appraisal):
    c = appraisal
    before = Change.objects.count()
    assert services.accept_self_scores(fresh(c.appraiser), c.sheet, "1") == 3
    scores = appraised(c)
    assert scores["1.2"].value == "<80%"  # the appraiser's own decision is kept
    for code in ("1.1", "1.3.1", "1.3.2"):
        own = Score.objects.get(unit=c.sheet.unit, node__code=code, stage="self")
        assert (scores[code].value, scores[code].points, scores[code].field_id) == (
            own.value, own.points, own.field_id)
        assert scores[code].updated_by == c.appraiser
    changes = Change.objects.filter(pk__gt=0).order_by("-pk")[:3]
    assert Change.objects.count() == before + 3
    assert {(x.part, x.after.get("appraised"), x.reason) for x in changes} == {
        (code, FILLED[code], "Self score accepted") for code in ("1.1", "1.3.1", "1.3.2")}
    assert not any(code.startswith("2.") for code in appraised(c))
    assert services.accept_self_scores(fresh(c.appraiser), c.sheet) == 6  # the rest
    assert services.accept_self_scores(fresh(c.appraiser), c.sheet) == 0


@pytest.mark.parametrize("who", ["officer", "head", "manager", "field_appraiser", "outsider"])
def test_only_the_sheets_appraiser_accepts_self_scores(appraisal, who):
    c = appraisal
    before = (Score.objects.count(), Change.objects.count())
    with pytest.raises(PermissionDenied):
        services.accept_self_scores(fresh(getattr(c, who)), c.sheet)
    assert (Score.objects.count(), Change.objects.count()) == before


def test_a_field_appraiser_accepts_only_in_the_field_assigned(cycle):
    c = cycle
    submitted(c, c.other_sheet, head=c.other_head)
    before = (Score.objects.count(), Change.objects.count())
    with pytest.raises(ValidationError, match="not a field you appraise"):
        services.accept_self_scores(fresh(c.field_appraiser), c.other_sheet, "2")
    assert (Score.objects.count(), Change.objects.count()) == before
    assert services.accept_self_scores(fresh(c.field_appraiser), c.other_sheet) == 4
    assert set(Score.objects.filter(unit=c.other_sheet.unit, stage="appraised")
               .values_list("node__code", flat=True)) == {"1.1", "1.2", "1.3.1", "1.3.2"}


@pytest.mark.parametrize("step", ["draft", "explanation", "finalised"])
def test_self_scores_are_accepted_only_while_appraising(cycle, step):
    c = cycle
    fill(c)
    if step != "draft":
        submitted(c)
    if step == "explanation":
        services.request_explanation(fresh(c.appraiser), c.sheet, "1.1", "?")
        services.send_requests(fresh(c.appraiser), c.sheet)
    if step == "finalised":
        services.finalise(fresh(c.appraiser), c.sheet)
    before = (Score.objects.count(), Change.objects.count())
    with pytest.raises(PermissionDenied):
        services.accept_self_scores(fresh(c.appraiser), c.sheet)
    assert (Score.objects.count(), Change.objects.count()) == before


def test_accept_from_the_page_after_a_confirmation(client, appraisal):
    c = appraisal
    client.force_login(c.appraiser)
    html = client.get(url(c)).content.decode()
    assert "Accept the self scores of the 9 sub-criteria not yet appraised" in html
    assert "Accept the self scores in this field (3 sub-criteria)" in html
    assert "Accept the self scores in this field (4 sub-criteria)" in html
    confirm = client.get(url(c, "assessments:sheet_confirm", "accept") + "?field=1")
    text = confirm.content.decode()
    assert text.count("<tr><td><a href=") == 3 and 'name="field" value="1"' in text
    response = client.post(url(c, "assessments:sheet_action", "accept"), {"field": "1"},
                           follow=True)
    assert "3 self scores accepted as the appraised scores." in response.content.decode()
    assert len(appraised(c)) == 4
    client.force_login(c.officer)
    assert client.get(url(c, "assessments:sheet_confirm", "accept")).status_code == 404
    client.post(url(c, "assessments:sheet_action", "accept"))
    assert len(appraised(c)) == 4


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize("language,expected", [
    ("vi", "&#x27;abc/15&#x27; không phải là tỷ lệ: ghi tử số/mẫu số, ví dụ 45/50"),
    ("en", "&#x27;abc/15&#x27; is not a ratio: write numerator/denominator, e.g. 45/50"),
])
def test_a_refused_value_reads_in_the_persons_language(client, cycle, settings, language,
                                                       expected):
    settings.LANGUAGE_CODE = language
    client.force_login(cycle.officer)
    with translation.override(language):
        response = client.post(url(cycle, "assessments:save_score", "1.3.1", "self"),
                               {"numerator": "abc", "denominator": "15", "version": 0})
    assert response["X-Parindex-Outcome"] == "error"
    assert expected in response.content.decode()
    assert not Score.objects.exists()


def test_points_above_the_max_in_vietnamese_numbers(client, cycle, settings):
    settings.LANGUAGE_CODE = "vi"
    client.force_login(cycle.officer)
    with translation.override("vi"):
        response = client.post(url(cycle, "assessments:save_score", "2.3.2", "self"),
                               {"value": "2,5", "version": 0})
    assert "2,5 vượt quá điểm tối đa 1,25 của &#x27;2.3.2&#x27;" in response.content.decode()


def test_a_ratio_over_100_percent_is_kept_with_a_warning(client, cycle, settings):
    client.force_login(cycle.officer)
    response = client.post(url(cycle, "assessments:save_score", "1.3.1", "self"),
                           {"numerator": "20", "denominator": "15", "version": 0})
    html = response.content.decode()
    assert response["X-Parindex-Outcome"] == "saved"
    assert "the ratio 20/15 is over 100% (133%): it counts as 100%, the maximum" in html
    assert Score.objects.get().value == "20/15"
    page = client.get(url(cycle)).content.decode()
    assert "is over 100% (133%)" in page  # still said when the page is opened again
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        page = client.get(url(cycle)).content.decode()
    assert "tỷ lệ 20/15 vượt 100% (133%): chỉ tính tối đa 100%" in page
    response = client.post(url(cycle, "assessments:save_score", "1.3.1", "self"),
                           {"numerator": "15", "denominator": "15", "version": 1})
    assert "over 100%" not in response.content.decode()


def test_the_sheet_file_reports_bad_values_in_the_persons_language(client, cycle, settings):
    settings.LANGUAGE_CODE = "vi"
    client.force_login(cycle.officer)
    with translation.override("vi"):
        book = download(client, cycle)
        ws = book.active
        ws.cell(row_of(ws, "1.1"), 5, "có lẽ")
        response = client.post(url(cycle, "assessments:sheet_upload"), {"file": as_upload(book)})
    assert response.status_code == 400
    assert "&#x27;có lẽ&#x27; không phải là có/không" in response.content.decode()
    assert not Score.objects.exists()


# --------------------------------------------------------------------------- evidence in place


def test_pdf_and_image_evidence_is_shown_in_place(client, cycle):
    services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1",
                          upload("anh.png", PNG))
    services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.2",
                          upload("bao-cao.docx", docx_bytes()))
    image, document = Evidence.objects.order_by("pk")
    client.force_login(cycle.officer)
    html = client.get(url(cycle)).content.decode()
    image_url = reverse("assessments:evidence", args=[image.pk])
    assert f'<img src="{image_url}" loading="lazy" alt="anh.png">' in html
    assert f'src="{reverse("assessments:evidence", args=[document.pk])}"' not in html
    response = client.get(image_url)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    download = client.get(reverse("assessments:evidence", args=[document.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    client.force_login(cycle.other_officer)
    assert client.get(image_url).status_code == 404
    # Other pages still refuse to be framed.
    client.force_login(cycle.officer)
    assert "frame-ancestors 'none'" in client.get(url(cycle))["Content-Security-Policy"]


def test_not_applicable_reads_na_as_the_guide_says(client, cycle, settings):
    """Vietnamese pages and the sheet's file write "NA" (the guide's abbreviation), not "KAD"."""
    fill(cycle)
    settings.LANGUAGE_CODE = "vi"
    client.force_login(cycle.officer)
    with translation.override("vi"):
        html = client.get(url(cycle)).content.decode()
        ws = download(client, cycle).active
    assert "KAD" not in html and re.search(r'name="na" value="1"[^>]*> NA</label>', html)
    line = row_of(ws, "2.3.1")  # filled with NA
    assert (ws.cell(line, 5).value, ws.cell(line, 6).value) == ("NA", "NA")
