"""Appraisal, explanation and approval through the pages, as the people who do them."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments import services
from parindex.assessments.models import ExplanationRequest, Score, Sheet
from tests.assessments.cycle import build_cycle, fresh, submitted

S = Sheet.State


@pytest.fixture
def cycle(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = build_cycle()
    submitted(c)
    return c


def url(c, name, *extra, unit="H01"):
    return reverse(name, args=[c.round.code, unit, *extra])


def state(c):
    return Sheet.objects.get(pk=c.sheet.pk).state


def test_queue_lists_only_assigned_submitted_sheets(client, cycle):
    client.force_login(cycle.appraiser)
    html = client.get(reverse("assessments:queue", args=[cycle.round.code])).content.decode()
    assert "UBND huyện 1" in html and "UBND huyện 2" not in html  # H02 is still a draft
    client.force_login(cycle.field_appraiser)
    html = client.get(reverse("assessments:queue", args=[cycle.round.code])).content.decode()
    assert "UBND huyện 1" not in html


def test_appraiser_sees_self_score_guide_and_evidence_side_by_side(client, cycle):
    client.force_login(cycle.appraiser)
    html = client.get(url(cycle, "assessments:sheet")).content.decode()
    assert "Có kế hoạch trước 31/12" in html
    assert 'hx-post="/assessments/r2023/units/H01/score/1.1/appraised/"' in html
    assert "/score/1.1/self/" not in html  # the self score is read-only for the appraiser
    assert "Request an explanation" in html or "Yêu cầu giải trình" in html


def test_cut_request_explain_finalise_approve(client, cycle):
    c = cycle
    client.force_login(c.appraiser)
    response = client.post(url(c, "assessments:save_score", "1.2", "appraised"),
                           {"value": "<80%", "note": "Chưa đạt", "version": 0})
    assert response["X-Parindex-Outcome"] == "saved"
    client.post(url(c, "assessments:request", "1.2"), {"question": "Bổ sung báo cáo"})
    client.post(url(c, "assessments:sheet_action", "send"))
    assert state(c) == S.EXPLANATION

    client.force_login(c.officer)
    html = client.get(url(c, "assessments:sheet")).content.decode()
    assert "Bổ sung báo cáo" in html and "Chưa đạt" in html
    request = ExplanationRequest.objects.get()
    client.post(url(c, "assessments:answer", request.pk),
                {"answer": "Báo cáo số 7/BC", "version": request.version})
    client.force_login(c.head)
    client.post(url(c, "assessments:sheet_action", "submit"))
    assert state(c) == S.EXPLAINED

    client.force_login(c.appraiser)
    client.post(url(c, "assessments:save_score", "1.2", "appraised"),
                {"value": "<80%", "note": "Giải trình chưa đủ căn cứ", "version": 1})
    client.post(url(c, "assessments:sheet_action", "finalise"))
    assert state(c) == S.FINALISED

    compare = client.get(url(c, "assessments:sheet_compare")).content.decode()
    assert "Giải trình chưa đủ căn cứ" in compare and "Báo cáo số 7/BC" in compare

    # Approval waits for H02; the council sees the refusal.
    client.force_login(c.council)
    response = client.post(reverse("assessments:approve", args=[c.round.code]), follow=True)
    assert "H02" in response.content.decode()
    submitted(c, c.other_sheet, head=c.other_head)
    services.finalise(fresh(c.appraiser), c.other_sheet)
    client.post(reverse("assessments:approve", args=[c.round.code]))
    assert set(Sheet.objects.values_list("state", flat=True)) == {S.APPROVED}
    assert Score.objects.get(unit__code="H01", node__code="1.2", stage="appraised").value == (
        "<80%"
    )

    rows = client.get(reverse("assessments:round_compare", args=[c.round.code])).content.decode()
    assert "1.2" in rows  # where H01 lost points


def test_round_history_exports_every_change(client, cycle):
    client.force_login(cycle.manager)
    response = client.get(reverse("assessments:round_history", args=[cycle.round.code]))
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) > 10
    assert ("r2023-head1", "H01", None, "state", "draft", "submitted") in {
        (r[1], r[2], r[3], r[5], r[6], r[7]) for r in rows
    }
    client.force_login(cycle.officer)
    assert client.get(
        reverse("assessments:round_history", args=[cycle.round.code])
    ).status_code == 404


def test_progress_board_counts_and_exports(client, cycle):
    client.force_login(cycle.manager)
    html = client.get(reverse("assessments:progress", args=[cycle.round.code])).content.decode()
    assert 'id="count-submitted">1<' in html and 'id="count-not-started">1<' in html
    response = client.get(reverse("assessments:progress", args=[cycle.round.code]),
                          {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["H01", "H02"]
    assert rows[1][5] == "r2023-head1"
    client.force_login(cycle.officer)
    assert client.get(reverse("assessments:progress", args=[cycle.round.code])).status_code == 404


def test_open_a_round_from_the_page(client, cycle):
    client.force_login(cycle.manager)
    response = client.post(reverse("assessments:round_new"), {
        "kind": "assessment", "code": "r2024", "name": "Kỳ 2024", "year": 2023, "organiser": cycle.organiser.pk,
        "frameworks": [cycle.framework.pk], "self_deadline": "2030-01-31",
    })
    assert response.status_code == 302
    assert Sheet.objects.filter(round__code="r2024").count() == 2
    client.force_login(cycle.officer)
    assert client.get(reverse("assessments:round_new")).status_code == 404


def test_open_a_round_over_chosen_units(client, cycle):
    client.force_login(cycle.manager)
    client.post(reverse("assessments:round_new"), {
        "kind": "assessment", "code": "r2024b", "name": "Kỳ 2024", "year": 2023, "organiser": cycle.organiser.pk,
        "frameworks": [cycle.framework.pk], "units": [cycle.units[1].pk],
    })
    assert list(Sheet.objects.filter(round__code="r2024b").values_list("unit__code", flat=True)) \
        == ["H02"]
